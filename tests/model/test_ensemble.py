import dataclasses

from sim.core.months import parse_month
from sim.model.ensemble import run_ensemble, world_for


def test_runs_table_agrees_with_the_time_series_and_events(baseline) -> None:
    results = run_ensemble(baseline.with_window(None, parse_month("2031-12")), runs=12, seed=21)
    last = results.timeseries.groupby("run").last()
    assert (results.runs["parties_end"].to_numpy() == last["parties"].to_numpy()).all()
    counts = results.events.groupby(["run", "event"]).size().unstack(fill_value=0)
    assert (results.runs["exits"].to_numpy() == counts["withdrawn"].reindex(range(12), fill_value=0)).all()
    assert (results.runs["announcements"].to_numpy() == counts.get("announced", 0 * counts["withdrawn"]).reindex(
        range(12), fill_value=0)).all()
    assert (last["exits"].to_numpy() == results.runs["exits"].to_numpy()).all()
    pending = {"NER", "BFA", "MLI", "VEN", "TCD"}
    exits = results.events[results.events["event"] == "withdrawn"]
    further = exits[~exits["iso3"].isin(pending)].groupby("run").size().reindex(range(12), fill_value=0)
    assert (results.runs["further_exits"].to_numpy() == further.to_numpy()).all()
    assert len(results.timeseries) == 12 * (parse_month("2031-12") - parse_month("2026-11") + 1)


def test_afghanistan_under_the_taliban_never_notifies_even_under_pressure() -> None:
    from sim.model import scenario as scenarios
    chosen = scenarios.load("baseline")
    push = scenarios.EVENT_ADAPTER.validate_python({"month": "2027-01", "kind": "pressure", "states": ["AFG"],
                                                    "value": 5.0})
    pushed = dataclasses.replace(chosen.with_window(None, chosen.start + 36), events=(push,))
    events = run_ensemble(pushed, runs=200, seed=4).events
    assert events[(events["iso3"] == "AFG") & events["event"].isin(["announced", "notified"])].empty
    world = world_for(chosen).table.set_index("iso3")
    assert world.loc["AFG", "barred"] and not world.drop(index="AFG")["barred"].any()
    assert not world_for(chosen.with_window(parse_month("2020-01"), parse_month("2021-01"))).table.set_index(
        "iso3").loc["AFG", "barred"]  # the Ghani government could have notified
