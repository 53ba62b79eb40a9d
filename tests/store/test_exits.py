"""Who leaves: per-state shares with Wilson intervals and the terms behind them."""

import numpy as np
import pytest

from sim.core.months import parse_month
from sim.model.ensemble import run_ensemble
from sim.store.exits import drivers, exits_table, group_exits, wilson


@pytest.fixture(scope="module")
def short() -> tuple:
    from sim.model import scenario
    chosen = scenario.load("baseline").with_window(None, parse_month("2029-12"))
    return chosen, run_ensemble(chosen, runs=80, seed=11)


def test_shares_count_runs_and_pending_exits_are_not_further_ones(short: tuple) -> None:
    chosen, results = short
    table = exits_table(results, chosen).set_index("iso3")
    events = results.events
    for iso3 in ("CAF", "NGA", "VEN"):
        runs = events[(events["iso3"] == iso3) & (events["event"] == "announced")]["run"].nunique()
        assert table.loc[iso3, "p_announce"] == runs / 80
    assert table.loc[["NER", "BFA", "MLI", "VEN", "TCD"], "p_further_exit"].isna().all()
    assert (table["p_announce_lo"] <= table["p_announce"]).all() and (table["p_announce"] <= table["p_announce_hi"]).all()
    further = table["p_further_exit"].dropna()
    assert further.is_monotonic_decreasing  # most likely further exits first
    assert set(table.index) >= {"DEU", "HUN", "AFG"} and "USA" not in table.index  # states in the Statute only


def test_wilson_interval_matches_the_closed_form() -> None:
    low, high = wilson(np.array([0, 5]), 100)
    z = 1.959963984540054
    centre, half = (5 + z * z / 2) / (100 + z * z), z * np.sqrt(5 * 95 / 100 + z * z / 4) / (100 + z * z)
    assert low[0] == 0.0 and high[0] == pytest.approx(z * z / (100 + z * z))
    assert (low[1], high[1]) == pytest.approx((centre - half, centre + half))


def test_drivers_name_the_terms_that_push_a_state(short: tuple) -> None:
    chosen, _ = short
    named = drivers(chosen)
    assert "AFG" not in named  # it cannot notify, so nothing drives it
    assert named["DEU"] == "" or "hostile_alignment" not in named["DEU"]  # votes with Europe
    assert "patron_grievance" in named["CAF"]


def test_group_exits_are_shares_of_runs(short: tuple) -> None:
    chosen, results = short
    shares = group_exits(results, chosen)
    assert 0.0 <= shares["p_any_eu_exit_not_hungary"] <= shares["p_any_eu_exit"] <= 1.0
    assert 0.0 <= shares["p_any_weog_exit"] <= 1.0
