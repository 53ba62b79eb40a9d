"""Figure kinds: from a saved results folder, the exact numbers to plot and how to draw them.

Each builder returns `Figure`s whose `data` is the table written beside the image, so what a reader
sees can always be checked against a CSV. Drawing only reads that table. Every name a reader sees
comes from `sim.labels`.
"""

import dataclasses
import math
import textwrap
from typing import Callable, Iterator

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PathCollection
from matplotlib.colors import Normalize, to_hex
from matplotlib.figure import Figure as Canvas
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.ticker import MaxNLocator

from sim.core.months import first_day, format_month, parse_month
from sim.core.params import Params
from sim.data import boundaries, datasets
from sim.data.world import IN_STATUTE, observed_parties
from sim.experiments.compare import comparison_table
from sim.model.ensemble import Results, world_at
from sim.outputs import labels
from sim.outputs.reporting import reporting_months
from sim.store.exits import wilson_interval
from sim.store.folders import ResultFolder

# Okabe-Ito without its yellow, then Paul Tol's muted scheme: twelve colours, none repeated, all
# distinguishable under the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#882255", "#999933", "#332288", "#44AA99", "#AA4499")
GREY = "#333333"
REFERENCE = "#777777"  # the reference scenario's median drawn in the other panels
NON_PARTY = "#d9d9d9"  # map fill of states outside the Statute: never a colour of the risk scale
OTHER_LAND = "#f2f2f2"
RISK_MAP = "YlOrRd"  # sequential, light to dark: no grey in it
PATRON_COLOURS = dict(zip(labels.PATRONS, ("#999999", "#D55E00", "#0072B2", "#009E73", "#CC79A7")))
HISTORY_MONTHS = 120  # the record drawn before the start month
RISK_TOP = 15
SMALL = 6.5  # points: the smallest text in any figure at print size
PENDING_MARK, AGAIN_MARK = "\u2020", "\u2021"  # dagger, double dagger


@dataclasses.dataclass(frozen=True)
class Figure:
    """A figure ready to render: file stem, title, caption, plotted numbers and drawing function."""

    name: str
    title: str
    caption: str
    data: pd.DataFrame
    draw: Callable[[Canvas, pd.DataFrame], None]
    aspect: float = 0.6  # height / width
    min_height: float = 0.0  # inches: at least this tall whatever the width
    narrow_aspect: float | None = None  # height / width at one column's width, where the layout changes
    scenarios: tuple[str, ...] | None = None  # those shown, when not all of the folder's


def colours(count: int) -> list[str]:
    """One colour per scenario, none repeated up to the palette's length, then cycling."""
    return [PALETTE[i % len(PALETTE)] for i in range(count)]


def _dates(months: pd.Series) -> list:
    return [first_day(parse_month(m)) for m in months]


def _year_axis(ax) -> None:  # noqa: ANN001 - a matplotlib Axes
    width = ax.get_position().width * ax.figure.get_figwidth()
    ax.xaxis.set_major_locator(mdates.YearLocator(2 if width > 4.5 else 4 if width > 1.8 else 5))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def _names(codes: str) -> str:
    table = datasets.states().set_index("iso3")["name"]
    return ", ".join(table.get(code, code) for code in codes.split(", "))


def _fan(ylabel: str, integer: bool = False) -> Callable[[Canvas, pd.DataFrame], None]:
    """Median with 50 % and 90 % bands; the record and effective-date marks where the data has them."""
    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        ax = fig.subplots()
        dates = _dates(data["month"])
        ax.fill_between(dates, data["q05"], data["q95"], color=PALETTE[0], alpha=0.18, lw=0, label="90 % of runs")
        ax.fill_between(dates, data["q25"], data["q75"], color=PALETTE[0], alpha=0.35, lw=0, label="50 % of runs")
        ax.plot(dates, data["median"], color=PALETTE[0], label="median")
        if "observed" in data and data["observed"].notna().sum() > 1:
            ax.plot(dates, data["observed"], color=GREY, lw=1.0, label="record")
        marked = data[data["effective"].fillna("") != ""] if "effective" in data else data.iloc[:0]
        for month in marked["month"]:
            ax.axvline(first_day(parse_month(month)), color=GREY, lw=0.5, linestyle=":")
        if len(marked):
            note = "; ".join(f"{_names(row.effective)} ({row.month})" for row in marked.itertuples())
            ax.set_title(textwrap.fill(f"Dotted: pending withdrawals take effect, {note}",
                                       int(fig.get_figwidth() * 17)),
                         loc="left", fontsize=SMALL, color=GREY)
        ax.set_ylabel(ylabel)
        if integer:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        _year_axis(ax)
        ax.legend(loc="lower left")
    return draw


