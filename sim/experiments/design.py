"""Experimental designs: which parameter sets a sweep runs.

A full grid, a Latin hypercube (scipy.stats.qmc), Sobol or Morris samples (SALib), or explicit
parameter sets from a CSV file. Every value is checked against the parameter's declared range.
"""

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sim.core.errors import UserError
from sim.core.params import Params, coerce

DESIGNS = ("grid", "lhs", "sobol", "morris")
MORRIS_LEVELS = 4
# A sweep of more runs (points x runs per point) needs --yes: over a run to 2035 its time-series table then
# passes 11 million rows (about 0.6 GB as CSV, as much again as Parquet and chunks), beyond what a mistyped
# --vary should be allowed to start.
CONFIRM_RUNS = 100_000
MAX_POINTS = 1_000_000  # larger designs are refused outright (their design table alone passes 40 MB)
# Fewest samples that give an index with a usable interval. Assumption: Sobol first-order and total
# indices with fewer than 8 base samples (SALib bootstraps their intervals from them) are noise; Morris
# needs two trajectories for the spread (sigma) of the elementary effects.
MIN_SAMPLES = {"sobol": 8, "morris": 2}
_VARY = re.compile(r"^([a-z_0-9]+)=([^:]+):([^:]+)(?::(\d+))?$")


@dataclasses.dataclass(frozen=True)
class Factor:
    """A swept parameter: its name, bounds and (for a grid) number of levels."""

    name: str
    low: float
    high: float
    levels: int | None = None


def parse_vary(text: str) -> Factor:
    """Parse KEY=LOW:HIGH[:N], checking the name and both bounds against the parameter's range."""
    match = _VARY.match(text.strip())
    if not match:
        raise UserError(f"--vary {text!r}: expected KEY=LOW:HIGH[:N], e.g. b_peer=1:4:5")
    name, low, high, levels = match.groups()
    specs = Params.specs()
    if name not in specs:
        raise UserError(f"--vary {name}: unknown parameter (allowed: {', '.join(specs)})")
    low_value = coerce(specs[name], low, f"--vary {name} low")
    high_value = coerce(specs[name], high, f"--vary {name} high")
    if not low_value < high_value:
        raise UserError(f"--vary {name}: low {low_value} must be below high {high_value}")
    if levels is not None and int(levels) < 2:
        raise UserError(f"--vary {name}: a grid needs at least 2 levels, got {levels}")
    return Factor(name, float(low_value), float(high_value), int(levels) if levels else None)


def count(design: str, factors: list[Factor], samples: int) -> int:
    """How many points a design of these factors has, before it is built."""
    if design == "grid":
        return int(np.prod([f.levels or 3 for f in factors], dtype=object)) if factors else 0
    if design == "lhs":
        return samples
    return samples * (len(factors) + (2 if design == "sobol" else 1))


def check_size(points: int, runs: int, confirmed: bool) -> None:
    """Refuse a design above MAX_POINTS, and one above CONFIRM_RUNS runs unless confirmed (--yes)."""
    if points > MAX_POINTS:
        raise UserError(f"the design has {points} points, more than the {MAX_POINTS} a sweep can take; "
                        "use fewer levels or samples")
    if points * runs > CONFIRM_RUNS and not confirmed:
        raise UserError(f"this sweep takes {points} points x {runs} runs = {points * runs} runs (more than "
                        f"{CONFIRM_RUNS}); add --yes to run it")


def _problem(factors: list[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def build(design: str, factors: list[Factor], samples: int, seed: int) -> pd.DataFrame:
    """The design's points as sampled, one row per point, one column per factor (see `values`)."""
    if not factors:
        raise UserError("--vary: name at least one parameter to vary (or give --design-file)")
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise UserError(f"--vary: a parameter is named twice ({', '.join(names)})")
    if design in MIN_SAMPLES and samples < MIN_SAMPLES[design]:
        raise UserError(f"--samples {samples}: a {design} design needs at least {MIN_SAMPLES[design]} "
                        f"{'trajectories' if design == 'morris' else 'base samples'} for usable indices")
    if design == "grid":
        axes = [np.linspace(f.low, f.high, f.levels or 3) for f in factors]
        points = np.array(np.meshgrid(*axes, indexing="ij")).reshape(len(factors), -1).T
    elif design == "lhs":
        from scipy.stats import qmc  # the samplers load scipy.stats (a second): only when sampling
        unit = qmc.LatinHypercube(d=len(factors), seed=seed).random(samples)
        points = qmc.scale(unit, [f.low for f in factors], [f.high for f in factors])
    elif design == "sobol":
        from SALib.sample import sobol as sobol_sample
        points = sobol_sample.sample(_problem(factors), samples, calc_second_order=False, seed=seed)
    else:
        from SALib.sample import morris as morris_sample
        points = morris_sample.sample(_problem(factors), samples, num_levels=MORRIS_LEVELS, seed=seed)
    return pd.DataFrame(points, columns=names)


def from_file(path: Path) -> pd.DataFrame:
    """Explicit parameter sets: a CSV with one column per parameter and one row per set."""
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise UserError(f"--design-file {path}: no such file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UserError(f"--design-file {path}: not a readable CSV ({str(exc).splitlines()[0]})") from None
    if frame.empty:
        raise UserError(f"--design-file {path}: no parameter sets")
    values(frame, f"--design-file {path.name}")
    return frame


def values(frame: pd.DataFrame, where: str = "design") -> pd.DataFrame:
    """The parameter values a design's points run with: validated, integer parameters rounded."""
    specs = Params.specs()
    checked = {}
    for name in frame.columns:
        if name not in specs:
            raise UserError(f"{where}: column {name!r} is not a parameter (allowed: {', '.join(specs)})")
        column = frame[name]
        if specs[name].type is int and pd.api.types.is_numeric_dtype(column):
            column = column.round()
        checked[name] = [coerce(specs[name], value, f"{where} row {row + 1} {name}")
                         for row, value in enumerate(column)]
    return pd.DataFrame(checked)
