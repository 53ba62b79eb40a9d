"""Calibration against the historical record by ABC-SMC (pyabc).

Approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009, J. R. Soc. Interface
6(31); Beaumont et al. 2009, Biometrika 96(4)) with pyabc (Schälte et al. 2022, J. Open Source Softw.
7(74)): a population of parameter sets is drawn from the priors, each set is run once over the window,
and the sets whose run comes closest to the record are kept, weighted and perturbed into the next
generation with a shrinking tolerance (the median distance of the last one). One run per set, not an
ensemble mean: the record is one realisation, so a set is judged by how likely its runs are to look
like the record, predictive spread included. Distances are Euclidean over the statistics, each scaled
by its standard deviation over the generation (pyabc's adaptive distance; Prangle 2017, Bayesian Anal.
12(1)). Populations depend on the seed alone (sim.experiments.seeded_sampler).

What ten events can identify: about ten withdrawal announcements 2002-2026 in three clusters, three
revocations and seven accessions since 2012 pin an overall announcement rate, how much an exit raises
its peers' hazard, a revocation rate and an accession rate; coups (some 200 attempts) pin the coup
rate. The covariate effects (divergence, exposure, juntas, patrons, legitimacy) shift risk between
states, which counts over the whole world cannot tell apart: they stay at their literature values
(FIXED says which and why), and the simulation-based check (sim.experiments.inference_check) shows
which fitted parameters the record really constrains.

Two stages, since coups do not depend on withdrawals: the coup process runs free and is fitted to the
record's coups and attempts; then the withdrawal and accession processes are fitted with the record's
coups, juntas, patrons, court events, exposure and yearly ideal points replayed, as in a hindcast.
Accessions before 2012 (the founding ratification wave, which the accession rule does not describe)
are replayed as well.
"""

import concurrent.futures as cf
import dataclasses
import logging
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyabc

from sim.core.errors import UserError
from sim.core.months import format_month, month_of, parse_month
from sim.data import datasets, record
from sim.experiments.seeded_sampler import BATCH, SeededSampler
from sim.model import scenario as scenarios
from sim.model.ensemble import Results, run_ensemble
from sim.model.ensemble import simulate as simulate_runs
from sim.model.scenario import Scenario

METHOD = "ABC-SMC (pyabc)"
POPULATION = 200  # particles per generation of the withdrawal stage; the posterior sample is drawn from the last
BUDGET = 10000  # runs of the withdrawal stage (one per proposal); the coup stage gets a quarter of both
GENERATIONS = 12  # at most; the tolerance rarely needs more to settle
MIN_ACCEPTANCE = 0.02  # stop when fewer proposals are accepted: the tolerance then buys little
DRAWS = 500  # equally weighted draws of the shipped posterior sample
FIRST_START = parse_month(datasets.FIRST_MONTH)


@dataclasses.dataclass(frozen=True)
class Prior:
    """A fitted parameter's uniform prior and why it spans that range."""

    low: float
    high: float
    basis: str

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12.0


COUP_PRIORS = {
    "coup_multiplier": Prior(0.2, 1.5, "from a fifth of the Powell & Thyne rates of the 15 years before the start "
                             "to half as much again"),
}
WITHDRAWAL_PRIORS = {
    "a0": Prior(-12.0, -5.0, "baseline hazard 0.0006 %/yr to 0.7 %/yr, around the all-IGO 0.04 %/yr "
                "(von Borzyskowski & Vabulas 2019, Online Appendix Table A1)"),
    "revoke_rate": Prior(0.0, 0.15, "per month; from none to about half of withdrawals revoked within four months "
                         "(record: 3 of 10 announcements revoked)"),
    "acc_a0": Prior(-7.0, -2.0, "accession hazard 0.1 %/yr to 12 %/yr at zero covariates around the 0.3-0.6 "
                    "accessions a year since 2012"),
}
FIXED = {  # parameters the record's counts cannot separate: held at an earlier fit's medians (sim/data/held.csv)
    "b_peer": "the declared range's check (--check-inference) showed no contraction on the real record and little "
              "on synthetic ones: two clusters (2016, 2025) for a peer effect confounded with b_pat and b_junta",
    "b_div": "published estimate (von Borzyskowski & Vabulas 2019); it shifts risk between states",
    "b_exp": "relative risk from the ICC record; exposure shifts risk between states, the counts do not see it",
    "b_junta": "reading of the record's juntas; confounded with b_pat and the peer effect in the 2025 cluster",
    "b_pat": "assumption in the 1-3 range; Hungary and the AES are two events for two effects",
    "b_leg": "assumption; legitimacy moves with the same exits that b_peer already answers to",
    "lam_exit": "assumption; a second clustering mechanism beside b_peer that ten events cannot tell apart",
    "legitimacy_tau_months": "assumption; only two episodes to recover from",
    "b_camp": "assumption; two AU campaigns, one with exits and one without",
    "b_coop": "assumption; one case of cooperation (Central African Republic)",
}
COUP_STATISTICS = ("coups", "attempts")
WITHDRAWAL_STATISTICS = ("announcements_max_year", "notifications", "revocations", "exits", "accessions_mature",
                         "parties_end")
