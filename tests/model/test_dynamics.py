"""One month of the model: the legal pipeline, forced events and invariants over whole runs."""

from pathlib import Path
from typing import Callable

import numpy as np

from sim.core.months import parse_month
from sim.data import datasets
from sim.data.world import build_world
from sim.model import dynamics, rules, scenario
from sim.model.ensemble import Batch, run_ensemble, world_for
from sim.model.state import static_from

Writer = Callable[[str, str], Path]
QUIET = """
[parameters]
revoke_rate = 0.0
turnover_revoke_rate = 0.0
"""


def _events(results, iso3: str) -> list[tuple[int, str, str]]:
    rows = results.events[results.events["iso3"] == iso3]
    return list(zip(rows["run"], rows["month"], rows["event"]))


def _germany_notifies(write_scenario: Writer, name: str, later: str = "",
                      parameters: str = QUIET) -> scenario.Scenario:
    """Baseline to mid-2028 with Germany notifying its withdrawal in March 2027, any `later` events and
    the given `[parameters]` table (default: no random revocations)."""
    return scenario.load(str(write_scenario(name, f"""
        extends = "baseline"
        end = "2028-06"
        [[events]]
        month = "2027-03"
        kind = "notify"
        states = ["DEU"]
        {later}
        {parameters}
    """)))


def test_forced_notification_takes_effect_exactly_twelve_months_later(write_scenario: Writer) -> None:
    results = run_ensemble(_germany_notifies(write_scenario, "forced"), runs=20, seed=5)
    for run in range(20):
        assert [(m, e) for r, m, e in _events(results, "DEU") if r == run] == [
            ("2027-03", "announced"), ("2027-03", "notified"), ("2028-03", "withdrawn")]


def test_revocation_before_the_effective_date_prevents_the_exit(write_scenario: Writer) -> None:
    revoke = """
        [[events]]
        month = "2027-09"
        kind = "revoke"
        states = ["DEU"]
    """
    results = run_ensemble(_germany_notifies(write_scenario, "revoked", revoke), runs=20, seed=5)
    assert not any(e == "withdrawn" for _, _, e in _events(results, "DEU"))
    assert sum(e == "revoked" and m == "2027-09" for _, m, e in _events(results, "DEU")) == 20


def test_pending_withdrawals_take_effect_in_their_month_unless_revoked(baseline: scenario.Scenario) -> None:
    results = run_ensemble(baseline.with_window(None, parse_month("2027-12")), runs=50, seed=2)
    exits = results.events[results.events["event"] == "withdrawn"]
    revoked = results.events[results.events["event"] == "revoked"]
    expected = {"NER": "2027-06", "BFA": "2027-06", "MLI": "2027-06", "VEN": "2027-07", "TCD": "2027-07"}
    for iso3, month in expected.items():
        left = exits[exits["iso3"] == iso3]
        assert (left["month"] == month).all()
        assert set(left["run"]) | set(revoked[revoked["iso3"] == iso3]["run"]) == set(range(50))


def test_zero_announcement_hazard_means_no_new_exits(baseline: scenario.Scenario) -> None:
    """With the announcement log-odds at -inf (a pressure no scenario may set), no party announces and
    only the five pending withdrawals take effect."""
    world = world_for(baseline)
    static = static_from(world)
    batch = Batch(world, static, baseline, 9, np.arange(30))
    batch.state.pressure[:] = -np.inf
    codes = {name: 1 << code for code, name in enumerate(dynamics.CODES)}
    withdrawn = np.zeros(batch.state.status.shape, dtype=bool)
    while batch.month < baseline.end:
        bits, counts = batch.step()
        assert not (bits & codes["announced"]).any() and counts[:, dynamics.CODES.index("announced")].sum() == 0
        withdrawn |= (bits & codes["withdrawn"]) != 0
    pending = static.index(["NER", "BFA", "MLI", "VEN", "TCD"])
    assert withdrawn.any() and not np.delete(withdrawn, pending, axis=1).any()


def test_the_compiled_month_moves_each_runs_legitimacy_by_the_rule(baseline: scenario.Scenario) -> None:
    """After each month, every run's legitimacy is the rule (rules.next_legitimacy) applied to its value
    before, with that month's withdrawal episodes (its announcers grouped by shared bloc) and entries into
    force, as read from the month's event bits: what the compiled month computes run by run."""
    world = world_for(baseline)
    static = static_from(world)
    batch = Batch(world, static, baseline, 3, np.arange(40))
    charged = entered = 0
    while batch.month < baseline.end:
        before = batch.state.legitimacy.copy()
        bits, counts = batch.step()
        announcers = (bits & dynamics.ANNOUNCED_BIT) != 0
        episodes = rules.episodes(announcers, static.bloc_members)
        expected = rules.next_legitimacy(baseline.params, before, episodes=episodes,
                                         accessions=counts[:, dynamics.ENTERED_CODE], arrests=np.zeros(40),
                                         sanctions=batch.state.sanctions)
        assert np.array_equal(batch.state.legitimacy, expected)
        assert np.array_equal(batch.floats[0, :, batch.month - baseline.start], expected)
        charged, entered = charged + episodes.sum(), entered + counts[:, dynamics.ENTERED_CODE].sum()
    assert charged > 0 and entered > 0  # both terms were exercised


