"""The speed of the whole path from command to folder, measured against the project's targets.

Usage: python benchmarks/speed.py [--repeat 3] [--out benchmarks/record.json] [--skip-50k]

Runs each measurement `--repeat` times (start-up five times) and writes a JSON record: for every
measurement the exact command, the values, their median and range, and the load average before and
after (the machine may be shared). Command-line figures come from `/usr/bin/time -v` (wall seconds, peak
resident memory); the in-process ones (engine, fused floor, Mesa, calibration) from a child process running
`python benchmarks/speed.py --part NAME`, which prints its figures as JSON.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numba
import numpy as np

HERE = Path(__file__).resolve().parent
ICCSIM = str(Path(sys.executable).with_name("iccsim"))
TIME = "/usr/bin/time"


def load() -> float:
    return os.getloadavg()[0]


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def timed(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak resident memory (MB) of a command, from
    /usr/bin/time -v."""
    result = subprocess.run([TIME, "-v", *command], capture_output=True, text=True, check=True)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    hours, minutes, seconds = (float(part or 0) for part in wall.groups())
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", result.stderr).group(1))
              for kind in ("User", "System"))
    peak = float(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) / 1024
    return hours * 3600 + minutes * 60 + seconds, cpu, peak


def command_measurement(name: str, command: list[str], repeat: int, out: Path | None = None) -> dict[str, Any]:
    """Wall time and peak memory of `command` (its --out folder, if any, removed after each repetition)."""
    before, walls, cpus, peaks = load(), [], [], []
    for _ in range(repeat):
        wall, cpu, peak = timed(command)
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
    shown = ["iccsim" if word == ICCSIM else "OUT" if out is not None and word == str(out) else word
             for word in command]
    return {"name": name, "command": " ".join(shown),
            "wall_seconds": {"values": walls, **summary(walls)}, "cpu_seconds": {"values": cpus, **summary(cpus)},
            "peak_mb": {"values": peaks, **summary(peaks)},
            "load_before": before, "load_after": load()}


