"""The model's decision rules: compiled functions of one state's attributes in one month.

Both drivers call these same functions: each agent of the Mesa model calls them for itself, and the
ensemble calls them for every state of every run in a compiled loop (sim.decide). Hazards given per
year are converted to per month. `p` is the parameters as plain numbers (see `numbers`).
"""

import collections
import dataclasses
import functools
import math
from typing import Any

import numba
import numpy as np

from sim.core.params import Params

NOTICE_MONTHS = 12  # Rome Statute Art. 127(1): effect one year after notification
ENTRY_MONTHS = 3  # Art. 126(2): first day of the month after the 60th day from deposit, about 3 months

Numbers = collections.namedtuple("Numbers", list(Params.specs()))  # type: ignore[misc]
jit = functools.partial(numba.njit, cache=True, inline="always")


@functools.lru_cache(maxsize=64)
def numbers(p: Params) -> Any:
    """The parameters as a tuple of floats, the form compiled code takes."""
    return Numbers(*(float(value) for value in dataclasses.astuple(p)))


@jit
def monthly(annual: float) -> float:
    """Monthly probability with the same yearly total: 1 - (1 - h)^(1/12)."""
    return -math.expm1(math.log1p(-min(max(annual, 0.0), 0.999999)) / 12.0)


@jit
def monthly_from_logit(z: float) -> float:
    """monthly(logistic(z)) in one pass: 1 - (1 - h)^(1/12) = -expm1(-log(1 + e^z) / 12)."""
    softplus = z + math.log1p(math.exp(-z)) if z > 0 else math.log1p(math.exp(z))
    return -math.expm1(softplus / -12.0)


@jit
def announcement_logit(p: Any, divergence: float, lead: float, peer: float, exposure: float, regime_change: float,
                       junta_grievance: float, grievance: float, bias: float, legitimacy_gap: float,
                       pressure: float) -> float:
    """Annual log-odds that a party announces withdrawal (a rare-events logit). `grievance` is the
    patron's strength x hostility to the court, `junta_grievance` the same under a junta (else 0);
    `pressure` is a scenario's shift of the logit (e.g. a coordinated regional campaign)."""
    return (p.a0 + p.b_div * divergence + p.b_lead * lead + p.b_peer * peer + p.b_exp * exposure
            + p.b_rc * regime_change + p.b_junta * junta_grievance + p.b_pat * grievance + p.b_bias * bias
            + p.b_leg * legitimacy_gap + pressure)


@jit
def coup_annual(p: Any, coup_rate: float, coup_factor: float, trapped: bool) -> float:
    """Annual probability of a coup attempt: base rate x scenario factors x coup trap."""
    return coup_rate * coup_factor * p.coup_multiplier * (p.coup_trap if trapped else 1.0)


@jit
def notification_probability(p: Any, stalled: bool) -> float:
    """Monthly chance that an announced withdrawal is notified to the UN Secretary-General."""
    return p.stalled_notify_rate if stalled else p.notify_rate


@jit
def revocation_probability(p: Any, junta: bool, recent_turnover: bool) -> float:
    """Monthly chance that an announced or notified withdrawal is abandoned or revoked."""
    ordinary = p.revoke_rate * (p.junta_revoke_factor if junta else 1.0)
    return max(ordinary, p.turnover_revoke_rate) if recent_turnover else ordinary


@jit
def accession_logit(p: Any, divergence: float, grievance: float) -> float:
    """Annual log-odds that a non-party deposits an instrument of accession."""
    return p.acc_a0 - p.acc_div * divergence - p.acc_grievance * grievance


@jit
def drifted(p: Any, ideal_point: float, pole: float, strength: float) -> float:
    """A junta's ideal point after a month of drift toward its patron's pole."""
    return ideal_point + p.drift_rate * strength * (pole - ideal_point)


@jit
def ramped(p: Any, strength: float, target: float) -> float:
    """Patron strength after a month of build-up toward its target."""
    return min(strength + target / p.patron_ramp_months, target)


def next_legitimacy(p: Params, legitimacy: np.ndarray, *, exits: np.ndarray, accessions: np.ndarray,
                    arrests: np.ndarray, sanctions: float) -> np.ndarray:
    """Court legitimacy relaxes to 1, falls with exits and sanctions, rises with accessions and arrests
    (one value per run)."""
    change = ((1.0 - legitimacy) / p.legitimacy_tau_months - p.lam_exit * exits - p.lam_sanc * sanctions
              + p.lam_acc * accessions + p.lam_arrest * arrests)
    return np.clip(legitimacy + change, 0.0, 1.0)
