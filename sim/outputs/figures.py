"""Figure kinds: from a saved results folder, the exact numbers to plot and how to draw them.

Each builder returns `Figure`s whose `data` is the table written beside the image, so what a reader
sees can always be checked against a CSV. Drawing only reads that table.
"""

import dataclasses
from typing import Callable

import matplotlib.dates as mdates
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure as Canvas
from matplotlib.patches import Patch
from scipy.stats import binomtest

from sim.core.months import first_day, format_month, parse_month
from sim.core.params import Params
from sim.data import boundaries, datasets
from sim.data.datasets import PATRON_CODES
from sim.data.world import build_world, observed_parties
from sim.experiments.sensitivity import OUTCOMES
from sim.store.folders import ResultFolder

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")  # Okabe-Ito
GREY = "#333333"
PATRON_COLOURS = dict(zip(PATRON_CODES, ("#999999", "#D55E00", "#0072B2", "#009E73", "#CC79A7")))
HISTORY_MONTHS = 120  # the record drawn before the start month
RISK_TOP = 15


@dataclasses.dataclass(frozen=True)
class Figure:
    """A figure ready to render: file stem, title, caption, plotted numbers and drawing function."""

    name: str
    title: str
    caption: str
    data: pd.DataFrame
    draw: Callable[[Canvas, pd.DataFrame], None]
    aspect: float = 0.72  # height / width
    scenarios: tuple[str, ...] | None = None  # those shown, when not all of the folder's


def _dates(months: pd.Series) -> list:
    return [first_day(parse_month(m)) for m in months]


