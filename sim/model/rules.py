"""The model's decision rules: compiled functions of one state's attributes in one month.

Both drivers call these same functions: each agent of the Mesa model calls them for itself, and the
ensemble calls them for every state of every run in a compiled loop (sim.decide). Hazards given per
year are converted to per month. `p` is the parameters as plain numbers (see `numbers`).
"""

import collections
import functools
import math
from typing import Any

import numba
import numpy as np
from numba.np.unsafe.ndarray import to_fixed_tuple

from sim.core.params import Params
from sim.model import compiled

compiled.refresh()  # before any of the model's compiled functions can run (see sim.model.compiled)

NOTICE_MONTHS = 12  # Rome Statute Art. 127(1): effect one year after notification
ENTRY_MONTHS = 3  # Art. 126(2): first day of the month after the 60th day from deposit, about 3 months

Numbers = collections.namedtuple("Numbers", list(Params.specs()))  # type: ignore[misc]
jit = functools.partial(numba.njit, cache=True, inline="always")


@functools.lru_cache(maxsize=64)
def numbers(p: Params) -> Any:
    """The parameters as a tuple of floats, the form compiled code takes."""
    return Numbers(*(float(getattr(p, name)) for name in Numbers._fields))


FIELDS = len(Numbers._fields)


@jit
def numbers_at(table: np.ndarray, r: int) -> Any:
    """Row r of a table of parameter sets (one row per run, columns in Numbers order) as Numbers: how the
    ensemble gives each run its own posterior draw."""
    return Numbers(*to_fixed_tuple(table[r], FIELDS))


@jit
def monthly(annual: float) -> float:
    """Monthly probability with the same yearly total: 1 - (1 - h)^(1/12)."""
    return -math.expm1(math.log1p(-min(max(annual, 0.0), 0.999999)) / 12.0)


@jit
def monthly_from_logit(z: float) -> float:
    """monthly(logistic(z)) in one pass: 1 - (1 - h)^(1/12) = -expm1(-log(1 + e^z) / 12)."""
    softplus = z + math.log1p(math.exp(-z)) if z > 0 else math.log1p(math.exp(z))
    return -math.expm1(softplus / -12.0)


TERMS = ("hostile_alignment", "lead", "peer", "exposure", "regime_change", "junta_grievance", "patron_grievance",
         "bias", "legitimacy", "campaign", "cooperation", "pressure")  # the announcement logit's terms, in announcement_terms order


@jit
def hostile_gap(mean_ideal: float, ideal_point: float) -> float:
    """How far a state votes from the parties' mean toward the court-hostile pole (Russia's clients, the low
    end of the UN-voting axis), in ideal-point units; 0 on the mean's other side, so voting with the US or
    with Europe never counts as a grievance against the court."""
    return max(mean_ideal - ideal_point, 0.0)


@jit
def stance(p: Any, mean_ideal: float, ideal_point: float, grievance: float, exposure: float,
           cooperation: float) -> float:
    """A state's stance against the court in [0, 1]: the largest of its share of the way from the parties'
    mean to the Russian clients' pole, its court-hostile patron's pull (strength x hostility) and its own
    conflict with the court (exposure), less its government's cooperation with the court. It scales how
    much the court's legitimacy and a bloc's campaign weigh on the state: Burundi reacts to both, Germany
    to neither."""
    gap, span = hostile_gap(mean_ideal, ideal_point), mean_ideal - p.pole_rus
    share = min(gap / span, 1.0) if span > 0 else (1.0 if gap > 0 else 0.0)  # past the pole: all the way
    return min(max(share, grievance, exposure, 0.0), 1.0) * (1.0 - min(max(cooperation, 0.0), 1.0))


