"""The model's decision rules: pure functions over state arrays.

Every function broadcasts over a leading replicate axis, so one run (the Mesa model) and many runs
in lockstep (the ensemble) use the same code. Hazards given per year are converted to per month.
"""

import numpy as np

from sim.params import Params

NOTICE_MONTHS = 12  # Rome Statute Art. 127(1): effect one year after notification
ENTRY_MONTHS = 3  # Art. 126(2): first day of the month after the 60th day from deposit, about 3 months


def monthly(annual: np.ndarray) -> np.ndarray:
    """Monthly probability with the same yearly total: 1 - (1 - h)^(1/12)."""
    return -np.expm1(np.log1p(-np.clip(annual, 0.0, 0.999999)) / 12.0)


def logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def party_mean(ideal_point: np.ndarray, in_statute: np.ndarray) -> np.ndarray:
    """Mean ideal point of the States Parties in each replicate, shape (runs, 1)."""
    count = np.maximum(in_statute.sum(axis=-1, keepdims=True), 1)
    return (ideal_point * in_statute).sum(axis=-1, keepdims=True) / count


def bloc_share(exiting: np.ndarray, eligible: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Largest share of exiting peers over the blocs each state belongs to, itself excluded.

    exiting, eligible: (runs, states) bool; members: (states, blocs) bool.
    """
    numerator = exiting.astype(float) @ members  # (runs, blocs)
    denominator = eligible.astype(float) @ members
    own_num = numerator[:, None, :] - (exiting[..., None] & members)
    own_den = denominator[:, None, :] - (eligible[..., None] & members)
    share = np.where(members & (own_den > 0), own_num / np.maximum(own_den, 1), 0.0)
    return share.max(axis=-1, initial=0.0)


def patron_share(exiting: np.ndarray, eligible: np.ndarray, patron: np.ndarray, patrons: int) -> np.ndarray:
    """Share of exiting peers among the other clients of the same patron (0 without a patron)."""
    codes = np.arange(1, patrons)  # code 0 is "no patron"
    clients = patron[..., None] == codes  # (runs, states, patrons - 1)
    numerator = (exiting[..., None] & clients).sum(axis=1)  # (runs, patrons - 1)
    denominator = (eligible[..., None] & clients).sum(axis=1)
    own = np.clip(patron.astype(np.intp) - 1, 0, None)
    own_num = np.take_along_axis(numerator, own, axis=1) - exiting
    own_den = np.take_along_axis(denominator, own, axis=1) - eligible
    return np.where((patron > 0) & (own_den > 0), own_num / np.maximum(own_den, 1), 0.0)


def junta_share(exiting: np.ndarray, eligible: np.ndarray, junta: np.ndarray) -> np.ndarray:
    """Share of exiting peers among the other junta-ruled states (0 for civilian governments)."""
    numerator = (exiting & junta).sum(axis=1, keepdims=True) - (exiting & junta)
    denominator = (eligible & junta).sum(axis=1, keepdims=True) - (eligible & junta)
    return np.where(junta & (denominator > 0), numerator / np.maximum(denominator, 1), 0.0)


def lead_exit(recent_lead: np.ndarray, members: np.ndarray, leads: np.ndarray) -> np.ndarray:
    """Whether a lead state of one of a state's blocs (other than itself) announced recently."""
    counts = recent_lead.astype(float) @ leads.astype(float)  # (runs, blocs)
    others = counts[:, None, :] - (recent_lead[..., None] & leads[None])
    return ((others > 0) & members[None]).any(axis=-1)


def announcement_probability(p: Params, *, divergence: np.ndarray, lead: np.ndarray, peer: np.ndarray,
                             exposure: np.ndarray, regime_change: np.ndarray, junta: np.ndarray,
                             grievance: np.ndarray,
                             bias: np.ndarray, legitimacy_gap: np.ndarray, pressure: np.ndarray) -> np.ndarray:
    """Monthly probability that a party announces withdrawal (annual rare-events logit).

    `pressure` is a scenario's shift of the logit (e.g. a coordinated regional campaign).
    """
    z = (p.a0 + p.b_div * divergence + p.b_lead * lead + p.b_peer * peer + p.b_exp * exposure
         + p.b_rc * regime_change + p.b_junta * junta + p.b_pat * grievance + p.b_bias * bias + p.b_leg * legitimacy_gap
         + pressure)
    return monthly(logistic(z))


def coup_probability(p: Params, coup_rate: np.ndarray, coup_factor: np.ndarray,
                     trapped: np.ndarray) -> np.ndarray:
    """Monthly probability of a coup attempt: base rate x scenario factors x coup trap."""
    annual = coup_rate * coup_factor * p.coup_multiplier * np.where(trapped, p.coup_trap, 1.0)
    return monthly(annual)


def notification_probability(p: Params, stalled: np.ndarray) -> np.ndarray:
    return np.where(stalled, p.stalled_notify_rate, p.notify_rate)


def revocation_probability(p: Params, junta: np.ndarray, recent_turnover: np.ndarray) -> np.ndarray:
    """Monthly chance that an announced or notified withdrawal is abandoned or revoked."""
    ordinary = p.revoke_rate * np.where(junta, p.junta_revoke_factor, 1.0)
    return np.where(recent_turnover, np.maximum(ordinary, p.turnover_revoke_rate), ordinary)


def accession_probability(p: Params, divergence: np.ndarray, grievance: np.ndarray) -> np.ndarray:
    """Monthly probability that a non-party deposits an instrument of accession."""
    return monthly(logistic(p.acc_a0 - p.acc_div * divergence - p.acc_grievance * grievance))


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
                    arrests: np.ndarray, sanctions: np.ndarray) -> np.ndarray:
    """Court legitimacy relaxes to 1, falls with exits and sanctions, rises with accessions and arrests."""
    change = ((1.0 - legitimacy) / p.legitimacy_tau_months - p.lam_exit * exits - p.lam_sanc * sanctions
              + p.lam_acc * accessions + p.lam_arrest * arrests)
    return np.clip(legitimacy + change, 0.0, 1.0)
