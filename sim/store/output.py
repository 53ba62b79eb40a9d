"""Run folders: written in a staging folder and moved into place only when complete."""

import contextlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from sim.core.errors import UserError


def reserve(base: Path) -> Path:
    """Create and return the first free folder among base, base-2, base-3, ... (atomic, so runs started
    at the same moment never share a folder)."""
    number = 1
    while True:
        out = base if number == 1 else base.with_name(f"{base.name}-{number}")
        try:
            out.mkdir(parents=True)
            return out
        except FileExistsError:
            number += 1
        except OSError as exc:
            raise UserError(f"cannot create {out} ({exc.strerror})") from None


@contextlib.contextmanager
def staged_folder(out: Path, reserved: bool = False) -> Iterator[Path]:
    """A fresh folder beside `out` that becomes `out` on success and vanishes on any failure; a
    `reserved` (empty, see `reserve`) `out` is removed on failure too."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(f"--out {out}: already exists and is not an empty folder")
    blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise UserError(f"--out {out}: {blocker} is a file, not a folder")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    except OSError as exc:
        raise UserError(f"--out {out}: cannot write there ({exc.strerror})") from None
    try:
        yield staging
        staging.replace(out)  # replaces an empty folder atomically
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if reserved:
            shutil.rmtree(out, ignore_errors=True)
        raise


def write_table(folder: Path, name: str, frame: pd.DataFrame) -> None:
    """A table as Parquet and as CSV (for spreadsheet users)."""
    frame.to_parquet(folder / f"{name}.parquet", index=False)
    frame.to_csv(folder / f"{name}.csv", index=False)


def write_json(path: Path, content: dict[str, Any]) -> None:
    path.write_text(json.dumps(content, indent=2, sort_keys=False) + "\n", encoding="utf-8")
