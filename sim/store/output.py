"""Tables on disk: one writing function per format, each whole or not at all (see sim.store.atomic)."""

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sim.store.atomic import write_file


def write_table(folder: Path, name: str, data: pd.DataFrame | pa.Table) -> tuple[Path, Path]:
    """A table as Parquet (the primary format) and as CSV (for spreadsheet users), both from one Arrow
    table (a frame's shares its memory); returns the two files."""
    table = _arrow(data)
    return write_parquet(folder / f"{name}.parquet", table), write_csv(folder / f"{name}.csv", table)


def write_parquet(path: Path, data: pd.DataFrame | pa.Table) -> Path:
    """A table as Parquet, with pyarrow's defaults (Snappy compression, the pandas schema metadata)."""
    table = _arrow(data)
    return write_file(path, lambda temporary: pq.write_table(table, temporary))


def write_csv(path: Path, data: pd.DataFrame | pa.Table, float_format: str | None = None) -> Path:
    """A table as CSV by Arrow's compiled writer: a header of plain column names, no quotes unless some
    value needs them, numbers as Arrow writes them (shortest round trip; whole floats without a decimal point)
    or, for the float columns of a frame, by `float_format` (as "%.6g"; missing values stay empty)."""
    if float_format is not None:
        floats = data.select_dtypes("float").columns
        data = data.assign(**{name: data[name].map(lambda v: None if pd.isna(v) else float_format % v)
                              for name in floats})
    table = _arrow(data)
    return write_file(path, lambda temporary: _csv_any_quoting(temporary, table))


def _arrow(data: pd.DataFrame | pa.Table) -> pa.Table:
    return data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)


def _csv_any_quoting(path: Path, table: pa.Table) -> None:
    try:
        _csv(path, table, "none")
    except pa.ArrowInvalid:  # a value holds a comma, a quote or a line break: quote the strings
        _csv(path, table, "needed")


def _csv(path: Path, table: pa.Table, quoting: str) -> None:
    """The header, then Arrow's rows, into Arrow's own file: a Python file object would take the
    interpreter lock for every block written, stalling the figures drawn meanwhile."""
    with pa.OSFile(str(path), "wb") as sink:
        sink.write((",".join(table.column_names) + "\n").encode("utf-8"))
        pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style=quoting))
