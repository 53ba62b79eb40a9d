"""The contract for the cases that once broke it: every bad input, full disk, damaged file and race ends
with exit 2 and one line and leaves nothing behind, while whole folders are still read. In-process
(main()) unless a real second process is needed."""

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from sim.experiments import design, sweep
from sim.interfaces.cli import main
from sim.store import atomic

SHORT = ["--runs", "4", "--seed", "5", "--end", "2027-06"]
SWEEP = ["sweep", "baseline", "--vary", "b_peer=1:4:3", "--runs", "3", "--seed", "2"]
TABLES = ("runs.csv", "timeseries.csv", "points.csv", "design.csv", "runs.parquet", "timeseries.parquet")


def _call(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line(code: int, stderr: str, expected_code: int = 2) -> None:
    assert code == expected_code, stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A whole run folder and a whole sweep folder, to copy and damage."""
    base = tmp_path_factory.mktemp("made")
    assert main(["run", "baseline", *SHORT, "--out", str(base / "run")]) == 0
    assert main([*SWEEP, "--workers", "1", "--out", str(base / "sweep")]) == 0
    return {"run": base / "run", "sweep": base / "sweep"}


def _copy(made: dict[str, Path], kind: str, tmp_path: Path) -> Path:
    folder = tmp_path / kind
    shutil.copytree(made[kind], folder)
    return folder


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _header_only(path: Path) -> None:
    path.write_text(path.read_text().splitlines()[0] + "\n")


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("command", ["plot", "report"])
@pytest.mark.parametrize("kind, table, damage", [
    ("run", "timeseries.csv", _truncate),     # once: a cascade of 100 % of runs at 0 further exits, exit 0
    ("run", "runs.csv", _header_only),        # once: an IndexError traceback
    ("run", "timeseries.csv", _header_only),  # once: an IndexError traceback
    ("run", "summary.csv", _flip),
    ("run", "events.csv", lambda p: p.unlink()),
    ("sweep", "points.csv", _truncate),       # once: an empty heatmap, exit 0
])
def test_damaged_tables_are_refused_naming_the_file(made: dict[str, Path], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture, command: str, kind: str,
                                                    table: str, damage: Callable[[Path], None]) -> None:
    folder = _copy(made, kind, tmp_path)
    damage(folder / table)
    before = _listing(folder)
    code, stdout, stderr = _call(capsys, command, str(folder))
    _one_line(code, stderr)
    assert f"{folder / table}:" in stderr and "damaged or was changed" in stderr and stdout == ""
    assert _listing(folder) == before  # no figure or brief was written


def test_a_whole_folder_is_still_read(made: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = _copy(made, "run", tmp_path)
    code, _, stderr = _call(capsys, "report", str(folder))
    assert code == 0, stderr
    assert (folder / "report" / "brief.pdf").stat().st_size > 10_000


def test_a_damaged_chunk_is_run_again_on_resume(made: dict[str, Path], tmp_path: Path,
                                                capsys: pytest.CaptureFixture) -> None:
    folder = _copy(made, "sweep", tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["status"] = "running"  # as if stopped before it finished
    (folder / "manifest.json").write_text(json.dumps(manifest))
    _truncate(sweep.chunk_paths(folder, 1)[1])  # once: an ArrowInvalid traceback
    code, _, stderr = _call(capsys, "sweep", "--resume", str(folder), "--workers", "1")
    assert code == 0, stderr
    assert "chunks of 1 point(s) were damaged (first: point 1) and are run again" in stderr
    for name in TABLES:
        assert (folder / name).read_bytes() == (made["sweep"] / name).read_bytes(), name


def test_resume_refuses_a_changed_design(made: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = _copy(made, "sweep", tmp_path)
    design_csv = folder / "design.csv"
    design_csv.write_text(design_csv.read_text().replace("2.5", "3.5"))
    code, _, stderr = _call(capsys, "sweep", "--resume", str(folder), "--workers", "1")
    _one_line(code, stderr)
    assert f"--resume {design_csv}: content differs from what was written" in stderr


def _full_disk_at(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Inject ENOSPC when a file whose name ends with `suffix` is put in place (its bytes are written)."""
    commit = atomic._commit

    def failing(temporary: Path, path: Path) -> None:
        if path.name.endswith(suffix):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        commit(temporary, path)

    monkeypatch.setattr(atomic, "_commit", failing)


@pytest.mark.parametrize("suffix", ["timeseries.parquet", "summary.csv", "manifest.json", "membership.png", "run"])
def test_a_full_disk_during_run_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture,
                                               monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    _full_disk_at(monkeypatch, suffix)
    code, stdout, stderr = _call(capsys, "run", "baseline", *SHORT, "--out", str(tmp_path / "results" / "run"))
    _one_line(code, stderr)
    assert "No space left on device" in stderr and "removed what this command had written" in stderr
    assert list(tmp_path.iterdir()) == [] and stdout == ""


@pytest.mark.parametrize("command, suffix", [("plot", "risk.png"), ("plot", "cascade.caption.txt"),
                                             ("report", "brief.pdf"), ("report", "map.png")])
def test_a_full_disk_during_plot_or_report_changes_nothing(made: dict[str, Path], tmp_path: Path,
                                                           capsys: pytest.CaptureFixture,
                                                           monkeypatch: pytest.MonkeyPatch, command: str,
                                                           suffix: str) -> None:
    folder = _copy(made, "run", tmp_path)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    _full_disk_at(monkeypatch, suffix)
    code, _, stderr = _call(capsys, command, str(folder), *(["--format", "png,pdf"] if command == "plot" else []))
    _one_line(code, stderr)
    assert "No space left on device" in stderr
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before  # no 0-byte figures either
    assert not any(p.name.startswith(".") for p in folder.rglob("*"))


def test_a_full_disk_during_sweep_keeps_finished_points_for_resume(made: dict[str, Path], tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "sweep"
    _full_disk_at(monkeypatch, "timeseries-000002.parquet")
    code, _, stderr = _call(capsys, *SWEEP, "--workers", "1", "--out", str(out))
    _one_line(code, stderr)
    assert "No space left on device" in stderr and f"continue with iccsim sweep --resume {out}" in stderr
    assert sweep.done_points(out) == {0, 1} and not any(".incomplete-" in p.name for p in out.rglob("*"))
    monkeypatch.undo()
    code, _, stderr = _call(capsys, "sweep", "--resume", str(out), "--workers", "1")
    assert code == 0, stderr
    for name in TABLES:
        assert (out / name).read_bytes() == (made["sweep"] / name).read_bytes(), name


def test_a_real_full_file_system(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A 256 kB tmpfs, where mounting one is allowed (as root on Linux)."""
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(small)],
                             capture_output=True, check=False) if os.geteuid() == 0 else None
    if mounted is None or mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        code, _, stderr = _call(capsys, "run", "baseline", "--runs", "20", "--out", str(small / "out"))
        _one_line(code, stderr)
        assert "No space left on device" in stderr and list(small.iterdir()) == []
    finally:
        subprocess.run(["umount", str(small)], check=False)


def test_unwritable_parent_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("permissions are not enforced for this user")
        code, _, stderr = _call(capsys, "run", "baseline", *SHORT, "--out", str(locked / "out"))
        _one_line(code, stderr)
        assert "Permission denied" in stderr and list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_the_same_out_twice_at_once(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Two runs started together with one --out: one writes it, the other is refused before any work
    (once, both did all the work and one then failed with `Directory not empty`). The second runs in
    this process, so that it starts while the first surely runs."""
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "sim.interfaces.cli", "run", "baseline", "--runs", "400",
                              "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not any(p.name.startswith(".out.incomplete-") for p in tmp_path.iterdir()):
        assert first.poll() is None and time.time() < deadline, "the first run ended before the second could start"
        time.sleep(0.02)
    code, stdout, stderr = _call(capsys, "run", "baseline", "--runs", "2", "--out", str(out))
    _one_line(code, stderr)
    assert "another iccsim command is writing this folder" in stderr and stdout == ""
    assert first.poll() is None, "the second was refused only after the first had finished"
    _, first_err = first.communicate(timeout=600)
    assert first.returncode == 0, first_err
    assert (out / "manifest.json").is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_debris_of_a_killed_run_is_marked_and_cleared(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """SIGKILL cannot be cleaned up after: no visible folder, a hidden one named incomplete, removed by the
    next command for the same folder; folders follow the umask (once they were drwx------)."""
    command = [sys.executable, "-m", "sim.interfaces.cli", "run", "baseline", "--runs", "400"]
    killed = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = tmp_path / "results"
    deadline = time.time() + 60
    while not (results.is_dir() and any(".incomplete-" in p.name for p in results.iterdir())):
        assert killed.poll() is None and time.time() < deadline
        time.sleep(0.02)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    left = sorted(p.name for p in results.iterdir())
    assert all(name.startswith(".") for name in left) and any(".incomplete-" in name for name in left)
    name = next(n for n in left if ".incomplete-" in n).split(".incomplete-")[0][1:]
    previous = os.umask(0o022)
    try:
        code, _, stderr = _call(capsys, "run", "baseline", *SHORT, "--out", str(results / name))
    finally:
        os.umask(previous)
    assert code == 0, stderr
    assert sorted(p.name for p in results.iterdir()) == [name]
    assert (results / name).stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize("argv, message", [
    (["run", "baseline", "--out", ""], "argument --out: expected a value, got ''"),
    (["show", "baseline", "\n"], "unrecognized arguments: \\n"),  # a line break in the input stays escaped
    (["run", "baseline", "--start", ""], "argument --start: expected a value, got ''"),
    (["run", "baseline", "--end", ""], "argument --end: expected a value, got ''"),
    (["run", ""], "argument scenario: expected a value"),
    (["run", "baseline", "--set", "b_peer="], "--set 'b_peer=': expected KEY=VALUE"),
    (["run", "baseline", "--set", "b_peer=2", "--set", "b_peer=3"], "--set b_peer: given twice (2 and 3)"),
    (["sweep", "baseline", "--vary", "b_peer=1:2", "--set", "b_peer=3"], "--set b_peer: the sweep varies it too"),
    (["sweep", "baseline", "--vary", "b_peer=1:2", "--scheduler", ""], "argument --scheduler: expected a value"),
    (["sweep", "--resume", ""], "argument --resume: expected a value"),
    (["plot", ""], "argument folder: expected a value"),
    (["sweep", "baseline", "--vary", "b_peer=1:4:1000", "--vary", "b_junta=0:3:1000"],  # once: run silently
     "this sweep takes 1000000 points x 20 runs = 20000000 runs (more than 100000); add --yes to run it"),
    (["sweep", "baseline", "--vary", "b_peer=1:4:1000", "--vary", "b_junta=0:3:1001"],
     "the design has 1001000 points, more than the 1000000 a sweep can take"),
    (["sweep", "baseline", "--vary", "b_peer=1:4:100", "--vary", "b_junta=0:3:100", "--runs", "20"],
     "this sweep takes 10000 points x 20 runs = 200000 runs (more than 100000); add --yes to run it"),
    (["sweep", "baseline", "--design", "sobol", "--samples", "1", "--vary", "b_peer=1:4", "--vary", "a0=-9:-7"],
     "--samples 1: a sobol design needs at least 8 base samples"),
    (["sweep", "baseline", "--design", "morris", "--samples", "1", "--vary", "b_peer=1:4"],
     "--samples 1: a morris design needs at least 2 trajectories"),
    (["sweep", "baseline", "--vary", "b_peer=1:4", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler tcp://127.0.0.1:9: cannot connect"),
    (["backtest", "--cutoff", "2020-01-01", "--scheduler", "tcp://127.0.0.1:9"],
     "--scheduler tcp://127.0.0.1:9: cannot connect"),
])
def test_bad_values_and_conflicts_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture,
                                             monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = _call(capsys, *argv)
    _one_line(code, stderr)
    assert message in stderr and stdout == ""
    assert list(tmp_path.iterdir()) == []  # no folder (with status running or otherwise)


def test_a_sweep_above_the_limit_runs_with_yes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                               capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(design, "CONFIRM_RUNS", 5)
    argv = [*SWEEP, "--workers", "1", "--out", str(tmp_path / "out")]
    code, _, stderr = _call(capsys, *argv)
    _one_line(code, stderr)
    assert "3 points x 3 runs = 9 runs (more than 5); add --yes" in stderr and not (tmp_path / "out").exists()
    code, _, stderr = _call(capsys, *argv, "--yes")
    assert code == 0 and len(pd.read_csv(tmp_path / "out" / "runs.csv")) == 9


@pytest.mark.parametrize("text, message", [
    ('extends = "baseline"\n[states.MLI]\njunta = "yes"\n', "states.MLI.junta: Input should be a valid boolean (got 'yes')"),
    ('extends = "baseline"\n[states.MLI]\njunta = 1\n', "states.MLI.junta: Input should be a valid boolean (got 1)"),
    ('extends = "baseline"\n[states.MLI]\npatron_strength = "0.5"\n', "states.MLI.patron_strength: Input should be a valid number"),
    ('extends = "baseline"\n[parameters]\nb_peer = "3"\n', "parameters.b_peer: expected a number, got '3'"),
    ('extends = "baseline"\n[parameters]\nb_peer = true\n', "parameters.b_peer: expected a number in"),
    ('extends = "baseline"\n[[events]]\nkind = "arrest"\nmonth = "2027-01"\ncount = "2"\n', "events[0].count: Input should be a valid integer"),
    ('extends = "baseline"\n[[events]]\nmonth = "2027-01"\nstates = ["MLI"]\n',
     "events[0].kind: missing; every event needs a kind (allowed: coup, coup_attempt,"),
    ("x = " + "[" * 5000 + "\n", "malformed TOML: arrays or tables nested too deeply"),
    ('\ufeffextends = "baseline"\n', "starts with a byte-order mark (BOM); save it as UTF-8 without BOM"),
])
def test_scenario_files_are_strict_and_clear(write_scenario: Callable[[str, str], Path], tmp_path: Path,
                                            capsys: pytest.CaptureFixture, text: str, message: str) -> None:
    path = write_scenario("mine", text)
    code, _, stderr = _call(capsys, "run", str(path), *SHORT, "--out", str(tmp_path / "out"))
    _one_line(code, stderr)
    assert f"mine.toml: {message}" in stderr and not (tmp_path / "out").exists()


def test_a_whole_number_for_a_decimal_is_fine(write_scenario: Callable[[str, str], Path], capsys) -> None:
    path = write_scenario("ok", 'extends = "baseline"\n[states.MLI]\npatron_strength = 1\njunta = true\n')
    code, stdout, stderr = _call(capsys, "show", str(path))
    assert code == 0, stderr
    assert json.loads(stdout)["resolved"]["states"]["MLI"] == {"patron_strength": 1.0, "junta": True}


def test_an_internal_error_is_one_line_with_exit_1(capsys: pytest.CaptureFixture,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("sim.store.summary.summarise", broken)
    code, _, stderr = _call(capsys, "run", "baseline", *SHORT, "--out", os.devnull + "-never")
    _one_line(code, stderr, 1)
    assert "internal error (ZeroDivisionError: division by zero)" in stderr and "please report it" in stderr
