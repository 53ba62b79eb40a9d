"""The `iccsim` command line: list, show, states and run."""

import argparse
import dataclasses
import datetime as dt
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import NoReturn

import pandas as pd
from tqdm import tqdm

from sim import __version__
from sim.core.errors import UserError
from sim.core.months import format_month, parse_date, parse_month
from sim.core.params import Params
from sim.data import datasets
from sim.data import posterior as posteriors
from sim.data.posterior import Posterior
from sim.data.world import build_world
from sim.experiments import backtest as backtests
from sim.experiments import calibration, execution, inference_check, sweep, sweep_folder
from sim.experiments import design as designs
from sim.experiments.compare import comparison_table
from sim.model import scenario as scenarios
from sim.model.draws import DRAW_STREAM, RUNS_PER_DRAW
from sim.model.ensemble import Results, run_ensemble
from sim.model.streams import PROCESSES
from sim.outputs import fitcheck, inference_figure, render, report
from sim.outputs.figures import KINDS
from sim.outputs.render import WIDTHS
from sim.store import folders
from sim.store.exits import exits_table, group_exits
from sim.store.output import reserve, staged_folder, write_json, write_table
from sim.store.provenance import environment
from sim.store.summary import describe_split, summarise, variance_split


PARAMS_MODES = ("posterior", "median")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UserError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="iccsim", description="Scenario simulator of withdrawals from the Rome Statute.")
    parser.add_argument("--version", action="version", version=f"iccsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("list", help="named scenarios with their descriptions")
    show = commands.add_parser("show", help="a scenario's resolved parameters and events")
    show.add_argument("scenario")
    states = commands.add_parser("states", help="the table of states as of a date")
    states.add_argument("--as-of", default=str(datasets.DATA_END), help="YYYY-MM-DD (default: the data's end)")
    states.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    run = commands.add_parser("run", help="run an ensemble of a scenario")
    run.add_argument("scenario", help="a scenario name (see `iccsim list`) or a path to a .toml file")
    run.add_argument("--runs", type=_positive, default=200, help="number of runs (default: 200)")
    run.add_argument("--seed", type=_seed, default=0, help="root seed (default: 0)")
    run.add_argument("--start", help="YYYY-MM, overrides the scenario's start")
    run.add_argument("--end", help="YYYY-MM, overrides the scenario's end")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a parameter")
    run.add_argument("--out", type=Path, help="output folder (default: results/<scenario>-<timestamp>)")
    _params_options(run)
    compare = commands.add_parser("compare", help="run scenarios with common random numbers and compare them")
    compare.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="names or .toml paths; the first is "
                         "the reference for paired differences")
    compare.add_argument("--runs", type=_positive, default=200, help="runs per scenario (default: 200)")
    compare.add_argument("--seed", type=_seed, default=0, help="root seed, shared by all scenarios (default: 0)")
    compare.add_argument("--out", type=Path, help="output folder (default: results/compare-<timestamp>)")
    _params_options(compare)
    plot = commands.add_parser("plot", help="render figures from a saved results folder")
    plot.add_argument("folder", type=Path, help="a folder written by run, compare or sweep")
    plot.add_argument("--kind", action="append", choices=list(KINDS), help="a figure kind (repeatable; "
                      "default: all that fit the folder)")
    plot.add_argument("--format", default="png", help="png, pdf, svg, comma-separated (default: png)")
    plot.add_argument("--size", choices=list(WIDTHS), default="single", help="journal column width (default: single)")
    backtest = commands.add_parser("backtest", help="score forecasts made at a past cutoff against the record")
    backtest.add_argument("--cutoff", required=True, help="YYYY-MM-DD: the model starts in this month, with the "
                          "data as known on its first day")
    backtest.add_argument("--horizon-months", type=_positive, default=60, help="default: 60")
    backtest.add_argument("--runs", type=_positive, default=500, help="default: 500")
    backtest.add_argument("--seed", type=_seed, default=0, help="default: 0")
    backtest.add_argument("--shocks", choices=backtests.SHOCKS, default="known",
                          help="replay the record's exogenous shocks after the cutoff (known) or none (default: known)")
    backtest.add_argument("--scenario", default="baseline", help="parameters from this scenario (default: baseline)")
    backtest.add_argument("--population", type=_positive, default=backtests.BUDGET.population,
                          help=f"particles per generation of the calibration on the record before the cutoff "
                               f"(see calibrate; default: {backtests.BUDGET.population})")
    backtest.add_argument("--budget", type=_positive, default=backtests.BUDGET.simulations,
                          help=f"runs of that calibration's withdrawal stage (see calibrate; default: "
                               f"{backtests.BUDGET.simulations})")
    _params_options(backtest, sample_file=False)
    backtest.add_argument("--workers", type=_positive, help="local processes (default: all cores; 1 = serial)")
    backtest.add_argument("--out", type=Path, help="output folder (default: results/backtest-<cutoff>-<timestamp>)")
    calibrate = commands.add_parser("calibrate", help="fit the parameters the literature leaves open to the record")
    calibrate.add_argument("--from", dest="start", default=datasets.FIRST_MONTH,
                           help=f"YYYY-MM: the runs start in this month (default: {datasets.FIRST_MONTH})")
    calibrate.add_argument("--to", dest="end", default=datasets.LAST_START_MONTH,
                           help=f"YYYY-MM: the last month of the record fitted (default: {datasets.LAST_START_MONTH})")
    calibrate.add_argument("--population", type=_positive,
                           help=f"particles per generation of the withdrawal stage; the coup stage a quarter "
                                f"(default: {calibration.POPULATION}, {inference_check.BUDGET.population} with "
                                "--check-inference)")
    calibrate.add_argument("--budget", type=_positive,
                           help=f"runs of the withdrawal stage, one per proposed parameter set; the coup stage a "
                                f"quarter (default: {calibration.BUDGET}, {inference_check.BUDGET.simulations} "
                                "per record with --check-inference)")
    calibrate.add_argument("--generations", type=_positive,
                           help=f"ABC-SMC generations at most (default: {calibration.GENERATIONS}, "
                                f"{inference_check.BUDGET.generations} with --check-inference)")
    calibrate.add_argument("--check-runs", type=_positive, default=500,
                           help="runs under the posterior for the predictive checks (default: 500)")
    calibrate.add_argument("--check-inference", action="store_true",
                           help="instead of fitting the record, fit synthetic records made at parameter sets "
                                "drawn from the priors and report coverage and contraction (simulation-based "
                                "calibration)")
    calibrate.add_argument("--records", type=_positive, default=inference_check.RECORDS,
                           help=f"synthetic records for --check-inference (default: {inference_check.RECORDS})")
    calibrate.add_argument("--seed", type=_seed, default=0, help="default: 0")
    calibrate.add_argument("--scenario", default="baseline", help="fixed parameters from this scenario "
                           "(default: baseline)")
    calibrate.add_argument("--workers", type=_positive, help="local processes (default: all cores; 1 = serial)")
    calibrate.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786")
    calibrate.add_argument("--out", type=Path, help="output folder (default: results/calibration-<timestamp>)")
    report = commands.add_parser("report", help="write a brief (Markdown, HTML, PDF) from a results folder")
    report.add_argument("folder", type=Path, help="a folder written by run, compare or sweep")
    sweep = commands.add_parser("sweep", help="run a design of parameter sets, each several times")
    sweep.add_argument("scenario", nargs="?", help="a scenario name or .toml path (not with --resume)")
    sweep.add_argument("--vary", action="append", default=[], metavar="KEY=LOW:HIGH[:N]",
                       help="a parameter to vary over [LOW, HIGH]; N grid levels (default 3); repeatable")
    sweep.add_argument("--design", choices=designs.DESIGNS, help="default: grid")
    sweep.add_argument("--samples", type=_positive,
                       help="LHS points, Sobol base samples (points = N x (k + 2)) or Morris trajectories "
                            "(points = N x (k + 1)); default: 16")
    sweep.add_argument("--design-file", type=Path, help="CSV of explicit parameter sets instead of --vary")
    sweep.add_argument("--runs", type=_positive, help="runs per design point (default: 20)")
    sweep.add_argument("--seed", type=_seed, help="root seed (default: 0)")
    sweep.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="a parameter fixed for the whole sweep")
    sweep.add_argument("--workers", type=_positive, help="local processes (default: all cores; 1 = serial)")
    sweep.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786")
    sweep.add_argument("--resume", type=Path, metavar="DIR", help="finish an interrupted sweep in DIR")
    sweep.add_argument("--out", type=Path, help="output folder (default: results/sweep-<scenario>-<timestamp>)")
    _params_options(sweep)
    return parser


