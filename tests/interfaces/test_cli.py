"""The command line: outputs of a run, determinism, and one-line errors with exit code 2."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.core.params import Params
from sim.data import datasets
from sim.interfaces.cli import main
from sim.model import scenario


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_run_writes_the_documented_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "base"
    code, stdout, _ = _run(capsys, "run", "baseline", "--runs", "6", "--seed", "7", "--end", "2029-12",
                           "--out", str(out))
    assert code == 0 and str(out) in stdout
    for name in ("runs", "timeseries", "events"):
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"), pd.read_csv(out / f"{name}.csv"),
                                      check_dtype=False)
    assert (out / "summary.csv").is_file() and (out / "figures" / "membership.png").stat().st_size > 10_000
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenarios"] == ["baseline"] and manifest["root_seed"] == 7 and manifest["runs"] == 6
    assert manifest["status"] == "complete" and manifest["parties_at_start"] == [125]
    assert set(manifest["scenario_files"]) == {"baseline.toml"}
    assert manifest["resolved"][0]["parameters"]["b_lead"] == 3.0
    series = pd.read_csv(out / "timeseries.csv")
    assert (series[series["month"] == "2026-11"]["parties"] == 125).all()
    assert series["run"].nunique() == 6 and series["month"].iloc[-1] == "2029-12"
    runs = pd.read_csv(out / "runs.csv")
    assert (runs["seed"] == 7).all() and runs["run"].tolist() == list(range(6))
    summary = pd.read_csv(out / "summary.csv")
    parties = summary[summary["measure"] == "parties"]
    assert (parties["q05"] <= parties["q25"]).all() and (parties["q25"] <= parties["median"]).all()
    assert (parties["median"] <= parties["q75"]).all() and (parties["q75"] <= parties["q95"]).all()
    exits = pd.read_csv(out / "exits.csv", keep_default_na=False, na_values=[""])
    assert len(exits) == 125 and {"p_announce", "p_further_exit_lo", "drivers_at_start"} <= set(exits.columns)
    assert "EU member" in stdout and "WEOG state" in stdout


def test_same_command_gives_the_same_bytes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    for folder in ("a", "b"):
        assert _run(capsys, "run", "baseline", "--runs", "5", "--seed", "3", "--set", "b_peer=3",
                    "--out", str(tmp_path / folder))[0] == 0
    for name in ("runs.csv", "timeseries.csv", "events.csv", "summary.csv", "exits.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    other_seed = tmp_path / "c"
    _run(capsys, "run", "baseline", "--runs", "5", "--seed", "4", "--set", "b_peer=3", "--out", str(other_seed))
    assert (other_seed / "events.csv").read_bytes() != (tmp_path / "a" / "events.csv").read_bytes()


@pytest.mark.parametrize("argv, message", [
    (["run", "nope"], "unknown scenario 'nope' (available: "),
    (["run", "baseline", "--set", "b_pear=1"], "--set.b_pear: unknown parameter (allowed: a0"),
    (["run", "baseline", "--set", "b_peer=99"], "--set.b_peer: 99.0 is out of range [0.0, 6.0]"),
    (["run", "baseline", "--set", "b_peer"], "--set 'b_peer': expected KEY=VALUE"),
    (["run", "baseline", "--runs", "0"], "argument --runs: expected a whole number from 1 to 1000000"),
    (["run", "baseline", "--seed", "-1"], "argument --seed: expected a whole number"),
    (["run", "baseline", "--start", "2026-13"], "--start: expected YYYY-MM, got '2026-13'"),
    (["run", "baseline", "--end", "2020-01"], "end 2020-01 must be after start 2026-11"),
    (["states", "--as-of", "2030-01-01"], "outside the data"),
    (["show", "nope"], "unknown scenario 'nope'"),
    (["fly"], "invalid choice: 'fly'"),
    (["calibrate", "--from", "2001-01"], "calibration window 2001-01 to 2026-11: must lie within 2002-07"),
    (["calibrate", "--to", "2026-1"], "--to: expected YYYY-MM"),
    (["calibrate", "--accept", "1.5"], "argument --accept: expected a share in (0, 1]"),
    (["backtest", "--cutoff", "2003-01-01"], "must fall on or after 2003-07-01"),
])
def test_bad_input_gives_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture, argv: list[str],
                                            message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = _run(capsys, *argv)
    assert code == 2 and stdout == ""
    assert stderr.startswith("iccsim: error: ") and message in stderr and stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # no results folder left behind


def test_malformed_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text('start = "2026-11\nend = 3', encoding="utf-8")
    code, _, stderr = _run(capsys, "run", str(bad), "--out", str(tmp_path / "out"))
    assert code == 2 and "broken.toml: malformed TOML" in stderr and stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_unwritable_or_occupied_out(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, stderr = _run(capsys, "run", "baseline", "--runs", "2", "--out", str(blocker / "out"))
    assert code == 2 and f"{blocker} is a file, not a folder" in stderr and stderr.count("\n") == 1
    code, _, stderr = _run(capsys, "run", "baseline", "--runs", "2", "--out", "/proc/iccsim-test/out")
    assert code == 2 and "cannot write there" in stderr and stderr.count("\n") == 1
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("x")
    code, _, stderr = _run(capsys, "run", "baseline", "--runs", "2", "--out", str(occupied))
    assert code == 2 and "already exists" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "occupied"]
    assert [p.name for p in occupied.iterdir()] == ["keep.txt"]


def test_a_failure_mid_run_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.outputs.render.plot", explode)
    code, _, stderr = _run(capsys, "run", "baseline", "--runs", "2", "--out", str(tmp_path / "out"))
    assert code == 130 and "nothing was written" in stderr
    assert list(tmp_path.iterdir()) == []


def test_states_table_at_the_statute_entry_into_force(capsys: pytest.CaptureFixture) -> None:
    code, stdout, _ = _run(capsys, "states", "--as-of", "2002-07-01", "--csv")
    table = pd.read_csv(io.StringIO(stdout), keep_default_na=False)
    assert code == 0 and (table["status"] == "party").sum() == 66 and (table["notified"] == "").all()


def test_states_table_as_of_a_date(capsys: pytest.CaptureFixture) -> None:
    code, stdout, _ = _run(capsys, "states", "--as-of", "2016-11-01", "--csv")
    table = pd.read_csv(io.StringIO(stdout), keep_default_na=False)
    assert code == 0 and len(table) == 195
    assert set(table[table["status"] == "notified"]["iso3"]) == {"BDI", "ZAF"}
    assert set(table[table["status"] == "announced"]["iso3"]) == {"GMB"}
    code, stdout, _ = _run(capsys, "states")
    assert code == 0 and "Burkina Faso" in stdout


def test_compare_writes_each_scenario_the_table_and_the_figure(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cmp"
    code, stdout, _ = _run(capsys, "compare", "baseline", "major-member-exit", "baseline", "--runs", "8",
                           "--seed", "2", "--out", str(out))
    assert code == 0 and "major-member-exit" in stdout
    assert {p.name for p in out.iterdir()} == {"baseline", "major-member-exit", "baseline-2", "comparison.csv",
                                               "figures", "manifest.json"}
    table = pd.read_csv(out / "comparison.csv")
    assert table["scenario"].tolist() == ["baseline", "major-member-exit", "baseline-2"]
    assert (table.loc[2].filter(like="diff_parties_2035") == 0).all()  # the same scenario, paired: zero
    assert (out / "figures" / "compare.png").stat().st_size > 10_000
    assert (out / "baseline" / "timeseries.csv").read_bytes() == (out / "baseline-2" / "timeseries.csv").read_bytes()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenarios"] == ["baseline", "major-member-exit", "baseline"]
    assert set(manifest["scenario_files"]) == {"baseline.toml", "major-member-exit.toml"}
    code, _, stderr = _run(capsys, "compare", "baseline", "nope", "--out", str(tmp_path / "bad"))
    assert code == 2 and "unknown scenario 'nope'" in stderr and not (tmp_path / "bad").exists()


def test_list_and_show(capsys: pytest.CaptureFixture) -> None:
    code, stdout, _ = _run(capsys, "list")
    listed = [line.split()[0] for line in stdout.splitlines()]
    assert code == 0 and listed == scenario.available() and len(listed) >= 11
    code, stdout, _ = _run(capsys, "show", "baseline")
    shown = json.loads(stdout)
    assert code == 0 and (shown["resolved"]["start"], shown["resolved"]["end"]) == ("2026-11", "2035-12")
    assert shown["resolved"]["parameters"]["a0"] == Params().a0 and "differences" not in shown
    assert shown["parameter_table"]["b_lead"]["range"] == [0.0, 5.0]
    assert "von Borzyskowski" in shown["parameter_table"]["b_lead"]["basis"]
    assert "calibration" not in shown["parameter_table"]["b_lead"]  # taken from the literature, not fitted
    a0 = shown["parameter_table"]["a0"]
    assert a0["calibration"]["window"] == "2002-08 to 2026-11" and a0["calibration"]["value"] == a0["value"]
    assert "rejection ABC" in a0["calibration"]["method"] and "calibrated" in a0["basis"]
    code, stdout, _ = _run(capsys, "show", "democratic-return")
    differences = json.loads(stdout)["differences"]
    assert differences["extends"] == "baseline"
    assert differences["parameters"] == {"junta_exit_rate": {"from": 0.02, "to": 0.04}}
    assert [(e["month"], e["kind"], e["states"]) for e in differences["events_added"]] == [
        ("2027-01", "junta_end", ["NER"]), ("2027-02", "junta_end", ["MLI", "BFA"])]


def test_console_entry_point_has_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "sim.interfaces.cli", "run", "missing-scenario"], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("iccsim: error: unknown scenario 'missing-scenario'")


def test_calibrate_writes_the_fit_and_its_diagnostics(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cal"
    code, stdout, _ = _run(capsys, "calibrate", "--from", "2014-12", "--to", "2016-12", "--budget", "16", "--runs", "2",
                           "--check-runs", "20", "--workers", "1", "--seed", "4", "--out", str(out))
    assert code == 0 and "share of runs with no announcements before 2016" in stdout
    names = {p.name for p in out.iterdir()}
    assert {"calibration.csv", "fitted.csv", "draws.csv", "fit.csv", "patterns.csv", "manifest.json", "figures"} <= names
    assert {"fit.png", "fit.pdf", "fit.csv", "fit.caption.txt"} <= {p.name for p in (out / "figures").iterdir()}
    adopted = pd.read_csv(out / "calibration.csv")
    assert list(adopted.columns) == list(pd.read_csv(datasets.data_dir() / "calibration.csv").columns)
    assert set(adopted["window"]) == {"2015-01 to 2016-12"}
    draws = pd.read_csv(out / "draws.csv")
    assert len(draws) == 16 + 16 and draws.groupby("stage")["accepted"].sum().min() == 10
    code, _, stderr = _run(capsys, "plot", str(out))
    assert code == 2 and "written by iccsim calibrate; plot and report take folders written by run" in stderr
