"""Posterior samples: the shipped one and files given with --posterior, checked against the parameters."""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from sim.core.errors import UserError
from sim.core.params import Params
from sim.data import datasets, posterior


def test_the_shipped_sample_holds_the_fitted_parameters_and_their_medians() -> None:
    sample = posterior.shipped()
    assert sample.parameters == list(pd.read_csv(datasets.data_dir() / "calibration.csv")["parameter"])
    content = (datasets.data_dir() / posterior.SHIPPED).read_bytes()
    assert sample.sha256 == hashlib.sha256(content).hexdigest() and sample.source == "shipped"
    shipped = pd.read_csv(datasets.data_dir() / "calibration.csv").set_index("parameter")
    for name in sample.parameters:  # the point values are the sample's medians, to the rounding of the file
        assert sample.draws[name].median() == pytest.approx(shipped.loc[name, "value"], abs=0.05 * abs(
            shipped.loc[name, "q95"] - shipped.loc[name, "q05"]) + 1e-3)
        assert getattr(Params(), name) == shipped.loc[name, "value"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "posterior.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_is_read_with_its_hash(tmp_path: Path) -> None:
    path = _write(tmp_path, "draw,a0,b_peer\n0,-9,1.5\n1,-8,2.5\n")
    sample = posterior.load(path)
    assert sample.draws.to_dict("list") == {"a0": [-9.0, -8.0], "b_peer": [1.5, 2.5]}
    assert sample.describe() == {"source": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                                 "draws": 2, "parameters": ["a0", "b_peer"]}


@pytest.mark.parametrize("text, message", [
    ("a0,b_peer\n-9,1\n", "expected a column 'draw'"),
    ("draw,a0\n1,-9\n", "must number the rows 0, 1, 2"),
    ("draw,a_zero\n0,-9\n", "a_zero: expected parameter names"),
    ("draw,a0\n0,-20\n", r"row 0, a0: -20.0 is out of range \[-12.0, -3.0\]"),
    ("draw,a0\n0,x\n", "row 0, a0: expected a number"),
    ("", "not a CSV table"),
])
def test_bad_files_are_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        posterior.load(_write(tmp_path, text))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read it"):
        posterior.load(tmp_path / "none.csv")
