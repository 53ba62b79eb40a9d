"""Briefs: a results folder summarised for a policy paper, typeset as PDF (A4 and Letter, with Typst),
and as a self-contained HTML page and Markdown.

A brief opens with the headline numbers in words and a table of key numbers, then every figure with
its caption, the scenarios' descriptions, the model's assumptions and limits, the provenance and a
line to cite it by. It is made from the saved tables alone; the dates it reports on follow the
scenario's window (see `reporting`).
"""

import base64
import dataclasses
import importlib.resources
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import markdown
import pandas as pd
import typst

from sim.core.errors import UserError
from sim.data.world import build_world
from sim.core.months import first_day, parse_month
from sim.experiments.compare import comparison_table
from sim.model.ensemble import Results
from sim.outputs import labels, render
from sim.outputs.figures import KINDS, Figure, kinds_for
from sim.outputs.reporting import reporting_months
from sim.store.atomic import staged_files, write_file, write_text
from sim.store.folders import ResultFolder, load
from sim.store.summary import variance_split

TEXT = Path(str(importlib.resources.files("sim.outputs"))) / "text"
PAPERS = {"brief.pdf": "a4", "brief-letter.pdf": "us-letter"}
FIGURE_SIZE = "page"  # printed unscaled, so the figures' type keeps its size on paper
DASH = "\u2013"


@dataclasses.dataclass(frozen=True)
class KeyNumbers:
    """The key-numbers table as a reader sees it: formatted cells, column alignment and notes."""

    table: pd.DataFrame  # strings only
    align: list[str]
    note: str


def _whole(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.0f}"


