"""Rejection ABC: the stages, the acceptance rule, and recovery of a known parameter."""

import numpy as np
import pytest

from sim.core.errors import UserError
from sim.core.months import parse_month
from sim.data import datasets, record
from sim.experiments import calibration
from sim.experiments.execution import InlineExecutor
from sim.model import scenario


def test_acceptance_keeps_the_closest_draws_on_scaled_statistics() -> None:
    simulated = np.array([[float(i), 100.0 * i, 7.0] for i in range(40)])  # the third statistic never varies
    distance, accepted = calibration.accept(simulated, np.array([20.0, 2000.0, 0.0]), 0.1)
    assert accepted.sum() == 10  # at least ten, though 10 % of 40 is 4
    assert set(np.flatnonzero(accepted)) == set(range(15, 25))
    assert distance[20] == 0.0  # the constant statistic is left out, whatever its observed value
    assert distance[21] == pytest.approx(distance[19])  # both statistics scaled by their own spread


def test_stages_replay_the_record_only_where_they_should() -> None:
    coups, withdrawals = calibration.stages(scenario.load("baseline"), parse_month("2002-07"), parse_month("2026-11"))
    assert coups.scenario.replay == () and coups.scenario.events == ()
    assert coups.statistics == record.COUP_STATISTICS
    assert withdrawals.scenario.replay == calibration.REPLAYED
    p = withdrawals.scenario.params
    assert (p.coup_multiplier, p.junta_exit_rate, p.patron_switch) == (0.0, 0.0, 0.0)
    status = datasets.icc_status()
    deposits = status[(status["event"] == "deposit") & (status["date"] >= "2002-08-01") & (status["date"] < "2012-01-01")]
    accessions = withdrawals.scenario.events
    assert len(accessions) == len(deposits) > 20
    assert all(e.kind == "accede" and e.month < "2012-01" for e in accessions)
    assert withdrawals.statistics[:3] == ("announcements_2002-08_2015-12", "announcements_2016-01_2019-12",
                                          "announcements_2020-01_2026-11")


@pytest.mark.parametrize("start, end", [("2001-01", "2010-01"), ("2010-01", "2009-12"), ("2010-01", "2027-01")])
def test_windows_outside_the_record_are_rejected(start: str, end: str) -> None:
    with pytest.raises(UserError, match="calibration window"):
        calibration.stages(scenario.load("baseline"), parse_month(start), parse_month(end))


def test_a_known_coup_multiplier_is_recovered() -> None:
    """Fit the coup stage to runs made at coup_multiplier 0.9 instead of the record."""
    start, end = parse_month("2009-12"), parse_month("2015-12")
    stage = calibration.stages(scenario.load("baseline"), start, end)[0]
    _, truth = calibration.simulate(stage.scenario, {"coup_multiplier": 0.9}, 400, 99)
    observed = record.statistics(truth, start + 1, end)
    draws, fitted = calibration.fit_stage(stage, observed, 48, 10, 1, 0.2, InlineExecutor())
    row = fitted.iloc[0]
    assert row["parameter"] == "coup_multiplier" and row["accepted"] == 10
    assert row["q05"] <= 0.9 <= row["q95"]
    assert row["q95"] - row["q05"] < 0.4 * (row["prior_high"] - row["prior_low"])
    assert draws["distance"][draws["accepted"]].max() <= draws["distance"][~draws["accepted"]].min()


def test_adopted_values_carry_their_provenance() -> None:
    fitted = calibration.fit(scenario.load("baseline"), parse_month("2012-12"), parse_month("2014-12"), 16, 2, 3,
                             0.5, InlineExecutor())
    table = calibration.adopted(fitted, 3)
    assert list(table["parameter"]) == [*calibration.COUP_PRIORS, *calibration.WITHDRAWAL_PRIORS]
    assert set(table["window"]) == {"2013-01 to 2014-12"}
    assert set(table["data_as_of"]) == {str(datasets.DATA_END)}
    assert table["method"].iloc[0] == "rejection ABC, 16 draws x 2 runs, seed 3"
    assert ((table["q05"] <= table["value"]) & (table["value"] <= table["q95"])).all()