REPLAYED = ("coups", "juntas", "governments", "patrons", "court", "exposure", "alignment")
logging.getLogger("ABC").setLevel(logging.WARNING)  # pyabc reports every generation at INFO


@dataclasses.dataclass(frozen=True)
class Stage:
    """One fitted block: its priors, its scenario over the window and the per-run statistics it is fitted to."""

    name: str
    priors: dict[str, Prior]
    scenario: Scenario
    statistics: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Calibration:
    """Each stage's generations and final particles, the posterior summary and sample, and the record."""

    generations: pd.DataFrame  # stage, generation, epsilon, particles, simulations, acceptance_rate
    particles: pd.DataFrame  # the final population of each stage: stage, weight, parameters, distance
    fitted: pd.DataFrame  # one row per parameter: value (posterior median), q05, q95, prior, contraction
    posterior: pd.DataFrame  # DRAWS equally weighted joint draws: draw, parameters
    observed: dict[str, float]  # the record's statistics over the window
    window: tuple[int, int]  # first and last simulated month


def stages(template: Scenario, start: int, end: int) -> list[Stage]:
    """The coup stage and the withdrawal stage over the months after `start` up to `end`."""
    if not FIRST_START <= start < end <= month_of(datasets.DATA_END):
        raise UserError(f"calibration window {format_month(start)} to {format_month(end)}: must lie within "
                        f"{format_month(FIRST_START)} to {format_month(month_of(datasets.DATA_END))}, start before end")
    window = template.with_window(start, end)
    coups = dataclasses.replace(window, name="calibration-coups", events=(), replay=())
    hindcast = dataclasses.replace(
        window, name="calibration-withdrawals", replay=REPLAYED, events=tuple(founding_accessions(start, end))
    ).with_params({"coup_multiplier": 0.0, "junta_exit_rate": 0.0, "patron_switch": 0.0, "drift_rate": 0.0},
                  where="calibration")
    withdrawal_statistics = tuple(name for name, _, _ in record.eras(start + 1, end)) + WITHDRAWAL_STATISTICS
    return [Stage("coups", COUP_PRIORS, coups, COUP_STATISTICS),
            Stage("withdrawals", WITHDRAWAL_PRIORS, hindcast, withdrawal_statistics)]


def founding_accessions(start: int, end: int) -> list[Any]:
    """Accession events for the record's deposits in the window before 2012 (the ratification wave)."""
    status = datasets.icc_status()
    deposits = status[status["event"] == "deposit"].assign(month=lambda f: f["date"].map(month_of))
    deposits = deposits[deposits["month"].between(start + 1, min(end, record.MATURE_FROM - 1))]
    return [scenarios.EVENT_ADAPTER.validate_python({"month": format_month(m), "kind": "accede", "states": [iso3]})
            for iso3, m in zip(deposits["iso3"], deposits["month"])]


def per_run(results: Results, scenario: Scenario) -> pd.DataFrame:
    """The per-run statistics of an ensemble over its scenario's window (see sim.data.record.per_run)."""
    months = {m: month_of(pd.Timestamp(m).date()) for m in results.events["month"].unique()}
    events = results.events.assign(month=results.events["month"].map(months).astype("int64"))
    runs = len(results.runs)
    return record.per_run(events.assign(run=events["run"].map(dict(zip(results.runs["run"], range(runs))))), runs,
                          results.runs["parties_end"].to_numpy(), scenario.start + 1, scenario.end)


