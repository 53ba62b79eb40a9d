"""One month of the random processes, compiled: what each state's peers look like, then each state's
coups, announcement, legal steps and accession, decided on the world at the start of the month.

`peer_view` sums up one run's world (the parties' mean ideal point and the shares of exiting peers by
bloc, patron and junta); `announcement_logits` and `decide` work on a range of states,
so each Mesa agent calls them for its own state and the ensemble for all states of every run (`advance_run`):
the same code either way. (A range, not one state per call: passing the arrays to a compiled function
costs more than a state's whole month.) A state's decisions depend only on its own attributes and the view
taken before anyone moved, so applying them at once, state by state, gives what applying them all at the
end would.

`decide` computes a party's log-odds only when its announcement draw could decide it: in the ensemble an
exact bound of its monthly probability, a cap per state (`state_cap`) times a scale per run (`run_scale`),
tells that almost every party's draw lies above any probability it could have this month. The Mesa agents
go without the bound and compute every party's log-odds; both take the same decisions.
"""

import math
from typing import Any

import numpy as np
from numba.np.unsafe.ndarray import to_fixed_tuple

from sim.model import rules
from sim.model.rules import jit
from sim.model.state import ACCEDING, ANNOUNCED, NON_PARTY, NOTIFIED, PARTY, PER_STATE, RUS, USA_ISR, WITHDRAWN
from sim.model.streams import PROCESSES

# positions of the per-state arrays in SimState.arrays()
STATUS, STATUS_MONTH, ANNOUNCE_MONTH, NOTIFY_MONTH, STALLED, IDEAL_POINT, PATRON, PATRON_STRENGTH, \
    PATRON_TARGET, JUNTA, LAST_ATTEMPT, REGIME_CHANGE, TURNOVER, COUP_RATE, COUP_FACTOR, EXPOSURE, PRESSURE, \
    INITIALLY_NOTIFIED, BARRED, COOPERATION = range(len(PER_STATE))
EVENTS = ("coup_attempt", "coup", "patron_switch", "junta_end", "announced", "notified", "revoked",
          "withdrawn", "deposited", "entered_into_force")
TALLIES = ("further_exit",)  # counted, not written to the event log: withdrawals not pending at the start
(COUP_ATTEMPT, COUP, PATRON_SWITCH, JUNTA_END, ANNOUNCED_BIT, NOTIFIED_BIT, REVOKED, WITHDRAWN_BIT, DEPOSITED,
 ENTERED, FURTHER_EXIT) = (1 << code for code in range(len(EVENTS) + len(TALLIES)))
# draws, in the order of sim.model.streams.PROCESSES
COUPS, REGIMES, ANNOUNCEMENTS, NOTIFICATIONS, REVOCATIONS, ACCESSIONS = range(len(PROCESSES))
TO_UNIT = 2.0 ** -32  # 32 random bits to a uniform number in [0, 1)
COVARIATES = len(rules.TERMS) + 1  # a party's covariates: one per term, and its stance (see covariates)


def view_arrays(runs: int, blocs: int, patrons: int) -> tuple[np.ndarray, ...]:
    """Room for the peer views of `runs` runs (see `peer_view`): the five arrays the decisions read (mean
    ideal point, bloc, patron and junta shares, recent leads per bloc), then the tallies the view is
    counted in, allocated once rather than every month (per run: exiting and eligible peers per bloc, then
    per patron)."""
    return (np.empty(runs), np.empty((runs, blocs)), np.empty((runs, patrons)), np.empty(runs),
            np.empty((runs, blocs)), np.empty((runs, 4, max(blocs, patrons))))


def cap_arrays(runs: int, states: int) -> tuple[np.ndarray, np.ndarray]:
    """Room for the runs' announcement caps (see `decide`), carried from month to month: each state's cap,
    infinite until taken, and each run's parties' mean ideal point in its first month and the largest since."""
    return np.full((runs, states), np.inf), np.empty((runs, 2))


