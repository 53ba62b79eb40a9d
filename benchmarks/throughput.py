"""Runs per second and state-months per second of the Mesa model and the batched engine.

Usage: python benchmarks/throughput.py [--engine-runs 10000] [--mesa-runs 5] [--scenario baseline]
Prints one line per driver; run on an otherwise idle machine. Single process, one core.
"""

import argparse
import time

from sim.model import scenario as scenarios
from sim.model.ensemble import run_ensemble
from sim.model.mesa_model import IccModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--engine-runs", type=int, default=10_000)
    parser.add_argument("--mesa-runs", type=int, default=5)
    args = parser.parse_args()
    chosen = scenarios.load(args.scenario)
    months = chosen.end - chosen.start
    states = 195

    warm = IccModel(chosen.with_window(None, chosen.start + 2), seed=0, run=0)  # compile (or load) the rules
    while warm.running:
        warm.step()
    started = time.perf_counter()
    for run in range(args.mesa_runs):
        model = IccModel(chosen, seed=0, run=run)
        while model.running:
            model.step()
    mesa_seconds = time.perf_counter() - started
    mesa_rate = args.mesa_runs / mesa_seconds

    run_ensemble(chosen, runs=10, seed=0)  # warm the data caches
    started = time.perf_counter()
    run_ensemble(chosen, runs=args.engine_runs, seed=0)
    engine_seconds = time.perf_counter() - started
    engine_rate = args.engine_runs / engine_seconds

    for name, runs, seconds, rate in (("mesa", args.mesa_runs, mesa_seconds, mesa_rate),
                                      ("engine", args.engine_runs, engine_seconds, engine_rate)):
        print(f"{name:7s} {runs:6d} runs in {seconds:7.2f} s: {rate:9.1f} runs/s, "
              f"{rate * months * states / 1e6:7.2f} M state-months/s")
    print(f"engine / mesa per-run throughput: {engine_rate / mesa_rate:.0f}x "
          f"({args.scenario}, {months} months, {states} states)")


if __name__ == "__main__":
    main()
