"""Scenario files: loading, `extends`, and one-line rejection of bad input."""

from pathlib import Path
from typing import Callable

import pytest

from sim.core.errors import UserError
from sim.core.months import parse_month
from sim.model import scenario

Writer = Callable[[str, str], Path]


def test_every_shipped_scenario_loads() -> None:
    names = scenario.available()
    assert "baseline" in names
    for name in names:
        loaded = scenario.load(name)
        assert loaded.description and loaded.end > loaded.start


def test_baseline_window(baseline: scenario.Scenario) -> None:
    assert (baseline.start, baseline.end) == (parse_month("2026-11"), parse_month("2035-12"))


def test_extends_merges_parameters_states_and_events(write_scenario: Writer) -> None:
    write_scenario("parent", """
        description = "parent"
        start = "2026-11"
        end = "2030-12"
        [parameters]
        b_peer = 3.0
        b_exp = 1.0
        [states.NGA]
        junta = true
        [[events]]
        month = "2027-01"
        kind = "sanctions"
        value = 0.5
    """)
    child = write_scenario("child", """
        extends = "parent"
        end = "2032-12"
        [parameters]
        b_exp = 2.0
        [states.NGA]
        exposure = 0.5
        [[events]]
        month = "2028-01"
        kind = "announce"
        states = ["NGA"]
    """)
    loaded = scenario.load(str(child))
    assert loaded.name == "child" and loaded.description == "parent"
    assert loaded.end == parse_month("2032-12") and loaded.start == parse_month("2026-11")
    assert (loaded.params.b_peer, loaded.params.b_exp) == (3.0, 2.0)
    assert loaded.states["NGA"].junta is True and loaded.states["NGA"].exposure == 0.5
    assert [e.kind for e in loaded.events] == ["sanctions", "announce"]
    assert list(loaded.file_hashes) == ["parent.toml", "child.toml"]


@pytest.mark.parametrize("body, message", [
    ('start = "2026-11"\nend = "2030-12"\ncolour = "red"', "colour: unknown key"),
    ('start = "2026-11"\nend = "2030-12"\n[parameters]\nb_pear = 1', "parameters.b_pear: unknown parameter"),
    ('start = "2026-11"\nend = "2030-12"\n[parameters]\nb_peer = 9', r"b_peer: 9.0 is out of range \[0.0, 6.0\]"),
    ('start = "2026-13"\nend = "2030-12"', "start: String should match pattern"),
    ('start = "2026-11"\nend = "2025-12"', "end 2025-12 must be after start 2026-11"),
    ('start = "1990-01"\nend = "2030-12"', "outside the data"),
    ('start = "2026-11"\nend = "2030-12"\n[[events]]\nmonth = "2027-01"\nkind = "sanctions"\nvalue = 2',
     r"events\[0\].value: Input should be less than or equal to 1 \(got 2\)"),
    ('start = "2026-11"\nend = "2030-12"\n[[events]]\nmonth = "2027-01"\nkind = "party"',
     r"events\[0\].kind: unknown event kind 'party' \(allowed: coup, coup_attempt"),
    ('start = "2026-11"\nend = "2030-12"\n[[events]]\nmonth = "2026-11"\nkind = "sanctions"\nvalue = 1',
     r"events\[0\].month: 2026-11 is outside the window; events take effect from the month after start \(2026-12\)"),
    ('start = "2026-11"\nend = "2030-12"\n[[events]]\nmonth = "2031-01"\nkind = "sanctions"\nvalue = 1',
     r"events\[0\].month: 2031-01 is outside the window"),
    ('start = "2026-11"\nend = "2030-12"\n[[events]]\nmonth = "2027-01"\nkind = "patron"\nstates = ["MLI"]',
     r"events\[0\].patron: missing"),
    ('start = "2026-11"\nend = "2030-12"\n[parameters]\nb_peer = "high"',
     r"parameters.b_peer: expected a number in \[0.0, 6.0\], got 'high'"),
    ('name = "a/b"\nstart = "2026-11"\nend = "2030-12"', "name: String should match pattern"),
    ('start = "2026-11"\nend = "2030-12"\n[[events]]\nmonth = "2027-01"\nkind = "announce"',
     "needs at least one of states, groups, blocs"),
    ('start = "2026-11"\nend = "2030-12"\n[[events]]\nmonth = "2027-01"\nkind = "announce"\nstates = ["XXX"]',
     r"events\[0\].states: unknown ISO3 code 'XXX'"),
    ('start = "2026-11"\nend = "2030-12"\n[states.NGA]\nexposure = 3', "states.NGA.exposure: Input should be"),
    ('start = "2026-11"\nend = "2030-12"\nextends = "nowhere"', "extends: no scenario named 'nowhere'"),
    ("start = [", "malformed TOML"),
    ('end = "2030-12"', "start and end are required"),
])
def test_bad_scenarios_are_rejected_naming_file_and_key(write_scenario: Writer, body: str, message: str) -> None:
    path = write_scenario("bad", body)
    with pytest.raises(UserError, match=message) as caught:
        scenario.load(str(path))
    assert str(caught.value).startswith("bad.toml: ")
    assert "\n" not in str(caught.value)


def test_extends_cycle_is_rejected(write_scenario: Writer) -> None:
    write_scenario("a", 'extends = "b"\nstart = "2026-11"\nend = "2030-12"')
    path = write_scenario("b", 'extends = "a"')
    with pytest.raises(UserError, match="cycle"):
        scenario.load(str(path))


def test_unknown_scenario_lists_the_available_ones() -> None:
    with pytest.raises(UserError, match=r"unknown scenario 'nope' \(available: .*baseline"):
        scenario.load("nope")


def test_window_and_parameter_overrides(baseline: scenario.Scenario) -> None:
    shorter = baseline.with_window(None, parse_month("2028-12"))
    assert shorter.end == parse_month("2028-12") and shorter.start == baseline.start
    assert baseline.with_params({"b_peer": "1.5"}).params.b_peer == 1.5
    with pytest.raises(UserError, match="--set.b_nope: unknown parameter"):
        baseline.with_params({"b_nope": "1"})
