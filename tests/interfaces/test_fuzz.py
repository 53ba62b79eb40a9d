"""Property-based tests of the contract: generated scenario files and command lines end with exit 0 and
a whole result, or exit 2 with one line and nothing left behind; never a traceback or an internal error.

Generation is derandomised (the same examples on every run) so that CI is reproducible; main() is called
in-process, with tiny runs and short windows where a command would succeed."""

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.params import Params
from sim.interfaces.cli import main
from sim.model.scenario import BLOCS, EVENT_KINDS, GROUPS, PATRONS, REPLAY_KINDS, StateOverride
from sim.store import folders
from sim.store.integrity import read_manifest, verify

EXAMPLES = 500
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])

# --- scenario files ---------------------------------------------------------------------------------

MONTHS = st.sampled_from(["2026-12", "2027-01", "2027-06", "2030-12", "2035-12", "2002-07", "2001-01", "2040-01",
                          "2027-13", "27-01", ""])
SCALARS = st.one_of(st.booleans(), st.integers(-10**20, 10**20), st.floats(), st.text(max_size=12))
ANY = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                   | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)
NUMBERS = st.one_of(st.floats(-12, 12), st.integers(-3, 30), st.sampled_from([0, 1, 0.5, -0.0]), SCALARS)
CODES = st.sampled_from(["MLI", "BFA", "NER", "FRA", "HUN", "ZAF", "XXX", "mli", ""])


def _event() -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        "kind": st.one_of(st.sampled_from(EVENT_KINDS), st.sampled_from(["nope", ""]), ANY),
        "month": st.one_of(MONTHS, ANY),
        "states": st.one_of(st.lists(CODES, max_size=3), ANY),
        "groups": st.lists(st.sampled_from([*GROUPS, "ZZ"]), max_size=2),
        "blocs": st.lists(st.sampled_from([*BLOCS, "NATO"]), max_size=2),
        "patron": st.one_of(st.sampled_from([*PATRONS, "MARS"]), ANY),
        "strength": NUMBERS, "value": NUMBERS, "factor": NUMBERS, "count": NUMBERS, "delta": NUMBERS,
        "colour": ANY,
    }
    return st.fixed_dictionaries({}, optional=fields)


def _scenario() -> st.SearchStrategy[dict[str, Any]]:
    overrides = st.fixed_dictionaries({}, optional={**{name: NUMBERS for name in StateOverride.model_fields},
                                                    "patron": st.one_of(st.sampled_from(PATRONS), ANY),
                                                    "junta": st.one_of(st.booleans(), ANY), "colour": ANY})
    return st.fixed_dictionaries({}, optional={
        "name": st.one_of(st.sampled_from(["mine", "my scenario", "x" * 70]), ANY),
        "title": st.one_of(st.text(max_size=120), ANY),
        "description": st.one_of(st.text(max_size=40), ANY),
        "extends": st.one_of(st.sampled_from(["baseline", "coup-wave", "mine", "nope", ""]), ANY),
        "start": st.one_of(MONTHS, ANY),
        "end": st.one_of(MONTHS, ANY),
        "parameters": st.one_of(st.dictionaries(st.sampled_from([*list(Params.specs())[:12], "b_pear", ""]),
                                                NUMBERS, max_size=3), ANY),
        "states": st.one_of(st.dictionaries(CODES, overrides, max_size=2), ANY),
        "events": st.one_of(st.lists(_event(), max_size=3), ANY),
        "replay": st.one_of(st.lists(st.sampled_from([*REPLAY_KINDS, "weather"]), max_size=3), ANY),
        "colour": ANY,
    })


