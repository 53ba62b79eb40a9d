import dataclasses

import pandas as pd
import pytest

from sim.core.errors import UserError
from sim.core.params import Params
from sim.data import datasets
from sim.data import posterior


def test_every_default_is_in_range_and_has_a_basis() -> None:
    for name, spec in Params.specs().items():
        value = getattr(Params(), name)
        assert spec.metadata["low"] <= value <= spec.metadata["high"], name
        assert len(spec.metadata["basis"]) > 20, name


def test_unknown_parameter_is_rejected_with_the_allowed_names() -> None:
    with pytest.raises(UserError, match=r"b_pear: unknown parameter \(allowed: a0, b_div"):
        Params.build({"b_pear": 1.0})


@pytest.mark.parametrize("name, value", [("b_peer", 7.0), ("coup_success", -0.1), ("lead_window_months", 0)])
def test_out_of_range_values_are_rejected(name: str, value: float) -> None:
    with pytest.raises(UserError, match="out of range"):
        Params.build({name: value})


def test_types_are_checked_and_strings_coerced() -> None:
    assert Params.build({"b_peer": "2.5"}).b_peer == 2.5
    assert Params.build({"lead_window_months": "6"}).lead_window_months == 6
    with pytest.raises(UserError, match="expected an integer"):
        Params.build({"lead_window_months": 6.5})
    with pytest.raises(UserError, match="expected a number"):
        Params.build({"b_peer": "high"})
    with pytest.raises(UserError, match="expected a number"):
        Params.build({"b_peer": True})


def test_replace_keeps_other_values() -> None:
    changed = Params().replace({"b_peer": 3.0})
    assert changed.b_peer == 3.0
    assert dataclasses.replace(changed, b_peer=Params().b_peer) == Params()


def test_calibrated_defaults_are_the_shipped_calibration() -> None:
    shipped = pd.read_csv(datasets.data_dir() / "calibration.csv").set_index("parameter")
    assert list(shipped.index) == posterior.shipped().parameters  # the point values and the sample agree
    for name, row in shipped.iterrows():
        spec = Params.specs()[name]
        assert getattr(Params(), name) == row["value"], name
        assert spec.metadata["calibration"]["interval_90"] == [row["q05"], row["q95"]]
        assert row["q05"] <= row["value"] <= row["q95"]
        assert row["window"] in spec.metadata["basis"] and "before calibration" in spec.metadata["basis"]
    assert Params.specs()["b_lead"].metadata["calibration"] is None  # from the literature, not fitted


def test_held_parameters_are_marked_not_fitted_and_kept_apart_from_the_calibration() -> None:
    held = pd.read_csv(datasets.data_dir() / "held.csv").set_index("parameter")
    shipped = pd.read_csv(datasets.data_dir() / "calibration.csv").set_index("parameter")
    assert held.index.intersection(shipped.index).empty  # a parameter is either fitted or held
    for name, row in held.iterrows():
        spec = Params.specs()[name]
        assert getattr(Params(), name) == row["value"], name
        assert spec.metadata["calibration"] is None  # `iccsim show` does not present it as calibrated
        assert spec.metadata["basis"].startswith("not fitted: held at the median") and row["window"] in spec.metadata[
            "basis"]
