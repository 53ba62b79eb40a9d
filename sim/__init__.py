"""iccsim: scenario simulator of withdrawal cascades from the Rome Statute."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("iccsim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
