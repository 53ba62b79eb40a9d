"""iccsim: scenario simulator of withdrawal cascades from the Rome Statute.

`sim.run`, `sim.compare` and `sim.load` (see sim.interfaces.api) are imported on first use, so that
`import sim` stays cheap for the command line.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("iccsim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

API = ("run", "compare", "load", "Result", "Comparison", "Sweep")


def __getattr__(name: str) -> Any:
    if name in API:
        from sim.interfaces import api

        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API])
