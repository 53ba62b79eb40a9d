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


PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")  # Okabe-Ito
DOUBLE_COLUMN = (7.2, 3.4)


def compare_fan(summaries: dict[str, pd.DataFrame], title: str, path: Path) -> None:
    """Several scenarios' median States Parties with their 90 % bands on one chart."""
    fig, ax = plt.subplots(figsize=DOUBLE_COLUMN, dpi=300)
    for i, (name, summary) in enumerate(summaries.items()):
        rows = summary[summary["measure"] == "parties"]
        dates = [first_day(parse_month(m)) for m in rows["month"]]
        colour = PALETTE[i % len(PALETTE)]
        ax.fill_between(dates, rows["q05"], rows["q95"], color=colour, alpha=0.12, lw=0)
        ax.plot(dates, rows["median"], color=colour, lw=1.3, label=name,
                linestyle="-" if i < len(PALETTE) else "--")
    ax.set_ylabel("States Parties (median, 90 % band)", fontsize=8)
    ax.set_title(title, fontsize=8)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    fig.savefig(path, dpi=300, metadata={"Software": None})
    plt.close(fig)
