"""The Python API: the CLI's tables from Python, results folders read back, cheap `import sim`."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.model import scenario as scenarios
from sim.interfaces.cli import main
from sim.core.errors import UserError
from sim.store.output import write_csv

TABLES = ("runs", "timeseries", "events", "summary")


def as_written(frame: pd.DataFrame, folder: Path) -> str:
    """The CSV text the CLI writes for `frame`."""
    return write_csv(folder / "as-written.csv", frame).read_text()


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "baseline"
    assert main(["run", "baseline", "--runs", "50", "--seed", "1", "--out", str(out)]) == 0
    return out


def test_run_gives_the_cli_tables_byte_for_byte(cli_run: Path, tmp_path: Path) -> None:
    result = sim.run("baseline", runs=50, seed=1)
    assert result.timeseries.shape == (50 * 110, 12)
    for name in (*TABLES, "exits"):
        assert as_written(getattr(result, name), tmp_path) == (cli_run / f"{name}.csv").read_text(), name
    for name in ("runs", "timeseries", "events"):
        pd.testing.assert_frame_equal(getattr(result, name), pd.read_parquet(cli_run / f"{name}.parquet"))
    written = json.loads((cli_run / "manifest.json").read_text())
    for key in ("scenarios", "scenario_files", "resolved", "parties_at_start", "runs", "root_seed", "run_seeds"):
        assert result.manifest[key] == written[key], key
    assert result.manifest["command"] == ["sim.run('baseline', runs=50, seed=1)"]


def test_run_takes_the_cli_options(cli_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "set"
    assert main(["run", "baseline", "--runs", "4", "--seed", "2", "--end", "2029-12", "--set", "b_peer=4",
                 "--out", str(out)]) == 0
    result = sim.run(Path(scenarios.scenario_dir() / "baseline.toml"), runs=4, seed=2, end="2029-12",
                     params={"b_peer": 4})
    assert as_written(result.events, tmp_path) == (out / "events.csv").read_text()
    assert result.timeseries["month"].iloc[-1] == "2029-12"
    assert result.manifest["resolved"][0]["parameters"]["b_peer"] == 4


def test_load_reads_a_run_folder_from_text_or_path(cli_run: Path, tmp_path: Path) -> None:
    for given in (str(cli_run), cli_run):
        loaded = sim.load(given)
        assert isinstance(loaded, sim.Result) and loaded.scenario == "baseline"
        assert loaded.manifest["root_seed"] == 1 and loaded.manifest["runs"] == 50
        for name in TABLES:
            assert as_written(getattr(loaded, name), tmp_path) == (cli_run / f"{name}.csv").read_text(), name


def test_compare_gives_the_cli_comparison(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", "baseline", "major-member-exit", "--runs", "8", "--seed", "2", "--out", str(out)]) == 0
    compared = sim.compare("baseline", "major-member-exit", runs=8, seed=2)
    assert as_written(compared.table, tmp_path) == (out / "comparison.csv").read_text()
    assert list(compared.results) == ["baseline", "major-member-exit"]
    assert as_written(compared.results["major-member-exit"].timeseries, tmp_path) == \
        (out / "major-member-exit" / "timeseries.csv").read_text()
    loaded = sim.load(out)
    assert isinstance(loaded, sim.Comparison) and list(loaded.results) == ["baseline", "major-member-exit"]
    assert as_written(loaded.table, tmp_path) == as_written(compared.table, tmp_path)


@pytest.mark.parametrize("call, message", [
    (lambda: sim.run("nope"), "unknown scenario 'nope'"),
    (lambda: sim.run("baseline", runs=0), "runs: expected a whole number from 1 to 1000000, got 0"),
    (lambda: sim.run("baseline", seed=-1), "seed: expected a whole number"),
    (lambda: sim.run("baseline", params={"b_peer": 99}), "params.b_peer: 99.0 is out of range [0.0, 6.0]"),
    (lambda: sim.run("baseline", end="2030"), "end: expected YYYY-MM, got '2030'"),
    (lambda: sim.compare(), "compare: name at least one scenario"),
    (lambda: sim.load("no-such-folder"), "no-such-folder: no such folder"),
])
def test_bad_input_raises_a_user_error(call, message: str) -> None:  # noqa: ANN001 - a lambda
    with pytest.raises(UserError, match=None) as caught:
        call()
    assert message in str(caught.value)


def test_import_sim_loads_neither_the_api_nor_pandas() -> None:
    code = ("import sys, sim; print(sorted(m for m in sys.modules if m.startswith('sim.') or m == 'pandas')); "
            "sim.run; print('sim.interfaces.api' in sys.modules)")
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert lines == ["[]", "True"]
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        sim.nothing  # noqa: B018


def test_the_batch_size_changes_the_progress_reports_not_the_tables() -> None:
    reports: list[int] = []
    small = sim.run("baseline", runs=7, seed=3, end="2028-12", progress=reports.append, batch=3)
    whole = sim.run("baseline", runs=7, seed=3, end="2028-12")
    assert sum(reports) == 7 and max(reports) <= 3  # batches within the runs that share a posterior draw
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(small, name), getattr(whole, name))