def _params_options(parser: argparse.ArgumentParser, sample_file: bool = True) -> None:
    parser.add_argument("--params", choices=PARAMS_MODES, default=None,
                        help="posterior: run i draws its fitted parameters from the posterior sample (by seed and "
                             "run alone); median: every run at the posterior medians, a point forecast "
                             "(default: posterior)")
    if sample_file:
        parser.add_argument("--posterior", type=Path, metavar="FILE", help="another calibration's posterior.csv "
                            "(default: the sample shipped in sim/data)")


def _posterior(args: argparse.Namespace) -> Posterior | None:
    """The posterior sample the runs draw from, or None for a point forecast at the medians."""
    if (args.params or "posterior") == "median":
        if getattr(args, "posterior", None):
            raise UserError("--posterior FILE draws parameters from a sample; it cannot go with --params median")
        return None
    return posteriors.load(args.posterior) if getattr(args, "posterior", None) else posteriors.shipped()


def _positive(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 1_000_000:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 1000000, got {text!r}")
    return int(text)


def _seed(text: str) -> int:
    if not text.isdigit() or int(text) >= 2**63:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 2^63-1, got {text!r}")
    return int(text)


def _on_terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so that a run stopped by SIGTERM cleans up like one stopped by Ctrl-C


def main(argv: list[str] | None = None) -> int:
    previous = signal.signal(signal.SIGTERM, _on_terminate)
    try:
        args = _parser().parse_args(argv)
        return {"list": _list, "show": _show, "states": _states, "run": _run,
                "compare": _compare, "sweep": _sweep, "plot": _plot, "report": _report,
                "backtest": _backtest, "calibrate": _calibrate}[args.command](args)
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
    for name in scenarios.available():
        loaded = scenarios.load(name)
        print(f"{name:26s} {loaded.title}")
    return 0


def _show(args: argparse.Namespace) -> int:
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
    chosen = scenarios.load(args.scenario)
    chosen = chosen.with_window(parse_month(args.start, "--start") if args.start else None,
                                parse_month(args.end, "--end") if args.end else None)
    chosen = chosen.with_params(_overrides(args.set))
    if ignored := chosen.events_outside_window():
        print(f"iccsim: note: {ignored} scenario event(s) fall outside {format_month(chosen.start + 1)} to "
              f"{format_month(chosen.end)} and are ignored", file=sys.stderr)
    posterior = _posterior(args)
    out = args.out or reserve(_default_out(chosen.name))
    with staged_folder(out, reserved=args.out is None) as folder:
        started = time.time()
        results = _ensemble(chosen, args, posterior)
        _write_results(folder, results, chosen)
        write_json(folder / "manifest.json", _manifest([chosen], [results], args, started, posterior))
        render.plot_folder(folder)
    runs = f"{args.runs} run{'s' if args.runs > 1 else ''}"
    shares = group_exits(results, chosen)
    print(f"P(any further exit by {format_month(chosen.end)}): EU member {shares['p_any_eu_exit']:.3f} "
          f"(other than Hungary {shares['p_any_eu_exit_not_hungary']:.3f}), WEOG state {shares['p_any_weog_exit']:.3f}")
    if posterior is not None:
        print(f"spread at {format_month(chosen.end)}, by the law of total variance over posterior draws:")
        print(describe_split(variance_split(results.runs)))
    print(f"wrote {out} ({runs}, {format_month(chosen.start)} to {format_month(chosen.end)}, "
          f"params: {'posterior' if posterior is not None else 'median'})")
    return 0


def _compare(args: argparse.Namespace) -> int:
    chosen = [scenarios.load(name) for name in args.scenarios]
    labels = folders.labels([c.name for c in chosen])
    posterior = _posterior(args)
    out = args.out or reserve(_default_out("compare"))
    with staged_folder(out, reserved=args.out is None) as folder:
        started = time.time()
        results = []
        for label, scenario in zip(labels, chosen):
            (folder / label).mkdir()
            results.append(_ensemble(scenario, args, posterior))
            _write_results(folder / label, results[-1], scenario)
        table = comparison_table(labels, results, scenarios=chosen)
        table.to_csv(folder / "comparison.csv", index=False)
        write_json(folder / "manifest.json", _manifest(chosen, results, args, started, posterior))
        render.plot_folder(folder)
    print(table[["scenario", "parties_2035_median", "p_further_exits_ge1_by_2035",
                 "diff_parties_2035_mean"]].to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"wrote {out}")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    started = time.time()
    if args.resume:
        given = [name for name in ("scenario", "vary", "design_file", "set", "out", "design", "samples", "runs", "seed",
                                   "params", "posterior") if getattr(args, name)]
        if given:
            raise UserError(f"--resume DIR takes the sweep's settings from DIR; drop {', '.join(given)} "
                            "(only --workers or --scheduler may be given)")
        folder, settings = args.resume, sweep.read_settings(args.resume)
        chosen = sweep_folder.resumed_scenario(settings)
        posterior = _resumed_posterior(settings)
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
        posterior = _posterior(args)
        settings |= {"params": "median" if posterior is None else "posterior",
                     "posterior": None if posterior is None else posterior.describe() | {
                         "file": str(args.posterior.resolve()) if args.posterior else "shipped"}}
        folder = args.out or reserve(_default_out(f"sweep-{chosen.name}"))
        sweep_folder.start(folder, chosen, raw, settings, reserved=args.out is None)
    values = designs.values(raw)
    try:
        with execution.executor(args.workers, args.scheduler) as pool, \
                tqdm(total=len(values), desc=chosen.name, unit="point", disable=None, file=sys.stderr) as bar:
            failures = sweep.execute(folder, chosen, values, settings["runs"], settings["seed"], pool, bar.update,
                                     execution.in_flight(args.workers, args.scheduler), posterior)
    except KeyboardInterrupt:
        print(f"iccsim: interrupted; finished points are kept in {folder}: continue with "
              f"iccsim sweep --resume {folder}", file=sys.stderr)
        return 130
    sweep_folder.finish(folder, chosen, raw, values, settings, failures, started)
    render.plot_folder(folder)
    print(f"wrote {folder} ({len(values)} points x {settings['runs']} runs"
          + (f"; {len(failures)} points failed, see errors.csv)" if failures else ")"))
    return 0


def _resumed_posterior(settings: dict) -> Posterior | None:
    """The posterior sample a sweep being resumed draws from, refusing one that changed since it started."""
    recorded = settings["posterior"]
    if settings["params"] == "median" or recorded is None:
        return None
    sample = posteriors.shipped() if recorded["file"] == "shipped" else posteriors.load(Path(recorded["file"]))
    if sample.sha256 != recorded["sha256"]:
        raise UserError(f"--resume: the posterior sample changed since the sweep started ({recorded['file']})")
    return sample


def _default_out(name: str) -> Path:
    """results/<name>-<timestamp> (see output.reserve for names already taken)."""
    return Path("results") / f"{name}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def _ensemble(chosen: scenarios.Scenario, args: argparse.Namespace, posterior: Posterior | None) -> Results:
    with tqdm(total=args.runs, desc=chosen.name, unit="run", disable=None, file=sys.stderr) as bar:
        return run_ensemble(chosen, args.runs, args.seed, progress=bar.update, posterior=posterior)


def _write_results(folder: Path, results: Results, chosen: scenarios.Scenario) -> None:
    """A scenario's run tables, their summary, who leaves (exits.csv) and, under the posterior, the
    variance split."""
    for name in ("runs", "timeseries", "events"):
        write_table(folder, name, getattr(results, name))
    summarise(results.timeseries).to_csv(folder / "summary.csv", index=False)
    exits_table(results, chosen).to_csv(folder / "exits.csv", index=False)
    if "draw" in results.runs:
        variance_split(results.runs).to_csv(folder / "variance.csv", index=False)


def _backtest(args: argparse.Namespace) -> int:
    cutoff = parse_date(args.cutoff, "--cutoff")
    template = scenarios.load(args.scenario)
    backtests.scenario_at(template, cutoff, args.horizon_months, args.shocks)  # checks the window first
    out = args.out or reserve(_default_out(f"backtest-{cutoff}"))
    with staged_folder(out, reserved=args.out is None) as folder:
        started = time.time()
        with execution.executor(args.workers, None) as pool:
            budget = calibration.Budget(args.population, args.budget)
            result = backtests.run(template, cutoff, args.horizon_months, args.runs, args.seed, args.shocks,
                                   budget, pool, point=args.params == "median",
                                   in_flight=execution.in_flight(args.workers, None) or 64)
        result.states.to_csv(folder / "forecasts.csv", index=False)
        result.scores.to_csv(folder / "scores.csv", index=False)
        calibration.adopted(result.calibration, args.seed).to_csv(folder / "calibration.csv", index=False)
        write_json(folder / "manifest.json", {**environment(), "cutoff": str(cutoff), "horizon_months":
                                              args.horizon_months, "runs": args.runs, "root_seed": args.seed,
                                              "shocks": args.shocks, "scenario": template.name,
                                              "calibration_budget": dataclasses.asdict(budget),
                                              "params": args.params or "posterior",
                                              "posterior": None if args.params == "median" else
                                              "the backtest's own calibration on the record before the cutoff",
                                              "seconds": round(time.time() - started, 3), "status": "complete"})
    print(result.scores.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    hits = result.states[result.states["announced"] == 1]
    print("announced:", ", ".join(f"{r.iso3} (rank {r.model_rank})" for r in hits.itertuples()) or "none")
    print(f"wrote {out}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    start, end = parse_month(args.start, "--from"), parse_month(args.end, "--to")
    template = scenarios.load(args.scenario)
    calibration.stages(template, start, end)  # checks the window before anything runs
    default = inference_check.BUDGET if args.check_inference else calibration.Budget(
        calibration.POPULATION, calibration.BUDGET)
    budget = calibration.Budget(args.population or default.population, args.budget or default.simulations,
                                args.generations or default.generations, default.batch)
    out = args.out or reserve(_default_out("inference-check" if args.check_inference else "calibration"))
    runs = sum(budget.for_stage(name).simulations for name in ("coups", "withdrawals"))
    runs *= args.records if args.check_inference else 1
    with staged_folder(out, reserved=args.out is None) as folder:
        started = time.time()
        provenance = {**environment(), "scenarios": [template.name], "runs": args.check_runs, "runs_per": "posterior predictive check",
                      "seed": args.seed, "start": format_month(start), "horizon": format_month(end)}
        with execution.executor(args.workers, args.scheduler) as pool, \
                tqdm(total=runs, desc="calibrate", unit="run", disable=None, file=sys.stderr) as bar:
            in_flight = execution.in_flight(args.workers, args.scheduler) or 64
            if args.check_inference:
                checked = inference_check.check(template, start, end, args.records, budget, args.seed, pool,
                                                in_flight, bar.update)
            else:
                fitted = calibration.fit(template, start, end, budget, args.seed, pool, in_flight, bar.update)
        if args.check_inference:
            checked.records.to_csv(folder / "records.csv", index=False)
            checked.summary.to_csv(folder / "inference_check.csv", index=False)
            render.render(inference_figure.figure(checked), folder / "figures", ("png", "pdf"), "double", provenance)
        else:
            predictive = fitcheck.check(fitted, template, args.check_runs, args.seed)
            calibration.adopted(fitted, args.seed).to_csv(folder / "calibration.csv", index=False)
            fitted.posterior.to_csv(folder / "posterior.csv", index=False)
            fitted.fitted.to_csv(folder / "fitted.csv", index=False)
            fitted.particles.to_csv(folder / "particles.csv", index=False)
            fitted.generations.to_csv(folder / "generations.csv", index=False)
            predictive.statistics.to_csv(folder / "predictive.csv", index=False)
            predictive.patterns.to_csv(folder / "patterns.csv", index=False)
            render.render(fitcheck.figure(predictive), folder / "figures", ("png", "pdf"), "double", provenance)
        write_json(folder / "manifest.json", {**environment(), "window": [format_month(start + 1), format_month(end)],
                                              "scenario": template.name, "method": calibration.METHOD,
                                              "budget": dataclasses.asdict(budget),
                                              "check_inference": args.check_inference,
                                              "records": args.records if args.check_inference else None,
                                              "check_runs": args.check_runs, "root_seed": args.seed,
                                              "seconds": round(time.time() - started, 3), "status": "complete"})
    table = checked.summary if args.check_inference else fitted.fitted[
        ["parameter", "value", "q05", "q95", "prior_low", "prior_high", "contraction"]]
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if not args.check_inference:
        print(predictive.patterns.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"wrote {out}")
    return 0


def _report(args: argparse.Namespace) -> int:
    written = report.write(args.folder)
    print(f"wrote {', '.join(str(p) for p in written)}")
    return 0


def _plot(args: argparse.Namespace) -> int:
    written = render.plot_folder(args.folder, args.kind, render.parse_formats(args.format), args.size)
    print(f"wrote {len(written)} files in {args.folder / 'figures'}")
    return 0


def _params_entry(posterior: Posterior | None) -> dict[str, object]:
    """What the manifest says about the parameters: point or posterior, and which sample with its hash."""
    if posterior is None:
        return {"params": "median", "posterior": None}
    return {"params": "posterior", "posterior": posterior.describe() | {
        "rule": f"runs {RUNS_PER_DRAW}k..{RUNS_PER_DRAW}k+{RUNS_PER_DRAW - 1} use draw "
                f"PCG64(SeedSequence(root_seed, spawn_key=(k, {DRAW_STREAM}))).integers(draws); the runs table "
                "names each run's draw; parameters a scenario sets are kept"}}


def _manifest(chosen: list[scenarios.Scenario], results: list[Results], args: argparse.Namespace,
              started: float, posterior: Posterior | None) -> dict[str, object]:
    return {
        **environment(),
        "scenarios": [c.name for c in chosen],
        "scenario_files": {name: digest for c in chosen for name, digest in c.file_hashes.items()},
        "resolved": [c.describe() for c in chosen],
        "parties_at_start": [int(r.runs["parties_start"].iloc[0]) for r in results],
        "runs": args.runs,
        "root_seed": args.seed,
        **_params_entry(posterior),
        "run_seeds": {"rule": "numpy SeedSequence(root_seed, spawn_key=(run, process))",
                      "runs": list(range(args.runs)), "processes": list(PROCESSES)},
        "started": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 3),
        "status": "complete",
    }


if __name__ == "__main__":
    sys.exit(main())