def _effective_labels(start: str) -> dict[str, str]:
    """Month -> states whose notified withdrawal takes effect then, as known at the start."""
    table = world_at(parse_month(start), Params()).table
    pending = table[table["status"] == "notified"]
    months: dict[str, list[str]] = {}
    for iso3, day in zip(pending["iso3"], pending["effective"]):
        months.setdefault(format_month(day.year * 12 + day.month - 1), []).append(iso3)
    return {month: ", ".join(sorted(codes)) for month, codes in months.items()}


def membership(folder: ResultFolder) -> list[Figure]:
    tables = folder.scenarios[0]
    rows = tables.summary[tables.summary["measure"] == "parties"][["month", "q05", "q25", "median", "q75", "q95"]]
    start = parse_month(rows["month"].iloc[0])
    history = list(range(max(parse_month("2002-07"), start - HISTORY_MONTHS), start + 1))
    record = pd.DataFrame({"month": [format_month(m) for m in history], "observed": observed_parties(history)})
    data = record.merge(rows, on="month", how="outer").sort_values("month", ignore_index=True)
    effective = _effective_labels(rows["month"].iloc[0])
    data["effective"] = [effective.get(month, "") for month in data["month"]]
    return [Figure("membership", f"States Parties to the Rome Statute: {tables.label}",
                   "States Parties on the first of each month: median over runs, 50 % and 90 % bands; the record "
                   "of up to ten years before the start; dotted lines mark the months in which the withdrawals "
                   "pending at the start take effect.", data, _fan("States Parties", integer=True))]


def population(folder: ResultFolder) -> list[Figure]:
    tables = folder.scenarios[0]
    rows = tables.summary[tables.summary["measure"] == "population_share"].reset_index(drop=True)
    data = pd.concat([rows[["month"]], rows[["q05", "q25", "median", "q75", "q95"]] * 100], axis=1)
    return [Figure("population", f"Share of the world's population in States Parties: {tables.label}",
                   "Share of the world's population (2022 figures for later starts) living in States Parties, "
                   "in per cent: median over runs, 50 % and 90 % bands. Jumps in the upper band are runs in "
                   "which a populous state accedes.", data, _fan("% of world population"))]


def _grid(count: int) -> tuple[int, int]:
    columns = 1 if count == 1 else 2 if count <= 4 else 3 if count <= 9 else 4
    return math.ceil(count / columns), columns


def compare(folder: ResultFolder) -> list[Figure]:
    parts = []
    for tables in folder.scenarios:
        levels = tables.timeseries.groupby("month")["parties"]
        parts.append(pd.DataFrame({"scenario": tables.label, "median": levels.median(),
                                   "q05": levels.quantile(0.05), "q25": levels.quantile(0.25),
                                   "q75": levels.quantile(0.75), "q95": levels.quantile(0.95)}).reset_index())
    data = pd.concat(parts, ignore_index=True)[["scenario", "month", "median", "q05", "q25", "q75", "q95"]]
    reference = folder.scenarios[0].label
    rows, columns = _grid(len(folder.scenarios))

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        names = list(dict.fromkeys(data["scenario"]))
        axes = fig.subplots(*_grid(len(names)), sharex=True, sharey=True, squeeze=False).ravel()
        base = data[data["scenario"] == names[0]]
        for ax, name, colour in zip(axes, names, colours(len(names))):
            part = data[data["scenario"] == name]
            dates = _dates(part["month"])
            ax.fill_between(dates, part["q05"], part["q95"], color=colour, alpha=0.18, lw=0)
            ax.fill_between(dates, part["q25"], part["q75"], color=colour, alpha=0.38, lw=0)
            ax.plot(dates, part["median"], color=colour, lw=1.2)
            if name != names[0]:
                ax.plot(_dates(base["month"]), base["median"], color=REFERENCE, lw=0.8, ls="--")
            ax.set_title(name, fontsize=7.5, loc="left")
            _year_axis(ax)
        for ax in axes[len(names):]:
            ax.set_visible(False)
        fig.supylabel("States Parties", fontsize=8)
        fig.legend(handles=[Patch(color=GREY, alpha=0.18, label="90 % of runs"),
                            Patch(color=GREY, alpha=0.45, label="50 % of runs"),
                            Line2D([], [], color=GREY, lw=1.2, label="median"),
                            Line2D([], [], color=REFERENCE, lw=0.8, ls="--", label=f"median of {names[0]}")],
                   loc="outside lower center", ncols=4)
    return [Figure("compare", "Scenarios compared: States Parties",
                   "States Parties on the first of each month, one panel per scenario: median over runs with "
                   f"50 % and 90 % bands; the dashed line is the median of {reference}, for reference. All "
                   "bands are in compare.csv.", data, draw, aspect=0.25 + 0.27 * rows / max(columns / 2, 1))]


