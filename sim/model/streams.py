"""Random streams: one generator per process and run, all derived from one root seed.

Run i of any scenario uses SeedSequence(root, spawn_key=(i, k)) for process k, so paired runs of two
scenarios share their random numbers (common random numbers). Each process draws one number per state
every month, whether or not the state is eligible, so changing one state's attributes never shifts the
numbers any other state receives. A number is 32 random bits, half of one 64-bit output of the
generator (the low half first), read as a uniform in [0, 1) with steps of 2^-32 (sim.decide.TO_UNIT):
finer than any monthly probability the model uses. A month's numbers continue where the last month's
stopped (with an odd number of states a month may start on the high half of an output), so they are
the same whatever the batch of runs.

The generator is NumPy's SFC64 (Small Fast Chaotic), seeded from the SeedSequence as NumPy seeds it;
both the SeedSequence hash (NumPy's algorithm, after O'Neill's seed_seq) and the generator are stepped in
compiled code, so that seeding and drawing cost no Python call per run or number: the outputs are those
of numpy.random.SFC64(SeedSequence(root, spawn_key=(i, k))).random_raw(), and a test checks it.
"""

import numba
import numpy as np

from sim.model import compiled

compiled.refresh()  # before any of the model's compiled functions can run (see sim.model.compiled)

PROCESSES = ("coups", "regimes", "announcements", "notifications", "revocations", "accessions")
WARM_UP = 12  # outputs NumPy's SFC64 discards after seeding
CARRY = 4  # position of the unread high half of the last output in a generator's state row
# NumPy's SeedSequence constants (numpy/random/bit_generator.pyx)
INIT_A, MULT_A, INIT_B, MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
MIX_MULT_L, MIX_MULT_R = 0xCA01F9DD, 0x4973F715
POOL = 4  # SeedSequence's default pool size, in 32-bit words
MASK32 = 0xFFFFFFFF


def root_words(root_seed: int) -> np.ndarray:
    """The root seed as SeedSequence reads an integer: 32-bit words, lowest first (at least one)."""
    words = []
    while root_seed > 0:
        words.append(root_seed & MASK32)
        root_seed >>= 32
    return np.array(words or [0], dtype=np.uint64)


def seed_states(root_seed: int, runs: list[int] | np.ndarray) -> np.ndarray:
    """The seeded generator states of the runs' processes, shape (processes, runs, 5): SFC64's four
    words, then room for an output's unread high half."""
    states = np.zeros((len(PROCESSES), len(runs), CARRY + 1), dtype=np.uint64)
    _seed_all(root_words(root_seed), np.asarray(runs, dtype=np.uint64), states)
    return states


@numba.njit(cache=True, inline="always")
def _hashmix(value: np.uint64, hash_const: np.uint64, mult: int) -> tuple[np.uint64, np.uint64]:
    """SeedSequence's hashmix on 32-bit words held in 64-bit integers: (mixed value, next constant)."""
    mask = np.uint64(MASK32)
    value = value ^ hash_const
    hash_const = (hash_const * np.uint64(mult)) & mask
    value = (value * hash_const) & mask
    return value ^ (value >> np.uint64(16)), hash_const


@numba.njit(cache=True, inline="always")
def _mix(x: np.uint64, y: np.uint64) -> np.uint64:
    result = (np.uint64(MIX_MULT_L) * x - np.uint64(MIX_MULT_R) * y) & np.uint64(MASK32)
    return result ^ (result >> np.uint64(16))


