"""Calibration against the historical record by rejection ABC.

Approximate Bayesian computation by rejection (Pritchard et al. 1999, Mol. Biol. Evol. 16(12);
Beaumont, Zhang & Balding 2002, Genetics 162(4)): parameter sets are drawn from uniform priors with a
Latin hypercube, each set is run several times over the window, and the sets whose ensemble-mean summary
statistics come closest to the record's are kept as the posterior sample. Distances scale each
statistic by its median absolute deviation over the prior draws (Prangle 2017, Bayesian Anal. 12(1)).

Two stages, since coups do not depend on withdrawals: the coup process runs free and is fitted to the
record's coup rates; then the withdrawal and accession processes are fitted with the record's coups,
juntas, patrons, court events, exposure and yearly ideal points replayed, as in a hindcast. Accessions before 2012 (the
founding ratification wave, which the accession rule does not describe) are replayed as well.
"""

import concurrent.futures as cf
import dataclasses
from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy.stats import median_abs_deviation

from sim.core.errors import UserError
from sim.core.months import format_month, month_of, parse_month
from sim.data import datasets, record
from sim.experiments.design import Factor, build
from sim.model import scenario as scenarios
from sim.model.ensemble import Results, run_ensemble
from sim.model.scenario import Scenario

METHOD = "rejection ABC"
BUDGET = 512  # parameter sets of the withdrawal stage: about 20 s on 2 cores for a backtest's window
RUNS_PER_DRAW = 20  # an ensemble mean's standard error is then under a quarter of the run-to-run spread
ACCEPT = 0.1  # share of parameter sets kept: at 512 sets, about 50 for the posterior summary
FIRST_START = parse_month(datasets.FIRST_MONTH)


@dataclasses.dataclass(frozen=True)
class Prior:
    """A fitted parameter's uniform prior and why it spans that range."""

    low: float
    high: float
    basis: str


COUP_PRIORS = {
    "coup_multiplier": Prior(0.2, 1.5, "from a fifth of the Powell & Thyne rates of the 15 years before the start "
                             "to half as much again"),
}
WITHDRAWAL_PRIORS = {
    "a0": Prior(-12.0, -5.0, "baseline hazard 0.0006 %/yr to 0.7 %/yr, around the all-IGO 0.04 %/yr"),
    "b_peer": Prior(0.0, 6.0, "the declared range; the literature gives 1-4 without a direct estimate"),
    "b_exp": Prior(0.0, 5.0, "the declared range; relative risk 1 to about 150 at full exposure"),
    "b_div": Prior(0.0, 3.0, "the declared range, around the published 0.95-1.18: fitted to test it on the ICC"),
    "b_junta": Prior(0.0, 5.0, "the declared range"),
    "b_pat": Prior(0.0, 5.0, "the declared range"),
    "b_leg": Prior(0.0, 5.0, "the declared range"),
    "b_camp": Prior(0.0, 6.0, "the declared range: the 2013 and 2016-17 AU campaigns, one with exits, one without"),
    "b_coop": Prior(0.0, 4.0, "the declared range"),
    "lam_exit": Prior(0.05, 0.10, "the research notes' bound: the 2016 episode cost 0.05-0.10 of legitimacy "
                      "(science-anchors section 7.5)"),
    "legitimacy_tau_months": Prior(12.0, 240.0, "legitimacy recovers over one to twenty years"),
    "revoke_rate": Prior(0.0, 0.15, "per month; up to about half of withdrawals revoked within four months"),
    "acc_a0": Prior(-7.0, -2.0, "accession hazard 0.1 %/yr to 12 %/yr at zero covariates"),
}
COUP_STATISTICS = record.COUP_STATISTICS
REPLAYED = ("coups", "juntas", "patrons", "court", "exposure", "alignment")


