"""The `iccsim` command line: list, show, states and run."""

import argparse
import datetime as dt
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NoReturn

from sim import __version__
from sim.core.errors import UserError
from sim.core.months import format_month, parse_date, parse_month

if TYPE_CHECKING:  # the heavy modules are imported by the commands that need them, to start quickly
    from sim.model.ensemble import Results
    from sim.model.scenario import Scenario


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UserError(message)


def _list_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _show_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario")


def _states_arguments(parser: argparse.ArgumentParser) -> None:
    from sim.data import datasets
    parser.add_argument("--as-of", default=str(datasets.DATA_END), help="YYYY-MM-DD (default: the data's end)")
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a table")


def _threads_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--threads", type=_positive, help="threads for the ensemble's compiled month (default: all "
                        "cores; the results do not depend on it)")


def _run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="a scenario name (see `iccsim list`) or a path to a .toml file")
    parser.add_argument("--runs", type=_positive, default=200, help="number of runs (default: 200)")
    parser.add_argument("--seed", type=_seed, default=0, help="root seed (default: 0)")
    parser.add_argument("--start", help="YYYY-MM, overrides the scenario's start")
    parser.add_argument("--end", help="YYYY-MM, overrides the scenario's end")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a parameter")
    _threads_argument(parser)
    parser.add_argument("--out", type=Path, help="output folder (default: results/<scenario>-<timestamp>)")


def _compare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="names or .toml paths; the first is "
                        "the reference for paired differences")
    parser.add_argument("--runs", type=_positive, default=200, help="runs per scenario (default: 200)")
    parser.add_argument("--seed", type=_seed, default=0, help="root seed, shared by all scenarios (default: 0)")
    _threads_argument(parser)
    parser.add_argument("--out", type=Path, help="output folder (default: results/compare-<timestamp>)")


def _plot_arguments(parser: argparse.ArgumentParser) -> None:
    from sim.outputs.figures import KINDS
    from sim.outputs.render import WIDTHS
    parser.add_argument("folder", type=Path, help="a folder written by run, compare or sweep")
    parser.add_argument("--kind", action="append", choices=list(KINDS), help="a figure kind (repeatable; "
                        "default: all that fit the folder)")
    parser.add_argument("--format", default="png", help="png, pdf, svg, comma-separated (default: png)")
    parser.add_argument("--size", choices=list(WIDTHS), default="single", help="journal column width (default: single)")


def _backtest_arguments(parser: argparse.ArgumentParser) -> None:
    from sim.experiments import backtest as backtests, calibration
    parser.add_argument("--cutoff", required=True, help="YYYY-MM-DD: the model starts in this month, with the "
                        "data as known on its first day")
    parser.add_argument("--horizon-months", type=_positive, default=60, help="default: 60")
    parser.add_argument("--runs", type=_positive, default=500, help="default: 500")
    parser.add_argument("--seed", type=_seed, default=0, help="default: 0")
    parser.add_argument("--shocks", choices=backtests.SHOCKS, default="known",
                        help="replay the record's exogenous shocks after the cutoff (known) or none (default: known)")
    parser.add_argument("--scenario", default="baseline", help="parameters from this scenario (default: baseline)")
    parser.add_argument("--budget", type=_positive, default=calibration.BUDGET,
                        help=f"parameter sets for the calibration on the record before the cutoff "
                             f"(see calibrate; default: {calibration.BUDGET})")
    parser.add_argument("--workers", type=_positive, help="local processes (default: all cores; 1 = serial)")
    _threads_argument(parser)
    parser.add_argument("--out", type=Path, help="output folder (default: results/backtest-<cutoff>-<timestamp>)")