@numba.njit(cache=True)
def _seed_one(words: np.ndarray, run: np.uint64, process: int, out: np.ndarray) -> None:
    """out[:3] = SeedSequence(root, spawn_key=(run, process)).generate_state(3, np.uint64), for
    run and process below 2^32: the root's words padded to the pool size, then the spawn key."""
    entropy = np.zeros(POOL + 2, dtype=np.uint64)
    entropy[:words.shape[0]] = words
    entropy[POOL], entropy[POOL + 1] = run, process
    mixer = np.zeros(POOL, dtype=np.uint64)
    h = np.uint64(INIT_A)
    for i in range(POOL):
        mixer[i], h = _hashmix(entropy[i], h, MULT_A)
    for src in range(POOL):
        for dst in range(POOL):
            if src != dst:
                value, h = _hashmix(mixer[src], h, MULT_A)
                mixer[dst] = _mix(mixer[dst], value)
    for src in range(POOL, POOL + 2):
        for dst in range(POOL):
            value, h = _hashmix(entropy[src], h, MULT_A)
            mixer[dst] = _mix(mixer[dst], value)
    h = np.uint64(INIT_B)
    for word in range(6):  # three 64-bit words, low half first
        value, h = _hashmix(mixer[word % POOL], h, MULT_B)
        if word % 2 == 0:
            out[word // 2] = value
        else:
            out[word // 2] |= value << np.uint64(32)


@numba.njit(cache=True, nogil=True)
def _seed_all(words: np.ndarray, runs: np.ndarray, states: np.ndarray) -> None:
    for r in range(runs.shape[0]):
        for k in range(states.shape[0]):
            _seed_one(words, runs[r], k, states[k, r])
            states[k, r, 3] = 1  # SFC64's counter
            for _ in range(WARM_UP):
                _next(states, k, r)


@numba.njit(cache=True, inline="always")
def _next(state: np.ndarray, k: int, r: int) -> np.uint64:
    """One SFC64 step of generator (k, r): its next 64-bit output."""
    output, state[k, r, 0], state[k, r, 1], state[k, r, 2], state[k, r, 3] = _step(
        state[k, r, 0], state[k, r, 1], state[k, r, 2], state[k, r, 3])
    return output


@numba.njit(cache=True, inline="always")
def _step(a: np.uint64, b: np.uint64, c: np.uint64, counter: np.uint64) -> tuple:
    """One SFC64 step on a generator held in locals: (its output, the next a, b, c and counter)."""
    output = a + b + counter
    return (output, b ^ (b >> np.uint64(11)), c + (c << np.uint64(3)),
            ((c << np.uint64(24)) | (c >> np.uint64(40))) + output, counter + np.uint64(1))


@numba.njit(cache=True, inline="always")
def draw_month(state: np.ndarray, r: int, high_first: bool, draws: np.ndarray) -> None:
    """Run r's numbers of one month for every process into draws[:, r, :]; `high_first` when the month
    starts on the unread high half of the last output (the numbers drawn so far are odd in count)."""
    states = draws.shape[2]
    for k in range(state.shape[0]):
        # the generator in locals while it runs
        a, b, c, counter, raw = state[k, r, 0], state[k, r, 1], state[k, r, 2], state[k, r, 3], state[k, r, CARRY]
        row = draws[k, r]
        s = 0
        if high_first:
            row[0] = raw >> np.uint64(32)
            s = 1
        for _ in range((states - s) // 2):  # whole outputs, low half then high half
            raw, a, b, c, counter = _step(a, b, c, counter)
            row[s], row[s + 1] = raw & np.uint64(MASK32), raw >> np.uint64(32)
            s += 2
        if s < states:  # the last state takes the low half of one more output; its high half is carried
            raw, a, b, c, counter = _step(a, b, c, counter)
            row[s] = raw & np.uint64(MASK32)
        state[k, r, 0], state[k, r, 1], state[k, r, 2], state[k, r, 3], state[k, r, CARRY] = a, b, c, counter, raw


@numba.njit(cache=True)
def _draw_all(state: np.ndarray, high_first: bool, draws: np.ndarray) -> None:
    for r in range(draws.shape[1]):
        draw_month(state, r, high_first, draws)


class Streams:
    """The generators of several runs, drawn month by month (the Mesa driver's and the tests' view;
    the ensemble draws inside its compiled month, see sim.kernel)."""

    def __init__(self, root_seed: int, runs: list[int], states: int) -> None:
        self.state = seed_states(root_seed, runs)
        self.drawn = 0  # numbers drawn per generator so far
        self._draws = np.empty((len(PROCESSES), len(runs), states), dtype=np.uint32)

    def month(self) -> np.ndarray:
        """This month's draws as 32-bit integers, shape (processes, runs, states); the array is reused."""
        _draw_all(self.state, self.drawn % 2 == 1, self._draws)
        self.drawn += self._draws.shape[2]
        return self._draws