def _valid_scenario() -> st.SearchStrategy[dict[str, Any]]:
    """Scenarios within every declared range, for the paths that accept them."""
    unit = st.floats(0, 1)
    month = st.sampled_from(["2026-12", "2027-01", "2027-02", "2030-06", "2035-12"])
    targets = st.lists(st.sampled_from(["MLI", "BFA", "NER", "FRA", "HUN", "ZAF", "KEN"]), min_size=1, max_size=3,
                       unique=True)
    events = st.one_of(
        st.fixed_dictionaries({"kind": st.sampled_from(["coup", "coup_attempt", "junta_end", "announce", "notify",
                                                        "revoke", "accede"]), "month": month, "states": targets}),
        st.fixed_dictionaries({"kind": st.just("patron"), "month": month, "states": targets,
                               "patron": st.sampled_from(PATRONS), "strength": unit}),
        st.fixed_dictionaries({"kind": st.sampled_from(["exposure"]), "month": month, "states": targets,
                               "value": unit}),
        st.fixed_dictionaries({"kind": st.just("pressure"), "month": month, "blocs": st.just(["AES"]),
                               "value": st.floats(-5, 5)}),
        st.fixed_dictionaries({"kind": st.just("coup_risk"), "month": month, "groups": st.just(["AG"]),
                               "factor": st.floats(0, 20)}),
        st.fixed_dictionaries({"kind": st.sampled_from(["sanctions", "bias"]), "month": month, "value": unit}),
        st.fixed_dictionaries({"kind": st.just("arrest"), "month": month, "count": st.integers(1, 10)}),
        st.fixed_dictionaries({"kind": st.just("legitimacy"), "month": month, "delta": st.floats(-1, 1)}),
    )
    specs = Params.specs()
    parameters = st.dictionaries(st.sampled_from(sorted(specs)), st.just(None), max_size=3).flatmap(
        lambda chosen: st.fixed_dictionaries({
            name: (st.integers(int(specs[name].metadata["low"]), int(specs[name].metadata["high"]))
                   if specs[name].type in (int, "int") else
                   st.floats(specs[name].metadata["low"], specs[name].metadata["high"])) for name in chosen}))
    overrides = st.fixed_dictionaries({}, optional={"patron": st.sampled_from(PATRONS), "patron_strength": unit,
                                                    "ideal_point": st.floats(-4, 4), "exposure": unit,
                                                    "junta": st.booleans(), "coup_rate": unit})
    return st.fixed_dictionaries({"extends": st.sampled_from(["baseline", "coup-wave", "sahel-contagion"])},
                                 optional={"parameters": parameters, "events": st.lists(events, max_size=4),
                                           "states": st.dictionaries(st.sampled_from(["MLI", "TCD", "HUN"]),
                                                                     overrides, max_size=2),
                                           "replay": st.lists(st.sampled_from(REPLAY_KINDS), max_size=2,
                                                              unique=True),
                                           "title": st.text(st.characters(blacklist_categories=["Cs", "Cc"]),
                                                            max_size=40)})


