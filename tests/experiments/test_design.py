"""Experimental designs and their validation."""

from pathlib import Path

import pytest

from sim.core.errors import UserError
from sim.experiments import design


def test_parse_vary() -> None:
    factor = design.parse_vary("b_peer=1:4:5")
    assert (factor.name, factor.low, factor.high, factor.levels) == ("b_peer", 1.0, 4.0, 5)
    assert design.parse_vary("a0=-9:-7").levels is None


@pytest.mark.parametrize("text, message", [
    ("b_peer", "expected KEY=LOW:HIGH"),
    ("b_peer=1", "expected KEY=LOW:HIGH"),
    ("b_pear=1:2", "unknown parameter"),
    ("b_peer=1:9", "high: 9.0 is out of range"),
    ("b_peer=3:1", "low 3.0 must be below high 1.0"),
    ("b_peer=1:2:1", "at least 2 levels"),
    ("b_peer=a:2", "low: expected a number"),
])
def test_malformed_vary(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        design.parse_vary(text)


def test_grid_crosses_every_level() -> None:
    points = design.build("grid", [design.parse_vary("b_peer=1:3:3"), design.parse_vary("b_lead=2:4:2")], 0, 0)
    assert len(points) == 6 and sorted(set(points["b_peer"])) == [1.0, 2.0, 3.0]
    assert sorted(set(points["b_lead"])) == [2.0, 4.0]


def test_sampled_designs_sizes_bounds_and_seeds() -> None:
    factors = [design.parse_vary("b_peer=1:4"), design.parse_vary("lead_window_months=6:24")]
    lhs = design.build("lhs", factors, 10, 3)
    assert len(lhs) == 10 and lhs["b_peer"].between(1, 4).all()
    assert lhs.equals(design.build("lhs", factors, 10, 3)) and not lhs.equals(design.build("lhs", factors, 10, 4))
    assert len(design.build("sobol", factors, 8, 0)) == 8 * (2 + 2)
    assert len(design.build("morris", factors, 5, 0)) == 5 * (2 + 1)
    values = design.values(lhs)
    assert (values["lead_window_months"] == values["lead_window_months"].round()).all()


def test_design_files(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("b_peer,b_lead\n1.5,3\n2.5,3.5\n")
    assert design.from_file(good).shape == (2, 2)
    cases = {"unknown.csv": ("b_pear\n1\n", "column 'b_pear' is not a parameter"),
             "range.csv": ("b_peer\n1\n99\n", "row 2 b_peer: 99.0 is out of range"),
             "text.csv": ("b_peer\nhigh\n", "row 1 b_peer: expected a number"),
             "empty.csv": ("", "not a readable CSV")}
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(UserError, match=message):
            design.from_file(tmp_path / name)
    with pytest.raises(UserError, match="no such file"):
        design.from_file(tmp_path / "missing.csv")


def test_duplicate_or_missing_factors_are_rejected() -> None:
    with pytest.raises(UserError, match="named twice"):
        design.build("grid", [design.parse_vary("b_peer=1:2"), design.parse_vary("b_peer=2:3")], 0, 0)
    with pytest.raises(UserError, match="at least one parameter"):
        design.build("lhs", [], 4, 0)
