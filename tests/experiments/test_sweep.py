"""Sweeps: executors give identical tables, a killed sweep resumes losslessly, failures are recorded."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.core.months import parse_month
from sim.experiments import execution, sweep
from sim.experiments.execution import InlineExecutor
from sim.interfaces.cli import main
from sim.model import scenario

SMALL = ["sweep", "baseline", "--vary", "b_peer=1:4:3", "--vary", "b_junta=0:3:2", "--runs", "4", "--seed", "3"]
TABLES = ("runs.csv", "timeseries.csv", "points.csv", "design.csv")


def _sweep(capsys: pytest.CaptureFixture, *argv: str) -> int:
    code = main(list(argv))
    capsys.readouterr()
    return code


def _same_tables(a: Path, b: Path) -> None:
    for name in TABLES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_serial_process_pool_and_dask_give_identical_tables(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from dask.distributed import LocalCluster

    assert _sweep(capsys, *SMALL, "--workers", "1", "--out", str(tmp_path / "serial")) == 0
    assert _sweep(capsys, *SMALL, "--workers", "2", "--out", str(tmp_path / "pool")) == 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert _sweep(capsys, *SMALL, "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "dask")) == 0
    _same_tables(tmp_path / "serial", tmp_path / "pool")
    _same_tables(tmp_path / "serial", tmp_path / "dask")
    runs = pd.read_csv(tmp_path / "serial" / "runs.csv")
    assert len(runs) == 6 * 4 and list(runs.columns[:3]) == ["point", "run", "seed"]
    assert {"b_peer", "b_junta", "parties_end", "further_exits"} <= set(runs.columns)
    assert (runs.groupby("point")["b_peer"].nunique() == 1).all()
    manifest = json.loads((tmp_path / "serial" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["design"] == "grid"


def test_runs_share_random_numbers_across_points(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Common random numbers across the design: with the same parameters, two points are identical."""
    design = tmp_path / "same.csv"
    design.write_text("b_peer\n2.0\n2.0\n3.5\n")
    assert _sweep(capsys, "sweep", "baseline", "--design-file", str(design), "--runs", "5", "--workers", "1",
                  "--out", str(tmp_path / "out")) == 0
    series = pd.read_csv(tmp_path / "out" / "timeseries.csv")
    first, second = (series[series["point"] == p].drop(columns="point").reset_index(drop=True) for p in (0, 1))
    assert first.equals(second)