def _toml(value: Any) -> str:
    """TOML for a generated value (inline tables; strings JSON-escaped, which TOML accepts)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in value.items()) + "}"


def _document(content: dict[str, Any]) -> str:
    return "".join(f"{_toml(key)} = {_toml(value)}\n" for key, value in content.items())


SCENARIO_TEXTS = st.one_of(
    _valid_scenario().map(_document),
    _valid_scenario().flatmap(lambda c: st.tuples(st.just(c), st.sampled_from(sorted(c)), ANY)).map(
        lambda t: _document({**t[0], t[1]: t[2]})),  # one key spoilt
    _scenario().map(_document),
    _scenario().map(lambda c: _document({"extends": "baseline", **c})),
    st.tuples(_scenario().map(_document), st.integers(0, 400)).map(lambda t: t[0][: t[1]]),  # cut short
    _scenario().map(lambda c: "\ufeff" + _document(c)),
    st.text(max_size=200),
)


def _check_ending(code: int, stdout: str, stderr: str) -> None:
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert code in (0, 2), (code, stderr)
    if code == 2:
        assert stdout == "" and stderr.startswith("iccsim: error: ") and stderr.count("\n") == 1, stderr


def test_generated_scenario_files(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    seen: list[str] = []
    outcomes = {0: 0, 2: 0}

    @FUZZ
    @given(text=SCENARIO_TEXTS)
    def check(text: str) -> None:
        path = tmp_path / "mine.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        seen.append(text)
        code = main(["show", str(path)])
        captured = capsys.readouterr()
        _check_ending(code, captured.out, captured.err)
        if code == 0:
            assert json.loads(captured.out)["resolved"]["name"]
        else:
            assert "mine.toml" in captured.err, captured.err  # the message names the file
        outcomes[code] += 1

    check()
    print(f"scenario files: {len(seen)} generated, {outcomes[0]} accepted, {outcomes[2]} refused")
    assert len(seen) >= EXAMPLES and outcomes[0] >= 50 and outcomes[2] >= 250, outcomes


def test_generated_scenario_files_that_load_also_run(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """The accepted ones run to a whole folder (two runs over a few months; fewer examples, as each
    writes its figures)."""
    ran = []

    @settings(FUZZ, max_examples=15)
    @given(content=_valid_scenario())
    def check(content: dict[str, Any]) -> None:
        path = tmp_path / "mine.toml"
        path.write_text(_document(content), encoding="utf-8", errors="surrogatepass")
        if main(["show", str(path)]) != 0:
            capsys.readouterr()
            return
        capsys.readouterr()
        out = Path(tempfile.mkdtemp(dir=tmp_path)) / "out"
        code = main(["run", str(path), "--runs", "2", "--start", "2026-11", "--end", "2027-02", "--out", str(out)])
        captured = capsys.readouterr()
        _check_ending(code, captured.out, captured.err)
        if code == 0:
            verify(out, read_manifest(out))
            assert len(folders.load(out).scenarios[0].runs) == 2
            ran.append(out)
        else:
            assert not out.exists()

    check()
    print(f"scenario files run: {len(ran)} whole folders")
    assert len(ran) >= 12


# --- command lines ----------------------------------------------------------------------------------

TEXT = st.one_of(st.sampled_from(["", " ", "-", "--", "x", "é", "0", "-1", "1e9", "nan", "../..", "/proc/x"]),
                 st.text(max_size=10))
SMALL = st.sampled_from(["1", "2", "3"])
COUNTS = st.one_of(SMALL, st.sampled_from(["0", "-3", "1000001", "2.5", "ten", ""]), TEXT)
MONTH_ARGS = st.one_of(st.sampled_from(["2026-12", "2027-01", "2027-03", "2026-11", "2020-01", "2040-01",
                                        "2027-13", "2027-1", ""]), TEXT)
DATES = st.one_of(st.sampled_from(["2016-11-01", "2002-07-01", "2003-01-01", "2030-01-01", "2016-13-01",
                                   "2016-11", ""]), TEXT)
SCENARIOS = st.one_of(st.sampled_from(["baseline", "coup-wave", "nope", "", "x.toml", "bad.toml"]), TEXT)
SETS = st.one_of(st.sampled_from(["b_peer=2", "b_peer=99", "b_pear=1", "b_peer", "=1", "b_peer=", "a0=-8",
                                  "lead_window_months=7.5", "b_junta=x"]), TEXT)
VARIES = st.one_of(st.sampled_from(["b_peer=1:4:2", "b_junta=0:3:2", "b_peer=4:1", "b_peer=1:4:1",
                                    "a0=-9:-7", "b_peer", "nope=1:2", "b_peer=1:4:99999999"]), TEXT)
OUTS = st.one_of(st.sampled_from(["out", "deep/er/out", "", "file.txt/out", "occupied", "/proc/iccsim/out"]), TEXT)
FOLDERS = st.one_of(st.sampled_from(["{run}", "{sweep}", "{damaged}", "nowhere", "", "file.txt"]), TEXT)


def _flags(options: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[list[str]]:
    if not options:
        return st.just([])
    pairs = st.lists(st.sampled_from(sorted(options)).flatmap(
        lambda flag: options[flag].map(lambda value: [flag, value] if value is not None else [flag])), max_size=4)
    return pairs.map(lambda chosen: [token for pair in chosen for token in pair])


def _command(name: str, head: st.SearchStrategy[list[str]], options: dict[str, st.SearchStrategy[str]],
             tail: list[str] | None = None) -> st.SearchStrategy[list[str]]:
    return st.tuples(head, _flags(options)).map(lambda parts: [name, *parts[0], *parts[1], *(tail or [])])


BAD_ALWAYS = st.sampled_from([["--runs", "0"], ["--seed", "-1"], ["--budget", "x"], ["--out", ""], ["--fly"]])
COMMAND_LINES = st.one_of(
    st.lists(TEXT, max_size=3),
    st.sampled_from([["list"], ["--version"], ["show", "baseline"], ["states", "--as-of", "2016-11-01"]]),
    _command("show", st.lists(SCENARIOS, max_size=2), {}),
    _command("states", st.just([]), {"--as-of": DATES, "--csv": st.none()}),
    _command("run", SCENARIOS.map(lambda s: [s]),
             {"--runs": COUNTS, "--seed": COUNTS, "--start": MONTH_ARGS, "--end": MONTH_ARGS, "--set": SETS,
              "--out": OUTS}, tail=["--runs", "1", "--end", "2027-02"]),
    _command("run", SCENARIOS.map(lambda s: [s]),
             {"--runs": COUNTS, "--seed": COUNTS, "--start": MONTH_ARGS, "--end": MONTH_ARGS, "--set": SETS,
              "--out": OUTS}),
    _command("compare", st.lists(SCENARIOS, max_size=3), {"--runs": COUNTS, "--seed": COUNTS, "--out": OUTS}),
    _command("sweep", st.lists(SCENARIOS, max_size=1),
             {"--vary": VARIES, "--design": st.sampled_from(["grid", "lhs", "sobol", "morris", "factorial", ""]),
              "--samples": COUNTS, "--runs": COUNTS, "--seed": COUNTS, "--set": SETS, "--out": OUTS,
              "--scheduler": st.sampled_from(["", "tcp://127.0.0.1:9", "nonsense"]),
              "--design-file": st.sampled_from(["design.csv", "nowhere.csv", "file.txt", ""]),
              "--resume": FOLDERS, "--yes": st.none()}, tail=["--workers", "1"]),
    _command("plot", FOLDERS.map(lambda f: [f]),
             {"--kind": st.sampled_from(["membership", "heatmap", "nope", ""]),
              "--format": st.sampled_from(["png", "png,gif", "", ",", "svg"]), "--size": TEXT}),
    _command("report", st.sampled_from(["{damaged}", "nowhere", "", "file.txt", "{calibration}"]).map(lambda f: [f]),
             {}),
    st.tuples(st.sampled_from(["calibrate", "backtest"]), _flags(
        {"--from": MONTH_ARGS, "--to": MONTH_ARGS, "--cutoff": DATES, "--runs": COUNTS, "--budget": COUNTS,
         "--accept": TEXT, "--scenario": SCENARIOS, "--horizon-months": COUNTS, "--out": OUTS}), BAD_ALWAYS)
    .map(lambda parts: [parts[0], *parts[1], *parts[2]]),
)


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders that command lines may name: a run, a sweep, a damaged run, a calibration-like folder."""
    base = tmp_path_factory.mktemp("places")
    assert main(["run", "baseline", "--runs", "2", "--end", "2027-02", "--out", str(base / "run")]) == 0
    assert main(["sweep", "baseline", "--vary", "b_peer=1:4:2", "--runs", "1", "--workers", "1",
                 "--out", str(base / "sweep")]) == 0
    assert main(["run", "baseline", "--runs", "2", "--end", "2027-02", "--out", str(base / "damaged")]) == 0
    with (base / "damaged" / "timeseries.csv").open("r+b") as handle:
        handle.truncate(200)
    (base / "calibration").mkdir()
    (base / "calibration" / "manifest.json").write_text('{"budget": 16}')
    return {"run": base / "run", "sweep": base / "sweep", "damaged": base / "damaged",
            "calibration": base / "calibration"}


