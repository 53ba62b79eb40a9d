"""The model's decision rules: pure functions over state arrays.

Every function broadcasts over a leading replicate axis, so one run (the Mesa model) and many runs
in lockstep (the ensemble) use the same code. Hazards given per year are converted to per month.
"""

from typing import Callable

import numpy as np

from sim.params import Params

NOTICE_MONTHS = 12  # Rome Statute Art. 127(1): effect one year after notification
ENTRY_MONTHS = 3  # Art. 126(2): first day of the month after the 60th day from deposit, about 3 months


def monthly(annual: np.ndarray) -> np.ndarray:
    """Monthly probability with the same yearly total: 1 - (1 - h)^(1/12)."""
    return -np.expm1(np.log1p(-np.clip(annual, 0.0, 0.999999)) / 12.0)


def monthly_from_logit(z: np.ndarray) -> np.ndarray:
    """monthly(logistic(z)) in one pass: 1 - (1 - h)^(1/12) = -expm1(-log(1 + e^z) / 12)."""
    return -np.expm1(np.logaddexp(0.0, z) / -12.0)


def party_mean(ideal_point: np.ndarray, in_statute: np.ndarray) -> np.ndarray:
    """Mean ideal point of the States Parties in each replicate, shape (runs, 1)."""
    count = np.maximum(in_statute.sum(axis=-1, keepdims=True), 1)
    return (ideal_point * in_statute).sum(axis=-1, keepdims=True) / count


# Peer effects, as seen by each party: a party is itself neither exiting nor excluded from the count of
# eligible peers, so its peers are the other eligible members of its group. (Values at other states are
# not used: only parties can announce.)

def bloc_share(exiting: np.ndarray, eligible: np.ndarray, members: np.ndarray, sets: np.ndarray,
               set_of: np.ndarray) -> np.ndarray:
    """Largest share of exiting peers over the blocs each party belongs to.

    exiting, eligible: (runs, states) bool; members: (states, blocs) bool; sets: the distinct rows of
    members, and set_of each state's row in sets (states with the same blocs share the same value).
    """
    weights = members.astype(float)
    numerator = exiting.astype(float) @ weights  # (runs, blocs)
    others = eligible.astype(float) @ weights - 1.0
    ratio = np.where(others > 0, numerator / np.maximum(others, 1.0), 0.0)
    by_set = np.stack([ratio[:, row].max(axis=1, initial=0.0) for row in sets], axis=1)  # (runs, sets)
    return by_set[:, set_of]


def patron_share(exiting: np.ndarray, eligible: np.ndarray, patron: np.ndarray, patrons: int) -> np.ndarray:
    """Share of exiting peers among the other clients of the same patron (0 without a patron, code 0)."""
    runs, states = exiting.shape
    clients = np.flatnonzero(patron > 0)  # the few states with a patron; the others get 0
    cells = clients // states * patrons + patron.ravel()[clients]
    numerator = np.bincount(cells, weights=exiting.ravel()[clients], minlength=runs * patrons)
    others = np.bincount(cells, weights=eligible.ravel()[clients], minlength=runs * patrons) - 1.0
    ratio = np.where(others > 0, numerator / np.maximum(others, 1.0), 0.0)
    share = np.zeros(runs * states)
    share[clients] = ratio[cells]
    return share.reshape(runs, states)


def junta_share(exiting: np.ndarray, eligible: np.ndarray, junta: np.ndarray) -> np.ndarray:
    """Share of exiting peers among the other junta-ruled states (0 for civilian governments)."""
    numerator = (exiting & junta).sum(axis=1, keepdims=True)
    others = (eligible & junta).sum(axis=1, keepdims=True) - 1
    return np.where(junta & (others > 0), numerator / np.maximum(others, 1), 0.0)


def lead_exit(recent_lead: np.ndarray, members: np.ndarray, leads: np.ndarray, sets: np.ndarray,
              set_of: np.ndarray) -> np.ndarray:
    """Whether a lead state of one of a state's blocs, other than itself, announced recently."""
    counts = recent_lead.astype(float) @ leads.astype(float)  # (runs, blocs)
    by_set = np.stack([(counts[:, row] > 0).any(axis=1) for row in sets], axis=1)  # (runs, sets)
    reached = by_set[:, set_of]
    for state in np.flatnonzero(leads.any(axis=1)):  # a lead state does not count its own announcement
        others = counts - (recent_lead[:, state, None] & leads[state])
        reached[:, state] = ((others > 0) & members[state]).any(axis=1)
    return reached