LEGAL = {  # event -> statuses it may leave from, and the status it leads to
    "announced": ({"party"}, "announced"),
    "notified": ({"announced"}, "notified"),
    "revoked": ({"announced", "notified"}, "party"),
    "withdrawn": ({"notified"}, "withdrawn"),
    "deposited": ({"non_party", "withdrawn"}, "acceding"),
    "entered_into_force": ({"acceding"}, "party"),
}


def test_event_log_replays_as_legal_status_changes(baseline: scenario.Scenario) -> None:
    """Each state's logged changes follow the Rome Statute's pipeline, and the count of parties
    changes by exactly the accessions that entered into force minus the withdrawals that took effect."""
    results = run_ensemble(baseline, runs=40, seed=3)
    start = build_world(datasets.DATA_END).table.set_index("iso3")["status"].to_dict()
    for run, events in results.events.groupby("run"):
        status = dict(start)
        for iso3, event in zip(events["iso3"], events["event"]):
            if event in LEGAL:
                sources, target = LEGAL[event]
                assert status[iso3] in sources, (run, iso3, event, status[iso3])
                status[iso3] = target
        final = sum(s in ("party", "announced", "notified") for s in status.values())
        series = results.timeseries[results.timeseries["run"] == run]
        assert series["parties"].iloc[-1] == final
    series = results.timeseries.set_index(["run", "month"])
    counts = results.events.groupby(["run", "month", "event"]).size().unstack(fill_value=0)
    change = series["parties"].groupby("run").diff().dropna()
    flows = counts.reindex(change.index, fill_value=0)
    assert (change == flows.get("entered_into_force", 0) - flows.get("withdrawn", 0)).all()


def test_status_counts_partition_the_states(baseline: scenario.Scenario) -> None:
    results = run_ensemble(baseline, runs=10, seed=4)
    ts = results.timeseries
    assert ((ts["parties"] >= ts["announced"] + ts["notified"]) & (ts["withdrawn"] <= 195)).all()
    assert ts["population_share"].between(0, 1).all() and ts["legitimacy"].between(0, 1).all()


def test_events_outside_a_shortened_window_are_ignored(write_scenario: Writer) -> None:
    path = write_scenario("late", """
        extends = "baseline"
        [[events]]
        month = "2030-01"
        kind = "announce"
        states = ["FRA"]
    """)
    shortened = scenario.load(str(path)).with_window(None, parse_month("2027-06"))
    assert shortened.events_outside_window() == 1
    assert dynamics.schedule(shortened, static_from(build_world(datasets.DATA_END))) == {}


def test_a_change_of_government_opens_the_revocation_window(write_scenario: Writer) -> None:
    """With no ordinary revocations, a pending withdrawal is revoked only after a change of government, at
    the turnover rate within the turnover window."""
    change = """
        [[events]]
        month = "2027-05"
        kind = "government_change"
        states = ["DEU"]
    """
    window = """
        [parameters]
        revoke_rate = 0.0
        turnover_revoke_rate = 0.9
        turnover_window_months = 2
    """
    quiet = run_ensemble(_germany_notifies(write_scenario, "quiet"), runs=40, seed=3)
    changed = run_ensemble(_germany_notifies(write_scenario, "changed", change, window), runs=40, seed=3)
    assert not any(e == "revoked" for _, _, e in _events(quiet, "DEU"))
    revoked = [m for _, m, e in _events(changed, "DEU") if e == "revoked"]
    assert len(revoked) >= 35 and set(revoked) <= {"2027-05", "2027-06"}  # 1 - 0.1^2 of runs, in the window


def test_scheduled_events_make_stale_only_the_caps_they_change() -> None:
    """A status change leaves every announcement cap as it was, a coup its targets' caps, and a world level
    (hostility to the court) all of them."""
    def event(kind: str, *targets: int) -> dynamics.ScheduledEvent:
        return dynamics.ScheduledEvent(kind, np.array(targets, dtype=np.int64), None)

    assert dynamics._stale([event("announce", 3), event("arrest")]).tolist() == []
    assert dynamics._stale([event("coup", 5), event("notify", 2), event("exposure", 1, 5)]).tolist() == [1, 5]
    assert dynamics._stale([event("coup", 5), event("hostility")]) is None
    assert dynamics.LEAVES_CAPS.isdisjoint(dynamics.STALES_TARGETS_CAPS)
    world_levels = set(scenario.EVENT_KINDS) - dynamics.LEAVES_CAPS - dynamics.STALES_TARGETS_CAPS
    assert world_levels == {"hostility", "bias"}  # a new kind of event clears every cap until classified
