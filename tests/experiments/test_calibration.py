"""ABC-SMC calibration: the stages, the posterior summary and sample, reproducibility, and recovery of
a known parameter from a synthetic record."""

import concurrent.futures as cf

import numpy as np
import pandas as pd
import pytest

from sim.core.errors import UserError
from sim.core.months import parse_month
from sim.core.params import Params
from sim.data import datasets
from sim.experiments import calibration
from sim.experiments.execution import InlineExecutor
from sim.model import scenario

TINY = calibration.Budget(population=20, simulations=100, generations=2)


def test_stages_replay_the_record_only_where_they_should() -> None:
    coups, withdrawals = calibration.stages(scenario.load("baseline"), parse_month("2002-07"), parse_month("2026-11"))
    assert coups.scenario.replay == () and coups.scenario.events == ()
    assert coups.statistics == calibration.COUP_STATISTICS
    assert withdrawals.scenario.replay == calibration.REPLAYED
    p = withdrawals.scenario.params
    assert (p.coup_multiplier, p.junta_exit_rate, p.patron_switch) == (0.0, 0.0, 0.0)
    assert {"coup_multiplier", "junta_exit_rate", "patron_switch"} <= withdrawals.scenario.pinned  # draws leave them
    status = datasets.icc_status()
    deposits = status[(status["event"] == "deposit") & (status["date"] >= "2002-08-01") & (status["date"] < "2012-01-01")]
    accessions = withdrawals.scenario.events
    assert len(accessions) == len(deposits) > 20
    assert all(e.kind == "accede" and e.month < "2012-01" for e in accessions)
    assert withdrawals.statistics[:3] == ("announcements_2002-08_2015-12", "announcements_2016-01_2019-12",
                                          "announcements_2020-01_2026-11")


def test_fixed_and_fitted_parameters_are_apart_and_declared() -> None:
    fitted = set(calibration.COUP_PRIORS) | set(calibration.WITHDRAWAL_PRIORS)
    assert not fitted & set(calibration.FIXED) and set(calibration.FIXED) <= set(Params.specs())
    for name, prior in (calibration.COUP_PRIORS | calibration.WITHDRAWAL_PRIORS).items():
        spec = Params.specs()[name]
        assert spec.metadata["low"] <= prior.low < prior.high <= spec.metadata["high"], name


@pytest.mark.parametrize("start, end", [("2001-01", "2010-01"), ("2010-01", "2009-12"), ("2010-01", "2027-01")])
def test_windows_outside_the_record_are_rejected(start: str, end: str) -> None:
    with pytest.raises(UserError, match="calibration window"):
        calibration.stages(scenario.load("baseline"), parse_month(start), parse_month(end))


def test_weighted_summary_and_resampling() -> None:
    particles = pd.DataFrame({"stage": "coups", "weight": [0.1, 0.1, 0.8], "coup_multiplier": [0.3, 0.5, 1.0]})
    row = calibration.summarise(particles, calibration.COUP_PRIORS).iloc[0]
    assert row["value"] == 1.0 and row["q05"] == 0.3  # most of the weight on 1.0
    mean = 0.1 * 0.3 + 0.1 * 0.5 + 0.8 * 1.0
    variance = 0.1 * (0.3 - mean) ** 2 + 0.1 * (0.5 - mean) ** 2 + 0.8 * (1.0 - mean) ** 2
    assert row["contraction"] == pytest.approx(1 - variance / (1.3 ** 2 / 12))
    sample = calibration.resample(particles, ["coup_multiplier"], 100, 5, 0)
    assert len(sample) == 100 and (sample["coup_multiplier"] == 1.0).sum() == 80  # systematic: exact shares
    assert sample.equals(calibration.resample(particles, ["coup_multiplier"], 100, 5, 0))


def test_a_known_coup_multiplier_is_recovered_from_a_synthetic_record() -> None:
    """A record made by one run at coup_multiplier 1.2 over 24 years (about 100 attempts): a strong signal."""
    stage = calibration.stages(scenario.load("baseline"), parse_month("2002-07"), parse_month("2026-11"))[0]
    np.random.seed(99)
    observed = calibration.StageModel(stage)({"coup_multiplier": 1.2})
    assert observed["attempts"] > 50
    generations, particles = calibration.fit_stage(stage, observed, calibration.Budget(40, 400, 3), (7, 0),
                                                   InlineExecutor())
    row = calibration.summarise(particles, stage.priors).iloc[0]
    assert row["q05"] <= 1.2 <= row["q95"]
    assert row["contraction"] > 0.7  # the 90 % interval is a fraction of the prior's 0.2-1.5
    assert generations["generation"].tolist() == list(range(len(generations))) and len(generations) >= 2
    assert abs(row["value"] - 1.2) < 0.25


def test_the_same_seed_gives_the_same_posterior_on_any_executor() -> None:
    stage = calibration.stages(scenario.load("baseline"), parse_month("2010-12"), parse_month("2016-12"))[0]
    observed = {"coups": 10.0, "attempts": 20.0}
    serial = calibration.fit_stage(stage, observed, TINY, (3, 0), InlineExecutor())
    with cf.ThreadPoolExecutor(2) as pool:  # jobs finish in any order and share NumPy's global generator
        threaded = calibration.fit_stage(stage, observed, TINY, (3, 0), pool, in_flight=3)
    for a, b in zip(serial, threaded):
        pd.testing.assert_frame_equal(a, b)
    other = calibration.fit_stage(stage, observed, TINY, (4, 0), InlineExecutor())
    assert not other[1]["coup_multiplier"].equals(serial[1]["coup_multiplier"])


def test_fit_gives_a_posterior_sample_and_adopted_values_with_provenance() -> None:
    fitted = calibration.fit(scenario.load("baseline"), parse_month("2012-12"), parse_month("2014-12"), TINY, 3,
                             InlineExecutor())
    names = [*calibration.COUP_PRIORS, *calibration.WITHDRAWAL_PRIORS]
    assert list(fitted.posterior.columns) == ["draw", *names] and len(fitted.posterior) == calibration.DRAWS
    for name in names:
        particles = fitted.particles[fitted.particles[name].notna()]
        assert set(fitted.posterior[name]) <= set(particles[name])  # draws are particles
    table = calibration.adopted(fitted, 3)
    assert list(table["parameter"]) == names
    assert set(table["window"]) == {"2013-01 to 2014-12"}
    assert set(table["data_as_of"]) == {str(datasets.DATA_END)}
    assert table["method"].iloc[0].startswith("ABC-SMC (pyabc), 20 particles, ")
    assert table["method"].iloc[0].endswith(" runs, seed 3")
    assert ((table["q05"] <= table["value"]) & (table["value"] <= table["q95"])).all()