def _workspace(root: Path) -> Path:
    """A fresh current folder with the files command lines may name."""
    work = Path(tempfile.mkdtemp(dir=root))
    (work / "file.txt").write_text("not a folder")
    (work / "occupied").mkdir()
    (work / "occupied" / "keep.txt").write_text("x")
    (work / "design.csv").write_text("b_peer\n2.0\n3.0\n")
    (work / "bad.toml").write_text('start = "2026-11\n')
    return work


def _tables(places: dict[str, Path]) -> dict[str, bytes]:
    """The tables of the shared folders (not their figures, briefs or manifests, which commands redo)."""
    return {str(p): p.read_bytes() for folder in places.values() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json" and not {"figures", "report"} & set(p.parts)}


def test_generated_command_lines(tmp_path: Path, capsys: pytest.CaptureFixture, places: dict[str, Path]) -> None:
    seen: list[list[str]] = []
    outcomes = {0: 0, 2: 0}
    home = Path.cwd()

    @FUZZ
    @given(argv=COMMAND_LINES)
    def check(argv: list[str]) -> None:
        argv = [token.format(**places) if token.startswith("{") and token.endswith("}") else token for token in argv]
        seen.append(argv)
        work = _workspace(tmp_path)
        before = sorted(str(p.relative_to(work)) for p in work.rglob("*"))
        states_before = _tables(places)
        os.chdir(work)
        try:
            code = main(argv)
        finally:
            os.chdir(home)
        captured = capsys.readouterr()
        _check_ending(code, captured.out, captured.err)
        outcomes[code] += 1
        after = sorted(str(p.relative_to(work)) for p in work.rglob("*"))
        if code == 2:
            assert after == before, (argv, captured.err)  # nothing left behind
        written = [work / name for name in set(after) - set(before)
                   if (work / name / "manifest.json").is_file() and (work / name).parent in (work, work / "results")]
        for folder in written:  # a new result folder is whole
            verify(folder, read_manifest(folder))
        assert not any(".incomplete-" in name or name.endswith(".lock") for name in after), after
        assert _tables(places) == states_before  # reading (or resuming a finished sweep) changes no table

    check()
    print(f"command lines: {len(seen)} run, {outcomes[0]} succeeded, {outcomes[2]} refused")
    assert len(seen) >= EXAMPLES and outcomes[2] >= 300 and outcomes[0] >= 20, outcomes
