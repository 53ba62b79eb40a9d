"""The `iccsim` command line: list, show, states and run."""

import argparse
import concurrent.futures as cf
import dataclasses
import datetime as dt
import importlib
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NoReturn

from sim import __version__
from sim.core import interrupts
from sim.core.errors import UserError
from sim.core.months import format_month, parse_date, parse_month

if TYPE_CHECKING:  # the heavy modules are imported by the commands that need them, to start quickly
    import pandas as pd

    from sim.data.posterior import Posterior
    from sim.model.ensemble import Results
    from sim.model.scenario import Scenario

PARAMS_MODES = ("posterior", "median")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UserError(message)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """Every text and path value must be non-empty (`--out ''` is an error, not the current folder)."""
        if kwargs.get("action") in (None, "store", "append") and "const" not in kwargs:
            kwargs["type"] = {None: _text, Path: _path}.get(kwargs.get("type"), kwargs.get("type"))
        return super().add_argument(*args, **kwargs)


def _list_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _show_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario")


def _states_arguments(parser: argparse.ArgumentParser) -> None:
    from sim.data import datasets
    parser.add_argument("--as-of", default=str(datasets.DATA_END), help="YYYY-MM-DD (default: the data's end)")
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a table")


def _threads_argument(parser: argparse.ArgumentParser, what: str = "the ensemble's compiled month") -> None:
    parser.add_argument("--threads", type=_positive, help=f"threads for {what} (default: all cores; the results "
                        "do not depend on it)")


def _run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="a scenario name (see `iccsim list`) or a path to a .toml file")
    parser.add_argument("--runs", type=_positive, default=200, help="number of runs (default: 200)")
    parser.add_argument("--seed", type=_seed, default=0, help="root seed (default: 0)")
    parser.add_argument("--start", help="YYYY-MM, overrides the scenario's start")
    parser.add_argument("--end", help="YYYY-MM, overrides the scenario's end")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a parameter")
    _threads_argument(parser)
    parser.add_argument("--out", type=Path, help="output folder (default: results/<scenario>-<timestamp>)")
    _params_arguments(parser)


def _compare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="names or .toml paths; the first is "
                        "the reference for paired differences")
    parser.add_argument("--runs", type=_positive, default=200, help="runs per scenario (default: 200)")
    parser.add_argument("--seed", type=_seed, default=0, help="root seed, shared by all scenarios (default: 0)")
    _threads_argument(parser)
    parser.add_argument("--out", type=Path, help="output folder (default: results/compare-<timestamp>)")
    _params_arguments(parser)


def _plot_arguments(parser: argparse.ArgumentParser) -> None:
    from sim.outputs.figures import KINDS
    from sim.outputs.render import WIDTHS
    parser.add_argument("folder", type=Path, help="a folder written by run, compare or sweep")
    parser.add_argument("--kind", action="append", choices=list(KINDS), help="a figure kind (repeatable; "
                        "default: all that fit the folder)")
    parser.add_argument("--format", default="png", help="png, pdf, svg, comma-separated (default: png)")
    parser.add_argument("--size", choices=list(WIDTHS), default="single", help="journal column width (default: single)")


def _backtest_arguments(parser: argparse.ArgumentParser) -> None:
    from sim.experiments import backtest as backtests
    origins = parser.add_mutually_exclusive_group()
    origins.add_argument("--cutoff", help="YYYY-MM-DD: one origin; the model starts in this month, with the data as "
                         "known on its first day")
    origins.add_argument("--cutoffs", metavar="FIRST:LAST:STEP_MONTHS", help="rolling origins, e.g. "
                         "2008-01-01:2025-01-01:12")
    parser.add_argument("--horizon-months", type=_positive, help="months forecast from each origin, cut at the "
                        "data's end (default: 24)")
    parser.add_argument("--runs", type=_positive, help="runs per origin (default: 500)")
    parser.add_argument("--seed", type=_seed, help="default: 0")
    parser.add_argument("--shocks", choices=backtests.SHOCKS, help="none (default): the model makes its own "
                        "coups and patron changes after the cutoff; known: the record's are replayed, a "
                        "forecast given the future")
    parser.add_argument("--scenario", help="parameters from this scenario (default: baseline)")
    parser.add_argument("--population", type=_positive, help="particles per generation of each origin's "
                        "calibration on the record before it (see calibrate; default: "
                        f"{backtests.BUDGET.population})")
    parser.add_argument("--budget", type=_positive, help="runs of that calibration's withdrawal stage (see "
                        f"calibrate; default: {backtests.BUDGET.simulations})")
    _params_arguments(parser, sample_file=False)
    parser.add_argument("--workers", type=_positive, help="local processes (default: all cores; 1 = serial)")
    _threads_argument(parser, "each origin's forecast ensemble")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--resume", type=Path, metavar="DIR", help="finish an interrupted backtest in DIR")
    parser.add_argument("--out", type=Path, help="output folder (default: results/backtest-<cutoffs>-<timestamp>)")


