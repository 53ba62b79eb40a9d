"""Tables on disk: one writing function per format, each whole or not at all (see sim.store.atomic)."""

from pathlib import Path

import pandas as pd

from sim.store.atomic import write_file


def write_parquet(path: Path, frame: pd.DataFrame) -> Path:
    return write_file(path, lambda temporary: frame.to_parquet(temporary, index=False))


def write_csv(path: Path, frame: pd.DataFrame, float_format: str | None = None) -> Path:
    """A table as CSV, written whole under a temporary name and renamed into place."""
    return write_file(path, lambda temporary: frame.to_csv(temporary, index=False, float_format=float_format))


def write_table(folder: Path, name: str, frame: pd.DataFrame) -> None:
    """A table as Parquet and as CSV (for spreadsheet users)."""
    write_parquet(folder / f"{name}.parquet", frame)
    write_csv(folder / f"{name}.csv", frame)
