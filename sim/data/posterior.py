"""Posterior samples of the fitted parameters: the shipped one (sim/data/posterior.csv, written by
`iccsim calibrate`) or another calibration's, read and checked against the declared parameters.

A sample is a table of equally weighted draws, one row per draw and one column per fitted parameter
(plus the column `draw`, 0..n-1). Forecasts give each run one draw (see sim.model.draws); the file's
SHA-256 goes into every manifest so a result names the sample it was drawn from.
"""

import dataclasses
import hashlib
import io
from pathlib import Path

import pandas as pd

from sim.data import datasets
from sim.core.errors import UserError
from sim.core.params import Params, coerce

SHIPPED = "posterior.csv"  # in sim/data


@dataclasses.dataclass(frozen=True)
class Posterior:
    """Equally weighted parameter draws, where they came from and the hash of their file."""

    draws: pd.DataFrame  # columns: the fitted parameters, in the file's order; row i is draw i
    source: str  # "shipped" or the file's path as given
    sha256: str

    @property
    def parameters(self) -> list[str]:
        return list(self.draws.columns)

    def describe(self) -> dict[str, object]:
        """The manifest entry: which sample, its hash, its size and its parameters."""
        return {"source": self.source, "sha256": self.sha256, "draws": len(self.draws),
                "parameters": self.parameters}


def shipped() -> Posterior:
    """The posterior sample shipped with the package."""
    return _parse((datasets.data_dir() / SHIPPED).read_bytes(), "shipped", SHIPPED)


def load(path: Path) -> Posterior:
    """A posterior sample from a file (a calibration's posterior.csv)."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise UserError(f"--posterior {path}: cannot read it ({exc.strerror})") from None
    return _parse(content, str(path), f"--posterior {path}")


def _parse(content: bytes, source: str, where: str) -> Posterior:
    try:
        table = pd.read_csv(io.BytesIO(content))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        raise UserError(f"{where}: not a CSV table of parameter draws") from None
    if "draw" not in table.columns or len(table) == 0:
        raise UserError(f"{where}: expected a column 'draw' and at least one row")
    if table["draw"].tolist() != list(range(len(table))):
        raise UserError(f"{where}: column 'draw' must number the rows 0, 1, 2, ...")
    specs = Params.specs()
    values = table.drop(columns="draw")
    unknown = [name for name in values.columns if name not in specs]
    if unknown or values.columns.empty:
        raise UserError(f"{where}: {', '.join(unknown) or 'no parameter columns'}: expected parameter names "
                        f"(see `iccsim show baseline`)")
    for name in values.columns:
        for row, raw in enumerate(values[name]):
            coerce(specs[name], raw, f"{where}: row {row}, {name}")
    return Posterior(values.astype(float), source, hashlib.sha256(content).hexdigest())
