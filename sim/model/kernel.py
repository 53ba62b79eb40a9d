"""The ensemble's compiled month: for every run, its random numbers, its decisions (sim.model.decide), its event
counts and its measures, in one pass over the run's states, then its court's legitimacy.

Runs are independent within a month (scenario events and world levels are applied before; each run's
legitimacy moves on its own events), so the loop over runs is parallel (Numba `prange`); each run writes
only its own rows, which is why the results are the same for any number of threads. `month_serial` is the
same loop on one thread, for callers that parallelise elsewhere.
"""

import numba
import numpy as np

from sim.model import decide, dynamics, rules
from sim.model.borrow import borrowed
from sim.model.decide import EVENTS
from sim.model.dynamics import CODES, ENTERED_CODE, MEASURES
from sim.model.state import ANNOUNCED, NOTIFIED, PARTY, WITHDRAWN
from sim.model.streams import draw_month

INT_MEASURES, FLOAT_MEASURES = MEASURES[:8], MEASURES[8:]  # the counts, then legitimacy and population share
EXITS, FURTHER = CODES.index("withdrawn"), CODES.index("further_exit")
EVENT_MASK = (1 << len(EVENTS)) - 1  # the logged events, not the tallies
# a state's own events that change what its announcement cap (decide.state_cap) was taken from
RECAP = decide.COUP | decide.JUNTA_END | decide.PATRON_SWITCH
RECAP_CODES = (CODES.index("coup"), CODES.index("junta_end"), CODES.index("patron_switch"))


@numba.njit(cache=True, inline="always")
def record(r: int, t: int, status: np.ndarray, junta: np.ndarray, bits: np.ndarray, population: np.ndarray,
           world_population: float, counts: np.ndarray, totals: np.ndarray, ints: np.ndarray,
           floats: np.ndarray) -> None:
    """Run r's events of the month (bits) counted per code into counts[r] and totals[r], and its
    measures of month t (all but legitimacy) into ints[:, r, t] and floats[1, r, t]: one pass over the states."""
    codes = counts.shape[1]
    counts[r] = 0  # counted in place: an array per call would be allocated every run and month
    parties = announced = notified = withdrawn = juntas = 0
    inside = 0.0
    for s in range(status.shape[1]):
        b = bits[r, s]
        if b:
            for code in range(codes):
                counts[r, code] += (b >> code) & 1
        code = status[r, s]
        if PARTY <= code <= NOTIFIED:
            parties += 1
            inside += population[s]
            announced += code == ANNOUNCED
            notified += code == NOTIFIED
        withdrawn += code == WITHDRAWN
        juntas += junta[r, s]
    for code in range(codes):
        totals[r, code] += counts[r, code]
    ints[0, r, t], ints[1, r, t], ints[2, r, t], ints[3, r, t] = parties, announced, notified, withdrawn
    ints[4, r, t], ints[5, r, t], ints[6, r, t] = totals[r, EXITS], totals[r, FURTHER], totals[r, ENTERED_CODE]
    ints[7, r, t] = juntas
    floats[1, r, t] = inside / world_population


@numba.njit(cache=True)
def record_all(t: int, status: np.ndarray, junta: np.ndarray, bits: np.ndarray, population: np.ndarray,
               world_population: float, counts: np.ndarray, totals: np.ndarray, ints: np.ndarray,
               floats: np.ndarray) -> None:
    """Every run's measures of month t (the start month, with no events: before any step)."""
    for r in range(status.shape[0]):
        record(r, t, status, junta, bits, population, world_population, counts, totals, ints, floats)


@numba.njit(cache=True, inline="always")
def _clear_caps(r: int, bits: np.ndarray, counts: np.ndarray, caps: np.ndarray) -> None:
    """Run r's announcement caps cleared (to be taken again) for the states whose coup, junta end or patron
    switch this month changed what their cap was taken from."""
    if counts[r, RECAP_CODES[0]] + counts[r, RECAP_CODES[1]] + counts[r, RECAP_CODES[2]] == 0:
        return
    for s in range(bits.shape[1]):
        if bits[r, s] & RECAP:
            caps[r, s] = np.inf


@numba.njit(cache=True, inline="always")
def _run_month(r: int, table, month, t, arrays, african, first, membership, membership_lead, hostility,  # noqa: ANN001
               africa_bias, campaign, legitimacy, bloc_members, arrests, sanctions, generators, high_first, draws, bits,
               view, z, caps, population, world_population, counts, totals, ints, floats, eventful) -> None:
    """One month of run r at its parameters (row r of `table`): draw, decide, count its events, record its
    measures, then move its court's legitimacy (dynamics.run_legitimacy) and record it; eventful[t - 1, r]
    says whether the month has a logged event (see `logged_events`). `caps` (decide.cap_arrays) carries the
    runs' announcement caps from month to month."""
    p = rules.numbers_at(table, r)
    draw_month(generators, r, high_first, draws)
    decide.advance_run(p, r, month, t == 1, arrays, african, first, membership, membership_lead, hostility,
                       africa_bias, campaign, legitimacy, draws, bits, view[0], view[1], view[2], view[3], view[4],
                       view[5], z[r], caps[0], caps[1])
    record(r, t, arrays[decide.STATUS], arrays[decide.JUNTA], bits, population, world_population, counts, totals,
           ints, floats)
    _clear_caps(r, bits, counts, caps[0])
    legitimacy[r] = dynamics.run_legitimacy(p, r, bits, bloc_members, counts, legitimacy, arrests, sanctions)
    floats[0, r, t] = legitimacy[r]
    eventful[t - 1, r] = counts[r, :len(EVENTS)].sum() > 0  # the logged codes, not the tallies