def _year_axis(ax) -> None:  # noqa: ANN001 - a matplotlib Axes
    ax.xaxis.set_major_locator(mdates.YearLocator(2 if ax.figure.get_figwidth() > 5 else 4))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def _fan(ylabel: str) -> Callable[[Canvas, pd.DataFrame], None]:
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
            note = "; ".join(f"{row.effective} ({row.month})" for row in marked.itertuples())
            ax.annotate(f"pending withdrawals take effect: {note}", (0.01, 0.99), xycoords="axes fraction",
                        fontsize=5, va="top", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        ax.set_ylabel(ylabel)
        _year_axis(ax)
        ax.legend(loc="best")
    return draw


def _effective_labels(start: str) -> dict[str, str]:
    """Month -> states whose notified withdrawal takes effect then, as known at the start."""
    table = build_world(first_day(parse_month(start))).table
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
    data["effective"] = data["month"].map(_effective_labels(rows["month"].iloc[0])).fillna("")
    return [Figure("membership", f"States Parties to the Rome Statute: {tables.label}",
                   "States Parties on the first of each month: median over runs, 50 % and 90 % bands; the record "
                   "of up to ten years before the start; dotted lines mark the pending withdrawals' effective "
                   "months.", data, _fan("States Parties"))]


def population(folder: ResultFolder) -> list[Figure]:
    tables = folder.scenarios[0]
    rows = tables.summary[tables.summary["measure"] == "population_share"].reset_index(drop=True)
    data = pd.concat([rows[["month"]], rows[["q05", "q25", "median", "q75", "q95"]] * 100], axis=1)
    return [Figure("population", f"Share of the world's population in States Parties: {tables.label}",
                   "Share of the world's population (2022 figures for later starts) living in States Parties, "
                   "in per cent: median over runs, 50 % and 90 % bands. Jumps in the upper band are runs in "
                   "which a populous state accedes.", data, _fan("% of world population"))]


def compare(folder: ResultFolder) -> list[Figure]:
    first = folder.scenarios[0].timeseries.set_index(["run", "month"])["parties"]
    parts = []
    for tables in folder.scenarios:
        series = tables.timeseries.set_index(["run", "month"])["parties"]
        difference = (series - first.reindex(series.index)).groupby("month")
        levels = series.groupby("month")
        parts.append(pd.DataFrame({
            "scenario": tables.label, "median": levels.median(), "q05": levels.quantile(0.05),
            "q95": levels.quantile(0.95), "diff_median": difference.median(), "diff_q05": difference.quantile(0.05),
            "diff_q95": difference.quantile(0.95)}).reset_index())
    data = pd.concat(parts, ignore_index=True)[["scenario", "month", "median", "q05", "q95", "diff_median",
                                                "diff_q05", "diff_q95"]]

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        left, right = fig.subplots(1, 2, sharex=True)
        groups = list(data.groupby("scenario", sort=False))
        bands = len(groups) <= 4  # more bands than that only blur into each other
        for i, (name, rows) in enumerate(groups):
            colour, dates = PALETTE[i % len(PALETTE)], _dates(rows["month"])
            style = "-" if i < len(PALETTE) else "--"
            if bands:
                left.fill_between(dates, rows["q05"], rows["q95"], color=colour, alpha=0.1, lw=0)
            left.plot(dates, rows["median"], color=colour, linestyle=style, label=name, lw=1.0 + 0.4 * (i == 0))
            if i:
                if bands:
                    right.fill_between(dates, rows["diff_q05"], rows["diff_q95"], color=colour, alpha=0.1, lw=0)
                right.plot(dates, rows["diff_median"], color=colour, linestyle=style)
        left.set_ylabel("States Parties (median" + (", 90 % band)" if bands else ")"))
        right.set_ylabel(f"difference from {data['scenario'].iloc[0]}, paired runs")
        right.axhline(0, color=GREY, lw=0.5)
        for ax in (left, right):
            _year_axis(ax)
        left.legend(loc="lower left", ncols=2)
    return [Figure("compare", "Scenarios compared",
                   "Left: median States Parties over runs per scenario (with 90 % bands for up to four scenarios). "
                   f"Right: per-run difference from {folder.scenarios[0].label} (runs paired by their random "
                   "streams): median (and 90 % band). All bands are in compare.csv.", data, draw, aspect=0.42)]


def cascade(folder: ResultFolder) -> list[Figure]:
    parts = []
    for tables in folder.scenarios:
        final = tables.timeseries.groupby("run")["further_exits"].last()
        shares = final.value_counts(normalize=True).sort_index()
        parts.append(pd.DataFrame({"scenario": tables.label, "further_exits": shares.index,
                                   "share_of_runs": shares.to_numpy()}))
    data = pd.concat(parts, ignore_index=True)
    horizon = folder.scenarios[0].timeseries["month"].iloc[-1]

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        ax = fig.subplots()
        names = list(dict.fromkeys(data["scenario"]))
        width = 0.8 / len(names)
        for i, name in enumerate(names):
            rows = data[data["scenario"] == name]
            ax.bar(rows["further_exits"] + (i - (len(names) - 1) / 2) * width, rows["share_of_runs"], width=width,
                   color=PALETTE[i % len(PALETTE)], label=name)
        ax.set_xlabel(f"further exits by {horizon}")
        ax.set_ylabel("share of runs")
        ax.legend()
    return [Figure("cascade", "Size of the exit cascade",
                   f"Distribution over runs of the number of further withdrawals (other than those pending at the "
                   f"start) that have taken effect by {horizon}.", data, draw)]


def _drivers(folder: ResultFolder, codes: list[str]) -> pd.DataFrame:
    """Each state's patron at the start and the two covariates adding most to its announcement logit."""
    resolved = folder.manifest["resolved"]
    resolved = resolved[0] if isinstance(resolved, list) else resolved
    p = Params.build(resolved["parameters"])
    start = first_day(parse_month(resolved["start"]))
    world = build_world(start, p)
    table = world.table.set_index("iso3")
    recent = (pd.Timestamp(start) - table["last_coup"]).dt.days < 30.4 * p.regime_change_window_months
    grievance = table["patron_strength"] * table["patron"].map(world.hostility)
    terms = pd.DataFrame({
        "divergence": p.b_div * table["divergence"],
        "exposure": p.b_exp * table["exposure"],
        "junta": p.b_junta * table["junta"].astype(float) * grievance,
        "recent coup": p.b_rc * recent.astype(float),
        "patron": p.b_pat * grievance,
        "African bias": p.b_bias * (table["un_group"] == "AG") * world.africa_bias,
    }).loc[codes]
    top = terms.apply(lambda row: ", ".join(row[row > 0].sort_values(ascending=False).index[:2]), axis=1)
    return pd.DataFrame({"name": table.loc[codes, "name"], "patron": table.loc[codes, "patron"], "drivers": top})


def risk(folder: ResultFolder) -> list[Figure]:
    tables = folder.scenarios[0]
    runs = tables.runs["run"].nunique()
    announced = tables.events[tables.events["event"] == "announced"].groupby("iso3")["run"].nunique()
    top = announced.sort_values(ascending=False, kind="stable").head(RISK_TOP)
    bounds = [binomtest(int(k), runs).proportion_ci(confidence_level=0.9, method="wilson") for k in top]
    data = pd.DataFrame({"iso3": top.index, "probability": top.to_numpy() / runs,
                         "low": [b.low for b in bounds], "high": [b.high for b in bounds]})
    data = data.join(_drivers(folder, list(top.index)), on="iso3")
    horizon = tables.timeseries["month"].iloc[-1]

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        ax = fig.subplots()
        rows = data.iloc[::-1].reset_index(drop=True)
        colours = [PATRON_COLOURS[p] for p in rows["patron"]]
        ax.barh(range(len(rows)), rows["probability"], color=colours,
                xerr=[rows["probability"] - rows["low"], rows["high"] - rows["probability"]],
                error_kw={"lw": 0.6, "capsize": 1.5})
        ax.set_yticks(range(len(rows)), [f"{n} ({d})" if d else n for n, d in zip(rows["name"], rows["drivers"])],
                      fontsize=5.5)
        ax.set_xlabel(f"P(announce withdrawal by {horizon})", loc="right")  # long state names narrow the axes
        ax.set_xlim(left=0)
        handles = [Patch(color=PATRON_COLOURS[p], label=p) for p in dict.fromkeys(data["patron"])]
        ax.legend(handles=handles, title="patron at start", title_fontsize=6, loc="lower right")
    return [Figure("risk", f"States most likely to announce withdrawal: {tables.label}",
                   f"Share of runs in which each state announces withdrawal by {horizon}, with its 90 % Wilson "
                   f"interval over {runs} runs; colour: patron at the start; in brackets: up to two covariates "
                   "adding most to the state's announcement hazard at the start.", data, draw, aspect=0.9,
                   scenarios=(tables.label,))]


def world_map(folder: ResultFolder) -> list[Figure]:
    tables = folder.scenarios[0]
    runs = tables.runs["run"].nunique()
    announced = tables.events[tables.events["event"] == "announced"].groupby("iso3")["run"].nunique() / runs
    states = datasets.states()
    shaped, located = boundaries.outlines(), boundaries.points()
    data = pd.DataFrame({"iso3": states["iso3"], "name": states["name"],
                         "probability": states["iso3"].map(announced).fillna(0.0).to_numpy(),
                         "drawn_as": ["outline" if c in shaped else "point" if c in located else "not drawn"
                                      for c in states["iso3"]]})
    horizon = tables.timeseries["month"].iloc[-1]

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        world, africa = fig.subplots(1, 2, width_ratios=[2.2, 1])
        norm = Normalize(0, max(data["probability"].max(), 0.01))
        colours = dict(zip(data["iso3"], colormaps["cividis_r"](norm(data["probability"]))))
        for ax, (x0, x1, y0, y1) in ((world, (-170, 190, -57, 84)), (africa, (-19, 53, -36, 38))):
            polygons = [(ring, colours[iso3]) for iso3, rings in boundaries.outlines().items() for ring in rings]
            ax.add_collection(PolyCollection([r for r, _ in polygons], facecolors=[c for _, c in polygons],
                                             edgecolors="white", linewidths=0.15))
            dots = list(boundaries.points().items())
            ax.scatter([lon for _, (lon, _) in dots], [lat for _, (_, lat) in dots], s=4,
                       c=[colours[iso3] for iso3, _ in dots], edgecolors=GREY, linewidths=0.2, zorder=3)
            ax.set_xlim(x0, x1)
            ax.set_ylim(y0, y1)
            ax.set_aspect("equal")
            ax.axis("off")
        world.set_title("world")
        africa.set_title("Africa")
        fig.colorbar(ScalarMappable(norm, "cividis_r"), ax=[world, africa], shrink=0.6,
                     label=f"P(announce by {horizon})")
    not_drawn = ", ".join(data.loc[data["drawn_as"] == "not drawn", "name"]) or "none"
    return [Figure("map", f"Probability of announcing withdrawal: {tables.label}",
                   f"Share of {runs} runs in which each state announces withdrawal by {horizon}. Outlines from the "
                   "countryinfo package; states it has no outline for are dots at their coordinates; not drawn: "
                   f"{not_drawn}.", data, draw, aspect=0.42, scenarios=(tables.label,))]


def heatmap(folder: ResultFolder) -> list[Figure]:
    factors = [f["name"] for f in folder.manifest.get("factors", [])] or [
        c for c in folder.points.columns if c in Params.specs()]
    if len(factors) < 2:
        return []
    x, y = factors[:2]
    points = folder.points.copy()
    for name in (x, y):
        if points[name].nunique() > 12:  # sampled designs: average within equal-width bins
            points[name] = pd.cut(points[name], 8).apply(lambda interval: round(interval.mid, 3)).astype(float)
    data = points.groupby([y, x], as_index=False)["parties_end_mean"].mean()

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        ax = fig.subplots()
        grid = data.pivot(index=y, columns=x, values="parties_end_mean")
        image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="cividis")
        ax.set_xticks(range(len(grid.columns)), [f"{v:g}" for v in grid.columns], fontsize=6)
        ax.set_yticks(range(len(grid.index)), [f"{v:g}" for v in grid.index], fontsize=6)
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        fig.colorbar(image, ax=ax, label="mean States Parties at the end")
    return [Figure("heatmap", f"Sweep: States Parties over {x} and {y}",
                   f"Mean number of States Parties at the end of the run over the design points, by {x} and {y} "
                   "(averaged over other swept parameters and, for sampled designs, within bins).", data, draw)]


