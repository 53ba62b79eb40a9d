"""Figures: the membership fan chart of a run."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from sim.months import first_day, parse_month  # noqa: E402
from sim.world import observed_parties  # noqa: E402

BLUE, GREY = "#0072B2", "#333333"  # Okabe-Ito blue; near-black for the record
SINGLE_COLUMN = (3.5, 2.6)  # inches, a journal column
HISTORY_MONTHS = 120  # the record drawn before the start month


def membership_fan(summary: pd.DataFrame, start: int, title: str, path: Path) -> None:
    """States Parties over time: median, 50 % and 90 % bands, and the record before the start."""
    rows = summary[summary["measure"] == "parties"]
    dates = [first_day(parse_month(m)) for m in rows["month"]]
    history = list(range(max(parse_month("2002-07"), start - HISTORY_MONTHS), start + 1))
    fig, ax = plt.subplots(figsize=SINGLE_COLUMN, dpi=300)
    ax.fill_between(dates, rows["q05"], rows["q95"], color=BLUE, alpha=0.18, lw=0, label="90 % band")
    ax.fill_between(dates, rows["q25"], rows["q75"], color=BLUE, alpha=0.35, lw=0, label="50 % band")
    ax.plot(dates, rows["median"], color=BLUE, lw=1.4, label="median")
    if len(history) > 1:
        ax.plot([first_day(m) for m in history], observed_parties(history), color=GREY, lw=1.0, label="record")
    ax.set_ylabel("States Parties")
    ax.set_title(title, fontsize=8)
    ax.xaxis.set_major_locator(mdates.YearLocator(5))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(labelsize=7)
    ax.yaxis.label.set_size(8)
    ax.legend(fontsize=6, frameon=False, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=300, metadata={"Software": None})
    plt.close(fig)


PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")  # Okabe-Ito
DOUBLE_COLUMN_WIDTH = 7.2  # inches


def compare_fan(summaries: dict[str, pd.DataFrame], title: str, path: Path) -> None:
    """One small panel per scenario: its median States Parties with 50 % and 90 % bands, and the first
    scenario's median as a dashed reference line, on shared axes."""
    names = list(summaries)
    columns = min(len(names), 4)
    rows_count = -(-len(names) // columns)
    fig, axes = plt.subplots(rows_count, columns, figsize=(DOUBLE_COLUMN_WIDTH, 1.9 * rows_count + 0.4),
                             dpi=300, sharex=True, sharey=True, squeeze=False)
    reference = summaries[names[0]]
    reference = reference[reference["measure"] == "parties"]
    for i, ax in enumerate(axes.flat):
        if i >= len(names):
            ax.set_visible(False)
            continue
        rows = summaries[names[i]]
        rows = rows[rows["measure"] == "parties"]
        dates = [first_day(parse_month(m)) for m in rows["month"]]
        colour = PALETTE[i % len(PALETTE)]
        ax.fill_between(dates, rows["q05"], rows["q95"], color=colour, alpha=0.18, lw=0)
        ax.fill_between(dates, rows["q25"], rows["q75"], color=colour, alpha=0.35, lw=0)
        ax.plot(dates, rows["median"], color=colour, lw=1.2)
        if i:
            ax.plot([first_day(parse_month(m)) for m in reference["month"]], reference["median"], color=GREY,
                    lw=0.8, linestyle="--")
        ax.set_title(names[i], fontsize=7)
        ax.tick_params(labelsize=6)
        ax.xaxis.set_major_locator(mdates.YearLocator(4))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    fig.supylabel("States Parties", fontsize=8)
    fig.suptitle(f"{title}; median, 50 % and 90 % bands; dashed: {names[0]} median", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=300, metadata={"Software": None})
    plt.close(fig)


def sensitivity_bars(table: pd.DataFrame, title: str, path: Path) -> None:
    """Sensitivity indices per parameter with their 95 % intervals, one panel per outcome."""
    outcomes = list(dict.fromkeys(table["outcome"]))
    kinds = list(dict.fromkeys(table["index"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(DOUBLE_COLUMN_WIDTH, 2.8), dpi=300, squeeze=False)
    for ax, outcome in zip(axes[0], outcomes):
        rows = table[table["outcome"] == outcome]
        parameters = list(dict.fromkeys(rows["parameter"]))
        width = 0.8 / len(kinds)
        for k, kind in enumerate(kinds):
            part = rows[rows["index"] == kind].set_index("parameter").reindex(parameters)
            positions = [i + (k - (len(kinds) - 1) / 2) * width for i in range(len(parameters))]
            errors = part["conf"].fillna(0).to_numpy()
            ax.bar(positions, part["value"], width=width, color=PALETTE[k], label=kind,
                   yerr=errors if errors.any() else None, capsize=2, error_kw={"lw": 0.7})
        ax.set_xticks(range(len(parameters)), parameters, rotation=30, ha="right", fontsize=6)
        ax.tick_params(axis="y", labelsize=6)
        ax.set_title(outcome, fontsize=7)
        ax.axhline(0, color=GREY, lw=0.5)
        ax.legend(fontsize=6, frameon=False)
    fig.suptitle(title, fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=300, metadata={"Software": None})
    plt.close(fig)
