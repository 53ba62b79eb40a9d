"""Briefs: a results folder summarised for a policy paper as Markdown, HTML and PDF.

A brief holds the key numbers, the figures, the scenarios' descriptions, the model's assumptions and
limits, and the provenance. It is made from the saved tables alone.
"""

import importlib.resources
import json
import textwrap
from pathlib import Path

import markdown
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

from sim.experiments.compare import comparison_table  # noqa: E402
from sim.model.ensemble import Results  # noqa: E402
from sim.outputs import render  # noqa: E402
from sim.outputs.figures import KINDS, kinds_for  # noqa: E402
from sim.store.folders import ResultFolder, load  # noqa: E402

LIMITS = Path(str(importlib.resources.files("sim.outputs"))) / "text" / "limits.md"
PAGE = (8.27, 11.69)  # A4, inches


def key_numbers(folder: ResultFolder) -> pd.DataFrame:
    """The table a reader looks for first."""
    if folder.kind == "sweep":
        columns = [c for c in folder.points.columns if c not in ("runs",)]
        return folder.points[columns].round(3)
    if folder.kind == "compare":
        table = folder.comparison
    else:
        tables = folder.scenarios[0]
        table = comparison_table([tables.label], [Results(tables.runs, tables.timeseries, tables.events)])
    keep = {"scenario": "scenario", "parties_2030_median": "parties end-2030", "parties_2035_median": "parties end-2035",
            "parties_2035_q05": "2035 q05", "parties_2035_q95": "2035 q95", "p_further_exits_ge1_by_2035": "P(>=1 exit)",
            "p_further_exits_ge5_by_2035": "P(>=5 exits)", "population_share_2035_median": "population share 2035",
            "diff_parties_2035_mean": "paired diff 2035", "diff_parties_2035_mean_lo": "diff lo",
            "diff_parties_2035_mean_hi": "diff hi"}
    if folder.kind == "run":  # a single scenario has no paired differences
        keep = {k: v for k, v in keep.items() if not k.startswith("diff")}
    return table[[c for c in keep if c in table.columns]].rename(columns=keep).round(2)


def _descriptions(folder: ResultFolder) -> list[tuple[str, str]]:
    resolved = folder.manifest["resolved"]
    return [(r["name"], r["description"]) for r in (resolved if isinstance(resolved, list) else [resolved])]


def brief_markdown(folder: ResultFolder, figures: list[tuple[str, str]]) -> str:
    """The brief as Markdown; `figures` are (image path relative to the brief, caption)."""
    provenance = folder.provenance()
    parts = [f"# iccsim brief: {', '.join(dict.fromkeys(provenance['scenarios']))}",
             f"{provenance['runs']} runs per {provenance['runs_per']}, root seed {provenance['seed']}, "
             f"{provenance['start']} to "
             f"{provenance['horizon']}; iccsim {provenance['iccsim_version']}, data to {provenance['data_end']}.",
             "## Key numbers", key_numbers(folder).to_markdown(index=False),
             "Parties: median and 5-95 % range over runs at the end of the year; further exits: withdrawals "
             "taking effect by the end of 2035 other than those pending at the start; differences: paired runs, "
             "mean with its 90 % confidence interval." if folder.kind != "sweep" else
             "One row per design point: parameter values and outcomes at the end of the run.",
             "## Figures"]
    parts += [f"![{caption}]({path})\n\n*{caption}*" for path, caption in figures]
    parts += ["## Scenarios"] + [f"**{name}.** {text}" for name, text in _descriptions(folder)]
    parts += [LIMITS.read_text(encoding="utf-8").strip(),
              "## Provenance", "```json\n" + json.dumps(folder.manifest_summary(), indent=2) + "\n```"]
    return "\n\n".join(parts) + "\n"


def _text_page(pdf: PdfPages, title: str, blocks: list[str]) -> None:
    fig = plt.figure(figsize=PAGE, layout="none")
    y = 0.95
    fig.text(0.08, y, title, fontsize=14, weight="bold", va="top")
    y -= 0.05
    for block in blocks:
        for line in textwrap.wrap(block, 95) or [""]:
            if y < 0.05:
                pdf.savefig(fig)
                plt.close(fig)
                fig, y = plt.figure(figsize=PAGE, layout="none"), 0.95
            fig.text(0.08, y, line, fontsize=8.5, va="top", family="DejaVu Sans")
            y -= 0.018
        y -= 0.012
    pdf.savefig(fig)
    plt.close(fig)


def _table_page(pdf: PdfPages, table: pd.DataFrame) -> None:
    shown = table.T.reset_index() if len(table.columns) > 8 and len(table) <= 12 else table
    fig = plt.figure(figsize=PAGE[::-1], layout="none")
    ax = fig.add_axes((0.03, 0.05, 0.94, 0.85))
    ax.axis("off")
    fig.text(0.03, 0.95, "Key numbers", fontsize=12, weight="bold")
    cells = ax.table(cellText=shown.astype(str).to_numpy(), colLabels=[str(c) for c in shown.columns],
                     loc="upper left", cellLoc="left")
    cells.auto_set_font_size(False)
    cells.set_fontsize(6)
    pdf.savefig(fig)
    plt.close(fig)


def write(path: Path) -> list[Path]:
    """Write brief.md, brief.html and brief.pdf, with the figures they show, into the folder's `report/`."""
    folder = load(path)
    out = folder.path / "report"
    out.mkdir(exist_ok=True)
    render.plot(folder, None, ("png",), "double", out / "figures")
    figures = [figure for kind in kinds_for(folder) for figure in KINDS[kind][1](folder)]
    listed = [(f"figures/{f.name}.png", f.caption) for f in figures]
    text = brief_markdown(folder, listed)
    (out / "brief.md").write_text(text, encoding="utf-8")
    html = markdown.markdown(text, extensions=["tables", "fenced_code"])
    (out / "brief.html").write_text(f"<!doctype html>\n<html><head><meta charset='utf-8'><title>iccsim brief"
                                    f"</title></head><body>\n{html}\n</body></html>\n", encoding="utf-8")
    provenance = folder.provenance()
    with plt.style.context(render.STYLE), PdfPages(out / "brief.pdf", metadata={
            "Title": "iccsim brief", "Keywords": json.dumps(provenance), "CreationDate": None, "Producer": None}) as pdf:
        _text_page(pdf, f"iccsim brief: {', '.join(dict.fromkeys(provenance['scenarios']))}",
                   [text.split("## Key numbers")[0].split("\n\n", 1)[1].strip()]
                   + [f"{name}: {description}" for name, description in _descriptions(folder)])
        _table_page(pdf, key_numbers(folder))
        for figure in figures:
            canvas = plt.figure(figsize=(render.WIDTHS["double"], render.WIDTHS["double"] * figure.aspect))
            canvas.suptitle(figure.title, fontsize=8)
            figure.draw(canvas, figure.data)
            pdf.savefig(canvas)
            plt.close(canvas)
        _text_page(pdf, "Assumptions, limits and provenance",
                   [line for line in LIMITS.read_text(encoding="utf-8").splitlines() if line.strip()]
                   + [json.dumps(folder.manifest_summary(), indent=None)])
    return [out / "brief.md", out / "brief.html", out / "brief.pdf"]
