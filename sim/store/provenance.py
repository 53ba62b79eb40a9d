"""Provenance recorded with every result: package and library versions, source commit, command."""

import datetime as dt
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from importlib.metadata import version

from sim import __version__
from sim.data import datasets
from sim.data.posterior import Posterior
from sim.model.draws import DRAW_STREAM, RUNS_PER_DRAW
from sim.model.ensemble import Results
from sim.model.scenario import Scenario
from sim.model.streams import PROCESSES


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=Path(__file__).parent, capture_output=True, text=True,
                                timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def git_commit() -> str | None:
    """The commit of the source tree the package runs from, if it is a git checkout."""
    return _git("rev-parse", "HEAD") or None


def git_dirty() -> bool | None:
    """Whether that source tree has uncommitted changes (None outside a checkout)."""
    status = _git("status", "--porcelain", "--untracked-files=no")
    return None if status is None else bool(status)


def environment() -> dict[str, Any]:
    """Where a result comes from: versions, commit, command and the data's end date."""
    return {
        "iccsim_version": __version__,
        "git_commit": git_commit(),
        "git_uncommitted_changes": git_dirty(),
        "python": platform.python_version(),
        "mesa": version("mesa"),  # from the installed metadata: importing Mesa takes a second
        "command": ["iccsim", *sys.argv[1:]],
        "data_end": str(datasets.DATA_END),
    }


def params_entry(posterior: Posterior | None) -> dict[str, Any]:
    """What a manifest says about the parameters: point or posterior, and which sample with its hash."""
    if posterior is None:
        return {"params": "median", "posterior": None}
    return {"params": "posterior", "posterior": posterior.describe() | {
        "rule": f"runs {RUNS_PER_DRAW}k..{RUNS_PER_DRAW}k+{RUNS_PER_DRAW - 1} use draw "
                f"PCG64(SeedSequence(root_seed, spawn_key=(k, {DRAW_STREAM}))).integers(draws); the runs table "
                "names each run's draw; parameters a scenario sets are kept"}}


def run_manifest(chosen: list[Scenario], results: list[Results], runs: int, seed: int, started: float,
                 posterior: Posterior | None, command: list[str] | None = None) -> dict[str, Any]:
    """The manifest of a run or compare folder: provenance, resolved scenarios, parameters (the
    posterior sample the runs drew from, or None for the medians), seeds, timing. `command` replaces
    the command line, for results made from Python."""
    return {
        **environment(),
        **({"command": command} if command is not None else {}),
        "scenarios": [c.name for c in chosen],
        "scenario_files": {name: digest for c in chosen for name, digest in c.file_hashes.items()},
        "resolved": [c.describe() for c in chosen],
        "parties_at_start": [int(r.runs["parties_start"].iloc[0]) for r in results],
        "runs": runs,
        "root_seed": seed,
        **params_entry(posterior),
        "run_seeds": {"rule": "numpy SeedSequence(root_seed, spawn_key=(run, process))",
                      "runs": list(range(runs)), "processes": list(PROCESSES)},
        "started": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 3),
        "status": "complete",
    }
