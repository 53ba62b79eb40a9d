"""Random streams: one generator per process and run, all derived from one root seed.

Run i of any scenario uses SeedSequence(root, spawn_key=(i, k)) for process k, so paired runs of two
scenarios share their random numbers (common random numbers). Each process draws one uniform per
state every month, whether or not the state is eligible, so changing one state's attributes never
shifts the numbers any other state receives. Draws are made a block of months at a time; the numbers
are the same as month-by-month draws, whatever the block or the batch of runs.
"""

import numpy as np

PROCESSES = ("coups", "regimes", "announcements", "notifications", "revocations", "accessions")
BLOCK_MONTHS = 12


def generators(root_seed: int, run: int) -> list[np.random.Generator]:
    """The generators of one run, one per process, in PROCESSES order."""
    return [np.random.Generator(np.random.PCG64(np.random.SeedSequence(root_seed, spawn_key=(run, k))))
            for k in range(len(PROCESSES))]


class Streams:
    """The generators of several runs, drawn together month by month."""

    def __init__(self, root_seed: int, runs: list[int], states: int) -> None:
        self._generators = [generators(root_seed, run) for run in runs]
        self._block = np.empty((len(PROCESSES), len(runs), BLOCK_MONTHS, states))
        self._next = BLOCK_MONTHS

    def month(self) -> dict[str, np.ndarray]:
        """This month's uniforms for every process: arrays of shape (runs, states)."""
        if self._next == BLOCK_MONTHS:
            for r, run_generators in enumerate(self._generators):
                for k, generator in enumerate(run_generators):
                    generator.random(out=self._block[k, r])
            self._next = 0
        month = self._next
        self._next += 1
        return {name: self._block[k, :, month] for k, name in enumerate(PROCESSES)}
