"""Does the calibration recover parameters it should? Simulation-based calibration (Talts et al. 2018,
arXiv:1804.06788) on synthetic records where the truth is known.

Each synthetic record is one run of each stage's scenario over the calibration window at a parameter
set drawn from the priors; it is fitted by the same ABC-SMC procedure as the record (at a reduced
budget), and every parameter's true value is set against its posterior: is it inside the central 50 %
and 90 % intervals (a calibrated inference covers it about that often), and how much narrower is the
posterior than the prior (contraction, 1 - posterior variance / prior variance; Schad et al. 2021,
Psychol. Methods 26(1)). A parameter whose posterior does not contract is not learnt from records like
the real one and is not presented as fitted.
"""

import concurrent.futures as cf
import dataclasses
from typing import Callable

import numpy as np
import pandas as pd

from sim.experiments import calibration
from sim.experiments.calibration import Budget, StageModel, weighted_quantile
from sim.model.scenario import Scenario

RECORDS = 20
BUDGET = Budget(population=20, simulations=100, generations=3, batch=2)  # per synthetic record; coups a quarter
CONTRACTS = 0.1  # mean contraction below this: the records do not inform the parameter


@dataclasses.dataclass(frozen=True)
class InferenceCheck:
    """Per record and parameter: truth, posterior summary, coverage and contraction; and per parameter."""

    records: pd.DataFrame
    summary: pd.DataFrame


def truths(records: int, seed: int) -> pd.DataFrame:
    """`records` parameter sets drawn from the priors of both stages (record r from its own generator)."""
    priors = calibration.COUP_PRIORS | calibration.WITHDRAWAL_PRIORS
    rows = []
    for record in range(records):
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(record, 2))))
        rows.append({name: float(rng.uniform(p.low, p.high)) for name, p in priors.items()})
    return pd.DataFrame(rows)


def synthetic_record(template: Scenario, start: int, end: int, truth: dict[str, float], seed: int) -> dict[str, float]:
    """The statistics of one run of each stage at the true values: a record whose truth is known."""
    observed: dict[str, float] = {}
    for stage in calibration.stages(template, start, end):
        np.random.seed(np.random.SeedSequence(seed, spawn_key=(3,)).generate_state(4))  # the run's root seed
        observed |= StageModel(stage)({name: truth[name] for name in stage.priors})
    return observed


def check(template: Scenario, start: int, end: int, records: int, budget: Budget, seed: int,
          executor: cf.Executor, in_flight: int = 4, progress: Callable[[int], None] = lambda n: None
          ) -> InferenceCheck:
    """Fit `records` synthetic records and score the posteriors against the truths."""
    priors = calibration.COUP_PRIORS | calibration.WITHDRAWAL_PRIORS
    rows = []
    for record, truth in truths(records, seed).iterrows():
        record_seed = int(np.random.SeedSequence(seed, spawn_key=(record, 4)).generate_state(1, np.uint64)[0] >> 1)
        observed = synthetic_record(template, start, end, truth.to_dict(), record_seed)
        fitted = calibration.fit(template, start, end, budget, record_seed, executor, in_flight, progress, observed)
        for name, prior in priors.items():
            particles = fitted.particles.dropna(subset=[name])
            values, weights = particles[name].to_numpy(dtype=float), particles["weight"].to_numpy(dtype=float)
            q = {level: weighted_quantile(values, weights, level) for level in (0.05, 0.25, 0.5, 0.75, 0.95)}
            mean = np.average(values, weights=weights)
            variance = float(np.average((values - mean) ** 2, weights=weights))
            rows.append({"record": record, "parameter": name, "truth": truth[name], "median": q[0.5],
                         "q05": q[0.05], "q25": q[0.25], "q75": q[0.75], "q95": q[0.95],
                         "in_50": q[0.25] <= truth[name] <= q[0.75], "in_90": q[0.05] <= truth[name] <= q[0.95],
                         "contraction": 1.0 - variance / prior.variance,
                         "rank": float(weights[values < truth[name]].sum() / weights.sum())})
    table = pd.DataFrame(rows)
    return InferenceCheck(table, summarise(table))


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: coverage of the 50 % and 90 % intervals, mean and median contraction, and whether
    the records inform it (mean contraction at least CONTRACTS)."""
    grouped = table.groupby("parameter", sort=False)
    summary = pd.DataFrame({"records": grouped.size(), "coverage_50": grouped["in_50"].mean(),
                            "coverage_90": grouped["in_90"].mean(), "contraction_mean": grouped["contraction"].mean(),
                            "contraction_median": grouped["contraction"].median()})
    summary["identified"] = summary["contraction_mean"] >= CONTRACTS
    return summary.reset_index()
