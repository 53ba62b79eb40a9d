"""Checked tables: the manifest's record of rows and SHA-256 catches truncated, corrupted, missing and
replaced tables, and a folder without a record is refused."""

from pathlib import Path

import pandas as pd
import pytest

from sim.core.errors import UserError
from sim.store.integrity import read_manifest, record, seal, verify


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    (folder / "figures").mkdir(parents=True)
    frame = pd.DataFrame({"run": range(5), "value": [0.5, 1.5, 2.5, 3.5, 4.5]})
    frame.to_csv(folder / "runs.csv", index=False)
    frame.to_parquet(folder / "runs.parquet", index=False)
    (folder / "figures" / "a.png").write_bytes(b"png")
    seal(folder, {"status": "complete"})
    return folder


def test_the_record_counts_rows_and_skips_figures(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    manifest = read_manifest(folder)
    assert set(manifest["files"]) == {"runs.csv", "runs.parquet"}
    assert manifest["files"]["runs.csv"]["rows"] == 5 and manifest["files"]["runs.parquet"]["rows"] == 5
    assert len(manifest["files"]["runs.csv"]["sha256"]) == 64
    verify(folder, manifest)  # a whole folder passes
    (folder / "figures" / "a.png").write_bytes(b"redrawn")
    verify(folder, manifest)  # figures may be redone


@pytest.mark.parametrize("damage, message", [
    (lambda p: p.write_bytes(p.read_bytes()[:-6]), r"runs.csv: 4 rows where 5 rows were written"),
    (lambda p: p.write_bytes(p.read_bytes().replace(b"2.5", b"9.5")), r"runs.csv: content differs"),
    (lambda p: p.write_text(p.read_text().splitlines()[0] + "\n"), r"runs.csv: 0 rows where 5 rows"),
    (lambda p: p.unlink(), r"runs.csv: missing"),
])
def test_damaged_tables_are_refused_naming_the_file(tmp_path: Path, damage, message: str) -> None:
    folder = _folder(tmp_path)
    damage(folder / "runs.csv")
    with pytest.raises(UserError, match=message + ".*damaged or was changed"):
        verify(folder, read_manifest(folder))


def test_a_folder_without_a_record_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "manifest.json").write_text('{"status": "complete"}')
    with pytest.raises(UserError, match="lists no table checksums"):
        verify(folder, read_manifest(folder))
    (folder / "manifest.json").write_text('{"status": "comp')
    with pytest.raises(UserError, match="manifest.json: not valid JSON"):
        read_manifest(folder)
    (folder / "manifest.json").write_text('[1, 2]')
    with pytest.raises(UserError, match="not an iccsim manifest"):
        read_manifest(folder)


def test_record_of_chosen_files(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    entries = record(folder, [folder / "runs.parquet"])
    assert list(entries) == ["runs.parquet"] and entries["runs.parquet"]["rows"] == 5