def _calibrate_arguments(parser: argparse.ArgumentParser) -> None:
    from sim.data import datasets
    from sim.experiments import calibration
    parser.add_argument("--from", dest="start", default=datasets.FIRST_MONTH,
                        help=f"YYYY-MM: the runs start in this month (default: {datasets.FIRST_MONTH})")
    parser.add_argument("--to", dest="end", default=datasets.LAST_START_MONTH,
                        help=f"YYYY-MM: the last month of the record fitted (default: {datasets.LAST_START_MONTH})")
    parser.add_argument("--budget", type=_positive, default=calibration.BUDGET,
                        help="parameter sets drawn for the withdrawal stage; the coup stage draws an eighth "
                             f"(at least 16) (default: {calibration.BUDGET})")
    parser.add_argument("--runs", type=_positive, default=calibration.RUNS_PER_DRAW,
                        help=f"runs per parameter set (default: {calibration.RUNS_PER_DRAW})")
    parser.add_argument("--accept", type=_share, default=calibration.ACCEPT,
                        help=f"share of parameter sets kept, the closest to the record (default: {calibration.ACCEPT})")
    parser.add_argument("--check-runs", type=_positive, default=500,
                        help="runs at the fitted values for the fit diagnostics (default: 500)")
    parser.add_argument("--seed", type=_seed, default=0, help="default: 0")
    parser.add_argument("--scenario", default="baseline", help="fixed parameters from this scenario "
                        "(default: baseline)")
    parser.add_argument("--workers", type=_positive, help="local processes (default: all cores; 1 = serial)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--out", type=Path, help="output folder (default: results/calibration-<timestamp>)")


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="a folder written by run, compare or sweep")


def _sweep_arguments(parser: argparse.ArgumentParser) -> None:
    from sim.experiments.design import DESIGNS
    parser.add_argument("scenario", nargs="?", help="a scenario name or .toml path (not with --resume)")
    parser.add_argument("--vary", action="append", default=[], metavar="KEY=LOW:HIGH[:N]",
                        help="a parameter to vary over [LOW, HIGH]; N grid levels (default 3); repeatable")
    parser.add_argument("--design", choices=DESIGNS, help="default: grid")
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
    parser.add_argument("--resume", type=Path, metavar="DIR", help="finish an interrupted sweep in DIR")
    parser.add_argument("--out", type=Path, help="output folder (default: results/sweep-<scenario>-<timestamp>)")


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


def _positive(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 1_000_000:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 1000000, got {text!r}")
    return int(text)


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"expected a share in (0, 1], got {text!r}")
    return value


def _seed(text: str) -> int:
    if not text.isdigit() or int(text) >= 2**63:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 2^63-1, got {text!r}")
    return int(text)


def _on_terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so that a run stopped by SIGTERM cleans up like one stopped by Ctrl-C