def _share(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{100 * value:.0f} %"


def _signed(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:+.1f}".replace("-", "\u2212")


def _results(folder: ResultFolder) -> list[Results]:
    return [Results(t.runs, t.timeseries, t.events) for t in folder.scenarios]


def _window(folder: ResultFolder) -> tuple[str, str]:
    provenance = folder.provenance()
    return provenance["start"], provenance["horizon"]


def numbers(folder: ResultFolder) -> pd.DataFrame:
    """The unformatted comparison table at the folder's reporting months (run and compare folders)."""
    return comparison_table([t.label for t in folder.scenarios], _results(folder), reporting_months(*_window(folder)))


def key_numbers(folder: ResultFolder) -> KeyNumbers:
    """The table a reader looks for first, rounded as it should be printed."""
    if folder.kind == "sweep":
        return _sweep_numbers(folder)
    months = reporting_months(*_window(folder))
    years = [m[:4] for m in months]
    last = years[-1]
    table = numbers(folder)
    shown = pd.DataFrame({"Scenario": table["scenario"]})
    if len(years) > 1:
        shown[f"States Parties, end {years[0]}"] = table[f"parties_{years[0]}_median"].map(_whole)
    shown[f"States Parties, end {last}"] = [
        f"{_whole(m)} ({_whole(lo)}{DASH}{_whole(hi)})" for m, lo, hi in
        zip(table[f"parties_{last}_median"], table[f"parties_{last}_q05"], table[f"parties_{last}_q95"])]
    shown[f"\u2265 1 further exit by {last}"] = table[f"p_further_exits_ge1_by_{last}"].map(_share)
    shown[f"\u2265 5 further exits by {last}"] = table[f"p_further_exits_ge5_by_{last}"].map(_share)
    shown[f"World population in parties, {last}"] = table[f"population_share_{last}_median"].map(_share)
    note = (f"States Parties at the end of each year: median over runs, rounded to whole parties, with the range "
            f"of 90 % of runs in brackets. Further exits: withdrawals that take effect by the end of {last} other "
            "than those pending at the start, as the share of runs with at least one or five. World population "
            "in parties: median share of the world's population living in States Parties.")
    if folder.kind == "compare":
        reference = folder.scenarios[0].label
        shown[f"Difference from {reference}, {last}"] = ["reference"] + [
            f"{_signed(m)} ({_signed(lo)} to {_signed(hi)})" for m, lo, hi in
            zip(table[f"diff_parties_{last}_mean"], table[f"diff_parties_{last}_mean_lo"],
                table[f"diff_parties_{last}_mean_hi"])][1:]
        note += (f" Difference: the mean over paired runs of the change in States Parties at the end of {last} "
                 f"against {reference}, with its 90 % confidence interval.")
    return KeyNumbers(shown, ["left"] + ["right"] * (len(shown.columns) - 1), note)


def _sweep_numbers(folder: ResultFolder) -> KeyNumbers:
    factors = folder.manifest.get("factors", [])
    rows = pd.DataFrame({"Parameter varied": [labels.parameter(f["name"]) for f in factors],
                         "Name": [f["name"] for f in factors],
                         "Range": [f"{f['low']:g} to {f['high']:g}" for f in factors]})
    points = folder.points
    ends = {"low": [], "high": []}
    for f in factors:
        fifth = (f["high"] - f["low"]) / 5
        ends["low"].append(points.loc[points[f["name"]] <= f["low"] + fifth, "parties_end_mean"].mean())
        ends["high"].append(points.loc[points[f["name"]] >= f["high"] - fifth, "parties_end_mean"].mean())
    rows["States Parties at the end, low end"] = [f"{v:.1f}" for v in ends["low"]]
    rows["States Parties at the end, high end"] = [f"{v:.1f}" for v in ends["high"]]
    note = ("The parameters the sweep varied and the range of each; the mean number of States Parties at the end of "
            "the run over the design points in the lowest and in the highest fifth of the parameter's range (the "
            "other parameters averaged over), one decimal because these are means over runs.")
    if folder.sensitivity is not None:
        indices = folder.sensitivity[folder.sensitivity["outcome"] == "parties_end_mean"]
        for index in dict.fromkeys(indices["index"]):
            values = indices[indices["index"] == index].set_index("parameter")["value"]
            rows[labels.index(index).capitalize()] = [
                f"{min(max(values[f['name']], 0.0), 1.0) if index in ('S1', 'ST') else values[f['name']]:.2f}"
                for f in factors]
        sobol = "ST" in set(indices["index"])
        note += (" Sensitivity of the mean number of States Parties at the end: " + (
            "Sobol indices are the share of its variance due to the parameter alone (first-order) or with its "
            "interactions (total), shown within [0, 1]." if sobol else
            "Morris mu* is the mean absolute change of it per step of the parameter, sigma the spread of those "
            "changes."))
    return KeyNumbers(rows, ["left", "left", "right"] + ["right"] * (len(rows.columns) - 3), note)


def headline(folder: ResultFolder) -> list[str]:
    """The findings in words, for the first lines of the brief."""
    if folder.kind == "sweep":
        points = folder.points
        words = [f"Over {len(points)} design points of {folder.provenance()['scenarios'][0]}, the mean number of "
                 f"States Parties at the end of the run ({_window(folder)[1]}) ranges from "
                 f"{points['parties_end_mean'].min():.0f} to {points['parties_end_mean'].max():.0f}."]
        if folder.sensitivity is not None:
            rows = folder.sensitivity[folder.sensitivity["outcome"] == "parties_end_mean"]
            kind = "ST" if "ST" in set(rows["index"]) else "mu_star"
            top = rows[rows["index"] == kind].sort_values("value", ascending=False).iloc[0]
            value = min(max(top["value"], 0.0), 1.0) if kind == "ST" else top["value"]
            words.append(f"The parameter that matters most for it is the {labels.parameter(top['parameter'])} "
                         f"({top['parameter']}; {labels.index(kind)} index {value:.2f}).")
        return words
    months = reporting_months(*_window(folder))
    last = months[-1][:4]
    table = numbers(folder).set_index("scenario")
    first = folder.scenarios[0]
    start_parties = int(first.runs["parties_start"].iloc[0]) if "parties_start" in first.runs else None
    row = table.loc[first.label]
    pending = int((build_world(first_day(parse_month(_window(folder)[0]))).table["status"] == "notified").sum())
    words = [f"Under {first.label}, the Rome Statute has {_whole(row[f'parties_{last}_median'])} States Parties at "
             f"the end of {last} in the "
             f"median run (90 % of runs: {_whole(row[f'parties_{last}_q05'])} to "
             f"{_whole(row[f'parties_{last}_q95'])})" + (f", against {start_parties} at the start."
                                                         if start_parties is not None else "."),
             f"In {_share(row[f'p_further_exits_ge1_by_{last}'])} of runs at least one more withdrawal takes "
             f"effect by the end of {last}, "
             + (f"beyond the {pending} pending at the start" if pending else "none being pending at the start")
             + "; in "
             f"{_share(row[f'p_further_exits_ge5_by_{last}'])}, at least five."]
    words.append(_spread(first.runs))
    if folder.kind == "compare" and len(table) > 1:
        effects = table[f"diff_parties_{last}_mean"].iloc[1:].dropna()
        if len(effects):
            worst, best = effects.idxmin(), effects.idxmax()
            words.append(f"Against {first.label}, {worst} changes the count most for the worse "
                         f"({_signed(effects[worst])} parties on average at the end of {last}, 90 % interval "
                         f"{_signed(table.at[worst, f'diff_parties_{last}_mean_lo'])} to "
                         f"{_signed(table.at[worst, f'diff_parties_{last}_mean_hi'])})"
                         + (f" and {best} most for the better ({_signed(effects[best])})." if best != worst else "."))
    return words


def _spread(runs: pd.DataFrame) -> str:
    """Where the spread of parties at the end comes from: posterior draws or run-to-run chance."""
    if "draw" not in runs:
        return ("Every run used the posterior medians of the fitted parameters (a point forecast), so the ranges "
                "are run-to-run chance only.")
    row = variance_split(runs).set_index("outcome").loc["parties_end"]
    return (f"Each run drew its fitted parameters from the posterior: of the variance in States Parties at the end, "
            f"{_share(row['parameter_share'])} comes from what the record leaves uncertain about them and the rest "
            f"from run-to-run chance.")


def _limits() -> list[list[dict[str, Any]]]:
    """The limits text as bullets, each a list of plain and code segments (code was in backticks)."""
    text = (TEXT / "limits.md").read_text(encoding="utf-8")
    bullets = [" ".join(item.split()) for item in re.split(r"\n- ", "\n" + text.split("\n", 1)[1].strip())[1:]]
    return [[{"text": part, "code": i % 2 == 1} for i, part in enumerate(item.split("`")) if part]
            for item in bullets]


def _scenarios(folder: ResultFolder) -> list[dict[str, str]]:
    resolved = folder.manifest["resolved"]
    return [{"name": r["name"], "title": r["title"], "description": r["description"]}
            for r in (resolved if isinstance(resolved, list) else [resolved])]


def _made(folder: ResultFolder) -> str:
    stamp = folder.manifest.get("started") or folder.manifest.get("updated") or ""
    return stamp[:10] or "undated"


def _provenance(folder: ResultFolder) -> list[tuple[str, str]]:
    m, p = folder.manifest, folder.provenance()
    rows = [("iccsim", f"{p['iccsim_version']}, commit {(p['git_commit'] or 'unknown')[:12]}"
             + (" (with uncommitted changes)" if m.get("git_uncommitted_changes") else "")),
            ("command", " ".join(m.get("command", []))),
            ("scenarios", ", ".join(p["scenarios"])),
            ("window", f"{p['start']} to {p['horizon']}"),
            ("runs", f"{p['runs']} {p['runs_per']}, root seed {p['seed']}"),
            ("data", f"to {p['data_end']}"),
            ("made", f"{_made(folder)}, in {m.get('seconds', 'n/a')} s; status {m.get('status', 'n/a')}"),
            ("software", f"Python {m.get('python', 'n/a')}, Mesa {m.get('mesa', 'n/a')}")]
    if "params" in m:
        sample = m.get("posterior") or {}
        rows.append(("parameters", f"posterior sample ({sample.get('source')}, {sample.get('draws')} draws, SHA-256 "
                                   f"{str(sample.get('sha256'))[:12]})" if m["params"] == "posterior"
                     else "posterior medians (point forecast)"))
    files = m.get("scenario_files") or {}
    if files:
        rows.append(("scenario files (SHA-256)", "; ".join(f"{name} {digest[:12]}" for name, digest in files.items())))
    return rows


def _cite(folder: ResultFolder) -> str:
    p = folder.provenance()
    return (f"iccsim {p['iccsim_version']} (commit {(p['git_commit'] or 'unknown')[:7]}), "
            f"{', '.join(p['scenarios'])}: {p['runs']} runs {p['runs_per']}, root seed {p['seed']}, "
            f"{p['start']} to {p['horizon']}, data to {p['data_end']}; brief of {_made(folder)}.")


def _title(folder: ResultFolder) -> str:
    names = list(dict.fromkeys(folder.provenance()["scenarios"]))
    if folder.kind == "sweep":
        return f"Which assumptions matter: a sweep of {names[0]}"
    if folder.kind == "compare":
        return f"Scenarios compared: {len(names)} futures for the Rome Statute"
    return f"The Rome Statute to {_window(folder)[1][:4]}: {names[0]}"


def content(folder: ResultFolder, figures: list[Figure]) -> dict[str, Any]:
    """Everything a brief says, as data for the typeset template and the Markdown."""
    p = folder.provenance()
    key = key_numbers(folder)
    return {
        "title": _title(folder),
        "short_title": _title(folder),
        "kind_line": {"run": "iccsim brief · scenario run", "compare": "iccsim brief · scenario comparison",
                      "sweep": "iccsim brief · parameter sweep"}[folder.kind],
        "date": _made(folder),
        "runs_line": f"{p['runs']} runs {p['runs_per']}, {p['start']} to {p['horizon']}, data to {p['data_end']}",
        "headline": headline(folder),
        "table": {"header": [textwrap.fill(c, 16) for c in key.table.columns], "rows": key.table.to_numpy().tolist(),
                  "align": key.align,
                  "note": key.note},
        "figures": [{"name": f.name, "title": f.title, "caption": f.caption, "path": f"figures/{f.name}.svg",
                     "width": render.WIDTHS[FIGURE_SIZE]} for f in figures],
        "scenarios": _scenarios(folder),
        "limits": _limits(),
        "provenance": _provenance(folder),
        "cite": _cite(folder),
        "cite_short": f"iccsim {p['iccsim_version']}, root seed {p['seed']}",
    }


def brief_markdown(brief: dict[str, Any], image: str = "figures/{name}.png") -> str:
    """The brief as Markdown; `image` gives each figure's address from its name."""
    table = pd.DataFrame(brief["table"]["rows"], columns=[" ".join(c.split()) for c in brief["table"]["header"]])
    parts = [f"# {brief['title']}", f"*{brief['kind_line']}; {brief['date']}; {brief['runs_line']}.*",
             "\n".join(f"**{line}**" if i == 0 else line for i, line in enumerate(brief["headline"])),
             "## Key numbers", table.to_markdown(index=False, colalign=brief["table"]["align"], disable_numparse=True),
             f"*{brief['table']['note']}*", "## Scenarios"]
    parts += [f"**{s['name']}** — *{s['title']}.* {s['description']}" for s in brief["scenarios"]]
    parts += ["## Figures"]
    for number, fig in enumerate(brief["figures"], start=1):
        parts.append(f"![{fig['title']}]({image.format(name=fig['name'])})\n\n"
                     f"**Figure {number}. {fig['title']}.** {fig['caption']}")
    parts += ["## Assumptions and limits",
              "\n".join("- " + "".join(f"`{s['text']}`" if s["code"] else s["text"] for s in item)
                        for item in brief["limits"])]
    parts += ["## Provenance", "\n".join(f"- **{key}**: {value}" for key, value in brief["provenance"]),
              f"**How to cite.** {brief['cite']}"]
    return "\n\n".join(parts) + "\n"


STYLE = """body{font-family:Georgia,'Libertinus Serif',serif;max-width:46em;margin:2em auto;padding:0 1em;
line-height:1.45;color:#222}h1{font-size:1.6em}h2{color:#0072B2;font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.85em;margin:1em 0}th,td{padding:.25em .6em;border-bottom:1px solid #ccc}
th{border-bottom:2px solid #333;text-align:left}img{max-width:100%}p{margin:.6em 0}"""


def _html(brief: dict[str, Any], figures: Path) -> str:
    """A single file: the figures are embedded as data URIs, so it can be sent on its own."""
    def uri(name: str) -> str:
        return "data:image/png;base64," + base64.b64encode((figures / f"{name}.png").read_bytes()).decode("ascii")
    text = brief_markdown(brief, image="{name}")
    for fig in brief["figures"]:
        text = text.replace(f"]({fig['name']})", f"]({uri(fig['name'])})")
    body = markdown.markdown(text, extensions=["tables"])
    return (f"<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>{brief['title']}</title>"
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def typeset(brief: dict[str, Any], root: Path, paper: str) -> bytes:
    """The brief as PDF, typeset by Typst with its own fonts only (none from the system), so the same
    results give the same file on any machine."""
    try:
        return typst.compile((TEXT / "brief.typ").read_bytes(), root=str(root), format="pdf",
                             ignore_system_fonts=True, sys_inputs={"brief": json.dumps(brief), "paper": paper})
    except typst.TypstError as exc:  # a template or data fault, reported in one line
        raise UserError(f"typesetting the brief failed: {str(exc).splitlines()[0]}") from None


def write(path: Path) -> list[Path]:
    """Write brief.pdf (A4), brief-letter.pdf, brief.html and brief.md, with the figures they show, into
    the folder's `report/` (all of them or none)."""
    folder = load(path)
    final = folder.path / "report"
    with staged_files(final) as out:  # all of them or, if anything fails, none
        render.plot(folder, None, ("png", "svg"), FIGURE_SIZE, out / "figures", titled=False)
        figures = [figure for kind in kinds_for(folder) for figure in KINDS[kind][1](folder)]
        brief = content(folder, figures)
        for name, paper in PAPERS.items():
            typeset_pdf = typeset(brief, out, paper)
            write_file(out / name, lambda temporary: temporary.write_bytes(typeset_pdf))
        write_text(out / "brief.html", _html(brief, out / "figures"))
        write_text(out / "brief.md", brief_markdown(brief))
    return [final / name for name in PAPERS] + [final / "brief.html", final / "brief.md"]