def _calibrate_arguments(parser: argparse.ArgumentParser) -> None:
    from sim.data import datasets
    from sim.experiments import calibration, inference_check
    parser.add_argument("--from", dest="start", default=datasets.FIRST_MONTH,
                        help=f"YYYY-MM: the runs start in this month (default: {datasets.FIRST_MONTH})")
    parser.add_argument("--to", dest="end", default=datasets.LAST_START_MONTH,
                        help=f"YYYY-MM: the last month of the record fitted (default: {datasets.LAST_START_MONTH})")
    parser.add_argument("--population", type=_positive,
                        help=f"particles per generation of the withdrawal stage; the coup stage a quarter "
                             f"(default: {calibration.POPULATION}, {inference_check.BUDGET.population} with "
                             "--check-inference)")
    parser.add_argument("--budget", type=_positive,
                        help=f"runs of the withdrawal stage, one per proposed parameter set; the coup stage a "
                             f"quarter (default: {calibration.BUDGET}, {inference_check.BUDGET.simulations} "
                             "per record with --check-inference)")
    parser.add_argument("--generations", type=_positive,
                        help=f"ABC-SMC generations at most (default: {calibration.GENERATIONS}, "
                             f"{inference_check.BUDGET.generations} with --check-inference)")
    parser.add_argument("--check-runs", type=_positive, default=500,
                        help="runs under the posterior for the predictive checks (default: 500)")
    parser.add_argument("--check-inference", action="store_true",
                        help="instead of fitting the record, fit synthetic records made at parameter sets "
                             "drawn from the priors and report coverage and contraction (simulation-based "
                             "calibration)")
    parser.add_argument("--records", type=_positive, default=inference_check.RECORDS,
                        help=f"synthetic records for --check-inference (default: {inference_check.RECORDS})")
    parser.add_argument("--seed", type=_seed, default=0, help="default: 0")
    parser.add_argument("--scenario", default="baseline", help="fixed parameters from this scenario "
                        "(default: baseline)")
    parser.add_argument("--workers", type=_positive, help="local processes (default: all cores; 1 = serial)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--out", type=Path, help="output folder (default: results/calibration-<timestamp>)")


def _explore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this "
                        "machine only)")
    parser.add_argument("--port", type=_port, default=8765, help="default: 8765; 0 picks a free port")


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="a folder written by run, compare or sweep")


def _sweep_arguments(parser: argparse.ArgumentParser) -> None:
    from sim.experiments import design as designs
    parser.add_argument("scenario", nargs="?", help="a scenario name or .toml path (not with --resume)")
    parser.add_argument("--vary", action="append", default=[], metavar="KEY=LOW:HIGH[:N]",
                        help="a parameter to vary over [LOW, HIGH]; N grid levels (default 3); repeatable")
    parser.add_argument("--design", choices=designs.DESIGNS, help="default: grid")
    parser.add_argument("--samples", type=_positive,
                        help="LHS points, Sobol base samples (points = N x (k + 2)) or Morris trajectories "
                             "(points = N x (k + 1)); default: 16")
    parser.add_argument("--design-file", type=Path, help="CSV of explicit parameter sets instead of --vary")
    parser.add_argument("--runs", type=_positive, help="runs per design point (default: 20)")
    parser.add_argument("--seed", type=_seed, help="root seed (default: 0)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a parameter fixed for the whole sweep")
    parser.add_argument("--workers", type=_positive, help="local threads (default: all cores; 1 = serial)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--yes", action="store_true", help=f"run a sweep of more than "
                        f"{designs.CONFIRM_RUNS} runs (points x runs per point)")
    parser.add_argument("--resume", type=Path, metavar="DIR", help="finish an interrupted sweep in DIR")
    parser.add_argument("--out", type=Path, help="output folder (default: results/sweep-<scenario>-<timestamp>)")
    _params_arguments(parser)