@jit
def peer_view(p: Any, r: int, month: int, arrays: tuple, first: np.ndarray, membership: np.ndarray,
              membership_lead: np.ndarray, mean_ideal: np.ndarray, bloc_ratio: np.ndarray, patron_ratio: np.ndarray,
              junta_ratio: np.ndarray, lead_count: np.ndarray, tallies: np.ndarray) -> None:
    """Run r's view: the parties' mean ideal point, and for each bloc, patron and the juntas the share of
    exiting peers among the eligible ones other than the state itself (written into row r of the five
    arrays after `membership_lead`; row r of `tallies` is scratch, see `view_arrays`). Exiting: announced,
    notified or withdrawn within the peer window; eligible: in the Statute or exiting."""
    status, status_month, announce_month, ideal = arrays[STATUS], arrays[STATUS_MONTH], arrays[ANNOUNCE_MONTH], \
        arrays[IDEAL_POINT]
    patron, junta = arrays[PATRON], arrays[JUNTA]
    states, blocs, patrons = status.shape[1], bloc_ratio.shape[1], patron_ratio.shape[1]
    tallies[r] = 0.0
    exiting_bloc, eligible_bloc = tallies[r, 0, :blocs], tallies[r, 1, :blocs]
    exiting_patron, eligible_patron = tallies[r, 2, :patrons], tallies[r, 3, :patrons]
    total, count, exiting_junta, eligible_junta = 0.0, 0, 0.0, 0.0
    lead_count[r, :] = 0.0
    for s in range(states):
        code = status[r, s]
        in_statute = PARTY <= code <= NOTIFIED
        if in_statute:
            total += ideal[r, s]
            count += 1
        exiting = code == ANNOUNCED or code == NOTIFIED or (
            code == WITHDRAWN and month - status_month[r, s] <= p.peer_window_months)
        eligible = in_statute or exiting
        for j in range(first[s], first[s + 1]):
            b = membership[j]
            exiting_bloc[b] += exiting
            eligible_bloc[b] += eligible
            if membership_lead[j] and month - announce_month[r, s] <= p.lead_window_months:
                lead_count[r, b] += 1.0
        if patron[r, s] > 0:
            exiting_patron[patron[r, s]] += exiting
            eligible_patron[patron[r, s]] += eligible
        if junta[r, s]:
            exiting_junta += exiting
            eligible_junta += eligible
    mean_ideal[r] = total / max(count, 1)
    for b in range(blocs):
        others = eligible_bloc[b] - 1.0
        bloc_ratio[r, b] = exiting_bloc[b] / others if others > 0 else 0.0
    for k in range(patrons):
        others = eligible_patron[k] - 1.0
        patron_ratio[r, k] = exiting_patron[k] / others if others > 0 else 0.0
    junta_ratio[r] = exiting_junta / (eligible_junta - 1.0) if eligible_junta > 1.0 else 0.0


@jit
def covariates(p: Any, r: int, s: int, month: int, arrays: tuple, african: np.ndarray, first: np.ndarray,
               membership: np.ndarray, membership_lead: np.ndarray, hostility: np.ndarray, africa_bias: float,
               campaign: np.ndarray, legitimacy: np.ndarray, mean_ideal: np.ndarray, bloc_ratio: np.ndarray,
               patron_ratio: np.ndarray, junta_ratio: np.ndarray, lead_count: np.ndarray) -> tuple:
    """The covariates of party s of run r this month (not barred: see `announcement_logits`), in the order
    rules.announcement_terms takes them."""
    x, z = np.zeros((s + 1, COVARIATES)), np.empty(s + 1)
    _party_logits(p, r, s, s + 1, month, arrays, african, first, membership, membership_lead, hostility, africa_bias,
                  campaign, legitimacy, mean_ideal, bloc_ratio, patron_ratio, junta_ratio, lead_count, z, x)
    return to_fixed_tuple(x[s], COVARIATES)


