"""Interrupts and kills: Ctrl-C and SIGTERM end with exit 130 and one line, compiled code included; a
sweep killed with SIGKILL leaves no live process and resumes to byte-identical tables."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from sim.experiments import sweep
from sim.interfaces.cli import main
from sim.model import kernel

TABLES = ("runs.csv", "timeseries.csv", "points.csv", "design.csv", "runs.parquet", "timeseries.parquet")


def _children(pid: int) -> set[int]:
    """Every live descendant of a process (Linux /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's bookkeeping is left


def test_a_signal_during_the_compiled_step_waits_for_the_month_to_end(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The signal arrives while the month's compiled step runs: the step finishes, the run stops before
    the next month, exit 130 (once: a SystemError traceback from Numba's dispatcher, exit 1)."""
    started, finished = [], []

    def signalled(step: Callable[..., object]) -> Callable[..., object]:
        def month(*args: object) -> object:
            started.append(args[1])
            if len(started) == 3:
                os.kill(os.getpid(), signal.SIGTERM)  # delivered now; raising here is what broke compiled code
            result = step(*args)
            finished.append(args[1])
            return result
        return month

    for name in ("month_serial", "month_parallel"):
        monkeypatch.setattr(kernel, name, signalled(getattr(kernel, name)))
    code = main(["run", "baseline", "--runs", "3", "--out", str(tmp_path / "out")])
    stderr = capsys.readouterr().err
    assert code == 130 and stderr == "iccsim: interrupted; nothing was written\n"
    assert len(started) == len(finished) == 3 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("trial", range(6))
def test_ctrl_c_and_sigterm_during_a_run_exit_130(tmp_path: Path, trial: int) -> None:
    """Real signals at different moments of a run that spends its time in compiled code."""
    number = signal.SIGINT if trial % 2 else signal.SIGTERM
    process = subprocess.Popen([sys.executable, "-m", "sim.interfaces.cli", "run", "baseline", "--runs", "3000",
                                "--out", str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    deadline = time.time() + 60
    while not any(".incomplete-" in p.name for p in tmp_path.iterdir()):
        assert process.poll() is None and time.time() < deadline, process.stderr.read()
        time.sleep(0.01)
    time.sleep(0.15 * trial)
    process.send_signal(number)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and stdout == "", stderr
    assert stderr == "iccsim: interrupted; nothing was written\n"
    assert list(tmp_path.iterdir()) == []


def test_a_killed_sweep_leaves_no_process_and_resumes_to_the_same_tables(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture) -> None:
    points = 12  # enough work that the sweep cannot finish between its first whole point and the kill
    argv = ["sweep", "baseline", "--vary", f"b_peer=0.5:5:{points}", "--runs", "60", "--seed", "4"]
    assert main([*argv, "--workers", "1", "--out", str(tmp_path / "whole")]) == 0
    killed = tmp_path / "killed"
    process = subprocess.Popen([sys.executable, "-m", "sim.interfaces.cli", *argv, "--workers", "2", "--out",
                                str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 180
    while not (killed.is_dir() and len(sweep.done_points(killed)) >= 1):
        assert process.poll() is None and time.time() < deadline, "the sweep ended before it could be killed"
        time.sleep(0.05)
    assert not _children(process.pid)  # a sweep's local workers are threads of its process
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert len(sweep.done_points(killed)) < points
    capsys.readouterr()
    assert main(["sweep", "--resume", str(killed), "--workers", "2"]) == 0, capsys.readouterr().err
    for name in TABLES:
        assert (killed / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    assert not any(".incomplete-" in p.name for p in killed.rglob("*"))  # the kill's debris is gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["killed", "whole"]  # and its lock file


def test_sigterm_stops_a_pool_sweep_and_its_workers(tmp_path: Path) -> None:
    """As `timeout` does: exit 130 with one line, the finished points kept, no worker left running."""
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "sim.interfaces.cli", "sweep", "baseline", "--vary",
                                "b_peer=0.5:5:8", "--runs", "8", "--workers", "2", "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 180
    while not (out.is_dir() and sweep.done_points(out)):
        assert process.poll() is None and time.time() < deadline, "the sweep ended before it could be stopped"
        time.sleep(0.05)
    workers = _children(process.pid)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130 and stdout == ""
    assert stderr == f"iccsim: interrupted; finished points are kept in {out}: continue with iccsim sweep --resume {out}\n"
    gone = time.time() + 5
    while any(_alive(pid) for pid in workers) and time.time() < gone:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)


def test_the_workers_of_a_killed_calibration_end_with_it(tmp_path: Path) -> None:
    """Process workers (forked from a server) die with the command, even one killed outright."""
    process = subprocess.Popen([sys.executable, "-m", "sim.interfaces.cli", "calibrate", "--population", "20",
                                "--budget", "400", "--workers", "2", "--out", str(tmp_path / "out")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while len(workers := _children(process.pid)) < 3:  # the server and its two workers
        assert process.poll() is None and time.time() < deadline, "the calibration ended before it could be killed"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    gone = time.time() + 5
    while any(_alive(pid) for pid in workers) and time.time() < gone:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers), "processes of the killed calibration still run after 5 s"


def test_an_interrupted_sweep_leaves_no_task_on_a_dask_cluster(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from dask.distributed import Client, LocalCluster

    write_point = sweep.write_point

    def interrupted(*args: object) -> None:
        write_point(*args)
        raise KeyboardInterrupt  # Ctrl-C once the first point is written

    monkeypatch.setattr(sweep, "write_point", interrupted)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster.scheduler_address) as observer:
        out = tmp_path / "out"
        code = main(["sweep", "baseline", "--vary", "b_peer=0.5:5:8", "--runs", "4", "--scheduler",
                     cluster.scheduler_address, "--out", str(out)])
        assert code == 130 and f"continue with iccsim sweep --resume {out}" in capsys.readouterr().err
        deadline = time.time() + 10
        while observer.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) and time.time() < deadline:
            time.sleep(0.1)
        assert observer.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) == 0
    assert len(sweep.done_points(out)) == 1
