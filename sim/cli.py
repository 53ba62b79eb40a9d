"""The `iccsim` command line: list, show, states and run."""

import argparse
import datetime as dt
import json
import platform
import sys
import time
from pathlib import Path
from typing import NoReturn

import mesa
from tqdm import tqdm

from sim import __version__, datasets, scenario as scenarios
from sim.ensemble import run_ensemble, world_for
from sim.errors import UserError
from sim.months import format_month, parse_date, parse_month
from sim.output import git_commit, staged_folder, write_json, write_table
from sim.plots import membership_fan
from sim.streams import PROCESSES
from sim.summary import summarise
from sim.world import build_world


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
    run.add_argument("--runs", type=_positive, default=200)
    run.add_argument("--seed", type=_seed, default=0)
    run.add_argument("--start", help="YYYY-MM, overrides the scenario's start")
    run.add_argument("--end", help="YYYY-MM, overrides the scenario's end")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a parameter")
    run.add_argument("--out", type=Path, help="output folder (default: results/<scenario>-<timestamp>)")
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 1_000_000:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 1000000, got {text!r}")
    return int(text)


def _seed(text: str) -> int:
    if not text.isdigit() or int(text) >= 2**63:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 2^63-1, got {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        return {"list": _list, "show": _show, "states": _states, "run": _run}[args.command](args)
    except UserError as exc:
        print(f"iccsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("iccsim: interrupted; nothing was written", file=sys.stderr)
        return 130


def _list(args: argparse.Namespace) -> int:
    for name in scenarios.available():
        loaded = scenarios.load(name)
        print(f"{name:28s} {loaded.description.split('. ')[0].rstrip('.')}")
    return 0


def _show(args: argparse.Namespace) -> int:
    print(json.dumps(scenarios.load(args.scenario).describe(), indent=2))
    return 0


def _states(args: argparse.Namespace) -> int:
    table = build_world(parse_date(args.as_of, "--as-of")).table
    columns = ["iso3", "name", "un_group", "status", "entry_into_force", "notified", "effective",
               "population_thousands", "ideal_point", "divergence", "patron", "patron_strength", "junta",
               "last_coup", "coup_rate", "exposure", "blocs"]
    table = table[columns].copy()
    for column in ("entry_into_force", "notified", "effective", "last_coup"):
        table[column] = table[column].dt.strftime("%Y-%m-%d").fillna("")
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
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or Path("results") / f"{chosen.name}-{stamp}"
    with staged_folder(out) as folder:
        started = time.time()
        world = world_for(chosen)
        with tqdm(total=args.runs, desc=chosen.name, unit="run", disable=None, file=sys.stderr) as bar:
            results = run_ensemble(chosen, args.runs, args.seed, progress=bar.update)
        for name in ("runs", "timeseries", "events"):
            write_table(folder, name, getattr(results, name))
        summary = summarise(results.timeseries)
        summary.to_csv(folder / "summary.csv", index=False)
        (folder / "figures").mkdir()
        membership_fan(summary, chosen.start, f"{chosen.name}: {args.runs} runs, seed {args.seed}",
                       folder / "figures" / "membership.png")
        write_json(folder / "manifest.json", _manifest(chosen, args, world.parties, started))
    print(f"wrote {out} ({args.runs} runs, {format_month(chosen.start)} to {format_month(chosen.end)})")
    return 0


def _manifest(chosen: scenarios.Scenario, args: argparse.Namespace, parties_at_start: int,
              started: float) -> dict[str, object]:
    return {
        "iccsim_version": __version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "command": ["iccsim", *sys.argv[1:]],
        "scenario": chosen.name,
        "scenario_files": chosen.file_hashes,
        "resolved": chosen.describe(),
        "data_end": str(datasets.DATA_END),
        "parties_at_start": parties_at_start,
        "runs": args.runs,
        "root_seed": args.seed,
        "run_seeds": {"rule": "numpy SeedSequence(root_seed, spawn_key=(run, process))",
                      "runs": list(range(args.runs)), "processes": list(PROCESSES)},
        "started": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 3),
        "status": "complete",
    }


if __name__ == "__main__":
    sys.exit(main())