@jit
def announcement_logits(p: Any, r: int, begin: int, end: int, month: int, arrays: tuple, african: np.ndarray,
                        first: np.ndarray, membership: np.ndarray, membership_lead: np.ndarray,
                        hostility: np.ndarray, africa_bias: float, campaign: np.ndarray,
                        legitimacy: np.ndarray, mean_ideal: np.ndarray, bloc_ratio: np.ndarray,
                        patron_ratio: np.ndarray, junta_ratio: np.ndarray, lead_count: np.ndarray,
                        z: np.ndarray) -> float:
    """The annual log-odds that each party among states begin..end-1 of run r announces withdrawal this
    month, into z; returns the largest (-inf without a party). A party whose government cannot deposit a
    valid notification (BARRED: Afghanistan under the Taliban) never announces: its z is -inf."""
    return _party_logits(p, r, begin, end, month, arrays, african, first, membership, membership_lead, hostility,
                         africa_bias, campaign, legitimacy, mean_ideal, bloc_ratio, patron_ratio, junta_ratio,
                         lead_count, z, z[:0].reshape((0, COVARIATES)))  # no rows (and no allocation): z alone


@jit
def _party_logits(p: Any, r: int, begin: int, end: int, month: int, arrays: tuple, african: np.ndarray,
                  first: np.ndarray, membership: np.ndarray, membership_lead: np.ndarray, hostility: np.ndarray,
                  africa_bias: float, campaign: np.ndarray, legitimacy: np.ndarray, mean_ideal: np.ndarray,
                  bloc_ratio: np.ndarray, patron_ratio: np.ndarray, junta_ratio: np.ndarray, lead_count: np.ndarray,
                  z: np.ndarray, x: np.ndarray) -> float:
    """`announcement_logits`, and each party's covariates into row s of x when x has rows. The covariates
    are read in the loop itself, not by a compiled function per state: handing the arrays to one costs a
    reference count per array and state, more than the state's whole decision."""
    status, barred, announce_month, ideal = arrays[STATUS], arrays[BARRED], arrays[ANNOUNCE_MONTH], arrays[IDEAL_POINT]
    patrons, juntas, strength, exposures = arrays[PATRON], arrays[JUNTA], arrays[PATRON_STRENGTH], arrays[EXPOSURE]
    cooperations, regime_change, pressure = arrays[COOPERATION], arrays[REGIME_CHANGE], arrays[PRESSURE]
    keep = x.shape[0] > 0
    top = -math.inf
    # the run's values read once: to the compiler the stores into z below might change them
    mean, legitimacy_gap = mean_ideal[r], 1.0 - legitimacy[r]
    junta_peers = p.junta_peer_weight > 0
    junta_share = p.junta_peer_weight * junta_ratio[r] if junta_peers else 0.0
    for s in range(begin, end):
        if status[r, s] != PARTY:
            continue
        if barred[r, s]:
            z[s] = -math.inf
            continue
        patron, junta = patrons[r, s], juntas[r, s]
        recent_lead = month - announce_month[r, s] <= p.lead_window_months
        peer, lead, drive = 0.0, 0.0, 0.0
        for j in range(first[s], first[s + 1]):
            b = membership[j]
            peer = max(peer, bloc_ratio[r, b])
            drive = max(drive, campaign[b])
            if lead_count[r, b] - (1.0 if recent_lead and membership_lead[j] else 0.0) > 0:
                lead = 1.0
        if patron > 0:
            peer = max(peer, patron_ratio[r, patron])
        if junta_peers and junta:
            peer = max(peer, junta_share)
        grievance = strength[r, s] * hostility[patron]
        exposure, cooperation = exposures[r, s], cooperations[r, s]
        covariate = (rules.hostile_gap(mean, ideal[r, s]), lead, peer, exposure,
                     1.0 if month - regime_change[r, s] < p.regime_change_window_months else 0.0,
                     grievance if junta else 0.0, grievance, (1.0 if african[s] else 0.0) * africa_bias,
                     legitimacy_gap, drive, rules.stance(p, mean, ideal[r, s], grievance, exposure, cooperation),
                     cooperation, pressure[r, s])
        z[s] = rules.announcement_logit(p, covariate)
        if keep:
            for k in range(COVARIATES):
                x[s, k] = covariate[k]
        top = max(top, z[s])
    return top