@jit
def announcement_terms(p: Any, x: tuple) -> tuple:
    """The terms of the annual announcement log-odds beyond the intercept, in TERMS order, from a party's
    covariates x = (hostile gap, lead, peer share, exposure, regime change, junta grievance, patron
    grievance, bias, legitimacy gap, campaign, stance, cooperation, pressure): the patron grievance is its
    strength x hostility to the court, the junta grievance the same under a junta (else 0), the campaign
    the level of a bloc's campaign against the court, cooperation the government's reliance on the court,
    and pressure a scenario's shift of the logit. The legitimacy gap and the campaign weigh through the
    state's stance."""
    return (p.b_div * x[0], p.b_lead * x[1], p.b_peer * x[2], p.b_exp * x[3], p.b_rc * x[4], p.b_junta * x[5],
            p.b_pat * x[6], p.b_bias * x[7], p.b_leg * x[8] * x[10], p.b_camp * x[9] * x[10], -p.b_coop * x[11],
            x[12])


@jit
def announcement_logit(p: Any, x: tuple) -> float:
    """Annual log-odds that a party announces withdrawal (a rare-events logit): the intercept plus the
    announcement_terms of its covariates x."""
    t = announcement_terms(p, x)
    return p.a0 + t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7] + t[8] + t[9] + t[10] + t[11]


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


BOUND_MARGIN = 1e-6  # in log-odds: far above any rounding error, so a bound's probability is never below the exact one


@jit
def accession_bound(p: Any) -> float:
    """An upper bound of every non-party's monthly accession probability: the intercept's, since distance
    and grievance (both at least 0) only lower the log-odds while their weights are at least 0 (their
    declared ranges); 1 otherwise."""
    if p.acc_div < 0 or p.acc_grievance < 0:
        return 1.0
    return monthly_from_logit(p.acc_a0 + BOUND_MARGIN)


@jit
def announcement_cap(p: Any, gap: float, exposure: float, regime_change: float, junta_grievance: float,
                     grievance: float, bias: float, cooperation: float, pressure: float) -> float:
    """A party's own share of an upper bound of its monthly announcement probability: e^(its own terms of the
    log-odds, each at the largest value it can reach before it is recomputed) / 12; times `announcement_scale`
    the bound holds, since monthly(logistic(z)) = 1 - (1 + e^z)^(-1/12) <= log(1 + e^z) / 12 <= e^z / 12."""
    return math.exp(p.b_div * gap + p.b_exp * exposure + p.b_rc * regime_change + p.b_junta * junta_grievance
                    + p.b_pat * grievance + p.b_bias * bias - p.b_coop * cooperation + pressure) / 12.0


@jit
def announcement_scale(p: Any, lead: float, peer: float, mean_rise: float, legitimacy_gap: float,
                       campaign: float) -> float:
    """A run's share of the bound of `announcement_cap`: e^(the intercept and the terms the run's view sets, each at
    its largest over the run's parties: any recent lead, the largest peer share, the rise of the parties' mean
    ideal point since the caps were taken, the legitimacy gap and the strongest campaign, with the stance at
    its largest, 1). Exact while every weight is at least 0 (their declared ranges); infinite otherwise."""
    if min(p.b_div, p.b_lead, p.b_peer, p.b_exp, p.b_rc, p.b_junta, p.b_pat, p.b_bias, p.b_leg, p.b_camp,
           p.b_coop) < 0:
        return math.inf
    return math.exp(p.a0 + p.b_lead * lead + p.b_peer * peer + p.b_div * mean_rise + p.b_leg * legitimacy_gap
                    + p.b_camp * campaign + BOUND_MARGIN)


@jit
def drifted(p: Any, ideal_point: float, pole: float, strength: float) -> float:
    """A junta's ideal point after a month of drift toward its patron's pole."""
    return ideal_point + p.drift_rate * strength * (pole - ideal_point)


@jit
def ramped(p: Any, strength: float, target: float) -> float:
    """Patron strength after a month of build-up toward its target."""
    return min(strength + target / p.patron_ramp_months, target)


LEGITIMACY_PARAMETERS = ("lam_exit", "lam_acc", "lam_arrest", "lam_sanc", "legitimacy_tau_months")  # next_legitimacy's
LegitimacyRates = collections.namedtuple("LegitimacyRates", LEGITIMACY_PARAMETERS)  # type: ignore[misc]


