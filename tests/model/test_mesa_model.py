"""The Mesa model: agents, reproduction of the ensemble, and an exact regression run."""

from pathlib import Path
from typing import Callable

import pytest

from sim.core.months import parse_month
from sim.model import scenario
from sim.model.ensemble import run_ensemble
from sim.model.mesa_model import IccModel, StateAgent

FORCED = """
extends = "baseline"
end = "2030-12"
[[events]]
month = "2027-02"
kind = "coup"
states = ["SEN"]
patron = "RUS"
[[events]]
month = "2027-04"
kind = "announce"
blocs = ["ECOWAS"]
[[events]]
month = "2028-01"
kind = "sanctions"
value = 0.2
"""


def _run(model: IccModel) -> IccModel:
    while model.running:
        model.step()
    return model


def test_one_agent_per_state_with_live_attributes(baseline: scenario.Scenario) -> None:
    model = IccModel(baseline.with_window(None, parse_month("2027-08")), seed=1)
    agents = {a.iso3: a for a in model.agents}
    assert len(agents) == 195 and all(isinstance(a, StateAgent) for a in agents.values())
    assert agents["NER"].status == "notified" and agents["MLI"].patron == "RUS" and agents["MLI"].junta
    assert sum(a.status in ("party", "announced", "notified") for a in agents.values()) == 125
    _run(model)
    niger = model.events()[model.events()["iso3"] == "NER"]
    legal = niger[niger["event"].isin(["announced", "notified", "revoked", "withdrawn"])]["event"].tolist()
    assert legal[0] in ("withdrawn", "revoked")  # the pending withdrawal took effect in 2027-06 or was revoked
    after = {"announced": "announced", "notified": "notified", "revoked": "party", "withdrawn": "withdrawn"}
    assert agents["NER"].status == after[legal[-1]]  # the agent's live status is where its events led
    assert model.timeseries()["month"].iloc[-1] == "2027-08"


@pytest.mark.parametrize("seed, run", [(0, 0), (7, 3), (123, 11)])
def test_model_reproduces_the_ensemble_run_for_run(baseline: scenario.Scenario, seed: int, run: int,
                                                  write_scenario: Callable[[str, str], Path]) -> None:
    for chosen in (baseline, scenario.load(str(write_scenario("forced", FORCED)))):
        ensemble = run_ensemble(chosen, runs=run + 1, seed=seed)
        model = _run(IccModel(chosen, seed=seed, run=run))
        series = ensemble.timeseries[ensemble.timeseries["run"] == run].reset_index(drop=True)
        events = ensemble.events[ensemble.events["run"] == run].reset_index(drop=True)
        assert model.timeseries().equals(series)
        assert model.events().equals(events)


@pytest.mark.parametrize("name", scenario.available())
def test_model_reproduces_the_engine_for_every_shipped_scenario(name: str) -> None:
    chosen = scenario.load(name)
    chosen = chosen.with_window(None, min(chosen.end, chosen.start + 48))
    ensemble = run_ensemble(chosen, runs=3, seed=17)
    for run in (0, 2):
        model = _run(IccModel(chosen, seed=17, run=run))
        assert model.timeseries().equals(ensemble.timeseries[ensemble.timeseries["run"] == run].reset_index(drop=True))
        assert model.events().equals(ensemble.events[ensemble.events["run"] == run].reset_index(drop=True))


def test_exact_regression_of_a_small_seeded_run(baseline: scenario.Scenario) -> None:
    """Pinned output of three short runs; a change here means the model's behaviour changed."""
    results = run_ensemble(baseline.with_window(None, parse_month("2029-12")), runs=3, seed=2026)
    runs = results.runs.drop(columns=["seed", "scenario"]).to_dict("list")
    floats = {name: runs.pop(name) for name in ("legitimacy_end", "population_share_end")}
    assert runs == {
        "run": [0, 1, 2], "parties_start": [125, 125, 125], "parties_end": [122, 122, 122],
        "parties_min": [121, 121, 122], "exits": [4, 4, 4], "further_exits": [0, 0, 0], "announcements": [0, 0, 4],
        "revocations": [1, 1, 5], "accessions": [1, 1, 1], "coups": [1, 2, 1],
    }
    assert floats == {  # to the last few bits, allowing for a different floating-point library
        "legitimacy_end": pytest.approx([0.7146193286443253, 0.7137814064143199, 0.48066783589182704], rel=1e-12),
        "population_share_end": pytest.approx([0.3185313754879288, 0.317095769423466, 0.31416594939763265],
                                              rel=1e-12),
    }
    legal = results.events[results.events["event"].isin(["announced", "notified", "revoked", "withdrawn"])]
    assert list(legal.itertuples(index=False, name=None))[:12] == [
        (0, "2027-03", "TCD", "revoked"), (0, "2027-06", "BFA", "withdrawn"), (0, "2027-06", "MLI", "withdrawn"),
        (0, "2027-06", "NER", "withdrawn"), (0, "2027-07", "VEN", "withdrawn"), (1, "2027-03", "TCD", "revoked"),
        (1, "2027-06", "BFA", "withdrawn"), (1, "2027-06", "MLI", "withdrawn"), (1, "2027-06", "NER", "withdrawn"),
        (1, "2027-07", "VEN", "withdrawn"), (2, "2027-01", "BFA", "revoked"), (2, "2027-02", "BFA", "announced"),
    ]
