"""Provenance recorded with every result: package and library versions, source commit, command."""

import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from importlib.metadata import version

from sim import __version__
from sim.data import datasets


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