def legitimacy_rates(table: np.ndarray) -> Any:
    """The legitimacy parameters of each run of a table of parameter sets (see `numbers_at`) as arrays (one
    value per run): what the record's replay (sim.model.legitimacy.at_start_each) takes for runs that differ in
    them."""
    return LegitimacyRates(*(table[:, Numbers._fields.index(name)].copy() for name in LEGITIMACY_PARAMETERS))


def next_legitimacy(p: Any, legitimacy: np.ndarray, *, episodes: np.ndarray, accessions: np.ndarray,
                    arrests: np.ndarray, sanctions: float) -> np.ndarray:
    """`legitimacy_next` for each run of `legitimacy`; `p` holds the LEGITIMACY_PARAMETERS, as numbers
    (Params) or one per run (`legitimacy_rates`). For the record's replay (sim.model.legitimacy): the
    ensemble and the Mesa model call the rule in compiled code (sim.model.dynamics.run_legitimacy)."""
    values = [np.broadcast_to(np.asarray(getattr(p, name), dtype=float), legitimacy.shape)
              for name in LEGITIMACY_PARAMETERS]
    return np.array([legitimacy_next(LegitimacyRates(*(float(v[r]) for v in values)), float(legitimacy[r]),
                                     int(episodes[r]), int(accessions[r]), float(arrests[r]), float(sanctions))
                     for r in range(legitimacy.shape[0])])


@jit
def legitimacy_next(p: Any, legitimacy: float, episodes: int, accessions: int, arrests: float,
                    sanctions: float) -> float:
    """Court legitimacy a month later: it relaxes to 1, falls with withdrawal episodes and sanctions, rises
    with accessions and arrests. An episode is charged once, when announced (see `episodes`); the exit
    taking effect a year or more later is not charged again. `p` has the LEGITIMACY_PARAMETERS as fields."""
    change = ((1.0 - legitimacy) / p.legitimacy_tau_months - p.lam_exit * episodes - p.lam_sanc * sanctions
              + p.lam_acc * accessions + p.lam_arrest * arrests)
    return min(max(legitimacy + change, 0.0), 1.0)


def episodes(announcers: np.ndarray, bloc_members: np.ndarray) -> np.ndarray:
    """Withdrawal episodes per run in a month: the month's announcing states (runs, states) grouped so that
    states sharing a bloc form one episode (see `episode_count`)."""
    flags = announcers.astype(np.int16)
    return np.array([episode_count(flags, r, 1, bloc_members) if flags[r].any() else 0 for r in range(len(flags))],
                    dtype=np.int64)


@jit
def episode_count(bits: np.ndarray, r: int, bit: int, bloc_members: np.ndarray) -> int:
    """Withdrawal episodes among run r's announcing states (those with `bit` set in row r of the event bits,
    runs x states): states sharing a bloc form one episode (the AES trio's joint statement; the AU members'
    October 2016 wave), each state outside any shared bloc its own: the connected groups of the announcers,
    linked by a shared bloc. `bloc_members` is (states, blocs)."""
    states = bits.shape[1]
    chosen = np.empty(states, dtype=np.int64)  # the announcers
    group = np.empty(states, dtype=np.int64)  # each announcer's group, by union of groups (a forest of roots)
    found = 0
    for s in range(states):
        if bits[r, s] & bit:
            chosen[found], group[found] = s, found
            found += 1
    for i in range(found):
        for j in range(i):
            if _share_a_bloc(bloc_members, chosen[i], chosen[j]):
                a, b = _root(group, i), _root(group, j)
                group[max(a, b)] = min(a, b)
    count = 0
    for i in range(found):
        count += _root(group, i) == i
    return count


@numba.njit(cache=True, inline="always")
def _share_a_bloc(bloc_members: np.ndarray, s: int, t: int) -> bool:
    for b in range(bloc_members.shape[1]):
        if bloc_members[s, b] and bloc_members[t, b]:
            return True
    return False


@numba.njit(cache=True, inline="always")
def _root(group: np.ndarray, i: int) -> int:
    while group[i] != i:
        i = group[i]
    return i