@jit
def state_cap(p: Any, r: int, s: int, month: int, arrays: tuple, african: np.ndarray, hostility: np.ndarray,
              africa_bias: float, mean_bound: float) -> float:
    """State s's cap of run r (rules.announcement_cap): a bound of its own terms of the announcement log-odds
    until its coup, junta end or patron switch, or a scheduled event (which clear it, see `decide`): its
    patron strength at its target (the ramp only climbs to it), its ideal point at its patron's pole if it is
    a junta drifting there, its regime change as now (the window only closes) and the parties' mean ideal point
    at `mean_bound`, the largest it has been in the run (its later rise is the run's share). Infinite (no cap)
    for a drift fast enough to overshoot the pole."""
    ideal, patron, junta = arrays[IDEAL_POINT][r, s], arrays[PATRON][r, s], arrays[JUNTA][r, s]
    strength = max(arrays[PATRON_STRENGTH][r, s], arrays[PATRON_TARGET][r, s])
    if junta and (patron == RUS or patron == USA_ISR):
        if p.drift_rate * strength > 1.0:
            return math.inf
        ideal = min(ideal, p.pole_rus if patron == RUS else p.pole_usa_isr)
    grievance = strength * hostility[patron]
    regime_change = 1.0 if month - arrays[REGIME_CHANGE][r, s] < p.regime_change_window_months else 0.0
    return rules.announcement_cap(p, rules.hostile_gap(mean_bound, ideal), arrays[EXPOSURE][r, s], regime_change,
                                  grievance if junta else 0.0, grievance, (1.0 if african[s] else 0.0) * africa_bias,
                                  arrays[COOPERATION][r, s], arrays[PRESSURE][r, s])


@jit
def run_scale(p: Any, r: int, campaign: np.ndarray, legitimacy: np.ndarray, bloc_ratio: np.ndarray,
              patron_ratio: np.ndarray, junta_ratio: np.ndarray, lead_count: np.ndarray, tallies: np.ndarray,
              mean_bounds: np.ndarray) -> float:
    """Run r's scale of the caps this month (rules.announcement_scale), from its view: the largest peer share,
    campaign and recent lead among the blocs and patrons that have a party among their members (the others'
    reach no party: the Sahel confederation's, once its three members have left), counted from the view's
    tallies (eligible less exiting members: those still in the Statute with no withdrawal under way); and
    mean_bounds[r], the parties' mean ideal point in the run's first month and the largest since."""
    peer = p.junta_peer_weight * junta_ratio[r] if p.junta_peer_weight > 0 else 0.0
    lead, drive = 0.0, 0.0
    for b in range(bloc_ratio.shape[1]):
        if tallies[r, 1, b] > tallies[r, 0, b]:
            peer = max(peer, bloc_ratio[r, b])
            drive = max(drive, campaign[b])
            if lead_count[r, b] > 0:
                lead = 1.0
    for k in range(1, patron_ratio.shape[1]):
        if tallies[r, 3, k] > tallies[r, 2, k]:
            peer = max(peer, patron_ratio[r, k])
    return rules.announcement_scale(p, lead, peer, mean_bounds[r, 1] - mean_bounds[r, 0], 1.0 - legitimacy[r], drive)


