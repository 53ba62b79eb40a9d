"""Result folders that prove they are whole: each table's row count and SHA-256 in the manifest.

`seal` writes `manifest.json` last, with a `files` entry for every table in the folder (figures and
briefs, which `plot` and `report` may redo, are not listed). `verify` recomputes them; any reader calls it
before trusting a folder, so a truncated, corrupted, missing or replaced table is refused with one line
naming the file. The same record, in a small JSON file of its own, vouches for each chunk of a sweep.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.core.errors import UserError
from sim.store.atomic import INCOMPLETE, write_json

MANIFEST = "manifest.json"
RECORD = "files"
UNLISTED = ("figures", "report", "chunks")  # redone by plot and report, or vouched for per chunk
_BLOCK = 1 << 20


def describe(path: Path) -> dict[str, Any]:
    """A file's size, SHA-256 and, for a table, its number of rows (CSV: lines after the header)."""
    digest, lines, size = hashlib.sha256(), 0, 0
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
            lines += block.count(b"\n")
            size += len(block)
    entry: dict[str, Any] = {"bytes": size, "sha256": digest.hexdigest()}
    if path.suffix == ".csv":
        entry["rows"] = max(lines - 1, 0)
    elif path.suffix == ".parquet":
        try:
            entry["rows"] = pq.read_metadata(path).num_rows
        except (pa.ArrowException, OSError):  # not a whole Parquet file: no row count to give
            entry["rows"] = None
    return entry


def record(folder: Path, paths: list[Path] | None = None) -> dict[str, dict[str, Any]]:
    """Entries for the given files, or for every file in `folder` except the manifest and UNLISTED."""
    if paths is None:
        paths = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST
                 and p.relative_to(folder).parts[0] not in UNLISTED and f".{INCOMPLETE}-" not in p.name]
    return {p.relative_to(folder).as_posix(): describe(p) for p in paths}


def seal(folder: Path, manifest: dict[str, Any], files: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Write the manifest, with the record of the folder's tables (`files`, if it was taken once they were
    all written: see `record`), as the folder's last file."""
    sealed = {**manifest, RECORD: record(folder) if files is None else files}
    write_json(folder / MANIFEST, sealed)
    return sealed


def problem(folder: Path, entries: dict[str, dict[str, Any]]) -> str | None:
    """What is wrong with the listed files, or None when every one is as recorded."""
    for name, expected in entries.items():
        path = folder / name
        if not path.is_file():
            return f"{path}: missing"
        actual = describe(path)
        if "rows" in expected and actual.get("rows") != expected["rows"]:
            rows = "unreadable" if actual.get("rows") is None else f"{actual['rows']} rows"
            return f"{path}: {rows} where {expected['rows']} rows were written"
        if actual["sha256"] != expected["sha256"] or actual["bytes"] != expected["bytes"]:
            return f"{path}: content differs from what was written ({actual['bytes']} bytes, SHA-256 mismatch)"
    return None


def read_manifest(folder: Path, where: str = "") -> dict[str, Any]:
    """A folder's manifest, checked to be a JSON object."""
    prefix = f"{where} " if where else ""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{prefix}{folder}: no manifest.json; not an iccsim results folder") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UserError(f"{prefix}{path}: not valid JSON; the folder is damaged") from None
    if not isinstance(manifest, dict):
        raise UserError(f"{prefix}{path}: not an iccsim manifest")
    return manifest


def verify(folder: Path, manifest: dict[str, Any], where: str = "") -> None:
    """Refuse a folder whose tables do not match its manifest's record (or that has no record)."""
    prefix = f"{where} " if where else ""
    entries = manifest.get(RECORD)
    if not isinstance(entries, dict) or not all(isinstance(e, dict) and "sha256" in e for e in entries.values()):
        raise UserError(f"{prefix}{folder / MANIFEST}: lists no table checksums, so the folder cannot be "
                        "checked (written by an older iccsim or changed by hand); run the command again")
    found = problem(folder, entries)
    if found:
        raise UserError(f"{prefix}{found}; the folder is damaged or was changed after it was written")