def simulate(scenario: Scenario, overrides: dict[str, float], runs: int, seed: int,
             threads: int | None = None) -> tuple[Results, pd.DataFrame]:
    """Run a parameter set over the scenario's window on `threads` threads (default: all cores); return the
    results and the per-run statistics."""
    results = run_ensemble(scenario.with_params(overrides, where="calibration"), runs, seed, threads=threads)
    return results, per_run(results, scenario)


class StageModel:
    """One run of a stage's scenario at a proposed parameter set, reduced to the stage's statistics: the
    model pyabc calls. The run's root seed comes from NumPy's global generator, which the sampler seeds
    per job; the run uses one thread (the jobs run side by side on the sampler's workers). The world and
    the replayed events are built once per process and window (sim.model.ensemble, sim.model.dynamics)."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage

    def __call__(self, parameters: dict[str, float]) -> dict[str, float]:
        scenario = self.stage.scenario.with_params({k: float(v) for k, v in parameters.items()}, where="calibration")
        seed = int(np.random.randint(0, 2**62))
        results = simulate_runs(scenario, seed, np.zeros(1, dtype=np.int64), threads=1)
        table = per_run(results, scenario)
        return {name: float(table[name].iloc[0]) for name in self.stage.statistics}


def observed_statistics(stage: Stage) -> dict[str, float]:
    """The record's values of a stage's statistics over its window."""
    table = record.record_table(stage.scenario.start + 1, stage.scenario.end)
    return {name: float(table[name].iloc[0]) for name in stage.statistics}


@dataclasses.dataclass(frozen=True)
class Budget:
    """How much a stage may spend: particles per generation, runs in all, generations at most, and
    proposals per job (small populations want small jobs: the jobs in flight when a generation fills
    are wasted; results depend on it, not on the number of workers)."""

    population: int
    simulations: int
    generations: int = GENERATIONS
    batch: int = BATCH

    def for_stage(self, name: str) -> "Budget":
        """The coup stage has one parameter: a quarter of the particles and runs (at least 20 and 100)."""
        if name == "withdrawals":
            return self
        return Budget(max(20, self.population // 4), max(100, self.simulations // 4), self.generations, self.batch)


def fit_stage(stage: Stage, observed: dict[str, float], budget: Budget, entropy: tuple[int, ...],
              executor: cf.Executor, in_flight: int = 8, progress: Callable[[int], None] = lambda n: None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ABC-SMC of one stage, its proposals seeded from `entropy`; return its generations and its final
    weighted particles."""
    prior = pyabc.Distribution(**{name: pyabc.RV("uniform", p.low, p.high - p.low) for name, p in stage.priors.items()})
    sampler = SeededSampler(executor, entropy, in_flight, progress, budget.batch)
    abc = pyabc.ABCSMC(StageModel(stage), prior,
                       pyabc.AdaptivePNormDistance(p=2, scale_function=pyabc.distance.standard_deviation),
                       population_size=budget.population, sampler=sampler, eps=pyabc.QuantileEpsilon(alpha=0.5))
    abc.new("sqlite://", observed)
    history = abc.run(max_nr_populations=budget.generations, max_total_nr_simulations=budget.simulations,
                      min_acceptance_rate=MIN_ACCEPTANCE)
    populations = history.get_all_populations()
    populations = populations[populations["t"] >= 0]
    generations = pd.DataFrame({"stage": stage.name, "generation": populations["t"].astype(int).to_numpy(),
                                "epsilon": populations["epsilon"].to_numpy(dtype=float),
                                "particles": populations["particles"].astype(int).to_numpy(),
                                "simulations": populations["samples"].astype(int).to_numpy()})
    generations["acceptance_rate"] = generations["particles"] / generations["simulations"]
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    population = history.get_population(t=history.max_t)
    distances = [particle.distance for particle in population.particles]
    particles = pd.concat([pd.DataFrame({"stage": stage.name, "particle": range(len(frame)), "weight": weights}),
                           frame[list(stage.priors)].reset_index(drop=True),
                           pd.DataFrame({"distance": distances})], axis=1)
    return generations, particles


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The q-quantile of a weighted sample (the inverse of its weighted distribution function)."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][min(np.searchsorted(cumulative, q), len(values) - 1)])


