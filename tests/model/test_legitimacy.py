"""Court legitimacy at the start follows from the record under the model's own rule."""

import dataclasses

import numpy as np
import pytest

from sim.core.months import format_month, parse_month
from sim.core.params import Params
from sim.data import record
from sim.model import legitimacy, scenario
from sim.model.ensemble import run_ensemble, world_for
from sim.model.state import initial_state

QUIET = {"a0": -12.0, **{name: 0.0 for name in ("b_div", "b_lead", "b_peer", "b_exp", "b_rc", "b_junta", "b_pat",
                                                 "b_bias", "b_leg", "b_camp")},
         "coup_multiplier": 0.0, "acc_a0": -12.0, "lam_acc": 0.0}  # no process of the model's own moves


def _events(rows: list[dict]) -> tuple:
    return tuple(scenario.EVENT_ADAPTER.validate_python(row) for row in rows)


def test_legitimacy_at_a_2026_start_is_the_record_replayed_by_the_models_own_month() -> None:
    """A hindcast from 2002 fed the record's announcements, court events and founding accessions, with
    the model's own announcements off, ends where the replay starts a 2016 and a 2026 run."""
    first, last = parse_month("2002-07"), parse_month("2026-11")
    announced = record.record_events(first + 1, last - 1)
    announced = announced[announced["event"] == "announced"]
    base = scenario.load("baseline").with_window(first, last - 1)
    from sim.experiments.calibration import founding_accessions  # the record's ratification wave
    hindcast = dataclasses.replace(
        base.with_params(QUIET), replay=("court",),
        events=_events([{"month": format_month(m), "kind": "announce", "states": [iso3]}
                        for m, iso3 in zip(announced["month"], announced["iso3"])]) + tuple(
            founding_accessions(first, last - 1)))
    results = run_ensemble(hindcast, runs=1, seed=5)
    assert set(results.events.loc[results.events["event"] == "announced", "iso3"]) == set(announced["iso3"])
    series = results.timeseries.set_index("month")["legitimacy"]
    p = hindcast.params
    for start in ("2016-01", "2017-06", "2025-10", "2026-11"):
        replayed = legitimacy.at_start(p, parse_month(start))
        assert series[format_month(parse_month(start) - 1)] == pytest.approx(replayed, abs=1e-12)
    assert legitimacy.at_start(p, last) < 0.9  # the 2025-26 announcements and sanctions weigh at the start
    chosen = scenario.load("baseline").with_params(QUIET)
    assert initial_state(world_for(chosen), chosen, 2).legitimacy.tolist() == [legitimacy.at_start(p, last)] * 2


def test_a_joint_announcement_charges_legitimacy_once_and_separate_ones_each() -> None:
    start = parse_month("2024-01")
    quiet = scenario.load("baseline").with_window(start, start + 6).with_params(QUIET)
    chosen = dataclasses.replace(quiet, events=_events([
        {"month": "2024-03", "kind": "announce", "states": ["MLI", "BFA", "NER"]},  # one joint decision
        {"month": "2024-05", "kind": "announce", "states": ["HUN", "PER"]}]))  # two states, no shared bloc
    series = run_ensemble(chosen, runs=1, seed=1).timeseries.set_index("month")["legitimacy"]
    p = chosen.params

    def step(before: float, episodes: int) -> float:
        return float(np.clip(before + (1 - before) / p.legitimacy_tau_months - p.lam_exit * episodes, 0, 1))

    assert series["2024-03"] == pytest.approx(step(series["2024-02"], 1), abs=1e-12)
    assert series["2024-04"] == pytest.approx(step(series["2024-03"], 0), abs=1e-12)
    assert series["2024-05"] == pytest.approx(step(series["2024-04"], 2), abs=1e-12)


def test_the_record_charges_the_2016_wave_and_the_aes_statement_once_each() -> None:
    course = legitimacy.record_course()

    def at(month: str) -> np.ndarray:
        return course[parse_month(month) - legitimacy.FIRST]

    assert at("2016-10")[0] == 1  # Burundi, South Africa, The Gambia: AU members in one month
    assert at("2025-09")[0] == 1 and at("2025-04")[0] == 1 and at("2025-12")[0] == 1  # AES; Hungary; Venezuela
    assert course[:, 0].sum() == 6  # 2016, the Philippines, Hungary, the AES, Venezuela, Chad
    assert at("2025-01")[1] == 1 and at("2025-03")[2] == 1  # Ukraine's entry into force; Duterte
    assert at("2025-07")[3] == 0.6 and at("2026-10")[3] == 1.0 and at("2021-06")[3] == 0.0


def test_lam_exit_is_set_within_the_research_notes_bound() -> None:
    assert 0.05 <= Params().lam_exit <= 0.10
