"""Whole-or-nothing writing: files renamed into place, folders that appear only when complete,
one claim per folder, the user's umask, and nothing left by a failure."""

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sim.core.errors import UserError
from sim.store.atomic import claim, staged_files, whole_folder, write_file, write_text


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_file_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    write_text(target, "old\n")

    def half_then_fail(temporary: Path) -> None:
        temporary.write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device", str(temporary))

    with pytest.raises(OSError):
        write_file(target, half_then_fail)
    assert target.read_text() == "old\n" and _names(tmp_path) == ["table.csv"]


def test_folder_appears_only_on_success_and_failure_leaves_nothing(tmp_path: Path) -> None:
    with whole_folder(tmp_path / "results" / "ok") as folder:
        write_text(folder.path / "a.txt", "a")
        assert not folder.target.exists() and folder.path.name.startswith(".ok.incomplete-")
    assert (tmp_path / "results" / "ok" / "a.txt").read_text() == "a"
    assert _names(tmp_path / "results") == ["ok"]
    with pytest.raises(RuntimeError):
        with whole_folder(tmp_path / "new" / "deeper" / "failed") as folder:
            write_text(folder.path / "a.txt", "a")
            raise RuntimeError("boom")
    assert _names(tmp_path) == ["results"]  # the parents it created are gone too


def test_a_full_disk_becomes_one_line_and_nothing_is_kept(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"cannot write .*out: No space left on device .*removed what") as caught:
        with whole_folder(tmp_path / "out") as folder:
            write_text(folder.path / "a.txt", "a")
            raise OSError(errno.ENOSPC, "No space left on device", str(folder.path / "b.parquet"))
    assert "\n" not in str(caught.value) and _names(tmp_path) == []


def test_default_names_are_numbered_and_appear_at_the_end(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    with whole_folder(None, tmp_path / "run") as first, whole_folder(None, tmp_path / "run") as second:
        assert (first.target.name, second.target.name) == ("run-2", "run-3")
        assert _names(tmp_path)[-1] == "run" and not first.target.exists()
    assert _names(tmp_path) == ["run", "run-2", "run-3"]


def test_the_same_out_twice_at_once_is_refused_before_work(tmp_path: Path) -> None:
    script = ("import sys, time\nfrom pathlib import Path\nfrom sim.store.atomic import whole_folder\n"
              "with whole_folder(Path(sys.argv[1])):\n    print('started', flush=True)\n    time.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "out")], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline() == "started\n"
        with pytest.raises(UserError, match="another iccsim command is writing this folder"):
            with whole_folder(tmp_path / "out"):
                pytest.fail("the second command started work")
        with pytest.raises(UserError, match="another iccsim command"):
            with claim(tmp_path / "out"):
                pass
    finally:
        holder.kill()
        holder.wait()
    # the killed holder left its debris, which the next command for the same folder clears away
    assert any(name.startswith(".out.incomplete-") for name in _names(tmp_path))
    with whole_folder(tmp_path / "out") as folder:
        write_text(folder.path / "a.txt", "a")
    assert _names(tmp_path) == ["out"]


def test_folders_get_the_users_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        with whole_folder(tmp_path / "out") as folder:
            write_text(folder.path / "a.txt", "a")
        with staged_files(tmp_path / "out" / "figures") as staging:
            write_text(staging / "f.png", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "out" / "figures").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "out" / "a.txt").stat().st_mode) == 0o644


def test_staged_files_are_added_together_or_not_at_all(tmp_path: Path) -> None:
    dest = tmp_path / "figures"
    dest.mkdir()
    write_text(dest / "kept.png", "old")
    with pytest.raises(UserError, match="No space left on device"):
        with staged_files(dest) as staging:
            write_text(staging / "kept.png", "new")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert _names(tmp_path) == ["figures"] and _names(dest) == ["kept.png"]
    assert (dest / "kept.png").read_text() == "old"
    with staged_files(dest) as staging:
        write_text(staging / "kept.png", "new")
        write_text(staging / "other.csv", "x")
    assert _names(dest) == ["kept.png", "other.csv"] and (dest / "kept.png").read_text() == "new"
    assert _names(tmp_path) == ["figures"]
