"""Global sensitivity indices of a sweep's outcomes (SALib): Sobol first-order and total indices, or
Morris elementary effects, each with its confidence interval."""

import numpy as np
import pandas as pd

from sim.experiments.design import MORRIS_LEVELS

OUTCOMES = {"parties_end_mean": "States Parties at the end", "further_exits_mean": "further exits by the end"}


def indices(design: str, raw: pd.DataFrame, summary: pd.DataFrame, factors: list[dict], seed: int) -> pd.DataFrame:
    """Tidy table: outcome, parameter, index, value, conf (the half-width of its 95 % interval)."""
    from SALib.analyze import morris as morris_analyze, sobol as sobol_analyze  # SALib loads scipy.stats: a second
    problem = {"num_vars": len(factors), "names": [f["name"] for f in factors],
               "bounds": [[f["low"], f["high"]] for f in factors]}
    rows = []
    for outcome in OUTCOMES:
        y = summary[outcome].to_numpy(dtype=float)
        if design == "sobol":
            result = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
            pairs = [("S1", "S1_conf"), ("ST", "ST_conf")]
        else:
            result = morris_analyze.analyze(problem, raw[problem["names"]].to_numpy(dtype=float), y,
                                            num_levels=MORRIS_LEVELS, seed=seed)
            pairs = [("mu_star", "mu_star_conf"), ("sigma", None)]
        for name_index, parameter in enumerate(problem["names"]):
            for index, conf in pairs:
                rows.append({"outcome": outcome, "parameter": parameter, "index": index,
                             "value": float(result[index][name_index]),
                             "conf": float(result[conf][name_index]) if conf else np.nan})
    return pd.DataFrame(rows)