@dataclasses.dataclass(frozen=True)
class Stage:
    """One fitted block: its priors, its scenario over the window and the statistics it is fitted to."""

    name: str
    priors: dict[str, Prior]
    scenario: Scenario
    statistics: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Calibration:
    """The draws of every stage with their statistics and distances, the posterior summary and the record."""

    draws: pd.DataFrame  # one row per parameter set: stage, point, parameters, statistics, distance, accepted
    fitted: pd.DataFrame  # one row per parameter: value (posterior median), q05, q95, prior bounds
    observed: dict[str, float]
    window: tuple[int, int]  # first and last simulated month


def stages(template: Scenario, start: int, end: int) -> list[Stage]:
    """The coup stage and the withdrawal stage over the months after `start` up to `end`."""
    if not FIRST_START <= start < end <= month_of(datasets.DATA_END):
        raise UserError(f"calibration window {format_month(start)} to {format_month(end)}: must lie within "
                        f"{format_month(FIRST_START)} to {format_month(month_of(datasets.DATA_END))}, start before end")
    window = template.with_window(start, end)
    coups = dataclasses.replace(window, name="calibration-coups", events=(), replay=())
    hindcast = dataclasses.replace(
        window, name="calibration-withdrawals", replay=REPLAYED, events=tuple(founding_accessions(start, end)),
        params=window.params.replace({"coup_multiplier": 0.0, "junta_exit_rate": 0.0, "patron_switch": 0.0,
                                      "drift_rate": 0.0}))
    withdrawal_statistics = tuple(name for name, _, _ in record.eras(start + 1, end)) + record.WITHDRAWAL_STATISTICS
    return [Stage("coups", COUP_PRIORS, coups, COUP_STATISTICS),
            Stage("withdrawals", WITHDRAWAL_PRIORS, hindcast, withdrawal_statistics)]


def founding_accessions(start: int, end: int) -> list[Any]:
    """Accession events for the record's deposits in the window before 2012 (the ratification wave)."""
    status = datasets.icc_status()
    deposits = status[status["event"] == "deposit"].assign(month=lambda f: f["date"].map(month_of))
    deposits = deposits[deposits["month"].between(start + 1, min(end, record.MATURE_FROM - 1))]
    return [scenarios.EVENT_ADAPTER.validate_python({"month": format_month(m), "kind": "accede", "states": [iso3]})
            for iso3, m in zip(deposits["iso3"], deposits["month"])]


def simulate(scenario: Scenario, overrides: dict[str, float], runs: int, seed: int,
             threads: int | None = None) -> tuple[Results, pd.DataFrame]:
    """Run a parameter set over the scenario's window on `threads` threads (default: all cores); return the
    results and the per-run statistics."""
    results = run_ensemble(scenario.with_params(overrides, where="calibration"), runs, seed, threads=threads)
    months = {m: month_of(pd.Timestamp(m).date()) for m in results.events["month"].unique()}
    events = results.events.assign(month=results.events["month"].map(months).astype("int64"))
    return results, record.per_run(events, runs, results.runs["parties_end"].to_numpy(), scenario.start + 1,
                                   scenario.end)


def evaluate(scenario: Scenario, overrides: dict[str, float], runs: int, seed: int) -> dict[str, float]:
    """The ensemble statistics of one parameter set (a task for an executor)."""
    _, table = simulate(scenario, overrides, runs, seed, threads=1)  # the draws run side by side on the workers
    return record.statistics(table, scenario.start + 1, scenario.end)