def summarise(particles: pd.DataFrame, priors: dict[str, Prior]) -> pd.DataFrame:
    """Per parameter: weighted posterior median, 5 % and 95 % quantiles, and the contraction
    1 - posterior variance / prior variance."""
    rows = []
    weights = particles["weight"].to_numpy(dtype=float)
    for name, prior in priors.items():
        values = particles[name].to_numpy(dtype=float)
        mean = np.average(values, weights=weights)
        variance = float(np.average((values - mean) ** 2, weights=weights))
        rows.append({"parameter": name, "stage": particles["stage"].iloc[0],
                     "value": weighted_quantile(values, weights, 0.5), "q05": weighted_quantile(values, weights, 0.05),
                     "q95": weighted_quantile(values, weights, 0.95), "prior_low": prior.low, "prior_high": prior.high,
                     "contraction": 1.0 - variance / prior.variance, "particles": len(values)})
    return pd.DataFrame(rows)


def resample(particles: pd.DataFrame, names: list[str], draws: int, seed: int, stage: int) -> pd.DataFrame:
    """`draws` equally weighted draws from weighted particles (systematic resampling, Kitagawa 1996)."""
    weights = particles["weight"].to_numpy(dtype=float)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(stage, 1))))
    points = (rng.random() + np.arange(draws)) / draws
    chosen = np.minimum(np.searchsorted(np.cumsum(weights) / weights.sum(), points), len(weights) - 1)
    return particles[names].iloc[rng.permutation(chosen)].reset_index(drop=True)


def fit(template: Scenario, start: int, end: int, budget: Budget, seed: int, executor: cf.Executor,
        in_flight: int = 8, progress: Callable[[int], None] = lambda n: None,
        observed: dict[str, float] | None = None) -> Calibration:
    """Fit both stages to the record over the window (or to `observed` statistics, e.g. a synthetic
    record) and draw the posterior sample."""
    chosen = stages(template, start, end)
    observed = observed or {k: v for stage in chosen for k, v in observed_statistics(stage).items()}
    generations, particles, fitted, samples = [], [], [], []
    for number, stage in enumerate(chosen):
        stage_observed = {name: observed[name] for name in stage.statistics}
        stage_generations, stage_particles = fit_stage(stage, stage_observed, budget.for_stage(stage.name),
                                                       (seed, number), executor, in_flight, progress)
        generations.append(stage_generations)
        particles.append(stage_particles)
        fitted.append(summarise(stage_particles, stage.priors))
        samples.append(resample(stage_particles, list(stage.priors), DRAWS, seed, number))
    posterior = pd.concat([pd.DataFrame({"draw": range(DRAWS)}), *samples], axis=1)
    return Calibration(pd.concat(generations, ignore_index=True), pd.concat(particles, ignore_index=True),
                       pd.concat(fitted, ignore_index=True), posterior, observed, (start + 1, end))


def adopted(calibration: Calibration, seed: int) -> pd.DataFrame:
    """The fitted values in the format of sim/data/calibration.csv, rounded to what the data supports."""
    first, last = calibration.window
    fitted = calibration.fitted
    totals = calibration.generations.groupby("stage").agg(generations=("generation", "size"),
                                                          simulations=("simulations", "sum"))
    return pd.DataFrame({
        "parameter": fitted["parameter"],
        "value": fitted["value"].round(3),
        "q05": fitted["q05"].round(3),
        "q95": fitted["q95"].round(3),
        "window": f"{format_month(first)} to {format_month(last)}",
        "method": [f"{METHOD}, {particles} particles, {totals.loc[stage, 'generations']} generations, "
                   f"{totals.loc[stage, 'simulations']} runs, seed {seed}"
                   for stage, particles in zip(fitted["stage"], fitted["particles"])],
        "data_as_of": str(datasets.DATA_END),
    })

