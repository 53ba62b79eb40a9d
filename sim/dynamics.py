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


def empty_events(state: SimState) -> dict[str, np.ndarray]:
    return {name: np.zeros(state.status.shape, dtype=bool) for name in EVENTS + TALLIES}


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
            log["coup"] |= hit
            if spec.patron is not None:
                _set_patron(state, hit, PATRON_CODES.index(spec.patron), 0.0, p.patron_strength_after_switch)
                log["patron_switch"] |= hit
        elif event.kind == "coup_attempt":
            state.last_attempt[hit] = month
            log["coup_attempt"] |= hit
        elif event.kind == "junta_end":
            hit &= state.junta
            state.junta &= ~hit
            state.regime_change[hit] = month
            state.turnover[hit] = month
            log["junta_end"] |= hit
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
            state.sanctions[:] = spec.value
        elif event.kind == "hostility":
            state.hostility[:, PATRON_CODES.index(spec.patron)] = spec.value
        elif event.kind == "bias":
            state.africa_bias[:] = spec.value
        elif event.kind == "arrest":
            arrests += spec.count
        elif event.kind == "legitimacy":
            state.legitimacy[:] = np.clip(state.legitimacy + spec.delta, 0.0, 1.0)
    return arrests


def advance(state: SimState, static: Static, p: Params, draws: dict[str, np.ndarray], month: int,
            log: dict[str, np.ndarray]) -> None:
    """The random processes of one month, applied in place and recorded in `log`."""
    status = state.status
    in_statute = state.in_statute()
    divergence = np.abs(state.ideal_point - rules.party_mean(state.ideal_point, in_statute))

    # coups and regimes
    p_attempt = rules.coup_probability(p, state.coup_rate, state.coup_factor,
                                       month - state.last_attempt <= p.coup_trap_months)
    attempt = draws["coups"] < p_attempt
    success = draws["coups"] < p_attempt * p.coup_success
    switch = success & static.african & (state.patron != RUS) & (draws["patrons"] < p.patron_switch)
    junta_end = state.junta & ~success & (draws["regimes"] < p.junta_exit_rate)

    # withdrawal announcements by parties
    exiting = (status == ANNOUNCED) | (status == NOTIFIED) | (
        (status == WITHDRAWN) & (month - state.status_month <= p.peer_window_months))
    eligible = in_statute | exiting
    peer = np.maximum.reduce([rules.bloc_share(exiting, eligible, static.bloc_members),
                              rules.patron_share(exiting, eligible, state.patron, len(PATRON_CODES)),
                              p.junta_peer_weight * rules.junta_share(exiting, eligible, state.junta)])
    recent_lead = month - state.announce_month <= p.lead_window_months
    hostility = np.take_along_axis(state.hostility, state.patron.astype(np.intp), axis=1)
    grievance = state.patron_strength * hostility
    p_announce = rules.announcement_probability(
        p,
        divergence=divergence,
        lead=rules.lead_exit(recent_lead, static.bloc_members, static.bloc_leads),
        peer=peer,
        exposure=state.exposure,
        regime_change=month - state.regime_change < p.regime_change_window_months,
        junta=state.junta,
        grievance=grievance,
        bias=static.african * state.africa_bias[:, None],
        legitimacy_gap=(1.0 - state.legitimacy)[:, None],
        pressure=state.pressure,
    )
    announce = (status == PARTY) & (draws["announcements"] < p_announce)
    stalls = draws["announcements"] < p_announce * p.stall_share

    # legal pipeline
    effective = (status == NOTIFIED) & (month - state.notify_month >= rules.NOTICE_MONTHS)
    pending = (status == ANNOUNCED) | (status == NOTIFIED)
    p_revoke = rules.revocation_probability(p, state.junta, month - state.turnover < p.turnover_window_months)
    revoke = pending & ~effective & (draws["revocations"] < p_revoke)
    notify = (status == ANNOUNCED) & ~revoke & (draws["notifications"] < rules.notification_probability(
        p, state.stalled))
    enter = (status == ACCEDING) & (month - state.status_month >= rules.ENTRY_MONTHS)
    accede = ((status == NON_PARTY) | (status == WITHDRAWN)) & (
        draws["accessions"] < rules.accession_probability(p, divergence, grievance))

    # apply, all decided above on the state at the start of the month
    log["coup_attempt"] |= attempt & ~success
    log["coup"] |= success
    log["patron_switch"] |= switch
    log["junta_end"] |= junta_end
    state.last_attempt[attempt] = month
    state.junta = (state.junta | success) & ~junta_end
    state.regime_change[success | junta_end] = month
    state.turnover[junta_end] = month
    _set_patron(state, switch, RUS, 0.0, p.patron_strength_after_switch)
    _announce(state, announce, month, stalls, log)
    _revoke(state, revoke, month, log)
    _notify(state, notify, month, log)
    _set_status(state, effective, WITHDRAWN, month)
    log["withdrawn"] |= effective
    log["further_exit"] |= effective & ~state.initially_notified
    _set_status(state, enter, PARTY, month)
    log["entered_into_force"] |= enter
    _accede(state, accede, month, log)

    state.ideal_point = rules.drifted(p, state.ideal_point, state.junta, state.patron, state.patron_strength,
                                      RUS, USA_ISR)
    state.patron_strength = rules.ramped(p, state.patron_strength, state.patron_target)


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
    log = empty_events(state)
    arrests = apply_scheduled(state, events, month, p, log)
    advance(state, static, p, draws, month, log)
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


def _set_status(state: SimState, mask: np.ndarray, status: int, month: int) -> None:
    state.status[mask] = status
    state.status_month[mask] = month


def _announce(state: SimState, mask: np.ndarray, month: int, stalls: np.ndarray,
              log: dict[str, np.ndarray]) -> None:
    _set_status(state, mask, ANNOUNCED, month)
    state.announce_month[mask] = month
    state.stalled[mask] = stalls[mask]
    log["announced"] |= mask


def _notify(state: SimState, mask: np.ndarray, month: int, log: dict[str, np.ndarray]) -> None:
    _set_status(state, mask, NOTIFIED, month)
    state.notify_month[mask] = month
    log["notified"] |= mask


def _revoke(state: SimState, mask: np.ndarray, month: int, log: dict[str, np.ndarray]) -> None:
    _set_status(state, mask, PARTY, month)
    log["revoked"] |= mask


def _accede(state: SimState, mask: np.ndarray, month: int, log: dict[str, np.ndarray]) -> None:
    _set_status(state, mask, ACCEDING, month)
    log["deposited"] |= mask


def _set_patron(state: SimState, mask: np.ndarray, patron: int, strength: float, target: float) -> None:
    state.patron[mask] = patron
    state.patron_strength[mask] = strength
    state.patron_target[mask] = target