def main(argv: list[str] | None = None) -> int:
    previous = signal.signal(signal.SIGTERM, _on_terminate)
    try:
        argv = sys.argv[1:] if argv is None else argv
        args = _parser(argv).parse_args(argv)
        return COMMANDS[args.command][2](args)
    except UserError as exc:
        print(f"iccsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("iccsim: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a reader that stopped early, such as `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--set {pair!r}: expected KEY=VALUE")
        overrides[key.strip()] = value.strip()
    return overrides


def _run(args: argparse.Namespace) -> int:
    from sim.model import scenario as scenarios
    from sim.outputs import render
    from sim.store import folders
    from sim.store.output import reserve, staged_folder, write_json
    chosen = scenarios.load(args.scenario)
    chosen = chosen.with_window(parse_month(args.start, "--start") if args.start else None,
                                parse_month(args.end, "--end") if args.end else None)
    chosen = chosen.with_params(_overrides(args.set))
    if ignored := chosen.events_outside_window():
        print(f"iccsim: note: {ignored} scenario event(s) fall outside {format_month(chosen.start + 1)} to "
              f"{format_month(chosen.end)} and are ignored", file=sys.stderr)
    out = args.out or reserve(_default_out(chosen.name))
    with staged_folder(out, reserved=args.out is None) as folder:
        started = time.time()
        results = _ensemble(chosen, args)
        tables = _write_results(folder, chosen.name, results, chosen)
        manifest = _manifest([chosen], [results], args, started)
        write_json(folder / "manifest.json", manifest)
        render.plot(folders.ResultFolder(folder, "run", manifest, [tables]), None, ("png",), "single",
                    folder / "figures")
    from sim.store.exits import group_exits
    runs = f"{args.runs} run{'s' if args.runs > 1 else ''}"
    shares = group_exits(results, chosen)
    print(f"P(any further exit by {format_month(chosen.end)}): EU member {shares['p_any_eu_exit']:.3f} "
          f"(other than Hungary {shares['p_any_eu_exit_not_hungary']:.3f}), WEOG state {shares['p_any_weog_exit']:.3f}")
    print(f"wrote {out} ({runs}, {format_month(chosen.start)} to {format_month(chosen.end)})")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from sim.experiments.compare import comparison_table
    from sim.model import scenario as scenarios
    from sim.outputs import render
    from sim.store import folders
    from sim.store.output import reserve, staged_folder, write_json
    chosen = [scenarios.load(name) for name in args.scenarios]
    labels = folders.labels([c.name for c in chosen])
    out = args.out or reserve(_default_out("compare"))
    with staged_folder(out, reserved=args.out is None) as folder:
        started = time.time()
        results, tables = [], []
        for label, scenario in zip(labels, chosen):
            (folder / label).mkdir()
            results.append(_ensemble(scenario, args))
            tables.append(_write_results(folder / label, label, results[-1], scenario))
        table = comparison_table(labels, results, scenarios=chosen)
        table.to_csv(folder / "comparison.csv", index=False)
        manifest = _manifest(chosen, results, args, started)
        write_json(folder / "manifest.json", manifest)
        render.plot(folders.ResultFolder(folder, "compare", manifest, tables, comparison=table), None, ("png",),
                    "single", folder / "figures")
    print(table[["scenario", "parties_2035_median", "p_further_exits_ge1_by_2035",
                 "diff_parties_2035_mean"]].to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"wrote {out}")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    import pandas as pd
    from tqdm import tqdm

    from sim.experiments import design as designs, execution, sweep, sweep_folder
    from sim.model import scenario as scenarios
    from sim.outputs import render
    from sim.store.output import reserve
    started = time.time()
    if args.resume:
        given = [name for name in ("scenario", "vary", "design_file", "set", "out", "design", "samples", "runs", "seed")
                 if getattr(args, name)]
        if given:
            raise UserError(f"--resume DIR takes the sweep's settings from DIR; drop {', '.join(given)} "
                            "(only --workers or --scheduler may be given)")
        folder, settings = args.resume, sweep.read_settings(args.resume)
        chosen = sweep_folder.resumed_scenario(settings)
        raw = pd.read_csv(folder / "design.csv").drop(columns="point")
    else:
        if not args.scenario:
            raise UserError("sweep: name a scenario (or give --resume DIR)")
        chosen = scenarios.load(args.scenario).with_params(_overrides(args.set))
        args.design, args.samples = args.design or "grid", args.samples or 16
        args.runs, args.seed = args.runs or 20, args.seed or 0
        if args.design_file:
            if args.vary:
                raise UserError("--design-file and --vary exclude each other")
            raw, factors = designs.from_file(args.design_file), []
        else:
            factors = [designs.parse_vary(text) for text in args.vary]
            raw = designs.build(args.design, factors, args.samples, args.seed)
        settings = sweep_folder.settings_for(args.scenario, _overrides(args.set),
                                             "file" if args.design_file else args.design, args.samples, factors,
                                             args.runs, args.seed)
        folder = args.out or reserve(_default_out(f"sweep-{chosen.name}"))
        sweep_folder.start(folder, chosen, raw, settings, reserved=args.out is None)
    values = designs.values(raw)
    try:
        with execution.executor(args.workers, args.scheduler, threads=True) as pool, \
                tqdm(total=len(values), desc=chosen.name, unit="point", disable=None, file=sys.stderr) as bar:
            failures = sweep.execute(folder, chosen, values, settings["runs"], settings["seed"], pool, bar.update,
                                     execution.in_flight(args.workers, args.scheduler))
    except KeyboardInterrupt:
        print(f"iccsim: interrupted; finished points are kept in {folder}: continue with "
              f"iccsim sweep --resume {folder}", file=sys.stderr)
        return 130
    sweep_folder.finish(folder, chosen, raw, values, settings, failures, started)
    render.plot_folder(folder)
    print(f"wrote {folder} ({len(values)} points x {settings['runs']} runs"
          + (f"; {len(failures)} points failed, see errors.csv)" if failures else ")"))
    return 0


def _default_out(name: str) -> Path:
    """results/<name>-<timestamp> (see output.reserve for names already taken)."""
    return Path("results") / f"{name}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def _ensemble(chosen: "Scenario", args: argparse.Namespace) -> "Results":
    from tqdm import tqdm

    from sim.model.ensemble import run_ensemble
    with tqdm(total=args.runs, desc=chosen.name, unit="run", disable=None, file=sys.stderr) as bar:
        return run_ensemble(chosen, args.runs, args.seed, progress=bar.update, threads=args.threads)


def _write_results(folder: Path, label: str, results: "Results", chosen: "Scenario") -> Any:
    """A scenario's run tables, their summary and who leaves (exits.csv); returns the tables as the figures
    read them."""
    from sim.store import folders
    from sim.store.exits import exits_table
    from sim.store.output import write_table
    from sim.store.summary import summarise
    summary = summarise(results.timeseries)
    for name, table in (("runs", results.runs), ("timeseries", results.timeseries), ("events", results.events),
                        ("summary", summary)):
        write_table(folder, name, table)
    exits_table(results, chosen).to_csv(folder / "exits.csv", index=False)
    return folders.ScenarioTables(label, results.runs, results.timeseries, results.events, summary)


def _backtest(args: argparse.Namespace) -> int:
    from sim.experiments import backtest as backtests, calibration, execution
    from sim.model import scenario as scenarios
    from sim.store.output import reserve, staged_folder, write_json
    from sim.store.provenance import environment
    cutoff = parse_date(args.cutoff, "--cutoff")
    template = scenarios.load(args.scenario)
    backtests.scenario_at(template, cutoff, args.horizon_months, args.shocks)  # checks the window first
    out = args.out or reserve(_default_out(f"backtest-{cutoff}"))
    with staged_folder(out, reserved=args.out is None) as folder:
        started = time.time()
        with execution.executor(args.workers, None) as pool:
            result = backtests.run(template, cutoff, args.horizon_months, args.runs, args.seed, args.shocks,
                                   args.budget, pool, threads=args.threads)
        result.states.to_csv(folder / "forecasts.csv", index=False)
        result.scores.to_csv(folder / "scores.csv", index=False)
        calibration.adopted(result.calibration, args.seed).to_csv(folder / "calibration.csv", index=False)
        write_json(folder / "manifest.json", {**environment(), "cutoff": str(cutoff), "horizon_months":
                                              args.horizon_months, "runs": args.runs, "root_seed": args.seed,
                                              "shocks": args.shocks, "scenario": template.name,
                                              "calibration_budget": args.budget,
                                              "seconds": round(time.time() - started, 3), "status": "complete"})
    print(result.scores.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    hits = result.states[result.states["announced"] == 1]
    print("announced:", ", ".join(f"{r.iso3} (rank {r.model_rank})" for r in hits.itertuples()) or "none")
    print(f"wrote {out}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from sim.experiments import calibration, execution
    from sim.model import scenario as scenarios
    from sim.outputs import fitcheck, render
    from sim.store.output import reserve, staged_folder, write_json
    from sim.store.provenance import environment
    start, end = parse_month(args.start, "--from"), parse_month(args.end, "--to")
    template = scenarios.load(args.scenario)
    calibration.stages(template, start, end)  # checks the window before anything runs
    out = args.out or reserve(_default_out("calibration"))
    draws = args.budget + max(16, args.budget // 8)
    with staged_folder(out, reserved=args.out is None) as folder:
        started = time.time()
        with execution.executor(args.workers, args.scheduler) as pool, \
                tqdm(total=draws * args.runs, desc="calibrate", unit="run", disable=None, file=sys.stderr) as bar:
            fitted = calibration.fit(template, start, end, args.budget, args.runs, args.seed, args.accept, pool,
                                     progress=bar.update)
        checked = fitcheck.check(fitted, template, args.check_runs, args.seed)
        calibration.adopted(fitted, args.seed).to_csv(folder / "calibration.csv", index=False)
        fitted.fitted.to_csv(folder / "fitted.csv", index=False)
        fitted.draws.to_csv(folder / "draws.csv", index=False)
        checked.statistics.to_csv(folder / "fit.csv", index=False)
        checked.patterns.to_csv(folder / "patterns.csv", index=False)
        provenance = {**environment(), "scenarios": [template.name], "runs": args.check_runs, "runs_per": "at the fitted values",
                      "seed": args.seed, "start": format_month(start), "horizon": format_month(end)}
        render.render(fitcheck.figure(checked), folder / "figures", ("png", "pdf"), "double", provenance)
        write_json(folder / "manifest.json", {**environment(), "window": [format_month(start + 1), format_month(end)],
                                              "scenario": template.name, "budget": args.budget, "runs": args.runs,
                                              "accept": args.accept, "check_runs": args.check_runs,
                                              "root_seed": args.seed, "seconds": round(time.time() - started, 3),
                                              "status": "complete"})
    print(fitted.fitted[["parameter", "value", "q05", "q95", "prior_low", "prior_high"]].to_string(
        index=False, float_format=lambda v: f"{v:.3f}"))
    print(checked.patterns.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"wrote {out}")
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


def _manifest(chosen: list["Scenario"], results: list["Results"], args: argparse.Namespace,
              started: float) -> dict[str, object]:
    from sim.model.streams import PROCESSES
    from sim.store.provenance import environment
    return {
        **environment(),
        "scenarios": [c.name for c in chosen],
        "scenario_files": {name: digest for c in chosen for name, digest in c.file_hashes.items()},
        "resolved": [c.describe() for c in chosen],
        "parties_at_start": [int(r.runs["parties_start"].iloc[0]) for r in results],
        "runs": args.runs,
        "root_seed": args.seed,
        "run_seeds": {"rule": "numpy SeedSequence(root_seed, spawn_key=(run, process))",
                      "runs": list(range(args.runs)), "processes": list(PROCESSES)},
        "started": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 3),
        "status": "complete",
    }


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {
    "list": ("named scenarios with their descriptions", _list_arguments, _list),
    "show": ("a scenario's resolved parameters and events", _show_arguments, _show),
    "states": ("the table of states as of a date", _states_arguments, _states),
    "run": ("run an ensemble of a scenario", _run_arguments, _run),
    "compare": ("run scenarios with common random numbers and compare them", _compare_arguments, _compare),
    "plot": ("render figures from a saved results folder", _plot_arguments, _plot),
    "backtest": ("score forecasts made at a past cutoff against the record", _backtest_arguments, _backtest),
    "calibrate": ("fit the parameters the literature leaves open to the record", _calibrate_arguments, _calibrate),
    "report": ("write a brief (Markdown, HTML, PDF) from a results folder", _report_arguments, _report),
    "sweep": ("run a design of parameter sets, each several times", _sweep_arguments, _sweep),
}  # name: (help, its arguments, the command)


if __name__ == "__main__":
    sys.exit(main())