def part_measurement(name: str, repeat: int) -> dict[str, Any]:
    """An in-process measurement, in a fresh child process."""
    before = load()
    command = [sys.executable, str(Path(__file__).resolve()), "--part", name, "--repeat", str(repeat)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return {"name": name, "command": f"python benchmarks/speed.py --part {name} --repeat {repeat}",
            **json.loads(result.stdout.strip().splitlines()[-1]), "load_before": before, "load_after": load()}


# --- the in-process parts ---------------------------------------------------------------------------


@numba.njit(cache=True)
def floor(state: np.ndarray, months: int, states: int) -> float:
    """The fused floor for every run of `state` (seeded generators, see sim.model.streams): six SFC64 steps
    read as uniforms and one exp per state-month."""
    total = 0.0
    for r in range(state.shape[1]):
        for _ in range(months):
            for _ in range(states):
                u = 0.0
                for k in range(6):
                    a, b, c, counter = state[k, r, 0], state[k, r, 1], state[k, r, 2], state[k, r, 3]
                    output = a + b + counter
                    state[k, r, 0] = b ^ (b >> np.uint64(11))
                    state[k, r, 1] = c + (c << np.uint64(3))
                    state[k, r, 2] = ((c << np.uint64(24)) | (c >> np.uint64(40))) + output
                    state[k, r, 3] = counter + np.uint64(1)
                    u += (output >> np.uint64(11)) * (1.0 / 9007199254740992.0)
                total += np.exp(-u)
    return total


def _engine(repeat: int) -> dict[str, Any]:
    """The engine per run on one thread and on all cores, against the fused floor on one thread (`floor`:
    the least any engine of this model computes); and on one thread under the posterior (each run at its
    own draw)."""
    from sim.data import posterior
    from sim.model import scenario
    from sim.model.ensemble import available_threads, run_ensemble
    from sim.model.streams import seed_states

    baseline, sample = scenario.load("baseline"), posterior.shipped()
    months, states, runs = baseline.end - baseline.start, 195, 2000
    run_ensemble(baseline, 20, 1, threads=1)
    run_ensemble(baseline, 20, 1, threads=1, posterior=sample)
    run_ensemble(baseline, 20, 1)
    floor(seed_states(1, list(range(2))), 1, 1)
    engine, floors, engine_cpu, floor_cpu, parallel, drawn_cpu = [], [], [], [], [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        run_ensemble(baseline, runs, 1, threads=1)
        engine.append((time.perf_counter() - started) / runs * 1000)
        engine_cpu.append((time.process_time() - cpu) / runs * 1000)
        cpu = time.process_time()
        run_ensemble(baseline, runs, 1, threads=1, posterior=sample)
        drawn_cpu.append((time.process_time() - cpu) / runs * 1000)
        generators = seed_states(1, list(range(runs)))
        started, cpu = time.perf_counter(), time.process_time()
        floor(generators, months, states)
        floors.append((time.perf_counter() - started) / runs * 1000)
        floor_cpu.append((time.process_time() - cpu) / runs * 1000)
        started = time.perf_counter()
        run_ensemble(baseline, 10_000, 1)
        parallel.append(time.perf_counter() - started)
    ratios = [e / f for e, f in zip(engine, floors)]
    cpu_ratios = [e / f for e, f in zip(engine_cpu, floor_cpu)]
    return {"engine_ms_per_run_one_thread": {"values": engine, **summary(engine)},
            "floor_ms_per_run_one_thread": {"values": floors, **summary(floors)},
            "engine_over_floor": {"values": ratios, **summary(ratios)},
            "engine_cpu_ms_per_run_one_thread": {"values": engine_cpu, **summary(engine_cpu)},
            "floor_cpu_ms_per_run_one_thread": {"values": floor_cpu, **summary(floor_cpu)},
            "engine_over_floor_cpu": {"values": cpu_ratios, **summary(cpu_ratios)},
            "engine_10000_runs_seconds_all_threads": {"values": parallel, **summary(parallel)},
            "engine_posterior_cpu_ms_per_run_one_thread": {"values": drawn_cpu, **summary(drawn_cpu)},
            "threads": available_threads(), "runs": runs, "months": months, "states": states}


def _mesa(repeat: int) -> dict[str, Any]:
    """One run of the iccsim Mesa model against one run of a plain Mesa model of the same size."""
    sys.path.insert(0, str(HERE))
    import plain_mesa

    from sim.model import scenario
    from sim.model.mesa_model import IccModel

    baseline = scenario.load("baseline")

    def iccsim_run(run: int) -> None:
        model = IccModel(baseline, seed=0, run=run)
        while model.running:
            model.step()

    iccsim_run(0)
    plain_mesa.run(0)
    ours, plain = [], []
    for repetition in range(repeat):
        for run, (runner, into) in enumerate(((iccsim_run, ours), (plain_mesa.run, plain)) * 5):
            started = time.perf_counter()
            runner(repetition * 10 + run)
            into.append((time.perf_counter() - started) * 1000)
    ratio = statistics.median(ours) / statistics.median(plain)
    return {"iccsim_mesa_ms_per_run": {"values": ours, **summary(ours)},
            "plain_mesa_ms_per_run": {"values": plain, **summary(plain)}, "ratio_of_medians": ratio}


def _calibration(repeat: int) -> dict[str, Any]:
    """One proposal of the withdrawal stage of the default calibration window (ABC-SMC runs each proposed
    parameter set once), and building the window's replayed-event schedule, which the proposals share."""
    import numpy as np

    from sim.data import datasets
    from sim.core.months import parse_month
    from sim.experiments import calibration
    from sim.model import dynamics, scenario
    from sim.model.ensemble import world_for
    from sim.model.state import static_from

    stage = calibration.stages(scenario.load("baseline"), parse_month(datasets.FIRST_MONTH),
                               parse_month(datasets.LAST_START_MONTH))[1]
    static = static_from(world_for(stage.scenario))
    started = time.perf_counter()
    events = sum(len(month) for month in dynamics.schedule(stage.scenario, static).values())
    schedule = (time.perf_counter() - started) * 1000
    model = calibration.StageModel(stage)
    np.random.seed(0)
    model({"a0": -8.0})
    draws = []
    for draw in range(max(repeat, 7)):
        started = time.perf_counter()
        model({"a0": -8.0 - 0.1 * draw})
        draws.append((time.perf_counter() - started) * 1000)
    return {"proposal_ms": {"values": draws, **summary(draws)}, "schedule_build_ms_once_per_stage": schedule,
            "scheduled_events": events, "runs_per_proposal": 1}


PARTS: dict[str, Callable[[int], dict[str, Any]]] = {"engine": _engine, "mesa": _mesa, "calibration": _calibration}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "record.json")
    parser.add_argument("--skip-50k", action="store_true", help="leave out the 50,000-run command")
    parser.add_argument("--part", choices=list(PARTS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        print(json.dumps(PARTS[args.part](args.repeat)))
        return
    scratch = Path(tempfile.mkdtemp(prefix="iccsim-bench-"))
    # the compiled rules cached (the parallel month for `run`, the one-thread month a sweep's points use),
    # the data read once from disk
    subprocess.run([ICCSIM, "run", "baseline", "--runs", "10", "--out", str(scratch / "warm")], check=True,
                   capture_output=True)
    subprocess.run([ICCSIM, "sweep", "baseline", "--vary", "b_peer=1:2:2", "--runs", "10", "--workers", "1", "--out",
                    str(scratch / "warm-sweep")], check=True, capture_output=True)
    measurements = [command_measurement("version", [ICCSIM, "--version"], 5),
                    command_measurement("list", [ICCSIM, "list"], args.repeat)]
    for runs in (200, 10_000) if args.skip_50k else (200, 10_000, 50_000):
        out = scratch / f"run-{runs}"
        measurements.append(command_measurement(f"run_{runs}", [ICCSIM, "run", "baseline", "--runs", str(runs),
                                                                "--seed", "1", "--out", str(out)], args.repeat, out))
        if runs == 10_000:  # the default draws each run's parameters from the posterior; a point forecast too
            measurements.append(command_measurement(
                "run_10000_median", [ICCSIM, "run", "baseline", "--runs", str(runs), "--seed", "1", "--params",
                                     "median", "--out", str(out)], args.repeat, out))
    for workers in (1, 2):
        out = scratch / f"sweep-{workers}"
        measurements.append(command_measurement(
            f"sweep_8x100_workers_{workers}", [ICCSIM, "sweep", "baseline", "--vary", "b_peer=1:4:8", "--runs", "100",
                                               "--workers", str(workers), "--out", str(out)], args.repeat, out))
    measurements += [part_measurement(name, args.repeat) for name in PARTS]
    shutil.rmtree(scratch, ignore_errors=True)
    record = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": {
        "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
        "python": platform.python_version()}, "repeat": args.repeat, "measurements": measurements}
    args.out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    for m in measurements:
        figures = {key: round(value["median"], 3) for key, value in m.items() if isinstance(value, dict)}
        print(f"{m['name']:28s} {figures} (load {m['load_before']:.1f} -> {m['load_after']:.1f})")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
