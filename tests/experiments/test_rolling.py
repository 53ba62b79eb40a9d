"""Rolling-origin backtests: origins from a range, parallel and resumable with the same tables."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.core.errors import UserError
from sim.experiments import backtest_folder, rolling
from sim.interfaces.cli import main

ROLLING = ["backtest", "--cutoffs", "2004-01-01:2006-01-01:12", "--horizon-months", "24", "--runs", "30",
           "--population", "20", "--budget", "100", "--seed", "2"]


def test_cutoffs_from_a_range() -> None:
    cutoffs, step = rolling.parse_cutoffs("2008-01-01:2025-01-01:12")
    assert step == 12 and len(cutoffs) == 18 and cutoffs[0] == dt.date(2008, 1, 1) and cutoffs[-1] == dt.date(2025, 1, 1)
    assert rolling.parse_cutoffs("2020-01-31:2020-05-01:1")[0] == [dt.date(2020, 1, 31), dt.date(2020, 2, 29),
                                                                   dt.date(2020, 3, 31), dt.date(2020, 4, 30)]
    for wrong in ("2008-01-01:2025-01-01", "2008-01-01:2007-01-01:12", "2008-01-01:2025-01-01:0", "x:y:1"):
        with pytest.raises(UserError):
            rolling.parse_cutoffs(wrong)
    assert rolling.block_length({"step_months": 12, "horizon_months": 24}) == 2
    assert rolling.block_length({"step_months": 6, "horizon_months": 24}) == 4
    assert rolling.block_length({"step_months": None, "horizon_months": 24}) == 1


def _tables(folder: Path) -> dict[str, bytes]:
    return {name: (folder / f"{name}.csv").read_bytes() for name in backtest_folder.TABLES} | {
        name: (folder / "figures" / f"{name}.csv").read_bytes() for name in ("reliability", "pit")}


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rolling backtest run through on a local pool of two processes."""
    out = tmp_path_factory.mktemp("rolling") / "whole"
    assert main([*ROLLING, "--workers", "2", "--out", str(out)]) == 0
    return out


def test_a_killed_backtest_resumes_to_the_same_tables(tmp_path: Path, whole: Path) -> None:
    killed = tmp_path / "killed"
    process = subprocess.Popen([sys.executable, "-m", "sim.interfaces.cli", *ROLLING, "--workers", "1",
                                "--out", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = rolling.chunk(killed, "2004-01-01", "summary")
    while not first.exists() and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert first.exists() and not (killed / "scores.csv").exists()
    assert rolling.done(killed, ["2004-01-01", "2005-01-01", "2006-01-01"]) != {"2004-01-01", "2005-01-01",
                                                                                 "2006-01-01"}
    assert main(["backtest", "--resume", str(killed), "--workers", "1"]) == 0
    assert _tables(killed) == _tables(whole)
    scores = pd.read_csv(whole / "scores.csv")
    assert set(scores["origin"]) == {"2004-01-01", "2005-01-01", "2006-01-01", "pooled"}
    pooled = scores[(scores["origin"] == "pooled") & (scores["forecast"] != "model")]
    assert pooled["difference_low"].le(pooled["model_minus_forecast"]).all()
    assert pooled["difference_high"].ge(pooled["model_minus_forecast"]).all()
    assert (whole / "figures" / "reliability.png").exists() and (whole / "figures" / "pit.pdf").exists()


def test_a_dask_cluster_gives_the_same_tables(tmp_path: Path, whole: Path) -> None:
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert main([*ROLLING, "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "dask")]) == 0
    assert _tables(tmp_path / "dask") == _tables(whole)


def test_single_cutoff_is_that_origin_of_a_rolling_backtest(tmp_path: Path, whole: Path) -> None:
    assert main(["backtest", "--cutoff", "2005-01-01", *ROLLING[3:], "--workers", "1", "--out", str(tmp_path / "one")]) == 0
    one, every = (pd.read_csv(folder / "forecasts.csv") for folder in (tmp_path / "one", whole))
    pd.testing.assert_frame_equal(one, every[every["origin"] == "2005-01-01"].reset_index(drop=True))


@pytest.mark.parametrize("argv, message", [
    (["backtest"], "give --cutoff"),
    (["backtest", "--cutoffs", "2008-01-01:2025-01-01"], "FIRST:LAST:STEP_MONTHS"),
    (["backtest", "--cutoff", "2008-01-01", "--cutoffs", "2008-01-01:2009-01-01:12"], "not allowed with"),
    (["backtest", "--cutoffs", "2024-01-01:2026-06-01:12"], "at least 12 are needed"),
    (["backtest", "--cutoff", "2001-01-01"], "on or after 2003-07-01"),
    (["backtest", "--resume", "DIR", "--runs", "5"], "drop runs"),
])
def test_bad_input_is_one_line_and_leaves_nothing(argv: list[str], message: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([str(tmp_path) if a == "DIR" else a for a in argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "results").exists()


def test_resume_refuses_a_folder_that_is_not_a_backtest(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "manifest.json").write_text('{"runs": 5}', encoding="utf-8")
    assert main(["backtest", "--resume", str(tmp_path)]) == 2
    assert "not a backtest folder" in capsys.readouterr().err


def test_known_shocks_are_labelled_as_given_the_future(tmp_path: Path, whole: Path) -> None:
    out = tmp_path / "known"
    assert main(["backtest", "--cutoff", "2005-01-01", *ROLLING[3:], "--shocks", "known", "--workers", "1",
                 "--out", str(out)]) == 0
    assert set(pd.read_csv(out / "scores.csv")["shocks"]) == {"known (conditional: given the future)"}
    assert set(pd.read_csv(whole / "scores.csv")["shocks"]) == {"none (unconditional)"}
    assert backtest_folder.read_settings(out)["shocks"] == "known"
