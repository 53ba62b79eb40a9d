"""Run folders: written in a staging folder and moved into place only when complete."""

import contextlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

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
    """A table as Parquet (the primary format) and as CSV (for spreadsheet users), both from one Arrow
    table that shares the frame's memory."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    write_parquet(folder / f"{name}.parquet", table)
    write_csv(folder / f"{name}.csv", table)


def write_parquet(path: Path, table: pa.Table) -> None:
    """A table as Parquet, with pyarrow's defaults (Snappy compression, the pandas schema metadata)."""
    pq.write_table(table, path)


def write_csv(path: Path, table: pa.Table) -> None:
    """A table as CSV by Arrow's compiled writer: a header of plain column names, no quotes unless some
    value needs them, numbers as Arrow writes them (shortest round trip; whole floats without a decimal point)."""
    try:
        _csv(path, table, "none")
    except pa.ArrowInvalid:  # a value holds a comma, a quote or a line break: quote the strings
        _csv(path, table, "needed")


def _csv(path: Path, table: pa.Table, quoting: str) -> None:
    with path.open("wb") as sink:
        sink.write((",".join(table.column_names) + "\n").encode("utf-8"))
        pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style=quoting))


def write_json(path: Path, content: dict[str, Any]) -> None:
    path.write_text(json.dumps(content, indent=2, sort_keys=False) + "\n", encoding="utf-8")