def _parser(argv: list[str]) -> argparse.ArgumentParser:
    """The parser, with the arguments of the command named in `argv` only: filling in a command's
    arguments may import what its defaults come from, which the other commands need not wait for."""
    parser = _Parser(prog="iccsim", description="Scenario simulator of withdrawals from the Rome Statute.")
    parser.add_argument("--version", action="version", version=f"iccsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    named = next((word for word in argv if not word.startswith("-")), None)
    for name, (text, arguments, _) in COMMANDS.items():
        command = commands.add_parser(name, help=text)
        if name == named:
            arguments(command)
    return parser


def _text(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected a value, got {text!r}")
    return text


def _path(text: str) -> Path:
    return Path(_text(text))


def _params_arguments(parser: argparse.ArgumentParser, sample_file: bool = True) -> None:
    parser.add_argument("--params", choices=PARAMS_MODES, default=None,
                        help="posterior: run i draws its fitted parameters from the posterior sample (by seed and "
                             "run alone); median: every run at the posterior medians, a point forecast "
                             "(default: posterior)")
    if sample_file:
        parser.add_argument("--posterior", type=Path, metavar="FILE", help="another calibration's posterior.csv "
                            "(default: the sample shipped in sim/data)")


def _posterior(args: argparse.Namespace) -> "Posterior | None":
    """The posterior sample the runs draw from, or None for a point forecast at the medians."""
    from sim.data import posterior as posteriors
    if (args.params or "posterior") == "median":
        if getattr(args, "posterior", None):
            raise UserError("--posterior FILE draws parameters from a sample; it cannot go with --params median")
        return None
    return posteriors.load(args.posterior) if getattr(args, "posterior", None) else posteriors.shipped()


def _positive(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 1_000_000:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 1000000, got {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return int(text)


def _seed(text: str) -> int:
    if not text.isdigit() or int(text) >= 2**63:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 2^63-1, got {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    """Run one command; every ending is one line on stderr and an exit code: 0 done, 2 bad input or a
    file-system problem (full disk, permissions), 130 Ctrl-C or SIGTERM, 1 an internal error."""
    with interrupts.handled():  # SIGTERM stops a command as Ctrl-C does, compiled code included
        try:
            try:
                argv = sys.argv[1:] if argv is None else argv
                args = _parser(argv).parse_args(argv)
            except SystemExit as exc:  # --help and --version have printed what was asked
                return int(exc.code or 0)
            return COMMANDS[args.command][2](args)
        except UserError as exc:
            print(f"iccsim: error: {_one_line(str(exc))}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("iccsim: interrupted; nothing was written", file=sys.stderr)
            return 130
        except BrokenPipeError:  # output piped into a reader that stopped early, such as `head`
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
        except OSError as exc:  # one not met while writing a result folder (those say what was removed)
            where = f" ({exc.filename})" if exc.filename else ""
            print(f"iccsim: error: {_one_line(f'{exc.strerror or exc}{where}')}", file=sys.stderr)
            return 2
        except Exception as exc:  # noqa: BLE001 - the last resort: a bug, reported in one line
            if os.environ.get("ICCSIM_DEBUG"):
                raise
            print(f"iccsim: internal error ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
                  "this is a bug in iccsim: please report it with the command you ran "
                  "(ICCSIM_DEBUG=1 shows the traceback)", file=sys.stderr)
            return 1


def _one_line(message: str) -> str:
    """A message that stays on one line, even when it quotes input holding line breaks."""
    return message.replace("\r", "\\r").replace("\n", "\\n")


def _list(args: argparse.Namespace) -> int:
    from sim.model import scenario as scenarios
    for name in scenarios.available():
        loaded = scenarios.load(name)
        print(f"{name:26s} {loaded.title}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from sim.core.params import Params
    from sim.model import scenario as scenarios
    chosen = scenarios.load(args.scenario)
    shown = {"differences": chosen.differences()} if chosen.parent else {}
    shown |= {"resolved": chosen.describe(),
              "parameter_table": {name: {"value": getattr(chosen.params, name), "range": [spec.metadata["low"],
                                                                                          spec.metadata["high"]],
                                         "basis": spec.metadata["basis"],
                                         **({"calibration": spec.metadata["calibration"]}
                                            if spec.metadata["calibration"] else {})}
                                  for name, spec in Params.specs().items()}}
    print(json.dumps(shown, indent=2))
    return 0


def _states(args: argparse.Namespace) -> int:
    import pandas as pd

    from sim.data.world import build_world
    table = build_world(parse_date(args.as_of, "--as-of")).table
    columns = ["iso3", "name", "un_group", "status", "entry_into_force", "notified", "effective",
               "population_thousands", "ideal_point", "divergence", "patron", "patron_strength", "junta",
               "last_coup", "coup_rate", "exposure", "blocs"]
    table = table[columns].copy()
    for column in ("entry_into_force", "notified", "effective", "last_coup"):
        table[column] = pd.to_datetime(table[column]).dt.strftime("%Y-%m-%d").fillna("")
    if args.csv:
        table.to_csv(sys.stdout, index=False)
    else:
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


def _overrides(pairs: list[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserError(f"--set {pair!r}: expected KEY=VALUE")
        if key.strip() in overrides:
            raise UserError(f"--set {key.strip()}: given twice ({overrides[key.strip()]} and {value.strip()}); "
                            "give each parameter once")
        overrides[key.strip()] = value.strip()
    return overrides


def _run(args: argparse.Namespace) -> int:
    from sim.model import scenario as scenarios
    from sim.store import folders
    from sim.store.atomic import whole_folder
    from sim.store.integrity import record, seal
    from sim.store.provenance import run_manifest
    from sim.store.summary import describe_split, variance_split
    chosen = scenarios.load(args.scenario)
    chosen = chosen.with_window(parse_month(args.start, "--start") if args.start else None,
                                parse_month(args.end, "--end") if args.end else None)
    chosen = chosen.with_params(_overrides(args.set))
    if ignored := chosen.events_outside_window():
        print(f"iccsim: note: {ignored} scenario event(s) fall outside {format_month(chosen.start + 1)} to "
              f"{format_month(chosen.end)} and are ignored", file=sys.stderr)
    posterior = _posterior(args)
    with whole_folder(args.out, _default_out(chosen.name)) as staged:
        started = time.time()
        results = _ensemble(chosen, args, posterior, preload="sim.outputs.render")
        from sim.outputs import render
        with cf.ThreadPoolExecutor(1) as writer:  # the manifest's git queries, then the tables' writing and
            # hashing, in this order, beside the summary, exits.csv and the figures
            manifest = writer.submit(run_manifest, [chosen], [results], args.runs, args.seed, started, posterior)
            tables_written = _write_results(writer, staged.path, results)
            tables = _scenario_tables(chosen.name, results)
            exits = _write_exits(staged.path, results, chosen)
            tables_written += _write_tables(writer, staged.path, {"summary": tables.summary})
            written = writer.submit(lambda: record(staged.path, sorted([exits, *_written(tables_written)])))
            render.plot(folders.ResultFolder(staged.path, "run", manifest.result(), [tables]), None, ("png",),
                        "single", staged.path / "figures")
            seal(staged.path, _finished(manifest.result(), started), written.result())  # every table of the folder
    from sim.store.exits import group_exits  # imported with the figures (see _ensemble)
    runs = f"{args.runs} run{'s' if args.runs > 1 else ''}"
    shares = group_exits(results, chosen)
    print(f"P(any further exit by {format_month(chosen.end)}): EU member {shares['p_any_eu_exit']:.3f} "
          f"(other than Hungary {shares['p_any_eu_exit_not_hungary']:.3f}), WEOG state {shares['p_any_weog_exit']:.3f}")
    if posterior is not None:
        print(f"spread at {format_month(chosen.end)}, by the law of total variance over posterior draws:")
        print(describe_split(variance_split(results.runs)))
    print(f"wrote {staged.target} ({runs}, {format_month(chosen.start)} to {format_month(chosen.end)}, "
          f"params: {'posterior' if posterior is not None else 'median'})")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from sim.experiments.compare import comparison_table
    from sim.model import scenario as scenarios
    from sim.store import folders
    from sim.store.atomic import whole_folder
    from sim.store.integrity import seal
    from sim.store.output import write_csv
    from sim.store.provenance import run_manifest
    chosen = [scenarios.load(name) for name in args.scenarios]
    labels = folders.labels([c.name for c in chosen])
    posterior = _posterior(args)
    with whole_folder(args.out, _default_out("compare")) as staged:
        folder = staged.path
        started = time.time()
        results, tables, written = [], [], []
        with cf.ThreadPoolExecutor(1) as writer:  # a scenario's tables are written while the next one runs
            for label, scenario in zip(labels, chosen):
                (folder / label).mkdir()
                results.append(_ensemble(scenario, args, posterior, preload="sim.outputs.render"))
                tables.append(_scenario_tables(label, results[-1]))
                _write_exits(folder / label, results[-1], scenario)
                written += _write_results(writer, folder / label, results[-1])
                written += _write_tables(writer, folder / label, {"summary": tables[-1].summary})
            table = comparison_table(labels, results, scenarios=chosen)
            written.append(writer.submit(write_csv, folder / "comparison.csv", table))
            manifest = run_manifest(chosen, results, args.runs, args.seed, started, posterior)
            from sim.outputs import render
            render.plot(folders.ResultFolder(folder, "compare", manifest, tables, comparison=table), None, ("png",),
                        "single", folder / "figures")
            for done in written:
                done.result()
        seal(folder, _finished(manifest, started))
    print(table[["scenario", "parties_2035_median", "p_further_exits_ge1_by_2035",
                 "diff_parties_2035_mean"]].to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"wrote {staged.target}")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    import pandas as pd

    from sim.experiments import design as designs
    from sim.experiments import execution, sweep, sweep_folder
    from sim.model import scenario as scenarios
    from sim.store.atomic import claim
    started = time.time()
    if args.resume:
        given = [name for name in ("scenario", "vary", "design_file", "set", "out", "design", "samples", "runs", "seed",
                                   "params", "posterior") if getattr(args, name)]
        if given:
            raise UserError(f"--resume DIR takes the sweep's settings from DIR; drop {', '.join(given)} "
                            "(only --workers or --scheduler may be given)")
        if not args.resume.is_dir():
            raise UserError(f"--resume {args.resume}: no such folder")
        with claim(args.resume) as folder:  # a second resume of the same folder is refused
            settings = sweep.read_settings(folder)  # checks design.csv against the manifest
            chosen = sweep_folder.resumed_scenario(settings)
            posterior = _resumed_posterior(settings)
            raw = pd.read_csv(folder / "design.csv").drop(columns="point")
            values = designs.values(raw, "--resume design.csv")
            with execution.executor(args.workers, args.scheduler, threads=True) as pool:
                return _execute_sweep(folder, chosen, raw, values, settings, args, pool, started, posterior)
    if not args.scenario:
        raise UserError("sweep: name a scenario (or give --resume DIR)")
    overrides = _overrides(args.set)
    chosen = scenarios.load(args.scenario).with_params(overrides)
    args.design, args.samples = args.design or "grid", args.samples or 16
    args.runs, args.seed = args.runs or 20, args.seed or 0
    if args.design_file:
        if args.vary:
            raise UserError("--design-file and --vary exclude each other")
        raw, factors = designs.from_file(args.design_file), []
        designs.check_size(len(raw), args.runs, args.yes)
    else:
        factors = [designs.parse_vary(text) for text in args.vary]
        designs.check_size(designs.count(args.design, factors, args.samples), args.runs, args.yes)
        raw = designs.build(args.design, factors, args.samples, args.seed)
    if swept := [name for name in overrides if name in raw.columns]:
        raise UserError(f"--set {swept[0]}: the sweep varies it too; drop it from --set or from the design")
    values = designs.values(raw)
    settings = sweep_folder.settings_for(args.scenario, overrides, "file" if args.design_file else args.design,
                                         args.samples, factors, args.runs, args.seed)
    posterior = _posterior(args)
    settings |= {"params": "median" if posterior is None else "posterior",
                 "posterior": None if posterior is None else posterior.describe() | {
                     "file": str(args.posterior.resolve()) if args.posterior else "shipped"}}
    with execution.executor(args.workers, args.scheduler, threads=True) as pool:  # first, so an unreachable scheduler leaves no folder
        with claim(args.out, _default_out(f"sweep-{chosen.name}")) as folder:
            sweep_folder.start(folder, chosen, raw, settings)
            return _execute_sweep(folder, chosen, raw, values, settings, args, pool, started, posterior)


def _execute_sweep(folder: Path, chosen: "Scenario", raw: "pd.DataFrame", values: "pd.DataFrame",
                   settings: dict, args: argparse.Namespace, pool: cf.Executor, started: float,
                   posterior: "Posterior | None") -> int:
    """Run the points of a started sweep that have no whole chunks, then assemble its tables; an
    interrupted or failing sweep keeps its finished points for --resume."""
    from tqdm import tqdm

    from sim.experiments import execution, sweep, sweep_folder
    from sim.outputs import render
    keep = f"finished points are kept in {folder}: continue with iccsim sweep --resume {folder}"
    try:
        done, damaged = sweep.check_chunks(folder, len(values))
        if damaged:
            print(f"iccsim: note: the chunks of {len(damaged)} point(s) were damaged (first: point {damaged[0]}) "
                  "and are run again", file=sys.stderr)
        with tqdm(total=len(values), desc=chosen.name, unit="point", disable=None, file=sys.stderr) as bar:
            failures = sweep.execute(folder, chosen, values, settings["runs"], settings["seed"], pool, bar.update,
                                     execution.in_flight(args.workers, args.scheduler), done, posterior)
        sweep_folder.finish(folder, chosen, raw, values, settings, failures, started)
        render.plot_folder(folder)
    except KeyboardInterrupt:
        print(f"iccsim: interrupted; {keep}", file=sys.stderr)
        return 130
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise UserError(f"cannot write {folder}: {exc.strerror or exc}{where}; {keep}") from None
    print(f"wrote {folder} ({len(values)} points x {settings['runs']} runs"
          + (f"; {len(failures)} points failed, see errors.csv)" if failures else ")"))
    return 0


def _resumed_posterior(settings: dict) -> "Posterior | None":
    """The posterior sample a sweep being resumed draws from, refusing one that changed since it started."""
    from sim.data import posterior as posteriors
    recorded = settings["posterior"]
    if settings["params"] == "median" or recorded is None:
        return None
    sample = posteriors.shipped() if recorded["file"] == "shipped" else posteriors.load(Path(recorded["file"]))
    if sample.sha256 != recorded["sha256"]:
        raise UserError(f"--resume: the posterior sample changed since the sweep started ({recorded['file']})")
    return sample


def _default_out(name: str) -> Path:
    """results/<name>-<timestamp> (see sim.store.atomic.whole_folder for names already taken)."""
    return Path("results") / f"{name}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def _ensemble(chosen: "Scenario", args: argparse.Namespace, posterior: "Posterior | None",
              preload: str | None = None) -> "Results":
    """The runs of a scenario, with a progress bar; a `preload` module (the figures') is imported on a second
    thread meanwhile, while the compiled month leaves the interpreter free."""
    from tqdm import tqdm

    from sim.model.ensemble import run_ensemble
    if preload:
        threading.Thread(target=importlib.import_module, args=(preload,), daemon=True).start()
    with tqdm(total=args.runs, desc=chosen.name, unit="run", disable=None, file=sys.stderr) as bar:
        return run_ensemble(chosen, args.runs, args.seed, progress=bar.update, threads=args.threads,
                            posterior=posterior)


def _scenario_tables(label: str, results: "Results") -> Any:
    """A scenario's run tables and their summary, as the figures read them (folders.ScenarioTables)."""
    from sim.store import folders
    from sim.store.summary import summarise
    return folders.ScenarioTables(label, results.runs, results.timeseries, results.events,
                                  summarise(results.timeseries))


def _write_exits(folder: Path, results: "Results", chosen: "Scenario") -> Path:
    """Who leaves (exits.csv), written before the figures: the risk figure reads it."""
    from sim.store.exits import exits_table
    from sim.store.output import write_csv
    return write_csv(folder / "exits.csv", exits_table(results, chosen))


def _write_results(writer: cf.Executor, folder: Path, results: "Results") -> "list[cf.Future]":
    """A scenario's run tables and, under the posterior, the variance split, written on the writer thread
    (see `_write_tables`)."""
    from sim.store.output import write_csv
    from sim.store.summary import variance_split
    futures = _write_tables(writer, folder, {name: getattr(results, name) for name in ("runs", "timeseries", "events")})
    if "draw" in results.runs:
        futures.append(writer.submit(lambda: (write_csv(folder / "variance.csv", variance_split(results.runs)),)))
    return futures


def _write_tables(writer: cf.Executor, folder: Path, frames: dict[str, "pd.DataFrame"]) -> "list[cf.Future]":
    """Each frame as Parquet and CSV (sim.store.output.write_table) on the writer thread; each future gives
    the files written. Arrow writes without holding the interpreter lock, so the tables are written beside the
    summary and the figures (which read none of these files), from Arrow tables taken here: pandas frames are
    not safe to read on two threads at once, and an Arrow table shares the frame's memory."""
    import pyarrow as pa

    from sim.store.output import write_table
    return [writer.submit(write_table, folder, name, pa.Table.from_pandas(frame, preserve_index=False))
            for name, frame in frames.items()]


def _written(futures: "list[cf.Future]") -> list[Path]:
    """The files the futures of `_write_tables` and `_write_results` wrote."""
    return [path for future in futures for path in future.result()]


def _finished(manifest: dict, started: float) -> dict:
    """The manifest with the seconds from the start to the whole folder."""
    return manifest | {"seconds": round(time.time() - started, 3)}


def _backtest(args: argparse.Namespace) -> int:
    from sim.experiments import backtest as backtests
    from sim.experiments import backtest_folder, calibration, execution, rolling, sweep_folder
    from sim.model import scenario as scenarios
    from sim.store.atomic import claim
    started = time.time()
    if args.resume:
        given = [name for name in ("cutoff", "cutoffs", "horizon_months", "runs", "seed", "shocks", "scenario",
                                   "population", "budget", "params", "out") if getattr(args, name) is not None]
        if given:
            raise UserError(f"--resume DIR takes the backtest's settings from DIR; drop {', '.join(given)} "
                            "(only --workers, --threads or --scheduler may be given)")
        if not args.resume.is_dir():
            raise UserError(f"--resume {args.resume}: no such folder")
        with execution.executor(args.workers, args.scheduler) as pool, \
                claim(args.resume) as folder:  # a second resume of the same folder is refused
            settings = backtest_folder.read_settings(folder)
            template = sweep_folder.resumed_scenario(settings)
            return _execute_backtest(folder, template, settings, args, pool, started)
    else:
        if not (args.cutoff or args.cutoffs):
            raise UserError("backtest: give --cutoff YYYY-MM-DD or --cutoffs FIRST:LAST:STEP_MONTHS (or --resume DIR)")
        cutoffs, step = (rolling.parse_cutoffs(args.cutoffs) if args.cutoffs
                         else ([parse_date(args.cutoff, "--cutoff")], None))
        horizon = args.horizon_months or 24
        for cutoff in cutoffs:
            backtests.horizon_at(cutoff, horizon)  # checks every origin before anything runs
        template = scenarios.load(args.scenario or "baseline")
        budget = calibration.Budget(args.population or backtests.BUDGET.population,
                                    args.budget or backtests.BUDGET.simulations)
        settings = backtest_folder.settings_for(cutoffs, step, horizon, args.runs or 500, args.seed or 0,
                                                args.shocks or "none", args.scenario or "baseline", budget,
                                                args.params or "posterior")
        name = f"backtest-{cutoffs[0]}" + (f"-{cutoffs[-1]}" if len(cutoffs) > 1 else "")
        with execution.executor(args.workers, args.scheduler) as pool:  # first, so an unreachable scheduler leaves no folder
            with claim(args.out, _default_out(name)) as folder:
                backtest_folder.start(folder, template, settings)
                return _execute_backtest(folder, template, settings, args, pool, started)


def _execute_backtest(folder: Path, template: "Scenario", settings: dict, args: argparse.Namespace,
                      pool: cf.Executor, started: float) -> int:
    """Run the origins not yet done on `pool`, then score, write and draw the backtest's tables."""
    from tqdm import tqdm

    from sim.experiments import backtest_folder, execution, rolling
    from sim.outputs import render, validation
    from sim.store.provenance import environment
    try:
        with tqdm(total=len(settings["cutoffs"]), desc="backtest", unit="origin", disable=None,
                  file=sys.stderr) as bar:
            rolling.execute(folder, template, settings, pool, bar.update,
                            execution.in_flight(args.workers, args.scheduler), args.threads)
    except KeyboardInterrupt:
        execution.stop(pool)  # the running origins end now; the finished ones are kept
        print(f"iccsim: interrupted; finished origins are kept in {folder}: continue with "
              f"iccsim backtest --resume {folder}", file=sys.stderr)
        return 130
    tables = backtest_folder.finish(folder, template, settings, started)
    provenance = {**environment(), "scenarios": [template.name], "runs": settings["runs"], "runs_per": "origin",
                  "seed": settings["seed"], "start": settings["cutoffs"][0],
                  "horizon": f"{settings['cutoffs'][-1]} + {settings['horizon_months']} months"}
    origins = len(settings["cutoffs"])
    for figure in (validation.reliability(tables["reliability"], origins, settings["shocks"]),
                   validation.pit(tables["pit"], settings["shocks"])):
        render.render(figure, folder / "figures", ("png", "pdf"), "single", provenance)
    scores = tables["scores"]
    pooled = scores[scores["origin"] == "pooled"]
    print(pooled[["target", "score", "forecast", "value", "model_minus_forecast", "difference_low",
                  "difference_high"]].to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print(f"wrote {folder} ({origins} origin{'s' if origins > 1 else ''} x {settings['runs']} runs, "
          f"shocks {backtest_folder.SHOCK_LABELS[settings['shocks']]})")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from sim.experiments import calibration, execution, inference_check
    from sim.model import scenario as scenarios
    from sim.outputs import fitcheck, inference_figure, render
    from sim.store.atomic import whole_folder
    from sim.store.integrity import seal
    from sim.store.output import write_csv
    from sim.store.provenance import environment
    start, end = parse_month(args.start, "--from"), parse_month(args.end, "--to")
    template = scenarios.load(args.scenario)
    calibration.stages(template, start, end)  # checks the window before anything runs
    default = inference_check.BUDGET if args.check_inference else calibration.Budget(
        calibration.POPULATION, calibration.BUDGET)
    budget = calibration.Budget(args.population or default.population, args.budget or default.simulations,
                                args.generations or default.generations, default.batch)
    runs = sum(budget.for_stage(name).simulations for name in ("coups", "withdrawals"))
    runs *= args.records if args.check_inference else 1
    with whole_folder(args.out, _default_out("inference-check" if args.check_inference else "calibration")) as staged:
        folder = staged.path
        started = time.time()
        provenance = {**environment(), "scenarios": [template.name], "runs": args.check_runs,
                      "runs_per": "posterior predictive check", "seed": args.seed, "start": format_month(start),
                      "horizon": format_month(end)}
        with execution.executor(args.workers, args.scheduler) as pool, \
                tqdm(total=runs, desc="calibrate", unit="run", disable=None, file=sys.stderr) as bar:
            in_flight = execution.in_flight(args.workers, args.scheduler) or 64
            if args.check_inference:
                checked = inference_check.check(template, start, end, args.records, budget, args.seed, pool,
                                                in_flight, bar.update)
            else:
                fitted = calibration.fit(template, start, end, budget, args.seed, pool, in_flight, bar.update)
        if args.check_inference:
            write_csv(folder / "records.csv", checked.records)
            write_csv(folder / "inference_check.csv", checked.summary)
            render.render(inference_figure.figure(checked), folder / "figures", ("png", "pdf"), "double", provenance)
        else:
            predictive = fitcheck.check(fitted, template, args.check_runs, args.seed)
            write_csv(folder / "calibration.csv", calibration.adopted(fitted, args.seed))
            write_csv(folder / "posterior.csv", fitted.posterior)
            write_csv(folder / "fitted.csv", fitted.fitted)
            write_csv(folder / "particles.csv", fitted.particles)
            write_csv(folder / "generations.csv", fitted.generations)
            write_csv(folder / "predictive.csv", predictive.statistics)
            write_csv(folder / "patterns.csv", predictive.patterns)
            render.render(fitcheck.figure(predictive), folder / "figures", ("png", "pdf"), "double", provenance)
        seal(folder, {**environment(), "window": [format_month(start + 1), format_month(end)],
                      "scenario": template.name, "method": calibration.METHOD, "budget": dataclasses.asdict(budget),
                      "check_inference": args.check_inference,
                      "records": args.records if args.check_inference else None,
                      "check_runs": args.check_runs, "root_seed": args.seed,
                      "seconds": round(time.time() - started, 3), "status": "complete"})
    table = checked.summary if args.check_inference else fitted.fitted[
        ["parameter", "value", "q05", "q95", "prior_low", "prior_high", "contraction"]]
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if not args.check_inference:
        print(predictive.patterns.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"wrote {staged.target}")
    return 0


def _explore(args: argparse.Namespace) -> int:
    from sim.interfaces import serve  # solara and the page load only for this command

    try:
        serve.serve(args.host, args.port)
    except KeyboardInterrupt:  # Ctrl-C is how the page is stopped
        pass
    return 0


def _report(args: argparse.Namespace) -> int:
    from sim.outputs import report
    written = report.write(args.folder)
    print(f"wrote {', '.join(str(p) for p in written)}")
    return 0


def _plot(args: argparse.Namespace) -> int:
    from sim.outputs import render
    written = render.plot_folder(args.folder, args.kind, render.parse_formats(args.format), args.size)
    print(f"wrote {len(written)} files in {args.folder / 'figures'}")
    return 0


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {
    "list": ("named scenarios with their descriptions", _list_arguments, _list),
    "show": ("a scenario's resolved parameters and events", _show_arguments, _show),
    "states": ("the table of states as of a date", _states_arguments, _states),
    "run": ("run an ensemble of a scenario", _run_arguments, _run),
    "compare": ("run scenarios with common random numbers and compare them", _compare_arguments, _compare),
    "plot": ("render figures from a saved results folder", _plot_arguments, _plot),
    "backtest": ("score forecasts made at past cutoffs against the record", _backtest_arguments, _backtest),
    "calibrate": ("fit the parameters the literature leaves open to the record", _calibrate_arguments, _calibrate),
    "explore": ("a local web page to run scenarios and step one run (needs the explore extra)", _explore_arguments,
                _explore),
    "report": ("write a brief (Markdown, HTML, PDF) from a results folder", _report_arguments, _report),
    "sweep": ("run a design of parameter sets, each several times", _sweep_arguments, _sweep),
}  # name: (help, its arguments, the command)


def entry() -> NoReturn:
    """The `iccsim` command: `main`, then an exit that skips the interpreter's teardown (after a run, about
    0.4 s of unloading compiled code and libraries). Every command has closed its files, pools and servers
    by the time `main` returns; the two streams are flushed here."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone (as after `| head`), or a stream closed
            pass
    os._exit(code)


if __name__ == "__main__":
    entry()