@numba.njit(cache=True, parallel=True, nogil=True)
def month_parallel(table, month, t, arrays, african, first, membership, membership_lead, hostility,  # noqa: ANN001
                   africa_bias, campaign, legitimacy, bloc_members, arrests, sanctions, generators, high_first, draws,
                   bits, view, z, caps, population, world_population, counts, totals, ints, floats, eventful) -> None:
    """Month `month` (column t of the measures) of every run, runs spread over the threads; run r's
    parameters are row r of `table` (see sim.model.rules.numbers_at). `view` holds the scratch arrays of the
    runs' peer views (decide.view_arrays) and `caps` their announcement caps (decide.cap_arrays); `arrests` (one value
    per run) and `sanctions` are the month's, for the legitimacy rule."""
    for r in numba.prange(bits.shape[0]):
        _run_month(r, table, month, t, arrays, african, first, membership, membership_lead, hostility, africa_bias,
                   campaign, legitimacy, bloc_members, arrests, sanctions, generators, high_first, draws, bits, view, z,
                   caps, population, world_population, counts, totals, ints, floats, eventful)


@numba.njit(cache=True, nogil=True)
def month_serial(table, month, t, arrays, african, first, membership, membership_lead, hostility,  # noqa: ANN001
                 africa_bias, campaign, legitimacy, bloc_members, arrests, sanctions, generators, high_first, draws,
                 bits, view, z, caps, population, world_population, counts, totals, ints, floats, eventful) -> None:
    """`month_parallel` on the calling thread, on views of its arrays that count no references (as the
    parallel loop's are: see sim.model.borrow)."""
    table, arrays, african, first, membership, membership_lead = borrowed(table), borrowed(arrays), \
        borrowed(african), borrowed(first), borrowed(membership), borrowed(membership_lead)
    hostility, campaign, legitimacy, generators, draws, bits = borrowed(hostility), borrowed(campaign), \
        borrowed(legitimacy), borrowed(generators), borrowed(draws), borrowed(bits)
    bloc_members, arrests, view = borrowed(bloc_members), borrowed(arrests), borrowed(view)
    z, population, counts, totals, ints, floats = borrowed(z), borrowed(population), \
        borrowed(counts), borrowed(totals), borrowed(ints), borrowed(floats)
    eventful, caps = borrowed(eventful), borrowed(caps)
    for r in range(bits.shape[0]):
        _run_month(r, table, month, t, arrays, african, first, membership, membership_lead, hostility, africa_bias,
                   campaign, legitimacy, bloc_members, arrests, sanctions, generators, high_first, draws, bits, view, z,
                   caps, population, world_population, counts, totals, ints, floats, eventful)


@numba.njit(cache=True, inline="always")
def _write_logged(bits: np.ndarray, eventful: np.ndarray, r: int, at: int, run: np.ndarray, month: np.ndarray,
                  state: np.ndarray, code: np.ndarray) -> None:
    """Run r's logged events into rows at, at + 1, ... of (run, month, state, code); its months without one
    (most: eventful[m, r] false) are skipped unread."""
    for m in range(bits.shape[0]):
        if not eventful[m, r]:
            continue
        for s in range(bits.shape[2]):
            b = bits[m, r, s] & EVENT_MASK
            c = 0
            while b:
                if b & 1:
                    run[at], month[at], state[at], code[at] = r, m, s, c
                    at += 1
                b >>= 1
                c += 1


def logged_counts(totals: np.ndarray) -> np.ndarray:
    """Each run's number of logged events, from its event counts per code (a batch's `totals`: every
    month's bits are counted there once)."""
    return totals[:, :len(EVENTS)].sum(axis=1)


@numba.njit(cache=True, parallel=True, nogil=True)
def logged_events(bits: np.ndarray, found: np.ndarray, eventful: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                   np.ndarray, np.ndarray]:
    """The logged events of bits (months, runs, states) as (run, month, state, code) positions, ordered by
    run, month, state and code; found[r] is run r's number of them (`logged_counts`), eventful[m, r] whether
    run r has one in month m (as the compiled month records it). The runs are written in parallel, each
    into its own rows."""
    starts = np.zeros(found.shape[0] + 1, dtype=np.int64)
    starts[1:] = np.cumsum(found)
    run, month = np.empty(starts[-1], dtype=np.int64), np.empty(starts[-1], dtype=np.int64)
    state, code = np.empty(starts[-1], dtype=np.int64), np.empty(starts[-1], dtype=np.int64)
    for r in numba.prange(found.shape[0]):
        _write_logged(bits, eventful, r, starts[r], run, month, state, code)
    return run, month, state, code


@numba.njit(cache=True, nogil=True)
def logged_events_serial(bits: np.ndarray, found: np.ndarray, eventful: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                          np.ndarray, np.ndarray]:
    """`logged_events` on the calling thread."""
    starts = np.zeros(found.shape[0] + 1, dtype=np.int64)
    starts[1:] = np.cumsum(found)
    run, month = np.empty(starts[-1], dtype=np.int64), np.empty(starts[-1], dtype=np.int64)
    state, code = np.empty(starts[-1], dtype=np.int64), np.empty(starts[-1], dtype=np.int64)
    for r in range(found.shape[0]):
        _write_logged(bits, eventful, r, starts[r], run, month, state, code)
    return run, month, state, code
