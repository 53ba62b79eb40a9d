"""Which posterior draw each run uses: a function of the root seed and the run index alone.

Runs 2k and 2k+1 share the draw of pair k, chosen uniformly from the sample by a generator seeded
with SeedSequence(root_seed, spawn_key=(k, DRAW_STREAM)): run i of every scenario of a comparison gets
the same draw (paired differences stay paired in parameters as in noise), and every pair's two runs
differ only in their random streams, which splits the spread of an outcome into its parameter and
run-to-run parts without further assumptions (see sim.store.summary.variance_split). The spawn key is
apart from the process streams' keys (run, 0..5), so drawing parameters shifts no random number.
"""

import numpy as np

RUNS_PER_DRAW = 2
DRAW_STREAM = 1000  # second spawn-key entry of the draw generators, far from the process indices


def draw_indices(root_seed: int, runs: list[int], size: int) -> np.ndarray:
    """The draw (0..size-1) of each of the given runs."""
    pairs = sorted({run // RUNS_PER_DRAW for run in runs})
    chosen = {pair: int(np.random.Generator(np.random.PCG64(
        np.random.SeedSequence(root_seed, spawn_key=(pair, DRAW_STREAM)))).integers(size)) for pair in pairs}
    return np.array([chosen[run // RUNS_PER_DRAW] for run in runs], dtype=np.int64)