def difference(folder: ResultFolder) -> list[Figure]:
    """Paired differences from the first scenario at the last reporting month: mean and its 90 % interval."""
    month = reporting_months(*_window(folder))[-1]
    year = month[:4]
    results = [Results(t.runs, t.timeseries, t.events) for t in folder.scenarios]
    table = comparison_table([t.label for t in folder.scenarios], results, (month,))
    data = pd.DataFrame({"scenario": table["scenario"], "month": month,
                         "mean": table[f"diff_parties_{year}_mean"], "mean_lo": table[f"diff_parties_{year}_mean_lo"],
                         "mean_hi": table[f"diff_parties_{year}_mean_hi"], "q05": table[f"diff_parties_{year}_q05"],
                         "q95": table[f"diff_parties_{year}_q95"]}).iloc[1:].reset_index(drop=True)
    reference = folder.scenarios[0].label

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        ax = fig.subplots()
        y = np.arange(len(data))[::-1]
        for i, (row, colour) in enumerate(zip(data.itertuples(), colours(len(data) + 1)[1:])):
            ax.plot([row.q05, row.q95], [y[i], y[i]], color=colour, lw=4, alpha=0.25, solid_capstyle="butt")
            ax.errorbar(row.mean, y[i], xerr=[[row.mean - row.mean_lo], [row.mean_hi - row.mean]], fmt="o",
                        color=colour, ms=3.5, capsize=2, lw=1)
            ax.annotate(f"{row.mean:+.1f}".replace("-", "\u2212"), (row.mean, y[i]), xytext=(0, 4),
                        textcoords="offset points", ha="center", fontsize=SMALL, color=GREY)
        ax.axvline(0, color=GREY, lw=0.6)
        ax.set_yticks(y, data["scenario"])
        ax.set_ylim(-0.7, len(data) - 0.3)
        ax.set_xlabel(f"difference from {reference} in States Parties at the end of {year} (paired runs)")
        fig.legend(handles=[Line2D([], [], color=GREY, marker="o", ms=3.5, lw=1, label="mean, 90 % interval"),
                            Line2D([], [], color=GREY, lw=4, alpha=0.25, label="5-95 % of paired runs")],
                   loc="outside lower center", ncols=2)
    return [Figure("difference", f"Effect of each scenario against {reference}",
                   f"Difference in States Parties at the end of {year} from {reference}, run by run (runs are "
                   "paired by their random streams, so the difference is the scenario's effect): the mean "
                   "(labelled) with its 90 % confidence interval, and the 5-95 % range of the per-run "
                   "differences (shaded)." + (" The same numbers are in comparison.csv." if year == "2035" else ""),
                   data, draw, aspect=0.14 + 0.045 * len(data), min_height=1.2 + 0.25 * len(data))]


def _window(folder: ResultFolder) -> tuple[str, str]:
    provenance = folder.provenance()
    return provenance["start"], provenance["horizon"]


