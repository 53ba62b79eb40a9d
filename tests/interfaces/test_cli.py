"""The command line: outputs of a run, determinism, and one-line errors with exit code 2."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.core.months import parse_month
from sim.core.params import Params
from sim.data import datasets, posterior
from sim.experiments import calibration
from sim.interfaces.cli import main
from sim.model import scenario
from sim.model.draws import draw_indices
from sim.model.ensemble import run_ensemble
from sim.store.output import write_table


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


def test_runs_draw_from_the_posterior_by_default(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "drawn"
    code, stdout, _ = _run(capsys, "run", "baseline", "--runs", "40", "--seed", "7", "--end", "2029-12",
                           "--out", str(out))
    assert code == 0 and "params: posterior" in stdout
    manifest = json.loads((out / "manifest.json").read_text())
    shipped = posterior.shipped()
    assert manifest["params"] == "posterior" and manifest["posterior"]["sha256"] == shipped.sha256
    assert manifest["posterior"]["source"] == "shipped" and manifest["posterior"]["draws"] == len(shipped.draws)
    runs = pd.read_csv(out / "runs.csv")
    assert (runs["draw"].to_numpy() == draw_indices(7, list(range(40)), len(shipped.draws))).all()
    split = pd.read_csv(out / "variance.csv").set_index("outcome")
    assert split.loc["parties_end", "total_variance"] == pytest.approx(runs["parties_end"].var())
    assert "States Parties at the horizon: variance" in stdout and "parameters" in stdout and "run-to-run" in stdout


def test_params_median_is_the_point_forecast(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """--params median writes exactly the tables of runs at the shipped point values, without draws."""
    out = tmp_path / "point"
    assert _run(capsys, "run", "baseline", "--runs", "8", "--seed", "7", "--end", "2028-12", "--params", "median",
                "--out", str(out))[0] == 0
    assert json.loads((out / "manifest.json").read_text())["params"] == "median"
    expected = run_ensemble(scenario.load("baseline").with_window(None, parse_month("2028-12")), 8, 7)
    for name in ("runs", "timeseries", "events"):
        reference = tmp_path / f"{name}.csv"
        write_table(tmp_path, name, getattr(expected, name))
        assert (out / f"{name}.csv").read_bytes() == reference.read_bytes(), name
    assert not (out / "variance.csv").exists() and "draw" not in pd.read_csv(out / "runs.csv")


def test_another_posterior_file_is_used_and_named(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    sample = tmp_path / "posterior.csv"
    sample.write_text("draw,b_peer\n0,0.5\n1,5.5\n", encoding="utf-8")
    out = tmp_path / "other"
    assert _run(capsys, "run", "baseline", "--runs", "6", "--seed", "2", "--end", "2028-12", "--posterior",
                str(sample), "--out", str(out))[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["posterior"]["source"] == str(sample) and manifest["posterior"]["parameters"] == ["b_peer"]
    draws = pd.read_csv(out / "runs.csv")["draw"]
    assert set(draws) <= {0, 1} and draws.tolist() == draw_indices(2, list(range(6)), 2).tolist()


def test_compare_pairs_parameters_as_well_as_noise(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "pairs"
    assert _run(capsys, "compare", "baseline", "baseline", "sahel-contagion", "--runs", "20", "--seed", "5",
                "--out", str(out))[0] == 0
    table = pd.read_csv(out / "comparison.csv")
    same = table.iloc[1]
    assert same["diff_parties_2035_mean"] == 0.0 and same["diff_parties_2035_q05"] == 0.0
    assert same["diff_parties_2035_q95"] == 0.0
    folders = sorted(p for p in out.iterdir() if p.is_dir() and p.name != "figures")
    draws = [pd.read_csv(folder / "runs.csv").set_index("run")["draw"] for folder in folders]
    assert len(draws) == 3 and all(d.equals(draws[0]) for d in draws)  # run i has draw i's parameters everywhere
    assert json.loads((out / "manifest.json").read_text())["params"] == "posterior"
    again = tmp_path / "again"
    assert _run(capsys, "compare", "baseline", "baseline", "sahel-contagion", "--runs", "20", "--seed", "5",
                "--out", str(again))[0] == 0
    assert (again / "comparison.csv").read_bytes() == (out / "comparison.csv").read_bytes()


def test_same_command_gives_the_same_bytes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    for folder in ("a", "b"):
        assert _run(capsys, "run", "baseline", "--runs", "5", "--seed", "3", "--set", "b_peer=3",
                    "--out", str(tmp_path / folder))[0] == 0
    for name in ("runs.csv", "timeseries.csv", "events.csv", "summary.csv", "exits.csv", "variance.csv"):
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
    (["calibrate", "--population", "0"], "argument --population: expected a whole number"),
    (["run", "baseline", "--params", "median", "--posterior", "x.csv"], "it cannot go with --params median"),
    (["run", "baseline", "--posterior", "missing.csv"], "--posterior missing.csv: cannot read it"),
    (["run", "baseline", "--params", "mean"], "argument --params: invalid choice: 'mean'"),
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
    assert "calibrated" in a0["basis"] and a0["calibration"]["method"]
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


def test_calibrate_writes_the_fit_its_sample_and_the_predictive_checks(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture) -> None:
    folders = [tmp_path / "cal", tmp_path / "again"]
    for out in folders:
        code, stdout, _ = _run(capsys, "calibrate", "--from", "2014-12", "--to", "2016-12", "--population", "20",
                               "--budget", "100", "--generations", "2", "--check-runs", "20", "--workers", "1",
                               "--seed", "4", "--out", str(out))
        assert code == 0 and "share of runs with no announcements before 2016" in stdout
    out = folders[0]
    names = {p.name for p in out.iterdir()}
    assert {"calibration.csv", "posterior.csv", "fitted.csv", "particles.csv", "generations.csv", "predictive.csv",
            "patterns.csv", "manifest.json", "figures"} <= names
    for name in names - {"manifest.json", "figures"}:  # same seed, same bytes
        assert (out / name).read_bytes() == (folders[1] / name).read_bytes(), name
    assert {"fit.png", "fit.pdf", "fit.csv", "fit.caption.txt"} <= {p.name for p in (out / "figures").iterdir()}
    adopted = pd.read_csv(out / "calibration.csv")
    assert list(adopted.columns) == list(pd.read_csv(datasets.data_dir() / "calibration.csv").columns)
    assert set(adopted["window"]) == {"2015-01 to 2016-12"}
    sample = posterior.load(out / "posterior.csv")  # a calibration's sample is a valid --posterior FILE
    assert sample.parameters == list(adopted["parameter"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["budget"] == {"population": 20, "simulations": 100, "generations": 2, "batch": 20}
    generations = pd.read_csv(out / "generations.csv")
    assert generations.groupby("stage")["simulations"].sum()["withdrawals"] <= 100
    code, _, stderr = _run(capsys, "plot", str(out))
    assert code == 2 and "written by iccsim calibrate; plot and report take folders written by run" in stderr


def test_check_inference_writes_coverage_and_contraction(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "sbc"
    code, stdout, _ = _run(capsys, "calibrate", "--check-inference", "--records", "2", "--from", "2014-12", "--to",
                           "2016-12", "--population", "20", "--budget", "60", "--generations", "2", "--workers", "1",
                           "--out", str(out))
    assert code == 0 and "coverage_90" in stdout
    records = pd.read_csv(out / "records.csv")
    fitted = [*calibration.COUP_PRIORS, *calibration.WITHDRAWAL_PRIORS]  # the four fitted parameters
    assert len(records) == 2 * len(fitted) and set(records["record"]) == {0, 1}
    assert sorted(records["parameter"].unique()) == sorted(fitted)
    summary = pd.read_csv(out / "inference_check.csv").set_index("parameter")
    assert summary.loc["a0", "coverage_90"] == records.loc[records["parameter"] == "a0", "in_90"].mean()
    assert (out / "figures" / "inference-check.png").is_file()
