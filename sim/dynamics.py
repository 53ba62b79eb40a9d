"""One month of the model: scheduled events, then coups, announcements, the legal pipeline,
accessions and court legitimacy, all decided on the state at the start of the month."""

import dataclasses
from typing import Any

import numpy as np

from sim import history, rules
from sim.datasets import BLOC_CODES, GROUP_CODES, PATRON_CODES
from sim.months import parse_month
from sim.params import Params
from sim.scenario import Scenario
from sim.state import (ACCEDING, ANNOUNCED, NON_PARTY, NOTIFIED, PARTY, RUS, USA_ISR, WITHDRAWN, SimState,
                       Static)

EVENTS = ("coup_attempt", "coup", "patron_switch", "junta_end", "announced", "notified", "revoked",
          "withdrawn", "deposited", "entered_into_force")
TALLIES = ("further_exit",)  # counted, not written to the event log: withdrawals not pending at the start
MEASURES = ("parties", "announced", "notified", "withdrawn", "exits", "further_exits", "accessions", "juntas",
            "legitimacy", "population_share")


@dataclasses.dataclass(frozen=True)
class ScheduledEvent:
    """A scenario event with its target states resolved to indices."""

    kind: str
    targets: np.ndarray
    spec: Any


def schedule(scenario: Scenario, static: Static) -> dict[int, list[ScheduledEvent]]:
    """Scenario events by month, for months inside the run window (after the start month)."""
    by_month: dict[int, list[ScheduledEvent]] = {}
    shocks = history.known_shocks(scenario.replay, scenario.start, scenario.end)
    for event in sorted([*scenario.events, *shocks], key=lambda e: parse_month(e.month)):
        month = parse_month(event.month)
        if scenario.start < month <= scenario.end:
            by_month.setdefault(month, []).append(ScheduledEvent(event.kind, _targets(event, static), event))
    return by_month


def _targets(event: Any, static: Static) -> np.ndarray:
    chosen = np.zeros(static.size, dtype=bool)
    chosen[static.index(list(getattr(event, "states", [])))] = True
    for group in getattr(event, "groups", []):
        chosen |= static.group == GROUP_CODES.index(group)
    for bloc in getattr(event, "blocs", []):
        chosen |= static.bloc_members[:, BLOC_CODES.index(bloc)]
    return np.flatnonzero(chosen)


def apply_scheduled(state: SimState, events: list[ScheduledEvent], month: int, p: Params,
                    log: dict[str, np.ndarray]) -> np.ndarray:
    """Apply this month's scenario events in place; record them in `log`; return arrests per run."""
    arrests = np.zeros(state.runs)
    for event in events:
        hit = np.zeros(state.status.shape, dtype=bool)
        hit[:, event.targets] = True
        spec = event.spec
        if event.kind == "coup":
            state.junta |= hit
            state.last_attempt[hit] = month
            state.regime_change[hit] = month
            _record(log, "coup", hit)
            if spec.patron is not None:
                _set_patron(state, hit, PATRON_CODES.index(spec.patron), 0.0, p.patron_strength_after_switch)
                _record(log, "patron_switch", hit)
        elif event.kind == "coup_attempt":
            state.last_attempt[hit] = month
            _record(log, "coup_attempt", hit)
        elif event.kind == "junta_end":
            hit &= state.junta
            state.junta &= ~hit
            state.regime_change[hit] = month
            state.turnover[hit] = month
            _record(log, "junta_end", hit)
        elif event.kind == "patron":
            _set_patron(state, hit, PATRON_CODES.index(spec.patron), spec.strength, spec.strength)
        elif event.kind == "announce":
            _announce(state, hit & (state.status == PARTY), month, np.zeros_like(hit), log)
        elif event.kind == "notify":
            _announce(state, hit & (state.status == PARTY), month, np.zeros_like(hit), log)
            _notify(state, hit & (state.status == ANNOUNCED), month, log)
        elif event.kind == "revoke":
            _revoke(state, hit & ((state.status == ANNOUNCED) | (state.status == NOTIFIED)), month, log)
        elif event.kind == "accede":
            _accede(state, hit & ((state.status == NON_PARTY) | (state.status == WITHDRAWN)), month, log)
        elif event.kind == "exposure":
            state.exposure[hit] = spec.value
        elif event.kind == "pressure":
            state.pressure[hit] = spec.value
        elif event.kind == "coup_risk":
            state.coup_factor[hit] = spec.factor
        elif event.kind == "sanctions":
            state.sanctions = spec.value
        elif event.kind == "hostility":
            state.hostility[PATRON_CODES.index(spec.patron)] = spec.value
        elif event.kind == "bias":
            state.africa_bias = spec.value
        elif event.kind == "arrest":
            arrests += spec.count
        elif event.kind == "legitimacy":
            state.legitimacy[:] = np.clip(state.legitimacy + spec.delta, 0.0, 1.0)
    return arrests


