"""One month of the model: scheduled events, then the random processes (sim.decide) and court
legitimacy. Events are bit masks per state (see sim.model.decide.EVENTS); a month's are counted per run."""

import dataclasses
from typing import Any

import numba
import numpy as np

from sim.core.months import parse_month
from sim.core.params import Params
from sim.data.datasets import BLOC_CODES, GROUP_CODES, PATRON_CODES
from sim.model import history, rules
from sim.model.decide import EVENTS, TALLIES
from sim.model.scenario import Scenario
from sim.model.state import ACCEDING, ANNOUNCED, NON_PARTY, NOTIFIED, PARTY, WITHDRAWN, SimState, Static

CODES = EVENTS + TALLIES
ANNOUNCED_CODE, ENTERED_CODE = CODES.index("announced"), CODES.index("entered_into_force")
ANNOUNCED_BIT = 1 << ANNOUNCED_CODE
MEASURES = ("parties", "announced", "notified", "withdrawn", "exits", "further_exits", "accessions", "juntas",
            "legitimacy", "population_share")


@dataclasses.dataclass(frozen=True)
class ScheduledEvent:
    """A scenario event with its target states resolved to indices."""

    kind: str
    targets: np.ndarray
    spec: Any


def schedule(scenario: Scenario, static: Static) -> dict[int, list[ScheduledEvent]]:
    """Scenario events by month, for months inside the run window (after the start month). Built once
    per window, events and states and then shared (read-only): a calibration stage runs one window, with
    thousands of replayed events, for every parameter set it draws."""
    return _scheduled(scenario, static)[0]


def stale_caps(scenario: Scenario, static: Static) -> dict[int, np.ndarray | None]:
    """For each month of `schedule`, the states whose announcement caps (sim.model.decide.state_cap) its
    events make stale, to be cleared before the month (None: every state's); built with the schedule. A
    replayed record has events most months, nearly all of them for a state or two and many (a status, a coup
    attempt) changing nothing a cap is taken from."""
    return _scheduled(scenario, static)[1]


# scheduled events by what they do to the announcement caps: those that change none of what a cap is taken
# from (a state's status, coup risk or recognition, or a level the run's scale reads every month), and those
# that change it for their target states only; any other kind (a world level: hostility, regional bias) makes
# every cap stale
LEAVES_CAPS = frozenset({"coup_attempt", "announce", "notify", "revoke", "accede", "coup_risk", "sanctions", "campaign",
                         "recognition", "arrest", "legitimacy"})
STALES_TARGETS_CAPS = frozenset({"alignment", "coup", "junta_end", "government_change", "patron", "exposure",
                                 "cooperation", "pressure"})


def _scheduled(scenario: Scenario, static: Static) -> tuple[dict[int, list[ScheduledEvent]],
                                                             dict[int, np.ndarray | None]]:
    key = (scenario.start, scenario.end, scenario.replay, repr(scenario.events), static.iso3,
           static.group.tobytes(), static.bloc_members.tobytes())
    if key not in _SCHEDULES:
        if len(_SCHEDULES) >= 16:
            _SCHEDULES.pop(next(iter(_SCHEDULES)))  # the oldest
        by_month = _schedule(scenario, static)
        _SCHEDULES[key] = by_month, {month: _stale(events) for month, events in by_month.items()}
    return _SCHEDULES[key]


_SCHEDULES: dict[tuple, tuple[dict[int, list[ScheduledEvent]], dict[int, np.ndarray | None]]] = {}


def _stale(events: list[ScheduledEvent]) -> np.ndarray | None:
    if any(e.kind not in LEAVES_CAPS and e.kind not in STALES_TARGETS_CAPS for e in events):
        return None
    return np.unique(np.concatenate([e.targets for e in events if e.kind in STALES_TARGETS_CAPS] +
                                    [np.zeros(0, dtype=np.int64)]))


def _schedule(scenario: Scenario, static: Static) -> dict[int, list[ScheduledEvent]]:
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
                    log: np.ndarray) -> np.ndarray:
    """Apply this month's scenario events in place; record them in the event bits `log`; return arrests
    per run."""
    arrests = np.zeros(state.runs)
    for event in events:
        if event.kind == "alignment":  # many a year when replayed: set directly, without a mask
            state.ideal_point[:, event.targets] = event.spec.value
            continue
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
        elif event.kind == "government_change":
            state.regime_change[hit] = month
            state.turnover[hit] = month
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
        elif event.kind == "cooperation":
            state.cooperation[hit] = spec.value
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
        elif event.kind == "campaign":
            state.campaign[[BLOC_CODES.index(b) for b in spec.blocs]] = spec.value
        elif event.kind == "recognition":
            state.barred[hit] = not spec.recognised
        elif event.kind == "arrest":
            arrests += spec.count
        elif event.kind == "legitimacy":
            state.legitimacy[:] = np.clip(state.legitimacy + spec.delta, 0.0, 1.0)
    return arrests


def update_legitimacy(state: SimState, static: Static, numbers: Any, bits: np.ndarray, counts: np.ndarray,
                      arrests: np.ndarray) -> None:
    """The month's change of each run's legitimacy, in place (see `run_legitimacy`), at the parameters
    `numbers` (rules.numbers): the Mesa model's step (the ensemble's compiled month calls `run_legitimacy`
    itself)."""
    _legitimacy_month(numbers, bits, static.bloc_members, counts, state.legitimacy, arrests, float(state.sanctions))


@numba.njit(cache=True, inline="always")
def run_legitimacy(p: Any, r: int, bits: np.ndarray, bloc_members: np.ndarray, counts: np.ndarray,
                   legitimacy: np.ndarray, arrests: np.ndarray, sanctions: float) -> float:
    """Run r's legitimacy a month later (rules.legitimacy_next): one charge per withdrawal episode announced
    this month (rules.episode_count), its entries into force (counted per code in `counts`), the month's
    arrests and sanctions."""
    episodes = rules.episode_count(bits, r, ANNOUNCED_BIT, bloc_members) if counts[r, ANNOUNCED_CODE] else 0
    return rules.legitimacy_next(p, legitimacy[r], episodes, counts[r, ENTERED_CODE], arrests[r], sanctions)


@numba.njit(cache=True)
def _legitimacy_month(p: Any, bits: np.ndarray, bloc_members: np.ndarray, counts: np.ndarray, legitimacy: np.ndarray,
                      arrests: np.ndarray, sanctions: float) -> None:
    for r in range(legitimacy.shape[0]):
        legitimacy[r] = run_legitimacy(p, r, bits, bloc_members, counts, legitimacy, arrests, sanctions)


def _record(log: np.ndarray, name: str, mask: np.ndarray) -> None:
    log[mask] |= 1 << CODES.index(name)


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