@jit
def decide(p: Any, r: int, begin: int, end: int, month: int, arrays: tuple, african: np.ndarray, first: np.ndarray,
           membership: np.ndarray, membership_lead: np.ndarray, hostility: np.ndarray, africa_bias: float,
           campaign: np.ndarray, legitimacy: np.ndarray, mean_ideal: np.ndarray, bloc_ratio: np.ndarray,
           patron_ratio: np.ndarray, junta_ratio: np.ndarray, lead_count: np.ndarray, draws: np.ndarray,
           z: np.ndarray, caps: np.ndarray, mean_bound: float, scale: float, accession_bound: float,
           bits: np.ndarray) -> None:
    """States begin..end-1 of run r this month, on the view (see `peer_view`): their events added as bits to
    `bits` (see EVENTS, TALLIES), and applied to their attributes. `draws` are the month's draws as 32-bit
    integers, shape (processes, runs, states). The exact probabilities are computed only for draws below an
    upper bound of them: a party's log-odds (`announcement_logits`, into the scratch array z) only for a
    draw below its cap caps[r, s] times the run's `scale` (see `state_cap`, `run_scale`; an infinite scale
    computes every party's, and a cleared cap is taken again, at `mean_bound`, when next needed), and a
    non-party's accession log-odds only for a draw below rules.accession_bound."""
    status, status_month, junta = arrays[STATUS], arrays[STATUS_MONTH], arrays[JUNTA]
    # every array taken from the tuple once, not once per state (each take costs a reference count)
    coup_rate, coup_factor, last_attempt, patrons = arrays[COUP_RATE], arrays[COUP_FACTOR], arrays[LAST_ATTEMPT], \
        arrays[PATRON]
    announce_month, stalled, notify_month, initially_notified = arrays[ANNOUNCE_MONTH], arrays[STALLED], \
        arrays[NOTIFY_MONTH], arrays[INITIALLY_NOTIFIED]
    turnover, regime_change, strengths, targets = arrays[TURNOVER], arrays[REGIME_CHANGE], arrays[PATRON_STRENGTH], \
        arrays[PATRON_TARGET]
    ideal = arrays[IDEAL_POINT]
    for s in range(begin, end):
        code, events = status[r, s], 0
        # the state's own values read once, kept in step below when its events change them
        in_junta, patron, strength, target = junta[r, s], patrons[r, s], strengths[r, s], targets[r, s]
        # coups and regimes; a monthly probability never exceeds its annual one, which bounds the draw
        u = draws[COUPS, r, s] * TO_UNIT
        annual = rules.coup_annual(p, coup_rate[r, s], coup_factor[r, s],
                                   month - last_attempt[r, s] <= p.coup_trap_months)
        success = switch = False
        if u < annual:
            attempt = rules.monthly(annual)
            if u < attempt:
                success = u < attempt * p.coup_success
                # given success, u / (attempt * coup_success) is uniform: it decides the patron switch
                switch = success and african[s] and patron != RUS and \
                    u < attempt * p.coup_success * p.patron_switch
                events |= COUP if success else COUP_ATTEMPT
                last_attempt[r, s] = month
        junta_end = in_junta and not success and draws[REGIMES, r, s] * TO_UNIT < p.junta_exit_rate
        # withdrawal announcement, legal pipeline and accession
        new_status = code
        if code == PARTY:
            u = draws[ANNOUNCEMENTS, r, s] * TO_UNIT
            if not u > caps[r, s] * scale:  # not "<=": an infinite scale times a zero cap is no bound
                chance = rules.monthly_from_logit(announcement_logits(
                    p, r, s, s + 1, month, arrays, african, first, membership, membership_lead, hostility,
                    africa_bias, campaign, legitimacy, mean_ideal, bloc_ratio, patron_ratio, junta_ratio, lead_count,
                    z))
                if caps[r, s] == math.inf:
                    caps[r, s] = state_cap(p, r, s, month, arrays, african, hostility, africa_bias, mean_bound)
                if u < chance:
                    new_status = ANNOUNCED
                    announce_month[r, s] = month
                    stalled[r, s] = u < chance * p.stall_share
                    events |= ANNOUNCED_BIT
        elif code == ANNOUNCED or code == NOTIFIED:
            if code == NOTIFIED and month - notify_month[r, s] >= rules.NOTICE_MONTHS:
                new_status = WITHDRAWN
                events |= WITHDRAWN_BIT | (0 if initially_notified[r, s] else FURTHER_EXIT)
            elif draws[REVOCATIONS, r, s] * TO_UNIT < rules.revocation_probability(
                    p, in_junta, month - turnover[r, s] < p.turnover_window_months):
                new_status = PARTY
                events |= REVOKED
            elif code == ANNOUNCED and draws[NOTIFICATIONS, r, s] * TO_UNIT < rules.notification_probability(
                    p, stalled[r, s]):
                new_status = NOTIFIED
                notify_month[r, s] = month
                events |= NOTIFIED_BIT
        elif code == ACCEDING:
            if month - status_month[r, s] >= rules.ENTRY_MONTHS:
                new_status = PARTY
                events |= ENTERED
        else:  # a non-party or a former party
            u = draws[ACCESSIONS, r, s] * TO_UNIT
            if u < accession_bound and u < rules.monthly_from_logit(rules.accession_logit(
                    p, abs(ideal[r, s] - mean_ideal[r]), strength * hostility[patron])):
                new_status = ACCEDING
                events |= DEPOSITED
        if new_status != code:
            status[r, s] = new_status
            status_month[r, s] = month
        # regimes and patrons
        if success or junta_end:
            junta[r, s] = in_junta = success
            regime_change[r, s] = month
        if junta_end:
            turnover[r, s] = month
            events |= JUNTA_END
        if switch:
            patrons[r, s] = patron = RUS
            strengths[r, s] = strength = 0.0
            targets[r, s] = target = p.patron_strength_after_switch
            events |= PATRON_SWITCH
        if in_junta and (patron == RUS or patron == USA_ISR):
            pole = p.pole_rus if patron == RUS else p.pole_usa_isr
            ideal[r, s] = rules.drifted(p, ideal[r, s], pole, strength)
        if strength < target:
            strengths[r, s] = rules.ramped(p, strength, target)
        bits[r, s] |= events


