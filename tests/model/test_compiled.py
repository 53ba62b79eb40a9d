"""The compiled-code cache is dropped when any of the model's sources changes, and only then."""

from pathlib import Path

from sim.model import compiled, kernel, rules, streams


def _cache_folder(folder: Path) -> None:
    """A cache folder as Numba leaves it: index and data files beside the interpreter's bytecode."""
    for name in ("kernel.month_serial-98.py311.nbi", "kernel.month_serial-98.py311.1.nbc", "rules.cpython-311.pyc"):
        (folder / name).write_bytes(b"x")


def test_the_digest_changes_with_any_source(tmp_path: Path) -> None:
    (tmp_path / "decide.py").write_text("A = 1\n")
    (tmp_path / "kernel.py").write_text("B = 2\n")
    before = compiled.sources_digest(tmp_path)
    assert compiled.sources_digest(tmp_path) == before
    (tmp_path / "decide.py").write_text("A = 3\n")  # a rule edited, the kernel that inlines it not
    assert compiled.sources_digest(tmp_path) != before


def test_stale_compiled_functions_are_dropped_and_fresh_ones_kept(tmp_path: Path) -> None:
    _cache_folder(tmp_path)
    assert compiled.drop_stale(tmp_path, "first")  # no stamp yet: compiled from unknown sources
    assert sorted(p.name for p in tmp_path.iterdir()) == [compiled.STAMP, "rules.cpython-311.pyc"]
    _cache_folder(tmp_path)  # compiled again from the same sources
    assert not compiled.drop_stale(tmp_path, "first")
    assert len(list(tmp_path.glob("*.nb?"))) == 2
    assert compiled.drop_stale(tmp_path, "second")  # the sources changed
    assert not list(tmp_path.glob("*.nb?")) and (tmp_path / compiled.STAMP).read_text() == "second"


def test_the_checked_folder_is_the_one_numba_caches_the_model_in() -> None:
    """The locator the check uses agrees with where Numba keeps the model's compiled functions."""
    folders = {Path(f._cache._cache_path) for f in (rules.episode_count, kernel.month_serial, streams.draw_month)}
    assert folders == {compiled.cache_directory()}
    assert (compiled.cache_directory() / compiled.STAMP).read_text() == compiled.sources_digest()