def accept(simulated: np.ndarray, observed: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
    """Distances of simulated statistics (points x statistics) to the observed ones, scaled by each
    statistic's MAD over the points (its standard deviation where the MAD is 0; statistics that do not
    vary are left out), and the mask of the `share` closest points (at least 10)."""
    scale = median_abs_deviation(simulated, axis=0, scale="normal")
    scale = np.where(scale > 0, scale, simulated.std(axis=0))
    used = scale > 0
    distance = np.sqrt((((simulated[:, used] - observed[used]) / scale[used]) ** 2).sum(axis=1))
    kept = min(len(distance), max(10, int(np.ceil(share * len(distance)))))
    accepted = np.zeros(len(distance), dtype=bool)
    accepted[np.argsort(distance, kind="stable")[:kept]] = True
    return distance, accepted


def fit(template: Scenario, start: int, end: int, budget: int, runs: int, seed: int, share: float,
        executor: cf.Executor, progress: Callable[[int], None] = lambda n: None) -> Calibration:
    """Fit both stages; the coup stage gets an eighth of the budget (at least 16 sets): it has one parameter."""
    observed = record.statistics(record.record_table(start + 1, end), start + 1, end)
    draws, fitted = [], []
    for stage in stages(template, start, end):
        points = budget if stage.name == "withdrawals" else max(16, budget // 8)
        stage_draws, stage_fitted = fit_stage(stage, observed, points, runs, seed, share, executor, progress)
        draws.append(stage_draws)
        fitted.append(stage_fitted)
    return Calibration(pd.concat(draws, ignore_index=True), pd.concat(fitted, ignore_index=True), observed,
                       (start + 1, end))


def fit_stage(stage: Stage, observed: dict[str, float], points: int, runs: int, seed: int, share: float,
              executor: cf.Executor, progress: Callable[[int], None] = lambda n: None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw `points` parameter sets from the stage's priors (Latin hypercube), run each `runs` times and
    keep the closest `share`; return the draws and the posterior summary of each parameter."""
    factors = [Factor(name, prior.low, prior.high) for name, prior in stage.priors.items()]
    design = build("lhs", factors, points, seed)
    futures = [executor.submit(evaluate, stage.scenario, design.iloc[i].to_dict(), runs, seed) for i in range(points)]
    simulated = []
    for future in futures:
        simulated.append(future.result())
        progress(runs)
    table = pd.DataFrame(simulated)[list(stage.statistics)]
    distance, accepted = accept(table.to_numpy(), np.array([observed[s] for s in stage.statistics]), share)
    draws = pd.concat([pd.DataFrame({"stage": stage.name, "point": range(points)}), design, table,
                       pd.DataFrame({"distance": distance, "accepted": accepted})], axis=1)
    fitted = pd.DataFrame([{"parameter": name, "stage": stage.name, "value": float(design.loc[accepted, name].median()),
                            "q05": float(design.loc[accepted, name].quantile(0.05)),
                            "q95": float(design.loc[accepted, name].quantile(0.95)),
                            "prior_low": prior.low, "prior_high": prior.high, "accepted": int(accepted.sum()),
                            "draws": points, "runs_per_draw": runs}
                           for name, prior in stage.priors.items()])
    return draws, fitted


def adopted(calibration: Calibration, seed: int) -> pd.DataFrame:
    """The fitted values in the format of sim/data/calibration.csv, rounded to what the data supports."""
    first, last = calibration.window
    fitted = calibration.fitted
    return pd.DataFrame({
        "parameter": fitted["parameter"],
        "value": fitted["value"].round(3),
        "q05": fitted["q05"].round(3),
        "q95": fitted["q95"].round(3),
        "window": f"{format_month(first)} to {format_month(last)}",
        "method": [f"{METHOD}, {draws} draws x {runs} runs, seed {seed}"
                   for draws, runs in zip(fitted["draws"], fitted["runs_per_draw"])],
        "data_as_of": str(datasets.DATA_END),
    })


def posterior_sample(calibration: Calibration) -> pd.DataFrame:
    """The accepted parameter sets as one table, a row per withdrawal-stage set: set j takes the coup
    stage's accepted set j modulo their number (the stages are fitted independently)."""
    draws = calibration.draws[calibration.draws["accepted"]]
    stages_kept = []
    for stage, priors in (("withdrawals", WITHDRAWAL_PRIORS), ("coups", COUP_PRIORS)):
        kept = draws.loc[draws["stage"] == stage, list(priors)].reset_index(drop=True)
        stages_kept.append(kept)
    withdrawals, coups = stages_kept
    coups = coups.iloc[np.arange(len(withdrawals)) % len(coups)].reset_index(drop=True)
    return pd.concat([withdrawals, coups], axis=1)
