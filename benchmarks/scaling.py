"""Sweep throughput against the number of local worker processes.

Usage: python benchmarks/scaling.py [--points 8] [--runs 500] [--workers 1 2]
Each design point runs `--runs` baseline runs; prints wall time and runs per second per worker count.
"""

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from sim.experiments import sweep
from sim.experiments.execution import executor, in_flight
from sim.model import scenario as scenarios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=8)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    chosen = scenarios.load("baseline")
    points = pd.DataFrame({"b_peer": [1.0 + 3.0 * i / max(args.points - 1, 1) for i in range(args.points)]})
    total = args.points * args.runs
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as folder, executor(workers, None) as pool:
            started = time.perf_counter()
            sweep.execute(Path(folder), chosen, points, args.runs, 0, pool, in_flight=in_flight(workers, None))
            seconds = time.perf_counter() - started
        print(f"workers {workers}: {total} runs ({args.points} points x {args.runs}) in {seconds:6.2f} s, "
              f"{total / seconds:7.1f} runs/s")


if __name__ == "__main__":
    main()
