"""Numba's cache of the model's compiled code, dropped when any of the model's sources has changed.

Numba keys a cached function to its own source file only. The ensemble's month (kernel.py) and the Mesa
agents' step (agent_step.py) inline the rules of decide.py, rules.py and streams.py, so after an edit of a
rule, or an update of an editable install that changes only those files, the cached month would go on
running the old rules. Every module that defines a compiled function calls `refresh` when it is imported,
before any compiled function can run: the model's sources are hashed together and, where the hash differs
from the one written beside the cache, the model's cached functions are removed and compiled again.
"""

import functools
import hashlib
import os
from pathlib import Path

from numba.core.caching import CacheImpl

MODEL = Path(__file__).parent
STAMP = "iccsim-model-sources.sha256"  # beside Numba's index (.nbi) and data (.nbc) files


def sources_digest(directory: Path = MODEL) -> str:
    """SHA-256 of the model's Python sources, names and contents, in name order."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_directory() -> Path | None:
    """Where Numba caches this package's functions: the first of its own locators that applies
    (NUMBA_CACHE_DIR, the source folder's __pycache__, the user's cache folder), or None if none does."""
    for locator_class in CacheImpl._locator_classes:
        locator = locator_class.from_function(cache_directory, str(MODEL / "rules.py"))
        if locator is not None:
            return Path(locator.get_cache_path())
    return None


def drop_stale(directory: Path | None, digest: str) -> bool:
    """Remove the compiled functions cached in `directory` unless they were compiled from sources with
    this digest; record the digest. Returns whether anything was dropped."""
    if directory is None:
        return False
    stamp = directory / STAMP
    if stamp.exists() and stamp.read_text() == digest:
        return False
    for cached in [*directory.glob("*.nbi"), *directory.glob("*.nbc")]:
        cached.unlink(missing_ok=True)
    temporary = directory / f"{STAMP}.{os.getpid()}"
    temporary.write_text(digest)
    temporary.replace(stamp)  # whole or not at all, when two processes start at once
    return True


@functools.cache
def refresh() -> None:
    """Drop the model's cached compiled code if it was compiled from other sources than these (once per
    process)."""
    drop_stale(cache_directory(), sources_digest())
