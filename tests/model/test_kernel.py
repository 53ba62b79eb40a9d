"""The compiled month's helpers: the event log read from the event bits."""

import numpy as np

from sim.model import kernel
from sim.model.decide import EVENTS


def _by_hand(bits: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Every logged (run, month, state, code) of bits (months, runs, states), in that order."""
    months, runs, states = bits.shape
    return [(r, m, s, c) for r in range(runs) for m in range(months) for s in range(states)
            for c in range(len(EVENTS)) if bits[m, r, s] >> c & 1]


def test_logged_events_parallel_and_serial_list_every_event_bit_in_order_and_no_tally() -> None:
    rng = np.random.default_rng(3)
    bits = np.where(rng.random((7, 40, 11)) < 0.2, rng.integers(0, 1 << (len(EVENTS) + 1), (7, 40, 11)), 0)
    bits = bits.astype(np.int16)
    bits[2, 5, 3] = 1 << len(EVENTS)  # a tally alone (further_exit): counted elsewhere, never logged
    expected = _by_hand(bits)
    assert len(expected) > 100
    counts = np.bincount([event[0] for event in expected], minlength=bits.shape[1])
    eventful = (bits & kernel.EVENT_MASK).any(axis=2)
    for found in (kernel.logged_events(bits, counts, eventful), kernel.logged_events_serial(bits, counts, eventful)):
        assert list(zip(*(column.tolist() for column in found))) == expected


def test_a_batchs_event_totals_count_its_logged_events_and_it_marks_their_months(baseline) -> None:
    """The counts the event log is laid out by: every logged event of the batch, month by month; and the
    months the log reads: those with a logged event, and only those."""
    from sim.model.ensemble import Batch, world_for
    from sim.model.state import static_from
    world = world_for(baseline)
    done = Batch(world, static_from(world), baseline, 4, np.arange(30)).run()
    logged = [(done.bits[:, r] & kernel.EVENT_MASK) for r in range(30)]
    by_hand = [sum(bin(int(b)).count("1") for b in run.ravel()) for run in logged]
    assert kernel.logged_counts(done.totals).tolist() == by_hand and sum(by_hand) > 0
    marked = (done.bits & kernel.EVENT_MASK).any(axis=2)
    assert (done.eventful == marked).all() and 0 < marked.sum() < marked.size
