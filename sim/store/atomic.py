"""Whole-or-nothing writing, the one way iccsim puts files on disk.

- `write_file(path, write)`: `write` fills a temporary file beside `path`, which is then renamed into
  place, so a reader never sees half a file (`write_text`, `write_json` for text).
- `whole_folder(out, default)`: a result folder built under a hidden name (`.NAME.incomplete-XXXX`)
  and renamed to its final name only when the block ends without error. On any failure or interrupt
  it is removed, and a file-system error becomes one line (exit 2) saying so. While it is being
  written no other command may claim the same name: the second is refused before it starts work.
- `claim(out, default)`: that exclusive claim alone, for a folder written in place (a sweep).
- `staged_files(dest)`: files added to an existing folder (figures, a report) all together or not at all.
- `remove_debris(folder)`: what a killed command left inside a folder it was writing in place.

Folders and files get the user's umask. A command killed outright (SIGKILL) cannot clean up: it leaves
its `.NAME.incomplete-XXXX` folder and `.NAME.lock` file, which the next command for NAME removes.
"""

import contextlib
import dataclasses
import fcntl
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any, Callable, Iterator

from sim.core.errors import UserError
from sim.core.interrupts import deferred

INCOMPLETE = "incomplete"


def _temporary(path: Path, suffix: str) -> Path:
    return path.with_name(f".{path.name}.{INCOMPLETE}-{secrets.token_hex(4)}{suffix}")


def _commit(temporary: Path, path: Path) -> None:
    os.replace(temporary, path)


def write_file(path: Path, write: Callable[[Path], object]) -> Path:
    """Call `write(temporary)` for a temporary file in `path`'s folder, then rename it to `path`."""
    temporary = _temporary(path, ".tmp")
    try:
        write(temporary)
        _commit(temporary, path)
    except BaseException:
        with deferred(raise_at_end=False):
            temporary.unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return write_file(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def write_json(path: Path, content: dict[str, Any]) -> Path:
    return write_text(path, json.dumps(content, indent=2, sort_keys=False) + "\n")


def failure(exc: OSError, target: Path) -> UserError:
    """A file-system error while writing `target`, as the one-line message of a command that gave up."""
    where = f" ({exc.filename})" if exc.filename else ""
    return UserError(f"cannot write {target}: {exc.strerror or exc}{where}; removed what this command had "
                     "written there")


def _lock_path(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.lock"


def _try_lock(folder: Path) -> int | None:
    """An open, exclusively locked lock file for `folder`, or None if another process holds it. The lock
    is the kernel's (flock): it ends with its process, however that process ends."""
    path = _lock_path(folder)
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return None
        try:
            if os.stat(path).st_ino == os.fstat(descriptor).st_ino:
                return descriptor
        except FileNotFoundError:
            pass
        os.close(descriptor)  # its last holder removed the file meanwhile: lock the new one


def _unlock(folder: Path, descriptor: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        _lock_path(folder).unlink()
    os.close(descriptor)


def _remove(paths: Iterator[Path]) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def _remove_stale(folder: Path) -> None:
    """Staging folders and temporary files for `folder` left by a command that was killed."""
    _remove(folder.parent.glob(f".{folder.name}.{INCOMPLETE}-*"))


def remove_debris(folder: Path) -> None:
    """Temporary files and folders inside `folder` left by a command killed while writing there (call it
    holding the folder's claim, so that none is another command's)."""
    _remove(folder.glob(f".*.{INCOMPLETE}-*"))


def _check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(f"--out {out}: already exists and is not an empty folder")
    blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise UserError(f"--out {out}: {blocker} is a file, not a folder")


def _make_parents(folder: Path) -> list[Path]:
    """Create the missing parents of `folder`; return those created, deepest first."""
    created = [p for p in [folder.parent, *folder.parent.parents] if not p.exists()]
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"--out {folder}: cannot write there ({exc.strerror})") from None
    return created


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


@contextlib.contextmanager
def claim(out: Path | None, default: Path | None = None) -> Iterator[Path]:
    """Hold the exclusive claim on the folder `out` (which need not exist yet) or, if `out` is None, on
    the first free name among `default`, `default`-2, ...; yield the folder claimed. Another command
    holding the claim on `out` is bad input: refused before any work."""
    target = out if out is not None else default
    if target is None:
        raise ValueError("claim needs out or default")
    blocker = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise UserError(f"--out {target}: {blocker} is a file, not a folder")
    created = _make_parents(target)
    try:
        if out is None:
            target, descriptor = _free_name(target)
        else:
            descriptor = _try_lock(target)
    except OSError as exc:
        _remove_empty(created)
        raise UserError(f"--out {target}: cannot write there ({exc.strerror})") from None
    if descriptor is None:
        _remove_empty(created)
        raise UserError(f"--out {target}: another iccsim command is writing this folder; wait for it to finish "
                        "or choose another folder")
    try:
        yield target
    finally:
        with deferred(raise_at_end=False):
            _unlock(target, descriptor)
            _remove_empty(created)  # the parents it made, unless the folder was written into them


@dataclasses.dataclass(frozen=True)
class Staged:
    """A result folder being written: `path` (hidden, write here) becomes `target` on success."""

    path: Path
    target: Path


def _free_name(base: Path) -> tuple[Path, int]:
    """The first of base, base-2, base-3, ... that does not exist and that no other command claims."""
    number = 1
    while True:
        candidate = base if number == 1 else base.with_name(f"{base.name}-{number}")
        number += 1
        if candidate.exists():
            continue
        descriptor = _try_lock(candidate)
        if descriptor is None:
            continue
        if candidate.exists():
            _unlock(candidate, descriptor)
            continue
        return candidate, descriptor


@contextlib.contextmanager
def whole_folder(out: Path | None, default: Path | None = None, claimed: bool = False) -> Iterator[Staged]:
    """Write a result folder whole or not at all: into `out` (which must not exist or be empty) or, if
    `out` is None, the first free name among `default`, `default`-2, ... (see the module docstring).
    `claimed`: the caller already holds the claim on `out` (see `claim`)."""
    if out is not None:
        _check_target(out)
    with contextlib.nullcontext(out) if claimed else claim(out, default) as target:
        _check_target(target)
        _remove_stale(target)
        staging = _temporary(target, "")
        try:
            staging.mkdir()
        except OSError as exc:
            raise UserError(f"--out {target}: cannot write there ({exc.strerror})") from None
        try:
            yield Staged(staging, target)
            _commit(staging, target)  # replaces an empty folder atomically
        except BaseException as exc:
            with deferred(raise_at_end=False):
                shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OSError):
                raise failure(exc, target) from None
            raise


@contextlib.contextmanager
def staged_files(dest: Path) -> Iterator[Path]:
    """A hidden folder to write files into; on success they are moved into `dest` (created if need be,
    same relative paths), on failure all are removed and `dest` is left as it was."""
    staging = _temporary(dest, "")
    created = not dest.exists()
    try:
        staging.mkdir()
    except OSError as exc:
        raise failure(exc, dest) from None
    try:
        yield staging
        dest.mkdir(exist_ok=True)
        for path in sorted(staging.rglob("*")):
            if path.is_dir():
                (dest / path.relative_to(staging)).mkdir(exist_ok=True)
            else:
                _commit(path, dest / path.relative_to(staging))
    except BaseException as exc:
        with deferred(raise_at_end=False):
            if created:
                shutil.rmtree(dest, ignore_errors=True)
        if isinstance(exc, OSError):
            raise failure(exc, dest) from None
        raise
    finally:
        with deferred(raise_at_end=False):
            shutil.rmtree(staging, ignore_errors=True)