def test_killed_sweep_resumes_to_the_same_tables(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    argv = ["sweep", "baseline", "--vary", "b_peer=0.5:5:10", "--runs", "30", "--seed", "1", "--workers", "1"]
    assert _sweep(capsys, *argv, "--out", str(tmp_path / "whole")) == 0
    killed = tmp_path / "killed"
    process = subprocess.Popen([sys.executable, "-m", "sim.interfaces.cli", *argv, "--out", str(killed)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while not ((killed / "chunks").exists() and len(sweep.done_points(killed)) >= 3):
        assert process.poll() is None and time.time() < deadline, "the sweep ended before it could be killed"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(sweep.done_points(killed))
    assert 3 <= finished < 10
    assert json.loads((killed / "manifest.json").read_text())["status"] == "running"
    assert _sweep(capsys, "sweep", "--resume", str(killed), "--workers", "1") == 0
    _same_tables(tmp_path / "whole", killed)
    assert json.loads((killed / "manifest.json").read_text())["status"] == "complete"


def test_a_failing_point_is_recorded_and_the_rest_finish(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    real = sweep.run_ensemble

    def fragile(scenario, runs, seed, threads, posterior=None):
        if scenario.params.b_peer == 2.5:
            raise FloatingPointError("diverged")
        return real(scenario, runs, seed, threads=threads, posterior=posterior)

    monkeypatch.setattr(sweep, "run_ensemble", fragile)
    assert _sweep(capsys, *SMALL, "--workers", "1", "--out", str(tmp_path / "out")) == 0
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    assert errors["point"].tolist() == [2, 3] and errors["error"].str.contains("diverged").all()
    points = pd.read_csv(tmp_path / "out" / "points.csv")
    assert points["point"].tolist() == [0, 1, 4, 5]
    assert "2 points failed" in json.loads((tmp_path / "out" / "manifest.json").read_text())["status"]


def test_sobol_and_morris_give_indices_with_intervals(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    for kind, count, indices in (("sobol", 8 * 4, {"S1", "ST"}), ("morris", 4 * 3, {"mu_star", "sigma"})):
        out = tmp_path / kind
        assert _sweep(capsys, "sweep", "baseline", "--design", kind, "--samples", str(8 if kind == "sobol" else 4),
                      "--vary", "a0=-9:-6.5", "--vary", "lead_window_months=6:24", "--runs", "6", "--workers", "1",
                      "--out", str(out)) == 0
        table = pd.read_csv(out / "sensitivity.csv")
        assert len(pd.read_csv(out / "design.csv")) == count and set(table["index"]) == indices
        assert set(table["outcome"]) == {"parties_end_mean", "further_exits_mean"}
        main_index = "ST" if kind == "sobol" else "mu_star"
        top = table[(table["index"] == main_index) & (table["outcome"] == "further_exits_mean")]
        assert top.set_index("parameter")["value"].idxmax() == "a0"  # the baseline hazard dominates
        assert (out / "figures" / "sensitivity.png").stat().st_size > 10_000


@pytest.mark.parametrize("argv, message", [
    (["sweep", "baseline", "--vary", "b_peer"], "--vary 'b_peer': expected KEY=LOW:HIGH[:N]"),
    (["sweep", "baseline", "--vary", "b_peer=5:1"], "low 5.0 must be below high 1.0"),
    (["sweep", "baseline"], "name at least one parameter"),
    (["sweep", "--vary", "b_peer=1:2"], "name a scenario"),
    (["sweep", "baseline", "--design", "factorial", "--vary", "b_peer=1:2"], "invalid choice: 'factorial'"),
    (["sweep", "baseline", "--design-file", "nowhere.csv"], "no such file"),
    (["sweep", "--resume", "nowhere"], "--resume nowhere: no such folder"),
    (["sweep", "--resume", "."], "--resume .: no manifest.json"),
])
def test_bad_sweep_input_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture,
                                               monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(argv)
    stderr = capsys.readouterr().err
    assert code == 2 and message in stderr and stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_resume_refuses_a_folder_that_is_not_a_sweep(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["run", "baseline", "--runs", "2", "--out", str(tmp_path / "run")]) == 0
    capsys.readouterr()
    assert main(["sweep", "--resume", str(tmp_path / "run")]) == 2
    assert "not a sweep folder" in capsys.readouterr().err


def test_malformed_design_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("b_peer,colour\n1,red\n")
    code = main(["sweep", "baseline", "--design-file", str(bad), "--out", str(tmp_path / "out")])
    stderr = capsys.readouterr().err
    assert code == 2 and "column 'colour' is not a parameter" in stderr and stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_points_stream_to_chunks_one_by_one_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process each point is written before the next one starts, so an interruption loses at most one."""
    points = pd.DataFrame({"b_peer": [1.0, 2.0, 3.0, 4.0]})
    seen: list[int] = []  # chunks on disk when each point starts
    run_point = sweep.run_point

    def recording(*args: object) -> sweep.PointResult:
        seen.append(len(sweep.done_points(tmp_path)))
        return run_point(*args)

    monkeypatch.setattr(sweep, "run_point", recording)
    chosen = scenario.load("baseline").with_window(None, parse_month("2027-06"))
    sweep.execute(tmp_path, chosen, points, 2, 0, InlineExecutor(), in_flight=execution.in_flight(1, None))
    assert seen == [0, 1, 2, 3] and sweep.done_points(tmp_path) == {0, 1, 2, 3}


def test_points_kept_in_flight() -> None:
    assert execution.in_flight(1, None) == 1 and execution.in_flight(2, None) == 4
    assert execution.in_flight(None, "tcp://scheduler:8786") is None