@jit
def advance_run(p: Any, r: int, month: int, first_month: bool, arrays: tuple, african: np.ndarray, first: np.ndarray,
                membership: np.ndarray, membership_lead: np.ndarray, hostility: np.ndarray, africa_bias: float,
                campaign: np.ndarray, legitimacy: np.ndarray, draws: np.ndarray, bits: np.ndarray,
                mean_ideal: np.ndarray,
                bloc_ratio: np.ndarray, patron_ratio: np.ndarray, junta_ratio: np.ndarray, lead_count: np.ndarray,
                tallies: np.ndarray, z: np.ndarray, caps: np.ndarray, mean_bounds: np.ndarray) -> None:
    """Every state of run r for one month: the view (rows r of the view arrays, see `view_arrays`), the scale
    of its announcement caps (rows r of `cap_arrays`) and the decisions, added to `bits` (runs, states); z is
    scratch for the log-odds, one value per state."""
    states = bits.shape[1]
    peer_view(p, r, month, arrays, first, membership, membership_lead, mean_ideal, bloc_ratio, patron_ratio,
              junta_ratio, lead_count, tallies)
    if first_month:
        mean_bounds[r, 0] = mean_bounds[r, 1] = mean_ideal[r]
    mean_bounds[r, 1] = max(mean_bounds[r, 1], mean_ideal[r])
    scale = run_scale(p, r, campaign, legitimacy, bloc_ratio, patron_ratio, junta_ratio, lead_count, tallies,
                      mean_bounds)
    decide(p, r, 0, states, month, arrays, african, first, membership, membership_lead, hostility, africa_bias,
           campaign, legitimacy, mean_ideal, bloc_ratio, patron_ratio, junta_ratio, lead_count, draws, z, caps,
           mean_bounds[r, 1], scale, rules.accession_bound(p), bits)