def announcement_logit(p: Params, *, divergence: np.ndarray, lead: np.ndarray, peer: np.ndarray,
                       exposure: np.ndarray, regime_change: np.ndarray, junta: np.ndarray, grievance: np.ndarray,
                       bias: np.ndarray, legitimacy_gap: np.ndarray, pressure: np.ndarray) -> np.ndarray:
    """Annual log-odds that a party announces withdrawal (a rare-events logit).

    `pressure` is a scenario's shift of the logit (e.g. a coordinated regional campaign).
    """
    return (p.a0 + p.b_div * divergence + p.b_lead * lead + p.b_peer * peer + p.b_exp * exposure
            + p.b_rc * regime_change + p.b_junta * junta + p.b_pat * grievance + p.b_bias * bias
            + p.b_leg * legitimacy_gap + pressure)


def announcement_probability(p: Params, **covariates: np.ndarray) -> np.ndarray:
    """Monthly probability that a party announces withdrawal."""
    return monthly_from_logit(announcement_logit(p, **covariates))


def coup_annual(p: Params, coup_rate: np.ndarray, coup_factor: np.ndarray, trapped: np.ndarray) -> np.ndarray:
    """Annual probability of a coup attempt: base rate x scenario factors x coup trap."""
    return coup_rate * coup_factor * p.coup_multiplier * np.where(trapped, p.coup_trap, 1.0)


def coup_probability(p: Params, coup_rate: np.ndarray, coup_factor: np.ndarray,
                     trapped: np.ndarray) -> np.ndarray:
    """Monthly probability of a coup attempt."""
    return monthly(coup_annual(p, coup_rate, coup_factor, trapped))


def below(draws: np.ndarray, eligible: np.ndarray, bound: np.ndarray,
          exact: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where eligible, whether each draw falls below its exact probability.

    `bound` is an upper bound of the probability that broadcasts against `draws` and is cheap to
    compute; `exact(mask)` gives the exact probabilities at the masked positions. Only draws below the
    bound need the exact value, which keeps costly functions off most states. Returns the hit mask,
    the candidates (eligible and below the bound) and the exact probabilities there, in mask order.
    """
    candidates = eligible & (draws < bound)
    probability = exact(candidates)
    hit = np.zeros(draws.shape, dtype=bool)
    hit[candidates] = draws[candidates] < probability
    return hit, candidates, probability


def notification_probability(p: Params, stalled: np.ndarray) -> np.ndarray:
    return np.where(stalled, p.stalled_notify_rate, p.notify_rate)


def revocation_probability(p: Params, junta: np.ndarray, recent_turnover: np.ndarray) -> np.ndarray:
    """Monthly chance that an announced or notified withdrawal is abandoned or revoked."""
    ordinary = p.revoke_rate * np.where(junta, p.junta_revoke_factor, 1.0)
    return np.where(recent_turnover, np.maximum(ordinary, p.turnover_revoke_rate), ordinary)


def accession_logit(p: Params, divergence: np.ndarray, grievance: np.ndarray) -> np.ndarray:
    """Annual log-odds that a non-party deposits an instrument of accession."""
    return p.acc_a0 - p.acc_div * divergence - p.acc_grievance * grievance


def accession_probability(p: Params, divergence: np.ndarray, grievance: np.ndarray) -> np.ndarray:
    """Monthly probability that a non-party deposits an instrument of accession."""
    return monthly_from_logit(accession_logit(p, divergence, grievance))


def drifted(p: Params, ideal_point: np.ndarray, junta: np.ndarray, patron: np.ndarray,
            strength: np.ndarray, rus: int, usa_isr: int) -> np.ndarray:
    """Ideal points after a month of a junta's drift toward its patron's pole."""
    pole = np.where(patron == rus, p.pole_rus, np.where(patron == usa_isr, p.pole_usa_isr, ideal_point))
    rate = np.where(junta, p.drift_rate * strength, 0.0)
    return ideal_point + rate * (pole - ideal_point)


def ramped(p: Params, strength: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Patron strength after a month of build-up toward its target."""
    return np.minimum(strength + target / p.patron_ramp_months, target)


def next_legitimacy(p: Params, legitimacy: np.ndarray, *, exits: np.ndarray, accessions: np.ndarray,
                    arrests: np.ndarray, sanctions: float) -> np.ndarray:
    """Court legitimacy relaxes to 1, falls with exits and sanctions, rises with accessions and arrests."""
    change = ((1.0 - legitimacy) / p.legitimacy_tau_months - p.lam_exit * exits - p.lam_sanc * sanctions
              + p.lam_acc * accessions + p.lam_arrest * arrests)
    return np.clip(legitimacy + change, 0.0, 1.0)
