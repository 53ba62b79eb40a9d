"""Random streams: one generator per process and run, all derived from one root seed.

Run i of any scenario uses SeedSequence(root, spawn_key=(i, k)) for process k, so paired runs of two
scenarios share their random numbers (common random numbers). Each process draws one uniform per
state every month, whether or not the state is eligible, so changing one state's attributes never
shifts the numbers any other state receives.
"""

import numpy as np

PROCESSES = ("coups", "patrons", "regimes", "announcements", "notifications", "revocations", "accessions")


def generators(root_seed: int, run: int) -> dict[str, np.random.Generator]:
    """The generators of one run, one per process."""
    return {name: np.random.Generator(np.random.PCG64(np.random.SeedSequence(root_seed, spawn_key=(run, k))))
            for k, name in enumerate(PROCESSES)}


class Streams:
    """The generators of several runs, drawn together month by month."""

    def __init__(self, root_seed: int, runs: list[int]) -> None:
        self._generators = [generators(root_seed, run) for run in runs]

    def month(self, states: int) -> dict[str, np.ndarray]:
        """This month's uniforms for every process: arrays of shape (runs, states)."""
        return {name: np.stack([g[name].random(states) for g in self._generators]) for name in PROCESSES}