def advance(state: SimState, static: Static, p: Params, draws: dict[str, np.ndarray],
            month: int) -> dict[str, np.ndarray]:
    """The random processes of one month, applied in place; returns the month's events as masks."""
    status = state.status
    party = status == PARTY
    announced, notified = status == ANNOUNCED, status == NOTIFIED
    in_statute = party | announced | notified
    divergence = np.abs(state.ideal_point - rules.party_mean(state.ideal_point, in_statute))

    # coups and regimes; a monthly probability never exceeds its annual one, which bounds the draws
    u = draws["coups"]
    annual = rules.coup_annual(p, state.coup_rate, state.coup_factor, month - state.last_attempt <= p.coup_trap_months)
    attempt, tried, p_attempt = rules.below(u, np.True_, annual, lambda at: rules.monthly(annual[at]))
    success, switch = np.zeros_like(attempt), np.zeros_like(attempt)
    success[tried] = u[tried] < p_attempt * p.coup_success
    # given success, u / (p_attempt * coup_success) is uniform: it decides the patron switch
    switch[tried] = u[tried] < p_attempt * p.coup_success * p.patron_switch
    switch &= success & static.african & (state.patron != RUS)
    junta_end = state.junta & ~success & (draws["regimes"] < p.junta_exit_rate)

    # withdrawal announcements by parties
    exiting = announced | notified | ((status == WITHDRAWN) & (month - state.status_month <= p.peer_window_months))
    eligible = in_statute | exiting
    peer = np.maximum(rules.bloc_share(exiting, eligible, static.bloc_members, static.bloc_sets, static.bloc_set),
                      rules.patron_share(exiting, eligible, state.patron, len(PATRON_CODES)))
    if p.junta_peer_weight > 0:
        np.maximum(peer, p.junta_peer_weight * rules.junta_share(exiting, eligible, state.junta), out=peer)
    recent_lead = month - state.announce_month <= p.lead_window_months
    grievance = state.patron_strength * state.hostility[state.patron]
    z = rules.announcement_logit(
        p,
        divergence=divergence,
        lead=rules.lead_exit(recent_lead, static.bloc_members, static.bloc_leads, static.bloc_sets, static.bloc_set),
        peer=peer,
        exposure=state.exposure,
        regime_change=month - state.regime_change < p.regime_change_window_months,
        junta=state.junta,
        grievance=grievance,
        bias=static.african * state.africa_bias,
        legitimacy_gap=(1.0 - state.legitimacy)[:, None],
        pressure=state.pressure,
    )
    u = draws["announcements"]
    top = rules.monthly_from_logit(np.where(party, z, -np.inf).max(axis=1, keepdims=True))  # bound per run
    announce, considered, p_announce = rules.below(u, party, top, lambda at: rules.monthly_from_logit(z[at]))
    stalls = np.zeros_like(announce)
    stalls[considered] = u[considered] < p_announce * p.stall_share

    # legal pipeline
    effective = notified & (month - state.notify_month >= rules.NOTICE_MONTHS)
    revoke, _, _ = rules.below(
        draws["revocations"], (announced | notified) & ~effective, max(p.revoke_rate, p.turnover_revoke_rate),
        lambda at: rules.revocation_probability(p, state.junta[at], month - state.turnover[at] < p.turnover_window_months))
    notify, _, _ = rules.below(draws["notifications"], announced & ~revoke, max(p.notify_rate, p.stalled_notify_rate),
                               lambda at: rules.notification_probability(p, state.stalled[at]))
    enter = (status == ACCEDING) & (month - state.status_month >= rules.ENTRY_MONTHS)
    outside = (status == NON_PARTY) | (status == WITHDRAWN)
    z_accede = rules.accession_logit(p, divergence, grievance)
    top = rules.monthly_from_logit(np.where(outside, z_accede, -np.inf).max(axis=1, keepdims=True))
    accede, _, _ = rules.below(draws["accessions"], outside, top, lambda at: rules.monthly_from_logit(z_accede[at]))

    # apply, all decided above on the state at the start of the month
    state.last_attempt[attempt] = month
    state.junta = (state.junta | success) & ~junta_end
    state.regime_change[success | junta_end] = month
    state.turnover[junta_end] = month
    _set_patron(state, switch, RUS, 0.0, p.patron_strength_after_switch)
    _set_status(state, announce, ANNOUNCED, month)
    state.announce_month[announce] = month
    state.stalled[announce] = stalls[announce]
    _set_status(state, revoke, PARTY, month)
    _set_status(state, notify, NOTIFIED, month)
    state.notify_month[notify] = month
    _set_status(state, effective, WITHDRAWN, month)
    _set_status(state, enter, PARTY, month)
    _set_status(state, accede, ACCEDING, month)

    drifting = state.junta & ((state.patron == RUS) | (state.patron == USA_ISR))
    if drifting.any():
        state.ideal_point[drifting] = rules.drifted(p, state.ideal_point[drifting], True, state.patron[drifting],
                                                    state.patron_strength[drifting], RUS, USA_ISR)
    building = state.patron_strength < state.patron_target
    if building.any():
        state.patron_strength[building] = rules.ramped(p, state.patron_strength[building],
                                                       state.patron_target[building])
    return {"coup_attempt": attempt & ~success, "coup": success, "patron_switch": switch, "junta_end": junta_end,
            "announced": announce, "notified": notify, "revoked": revoke, "withdrawn": effective,
            "deposited": accede, "entered_into_force": enter, "further_exit": effective & ~state.initially_notified}


