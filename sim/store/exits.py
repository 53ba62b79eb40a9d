"""Who leaves: per state, the share of runs in which it announces withdrawal and in which it leaves for
good by the horizon, with Wilson intervals, and the covariates that weigh most in its hazard.

This is the table a regional expert reads first (`exits.csv` in every run folder), so it carries the
reasons with the numbers: each party's largest terms of the announcement log-odds in the start month.
"""

import math

import numpy as np
import pandas as pd
from scipy.special import ndtri  # imported with the figures, on the thread that loads them during a run

from sim.data.datasets import BLOC_CODES, PATRON_CODES
from sim.model import decide, rules
from sim.model.ensemble import Results, world_for
from sim.model.scenario import Scenario
from sim.model.state import PARTY, initial_state, static_from

CONFIDENCE = 0.95  # of the Wilson intervals
DRIVERS = 3  # covariates named per state


def wilson_interval(k: int, n: int, confidence: float) -> tuple[float, float]:
    """The two-sided Wilson score interval of a binomial proportion k / n (Wilson 1927, JASA 22(158); in
    the form of Newcombe 1998, Stat. Med. 17(8), method 3, as scipy.stats.binomtest's "wilson" computes it:
    a test checks they agree). Written out so that a run, its exits table and its figures need not import
    scipy.stats (about a second)."""
    z = float(ndtri(0.5 + 0.5 * confidence))
    p = k / n
    denom = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denom
    delta = z / denom * math.sqrt(4 * n * p * (1 - p) + z**2)
    return (0.0 if k == 0 else center - delta), (1.0 if k == n else center + delta)


def wilson(successes: np.ndarray, trials: int) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (Wilson 1927) of each share successes / trials."""
    bounds = [wilson_interval(int(k), trials, CONFIDENCE) for k in successes]
    return np.array([low for low, _ in bounds]), np.array([high for _, high in bounds])


def exits_table(results: Results, scenario: Scenario) -> pd.DataFrame:
    """One row per state that is in the Statute at the start, most likely further exits first."""
    world = world_for(scenario)
    table = world.table.set_index("iso3")
    runs = len(results.runs)
    inside = table[table["status"].isin(["party", "announced", "notified"])]
    events = results.events
    announced = events[events["event"] == "announced"].groupby("iso3")["run"].nunique()
    withdrawn = events[events["event"] == "withdrawn"].groupby("iso3")["run"].nunique()
    pending = inside["status"] == "notified"  # their exit is already in the pipeline, not a further one
    counts = pd.DataFrame({"announce": announced.reindex(inside.index, fill_value=0),
                           "exit": withdrawn.reindex(inside.index, fill_value=0).where(~pending, 0)})
    eu = world.bloc_members[:, BLOC_CODES.index("EU")]
    frame = pd.DataFrame({
        "iso3": inside.index,
        "name": inside["name"].to_numpy(),
        "un_group": inside["un_group"].to_numpy(),
        "eu": pd.Series(eu, index=table.index).reindex(inside.index).to_numpy(),
        "status_start": inside["status"].to_numpy(),
    })
    for column, label in (("announce", "p_announce"), ("exit", "p_further_exit")):
        k = counts[column].to_numpy()
        low, high = wilson(k, runs)
        frame[label], frame[f"{label}_lo"], frame[f"{label}_hi"] = k / runs, low, high
    frame["drivers_at_start"] = frame["iso3"].map(drivers(scenario))
    frame.loc[pending.to_numpy(), "p_further_exit"] = np.nan  # not defined for a pending exit
    frame.loc[pending.to_numpy(), ["p_further_exit_lo", "p_further_exit_hi"]] = np.nan
    order = frame.assign(key=frame["p_further_exit"].fillna(-1.0))
    order = order.sort_values(["key", "p_announce", "iso3"], ascending=[False, False, True], kind="stable")
    return order.drop(columns="key").reset_index(drop=True)


def drivers(scenario: Scenario) -> dict[str, str]:
    """Each party's largest terms of the announcement log-odds in the start month, by size and with their
    sign, as text ("peer +3.33; patron_grievance +2.97; cooperation -2.37"); '' when all are zero."""
    world = world_for(scenario)
    static = static_from(world)
    state = initial_state(world, scenario, 1)
    numbers = rules.numbers(scenario.params)
    arrays = state.arrays()
    blocs = len(BLOC_CODES)
    view = decide.view_arrays(1, blocs, len(PATRON_CODES))
    decide.peer_view(numbers, 0, scenario.start, arrays, static.first, static.membership, static.membership_lead,
                     *view)
    named: dict[str, str] = {}
    for s, iso3 in enumerate(static.iso3):
        if state.status[0, s] != PARTY or state.barred[0, s]:
            continue
        x = decide.covariates(numbers, 0, s, scenario.start, arrays, static.african, static.first, static.membership,
                              static.membership_lead, state.hostility, state.africa_bias, state.campaign,
                              state.legitimacy, *view[:5])
        terms = sorted(zip(rules.TERMS, rules.announcement_terms(numbers, x)), key=lambda t: -abs(t[1]))
        named[iso3] = "; ".join(f"{name} {value:+.2f}" for name, value in terms[:DRIVERS] if abs(value) > 0.005)
    return named


def group_exits(results: Results, scenario: Scenario) -> dict[str, float]:
    """Shares of runs in which at least one EU member, one EU member other than Hungary, and one WEOG
    state leaves (a further exit: not one pending at the start)."""
    world = world_for(scenario)
    table = world.table.set_index("iso3")
    eu = set(table.index[world.bloc_members[:, BLOC_CODES.index("EU")]])
    weog = set(table.index[table["un_group"] == "WEOG"])
    pending = set(table.index[table["status"] == "notified"])
    exits = results.events[(results.events["event"] == "withdrawn") & ~results.events["iso3"].isin(pending)]
    runs = len(results.runs)

    def share(states: set[str]) -> float:
        return float(exits[exits["iso3"].isin(states)]["run"].nunique() / runs)

    return {"p_any_eu_exit": share(eu), "p_any_eu_exit_not_hungary": share(eu - {"HUN"}),
            "p_any_weog_exit": share(weog)}

