"""Random streams: one generator per process and run, all derived from one root seed.

Run i of any scenario uses SeedSequence(root, spawn_key=(i, k)) for process k, so paired runs of two
scenarios share their random numbers (common random numbers). Each process draws one number per state
every month, whether or not the state is eligible, so changing one state's attributes never shifts the
numbers any other state receives. A number is 32 random bits, half of one 64-bit output of the
generator (the low half first), read as a uniform in [0, 1) with steps of 2^-32 (sim.model.decide.TO_UNIT):
finer than any monthly probability the model uses. Draws are made a block of months at a time; the
numbers are the same as month-by-month draws, whatever the block or the batch of runs.

The generator is NumPy's SFC64 (Small Fast Chaotic, seeded from the SeedSequence as NumPy seeds it),
stepped in compiled code so that drawing costs no call per number: its outputs are those of
numpy.random.SFC64(SeedSequence(root, spawn_key=(i, k))).random_raw(), and a test checks it.
"""

import numba
import numpy as np

PROCESSES = ("coups", "regimes", "announcements", "notifications", "revocations", "accessions")
BLOCK_MONTHS = 12  # even, so that a block of any number of states is a whole number of 64-bit outputs
WARM_UP = 12  # outputs NumPy's SFC64 discards after seeding


def seed_states(root_seed: int, runs: list[int]) -> np.ndarray:
    """The seeded generator states of the runs' processes, shape (processes, runs, 4)."""
    states = np.empty((len(PROCESSES), len(runs), 4), dtype=np.uint64)
    for r, run in enumerate(runs):
        for k in range(len(PROCESSES)):
            states[k, r, :3] = np.random.SeedSequence(root_seed, spawn_key=(run, k)).generate_state(3, np.uint64)
    states[:, :, 3] = 1
    _warm_up(states)
    return states


@numba.njit(cache=True, inline="always")
def _next(state: np.ndarray, k: int, r: int) -> np.uint64:
    """One SFC64 step of generator (k, r): its next 64-bit output."""
    a, b, c, counter = state[k, r, 0], state[k, r, 1], state[k, r, 2], state[k, r, 3]
    output = a + b + counter
    state[k, r, 0] = b ^ (b >> np.uint64(11))
    state[k, r, 1] = c + (c << np.uint64(3))
    state[k, r, 2] = ((c << np.uint64(24)) | (c >> np.uint64(40))) + output
    state[k, r, 3] = counter + np.uint64(1)
    return output


@numba.njit(cache=True)
def _warm_up(state: np.ndarray) -> None:
    for k in range(state.shape[0]):
        for r in range(state.shape[1]):
            for _ in range(WARM_UP):
                _next(state, k, r)


@numba.njit(cache=True)
def _fill(block: np.ndarray, state: np.ndarray, months: int) -> None:
    """The next `months` x states numbers of every generator into block[:months], two per output."""
    processes, runs = state.shape[0], state.shape[1]
    states = block.shape[3]
    for k in range(processes):
        for r in range(runs):
            raw, low = np.uint64(0), True
            for m in range(months):
                for s in range(states):
                    if low:
                        raw = _next(state, k, r)
                        block[m, k, r, s] = raw & np.uint64(0xFFFFFFFF)
                    else:
                        block[m, k, r, s] = raw >> np.uint64(32)
                    low = not low


class Streams:
    """The generators of several runs, drawn together for `months` months, month by month."""

    def __init__(self, root_seed: int, runs: list[int], states: int, months: int) -> None:
        self._state = seed_states(root_seed, runs)
        self._left = months
        self._block = np.empty((BLOCK_MONTHS, len(PROCESSES), len(runs), states), dtype=np.uint32)
        self._next = self._size = 0

    def month(self) -> np.ndarray:
        """This month's draws as 32-bit integers, shape (processes, runs, states)."""
        if self._next == self._size:
            # the last block is cut to the months left, rounded up to an even number (see BLOCK_MONTHS)
            self._size = min(BLOCK_MONTHS, self._left + self._left % 2)
            _fill(self._block, self._state, self._size)
            self._next = 0
        self._next += 1
        self._left -= 1
        return self._block[self._next - 1]