def update_legitimacy(state: SimState, p: Params, log: dict[str, np.ndarray], arrests: np.ndarray) -> None:
    state.legitimacy = rules.next_legitimacy(
        p, state.legitimacy,
        exits=(log["announced"] | log["withdrawn"]).sum(axis=1),
        accessions=log["entered_into_force"].sum(axis=1),
        arrests=arrests,
        sanctions=state.sanctions,
    )


def step(state: SimState, static: Static, p: Params, draws: dict[str, np.ndarray],
         events: list[ScheduledEvent], month: int) -> dict[str, np.ndarray]:
    """Advance every replicate by one month; return the month's events as (runs, states) masks."""
    scheduled: dict[str, np.ndarray] = {}
    arrests = apply_scheduled(state, events, month, p, scheduled)
    log = advance(state, static, p, draws, month)
    for name, mask in scheduled.items():
        log[name] = log[name] | mask
    update_legitimacy(state, p, log, arrests)
    return log


def measures(state: SimState, static: Static, totals: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-replicate aggregates of the current month."""
    in_statute = state.in_statute()
    return {
        "parties": in_statute.sum(axis=1),
        "announced": (state.status == ANNOUNCED).sum(axis=1),
        "notified": (state.status == NOTIFIED).sum(axis=1),
        "withdrawn": (state.status == WITHDRAWN).sum(axis=1),
        "exits": totals["withdrawn"].copy(),
        "further_exits": totals["further_exit"].copy(),
        "accessions": totals["entered_into_force"].copy(),
        "juntas": state.junta.sum(axis=1),
        "legitimacy": state.legitimacy.copy(),
        "population_share": (in_statute * static.population).sum(axis=1) / static.population.sum(),
    }


def _record(log: dict[str, np.ndarray], name: str, mask: np.ndarray) -> None:
    log[name] = log[name] | mask if name in log else mask


def _set_status(state: SimState, mask: np.ndarray, status: int, month: int) -> None:
    state.status[mask] = status
    state.status_month[mask] = month


def _announce(state: SimState, mask: np.ndarray, month: int, stalls: np.ndarray,
              log: dict[str, np.ndarray]) -> None:
    _set_status(state, mask, ANNOUNCED, month)
    state.announce_month[mask] = month
    state.stalled[mask] = stalls[mask]
    _record(log, "announced", mask)


def _notify(state: SimState, mask: np.ndarray, month: int, log: dict[str, np.ndarray]) -> None:
    _set_status(state, mask, NOTIFIED, month)
    state.notify_month[mask] = month
    _record(log, "notified", mask)


def _revoke(state: SimState, mask: np.ndarray, month: int, log: dict[str, np.ndarray]) -> None:
    _set_status(state, mask, PARTY, month)
    _record(log, "revoked", mask)


def _accede(state: SimState, mask: np.ndarray, month: int, log: dict[str, np.ndarray]) -> None:
    _set_status(state, mask, ACCEDING, month)
    _record(log, "deposited", mask)


def _set_patron(state: SimState, mask: np.ndarray, patron: int, strength: float, target: float) -> None:
    state.patron[mask] = patron
    state.patron_strength[mask] = strength
    state.patron_target[mask] = target