def cascade(folder: ResultFolder) -> list[Figure]:
    parts = []
    for tables in folder.scenarios:
        final = tables.timeseries.groupby("run")["further_exits"].last()
        top = max(int(final.max()), 1)
        parts.append(pd.DataFrame({"scenario": tables.label, "at_least": range(1, top + 1),
                                   "share_of_runs": [float((final >= k).mean()) for k in range(1, top + 1)]}))
    data = pd.concat(parts, ignore_index=True)
    horizon = folder.scenarios[0].timeseries["month"].iloc[-1]

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        ax = fig.subplots()
        names = list(dict.fromkeys(data["scenario"]))
        for name, colour in zip(names, colours(len(names))):
            rows = data[data["scenario"] == name]
            ax.plot(rows["at_least"], rows["share_of_runs"], color=colour, lw=1.1, marker="o", ms=2, label=name)
        ax.set_xlabel(f"k further exits by {horizon}")
        ax.set_ylabel("share of runs with at least k")
        ax.set_ylim(0, 1.02)
        ax.set_xlim(left=0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if len(names) > 1:
            fig.legend(loc="outside right upper")
    return [Figure("cascade", "Size of the exit cascade",
                   f"Share of runs in which at least k further withdrawals (other than those pending at the "
                   f"start) have taken effect by {horizon}, for each k.", data, draw,
                   aspect=0.62 if len(folder.scenarios) == 1 else 0.5)]


def _drivers(folder: ResultFolder, codes: list[str]) -> pd.DataFrame:
    """Each state's patron at the start, the two terms adding most to its announcement logit, as the model
    computed them for the folder's `exits.csv` (none for folders written before it existed), and what an
    announcement by it would mean (a new one while a withdrawal is pending, or after a revocation)."""
    resolved = folder.manifest["resolved"]
    resolved = resolved[0] if isinstance(resolved, list) else resolved
    p = Params.build(resolved["parameters"])
    start = first_day(parse_month(resolved["start"]))
    table = world_at(parse_month(resolved["start"]), p).table.set_index("iso3")  # the run's world, cached
    where = folder.path if folder.kind == "run" else folder.path / folder.scenarios[0].label
    top = pd.Series("", index=pd.Index(codes))
    if (where / "exits.csv").exists():
        terms = pd.read_csv(where / "exits.csv", keep_default_na=False).set_index("iso3")["drivers_at_start"]
        positive = terms.map(lambda text: [t.split(" ")[0] for t in text.split("; ") if " +" in t][:2])
        top = positive.reindex(codes).map(
            lambda names: ", ".join(labels.covariate(n) for n in names) if isinstance(names, list) else "")
    return pd.DataFrame({"name": table.loc[codes, "name"], "patron": table.loc[codes, "patron"], "drivers": top,
                         "note": [_status_note(code, table.loc[code], start) for code in codes]})


def _status_note(code: str, row: pd.Series, start) -> str:  # noqa: ANN001 - a date
    """What announcing means for a state: pending withdrawal, or a second announcement."""
    if row["status"] == "notified":
        return f"withdrawal pending (takes effect {row['effective']:%Y-%m}): announcing again after a revocation"
    record = datasets.icc_status()
    past = record[(record["iso3"] == code) & (record["date"] < pd.Timestamp(start))]
    announced, revoked = past[past["event"] == "announced"], past[past["event"] == "revoked"]
    if len(announced) and len(revoked):
        return (f"announced {announced['date'].iloc[-1]:%Y} and revoked {revoked['date'].iloc[-1]:%Y}: "
                "announcing again")
    return ""


def risk(folder: ResultFolder) -> list[Figure]:
    tables = folder.scenarios[0]
    runs = tables.runs["run"].nunique()
    announced = tables.events[tables.events["event"] == "announced"].groupby("iso3")["run"].nunique()
    top = announced.sort_values(ascending=False, kind="stable").head(RISK_TOP)
    bounds = [wilson_interval(int(k), runs, 0.9) for k in top]
    data = pd.DataFrame({"iso3": top.index, "probability": top.to_numpy() / runs,
                         "low": [low for low, _ in bounds], "high": [high for _, high in bounds]})
    data = data.join(_drivers(folder, list(top.index)), on="iso3")
    horizon = tables.timeseries["month"].iloc[-1]

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        ax = fig.subplots()
        rows = data.iloc[::-1].reset_index(drop=True)
        ax.barh(range(len(rows)), rows["probability"], color=[PATRON_COLOURS[p] for p in rows["patron"]],
                xerr=[rows["probability"] - rows["low"], rows["high"] - rows["probability"]],
                error_kw={"lw": 0.6, "capsize": 1.5, "ecolor": GREY})
        marks = [PENDING_MARK if n.startswith("withdrawal pending") else AGAIN_MARK if n else ""
                 for n in rows["note"]]
        ax.set_yticks(range(len(rows)), [f"{name}{mark}" for name, mark in zip(rows["name"], marks)])
        narrow = fig.get_figwidth() < 5  # one column: room for the main factor only
        for y, (high, drivers) in enumerate(zip(rows["high"], rows["drivers"])):
            ax.annotate(drivers.split(", ")[0] if narrow else drivers, (high, y), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=SMALL, color=GREY)
        top = min(max(rows["high"].max() if len(rows) else 0.0, 0.01), 1.0)  # no state announced: an empty axis
        ax.set_xlim(0, top / 0.5)  # the right half holds the factors
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.xaxis.set_major_formatter("{x:g}")
        ticks = [t for t in ax.get_xticks() if 0 <= t <= top + 1e-9]
        ax.set_xticks(ticks)
        ax.spines["bottom"].set_bounds(0, ticks[-1])
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_xlabel(f"P(announce withdrawal by {horizon})", loc="left")
        handles = [Patch(color=PATRON_COLOURS[p], label=labels.patron(p)) for p in dict.fromkeys(data["patron"])]
        notes = [(PENDING_MARK, "withdrawal pending at the start"), (AGAIN_MARK, "announced before, revoked")]
        handles += [Line2D([], [], ls="", label=f"{mark} {text}") for mark, text in notes if mark in marks]
        fig.legend(handles=handles, title="great-power patron at the start", title_fontsize=SMALL,
                   loc="outside lower center", ncols=2 if narrow else 3, handlelength=1.2)
    return [Figure("risk", f"States most likely to announce withdrawal: {tables.label}",
                   f"Share of runs in which each state announces withdrawal by {horizon}, with its 90 % Wilson "
                   f"interval over {runs} runs; colour: the state's great-power patron at the start; beside each "
                   "bar: up to two factors adding most to the state's announcement hazard at the start. "
                   f"{PENDING_MARK}: a withdrawal is already pending; {AGAIN_MARK}: the state announced before and "
                   "revoked.", data, draw, aspect=0.62, min_height=3.8, scenarios=(tables.label,))]


def map_path(polygon: boundaries.Polygon) -> MplPath:
    """A state's outline (its rings) as one matplotlib path."""
    return MplPath.make_compound_path(*(MplPath(ring, closed=True) for ring in polygon))


MAP_PANELS = (("World", (-170, 180, -57, 84)), ("Africa", (-19, 53, -36, 38)))  # longitude, latitude bounds


def map_panels(world: Axes, africa: Axes) -> Iterator[Axes]:
    """The world and Africa panels of a map: each is yielded with the land outside the states drawn, for the
    caller to draw the states on, and then cropped to its bounds and titled."""
    for ax, (title, (x0, x1, y0, y1)) in zip((world, africa), MAP_PANELS):
        ax.add_collection(PathCollection([map_path(p) for p in boundaries.territories()], facecolors=OTHER_LAND,
                                         edgecolors="#bbbbbb", linewidths=0.15))
        yield ax
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(title, loc="left")


def world_map(folder: ResultFolder) -> list[Figure]:
    tables = folder.scenarios[0]
    runs = tables.runs["run"].nunique()
    announced = tables.events[tables.events["event"] == "announced"].groupby("iso3")["run"].nunique() / runs
    status = world_at(parse_month(tables.timeseries["month"].iloc[0]), Params()).table.set_index("iso3")["status"]
    states = datasets.states()
    shaped, marked = boundaries.outlines(), boundaries.markers()
    probability = states["iso3"].map(announced).fillna(0.0).to_numpy()
    party = states["iso3"].map(status).isin(IN_STATUTE).to_numpy()
    norm = Normalize(0, max(probability[party].max() if party.any() else 0, 0.01))
    risk_colours = colormaps[RISK_MAP]  # the registry hands out a new copy on every lookup
    fill = [to_hex(risk_colours(norm(p))) if is_party else NON_PARTY for p, is_party in zip(probability, party)]
    data = pd.DataFrame({"iso3": states["iso3"], "name": states["name"], "status": states["iso3"].map(status),
                         "probability": probability, "fill": fill,
                         "drawn_as": ["outline" if c in shaped else "marker" if c in marked else "not drawn"
                                      for c in states["iso3"]]})
    horizon = tables.timeseries["month"].iloc[-1]

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        narrow = fig.get_figwidth() < 5  # one column: the world above, Africa and the key below
        if narrow:
            grid = fig.add_gridspec(2, 2, height_ratios=[1.4, 1])
            world, africa = fig.add_subplot(grid[0, :]), fig.add_subplot(grid[1, 0])
        else:
            world, africa = fig.subplots(1, 2, width_ratios=[2.45, 1])
        rows = data.set_index("iso3")
        polygons = [(iso3, polygon) for iso3, parts in boundaries.outlines().items() for polygon in parts]
        dots = list(boundaries.markers().items())
        inside = rows.loc[[iso3 for iso3, _ in polygons], "status"].isin(IN_STATUTE).to_numpy()
        for ax in map_panels(world, africa):
            ax.add_collection(PathCollection(
                [map_path(p) for _, p in polygons], facecolors=[rows.at[iso3, "fill"] for iso3, _ in polygons],
                edgecolors=["white" if party else "#999999" for party in inside], linewidths=0.2, gid="states"))
            non_party = [map_path(p) for iso3, p in polygons if rows.at[iso3, "status"] not in IN_STATUTE]
            # one compound path: Agg draws the hatch pattern once per path, and the states do not overlap
            ax.add_collection(PathCollection([MplPath.make_compound_path(*non_party)] if non_party else [],
                                             facecolors="none", edgecolors="#a0a0a0", linewidths=0, hatch="////",
                                             gid="non-party hatching"))
            pending = [map_path(p) for iso3, p in polygons if rows.at[iso3, "status"] == "notified"]
            ax.add_collection(PathCollection(pending, facecolors="none", edgecolors="black", linewidths=0.8,
                                             gid="pending"))
            ax.scatter([lon for _, (lon, _) in dots], [lat for _, (_, lat) in dots], s=6 if narrow else 10,
                       c=[rows.at[iso3, "fill"] for iso3, _ in dots],
                       edgecolors=["black" if rows.at[iso3, "status"] == "notified" else GREY for iso3, _ in dots],
                       linewidths=[0.8 if rows.at[iso3, "status"] == "notified" else 0.35 for iso3, _ in dots],
                       zorder=3, gid="markers")
        key = [Patch(facecolor=NON_PARTY, edgecolor="#a0a0a0", hatch="////", label="not a State Party"),
               Patch(facecolor="white", edgecolor="black", lw=0.8, label="withdrawal pending"),
               Line2D([], [], marker="o", ls="", mfc="white", mec=GREY, ms=3.5, label="small state (capital)")]
        label = f"P(announce withdrawal by {horizon})"
        if narrow:
            scale = fig.colorbar(ScalarMappable(norm, RISK_MAP), ax=world, location="bottom", shrink=0.6,
                                 aspect=40, pad=0.01)
            africa.legend(handles=key, loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
        else:
            scale = fig.colorbar(ScalarMappable(norm, RISK_MAP), ax=[world, africa], location="bottom",
                                 shrink=0.45, aspect=35, pad=0.02, anchor=(0.1, 1.0))
            fig.legend(handles=key, loc="lower right", ncols=1, bbox_to_anchor=(0.99, 0.0), frameon=False)
        scale.set_label(f"States Parties: {label}", fontsize=7)
    return [Figure("map", f"Probability of announcing withdrawal: {tables.label}",
                   f"Share of {runs} runs in which each State Party announces withdrawal by {horizon}. States "
                   "outside the Statute at the start are grey and hatched; withdrawals pending at the start are "
                   "outlined in black; states too small for the map are circles at their capitals. Outlines: "
                   "Natural Earth admin-0, 1:110m (public domain); land that is not one of the model's states "
                   "(Greenland, Western Sahara, Taiwan and others) is pale grey.", data, draw, aspect=0.4,
                   narrow_aspect=1.05,
                   scenarios=(tables.label,))]


def _bins(values: pd.Series) -> pd.Series:
    """Sampled designs: equal-width bins, each named by its mid-point at three significant digits."""
    return pd.cut(values, 6).apply(lambda interval: float(f"{interval.mid:.3g}")).astype(float)


def heatmap(folder: ResultFolder) -> list[Figure]:
    factors = [f["name"] for f in folder.manifest.get("factors", [])] or [
        c for c in folder.points.columns if c in Params.specs()]
    if len(factors) < 2:
        return []
    x, y = factors[:2]
    runs = folder.sweep_runs.copy()
    points = folder.points.copy()
    for name in (x, y):
        if points[name].nunique() > 12:
            binned = _bins(points[name])
            points[name] = binned
            runs[name] = runs["point"].map(dict(zip(points["point"], binned)))
    data = points.groupby([y, x], as_index=False)["parties_end_mean"].mean()
    cells = runs.groupby([y, x])["parties_end"]
    data = data.join((cells.std(ddof=1) / np.sqrt(cells.count())).rename("mcse"), on=[y, x])
    defaults = _defaults(folder)
    swept = {f["name"]: (f["low"], f["high"]) for f in folder.manifest.get("factors", [])}
    inside = all(name in defaults and (name not in swept or swept[name][0] <= defaults[name] <= swept[name][1])
                 for name in (x, y))
    own = f"{x} = {defaults.get(x, 'n/a'):g}, {y} = {defaults.get(y, 'n/a'):g}" if x in defaults and y in defaults \
        else "not known"
    marked = (f"The outlined cell is the one nearest the scenario's own values ({own}: the calibrated defaults "
              "unless set)." if inside else f"The scenario's own values ({own}) lie outside the swept ranges.")
    error = data["mcse"]
    values = data["parties_end_mean"]

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        ax = fig.subplots()
        grid = data.pivot(index=y, columns=x, values="parties_end_mean")
        image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="cividis")
        norm = image.norm
        for (i, j), value in np.ndenumerate(grid.to_numpy()):
            if np.isfinite(value):
                ax.text(j, i, f"{value:.0f}" if grid.size > 30 else f"{value:.1f}", ha="center", va="center",
                        fontsize=SMALL, color="black" if norm(value) > 0.55 else "white")
        ax.set_xticks(range(len(grid.columns)), [f"{v:g}" for v in grid.columns])
        ax.set_yticks(range(len(grid.index)), [f"{v:g}" for v in grid.index])
        if len(grid.columns) > 6:
            ax.tick_params(axis="x", labelrotation=45)
        if inside:  # outline the cell nearest the scenario's own values
            j = int(np.abs(grid.columns.to_numpy(dtype=float) - defaults[x]).argmin())
            i = int(np.abs(grid.index.to_numpy(dtype=float) - defaults[y]).argmin())
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#E69F00", lw=2))
        ax.set_xlabel(textwrap.fill(f"{labels.parameter(x)} ({x})", 40))
        ax.set_ylabel(textwrap.fill(f"{labels.parameter(y)} ({y})", 30))
        fig.colorbar(image, ax=ax, label="mean States Parties at the end")
    sampled = folder.manifest.get("design") not in (None, "grid")
    return [Figure("heatmap", "Sweep: States Parties at the end of the run",
                   f"Mean number of States Parties at the end of the run ({_window(folder)[1]}) for each design "
                   f"point, by {labels.parameter(x)} ({x}) and {labels.parameter(y)} ({y})"
                   + (", averaged over the other swept parameters" if len(factors) > 2 else "")
                   + (" and within equal-width bins of the sampled values" if sampled else "")
                   + f". {marked} Monte "
                   f"Carlo standard error of a cell: {error.min():.1f} to {error.max():.1f} parties (median "
                   f"{error.median():.1f}); differences between cells smaller than about twice that are noise. "
                   f"Range of the cells: {values.min():.1f} to {values.max():.1f}.", data, draw, min_height=2.6)]


def _defaults(folder: ResultFolder) -> dict[str, float]:
    resolved = folder.manifest.get("resolved")
    resolved = resolved[0] if isinstance(resolved, list) else resolved
    return dict(resolved["parameters"]) if resolved else {}


def sensitivity(folder: ResultFolder) -> list[Figure]:
    if folder.sensitivity is None:
        return []
    data = folder.sensitivity.copy()
    bounded = data["index"].isin(["S1", "ST"])  # Sobol indices are shares of variance, in [0, 1]
    conf = data["conf"].fillna(0.0)
    low, high = data["value"] - conf, data["value"] + conf
    data["low"] = low.where(~bounded, low.clip(0, 1))
    data["high"] = high.where(~bounded, high.clip(0, 1))
    data["shown"] = data["value"].where(~bounded, data["value"].clip(0, 1))
    data["clipped"] = bounded & ((low < 0) | (high > 1) | (data["value"] < 0) | (data["value"] > 1))
    sobol = bool(bounded.any())

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        outcomes = list(dict.fromkeys(data["outcome"]))
        narrow = fig.get_figwidth() < 5  # one column: the outcomes' panels one above the other
        shape = (len(outcomes), 1) if narrow else (1, len(outcomes))
        axes = fig.subplots(*shape, squeeze=False, sharey=True, sharex=narrow).ravel()
        for ax, outcome in zip(axes, outcomes):
            rows = data[data["outcome"] == outcome]
            parameters, kinds = list(dict.fromkeys(rows["parameter"])), list(dict.fromkeys(rows["index"]))
            height = 0.8 / len(kinds)
            for k, kind in enumerate(kinds):
                part = rows[rows["index"] == kind].set_index("parameter").reindex(parameters)
                y = np.arange(len(parameters))[::-1] + ((len(kinds) - 1) / 2 - k) * height
                errors = [part["shown"] - part["low"], part["high"] - part["shown"]]
                has = bool((part["high"] > part["low"]).any())
                ax.barh(y, part["shown"], height=height, color=PALETTE[k], label=labels.index(kind),
                        xerr=errors if has else None, error_kw={"lw": 0.7, "capsize": 1.5, "ecolor": GREY})
            ax.set_yticks(np.arange(len(parameters))[::-1],
                          [textwrap.fill(labels.parameter(p), 26) for p in parameters])
            ax.set_title(labels.outcome(outcome), loc="left")
            ax.axvline(0, color=GREY, lw=0.5)
            if ax is axes[-1] or not narrow:
                ax.set_xlabel("share of the outcome's variance" if sobol else "change in the outcome")
            if sobol:
                ax.set_xlim(0, 1)
        fig.legend(handles=axes[0].get_legend_handles_labels()[0], loc="outside lower center", ncols=2)
    clipped = int(data["clipped"].sum())
    count, outcomes = data["parameter"].nunique(), data["outcome"].nunique()
    note = (f" Sobol indices are shares of the outcome's variance, so estimates and intervals are clipped to "
            f"[0, 1]; {clipped} of {int(bounded.sum())} were (the table keeps the raw values)." if sobol else "")
    explained = ("First-order index (S1): the share of the variance the parameter causes alone; total index "
                 "(ST): including its interactions with the others; ST well above S1 means interactions matter."
                 if sobol else "Morris mu*: the mean absolute change of the outcome per step of the parameter "
                 "across its range; sigma: the spread of those changes (high when effects are nonlinear or "
                 "interact).")
    return [Figure("sensitivity", "Which parameters matter: global sensitivity",
                   f"Sensitivity of two outcomes of the sweep to each varied parameter, with 95 % bootstrap "
                   f"intervals. {explained}{note}", data, draw,
                   aspect=0.25 + 0.05 * count, min_height=1.2 + 0.35 * count,
                   narrow_aspect=(0.7 + outcomes * (0.3 + 0.25 * count)) / 3.5)]


KINDS: dict[str, tuple[tuple[str, ...], Callable[[ResultFolder], list[Figure]]]] = {
    "membership": (("run",), membership),
    "population": (("run",), population),
    "compare": (("compare",), compare),
    "difference": (("compare",), difference),
    "cascade": (("run", "compare"), cascade),
    "risk": (("run", "compare"), risk),
    "map": (("run", "compare"), world_map),
    "heatmap": (("sweep",), heatmap),
    "sensitivity": (("sweep",), sensitivity),
}


def kinds_for(folder: ResultFolder) -> list[str]:
    return [name for name, (folder_kinds, _) in KINDS.items() if folder.kind in folder_kinds]