def sensitivity(folder: ResultFolder) -> list[Figure]:
    if folder.sensitivity is None:
        return []
    data = folder.sensitivity

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        outcomes = list(dict.fromkeys(data["outcome"]))
        axes = fig.subplots(1, len(outcomes), squeeze=False)[0]
        for ax, outcome in zip(axes, outcomes):
            rows = data[data["outcome"] == outcome]
            parameters, kinds = list(dict.fromkeys(rows["parameter"])), list(dict.fromkeys(rows["index"]))
            width = 0.8 / len(kinds)
            for k, kind in enumerate(kinds):
                part = rows[rows["index"] == kind].set_index("parameter").reindex(parameters)
                errors = part["conf"].fillna(0).to_numpy()
                ax.bar([i + (k - (len(kinds) - 1) / 2) * width for i in range(len(parameters))], part["value"],
                       width=width, color=PALETTE[k], label=kind, yerr=errors if errors.any() else None,
                       capsize=2, error_kw={"lw": 0.7})
            ax.set_xticks(range(len(parameters)), parameters, rotation=30, ha="right", fontsize=6)
            ax.set_title(OUTCOMES.get(outcome, outcome))
            ax.set_ylabel("index")
            ax.axhline(0, color=GREY, lw=0.5)
            ax.legend(loc="best")
    return [Figure("sensitivity", "Global sensitivity of the sweep's outcomes",
                   "Sensitivity indices per swept parameter with their 95 % bootstrap intervals: Sobol first-order "
                   "(S1) and total (ST) indices, or Morris mu* and sigma.", data, draw, aspect=0.42)]


KINDS: dict[str, tuple[tuple[str, ...], Callable[[ResultFolder], list[Figure]]]] = {
    "membership": (("run",), membership),
    "population": (("run",), population),
    "compare": (("compare",), compare),
    "cascade": (("run", "compare"), cascade),
    "risk": (("run", "compare"), risk),
    "map": (("run", "compare"), world_map),
    "heatmap": (("sweep",), heatmap),
    "sensitivity": (("sweep",), sensitivity),
}


def kinds_for(folder: ResultFolder) -> list[str]:
    return [name for name, (folder_kinds, _) in KINDS.items() if folder.kind in folder_kinds]
