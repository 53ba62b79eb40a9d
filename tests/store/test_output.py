from pathlib import Path

import pytest

from sim.core.errors import UserError
from sim.store.output import staged_folder
from sim.store.provenance import git_commit


def test_staged_folder_appears_only_on_success(tmp_path: Path) -> None:
    with staged_folder(tmp_path / "ok") as folder:
        (folder / "a.txt").write_text("a")
        assert not (tmp_path / "ok").exists()
    assert (tmp_path / "ok" / "a.txt").read_text() == "a"
    with pytest.raises(RuntimeError):
        with staged_folder(tmp_path / "failed") as folder:
            (folder / "a.txt").write_text("a")
            raise RuntimeError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok"]


def test_existing_empty_folder_is_used_and_full_one_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with staged_folder(tmp_path / "empty") as folder:
        (folder / "x").write_text("x")
    assert (tmp_path / "empty" / "x").exists()
    with pytest.raises(UserError, match="already exists"):
        with staged_folder(tmp_path / "empty"):
            pass


def test_git_commit_is_a_hash_or_none() -> None:
    commit = git_commit()
    assert commit is None or (len(commit) == 40 and int(commit, 16) >= 0)
