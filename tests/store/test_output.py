from pathlib import Path

import pandas as pd

from sim.store.output import write_table
from sim.store.provenance import git_commit


def test_a_table_is_written_as_parquet_and_csv_with_nothing_else(tmp_path: Path) -> None:
    frame = pd.DataFrame({"run": [0, 1], "month": ["2026-11", "2026-12"], "parties": [125, 124]})
    write_table(tmp_path, "timeseries", frame)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timeseries.csv", "timeseries.parquet"]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "timeseries.parquet"), frame)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "timeseries.csv"), frame)


def test_git_commit_is_a_hash_or_none() -> None:
    commit = git_commit()
    assert commit is None or (len(commit) == 40 and int(commit, 16) >= 0)
