"""A pyabc sampler whose populations depend on the seed alone, on any concurrent.futures executor.

pyabc's own parallel samplers (multicore, Dask, concurrent futures) reseed every worker from the
operating system's entropy and keep the particles in the order they finish, so the same calibration
run twice gives two different posteriors. This sampler numbers the proposals instead: job j of
generation t evaluates `batch` proposals with NumPy's global generator seeded from
SeedSequence(entropy, spawn_key=(t + 1, j)) (pyabc proposes and perturbs parameters with it, and the
model takes its seed from it), jobs are read in their order, and the population is the first n
accepted proposals, as in pyabc's own samplers. Which worker ran a job, and how many there were,
changes nothing: a local process pool, a Dask cluster (`Client.get_executor()`) and a serial run give
the same particles. The generator is global to a process, so jobs sharing a process (threads of a Dask
worker) take turns.
"""

import collections
import concurrent.futures as cf
import random
import threading
from typing import Any, Callable

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

BATCH = 20  # proposals per job: a calibration run takes about 0.05 s, so a job is about 1 s of work
_GLOBAL_GENERATOR = threading.Lock()  # one job at a time may use a process's NumPy global generator


def _job(pickled: bytes, entropy: tuple[int, ...], generation: int, job: int, batch: int) -> list[Any]:
    """Evaluate `batch` proposals with the generator of (entropy, generation, job)."""
    simulate_one = cloudpickle.loads(pickled)
    state = np.random.SeedSequence(list(entropy), spawn_key=(generation + 1, job)).generate_state(4)
    with _GLOBAL_GENERATOR:
        np.random.seed(state)
        random.seed(int(state[0]))
        return [simulate_one() for _ in range(batch)]


class SeededSampler(Sampler):
    """Sample generations by numbered jobs on an executor (see the module docstring)."""

    def __init__(self, executor: cf.Executor, entropy: tuple[int, ...], in_flight: int = 8,
                 progress: Callable[[int], None] = lambda n: None, batch: int = BATCH) -> None:
        super().__init__()
        self.executor, self.entropy, self.in_flight, self.progress, self.batch = (executor, entropy, in_flight,
                                                                                  progress, batch)

    def sample_until_n_accepted(self, n: int, simulate_one: Callable, t: int, *, max_eval: float = np.inf,
                                all_accepted: bool = False, ana_vars: Any = None) -> Any:
        pickled = cloudpickle.dumps(simulate_one)
        sample = self._create_empty_sample()
        pending: collections.deque[cf.Future] = collections.deque()
        next_job, evaluated = 0, 0
        try:
            while sample.n_accepted < n and evaluated < max_eval:
                while len(pending) < self.in_flight:
                    pending.append(self.executor.submit(_job, pickled, self.entropy, t, next_job, self.batch))
                    next_job += 1
                for particle in pending.popleft().result():
                    sample.append(particle)
                    evaluated += 1
                    if sample.n_accepted == n or evaluated >= max_eval:
                        break
                self.progress(self.batch)
        finally:
            for future in pending:
                future.cancel()
        self.nr_evaluations_ = evaluated
        if sample.n_accepted < n:
            sample.ok = False
        return sample
