"""Backtest figures: the reliability diagram of the pooled per-party probabilities and the PIT histogram
of the episode counts, each drawn only from the table written beside it."""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure as Canvas

from sim.outputs.figures import GREY, PALETTE, Figure


def _sqrt_axis(ax, which: str) -> None:  # noqa: ANN001 - a matplotlib Axes
    """A square-root scale: small probabilities stay apart and zero stays on the axis."""
    getattr(ax, f"set_{which}scale")("function", functions=(np.sqrt, np.square))
    ticks = [0, 0.01, 0.05, 0.1, 0.2, 0.5, 1]
    getattr(ax, f"set_{which}ticks")(ticks, [f"{t:g}" for t in ticks])
    getattr(ax, f"set_{which}lim")(0, 1)


def reliability(table: pd.DataFrame, origins: int, shocks: str) -> Figure:
    def draw(canvas: Canvas, data: pd.DataFrame) -> None:
        ax = canvas.subplots()
        ax.plot([0, 1], [0, 1], color=GREY, lw=0.6, ls=":", label="perfect reliability")
        shown = data[data["parties"] > 0]
        ax.errorbar(shown["mean_forecast"], shown["observed_share"],
                    yerr=[shown["observed_share"] - shown["share_low"], shown["share_high"] - shown["observed_share"]],
                    fmt="o", ms=3, color=PALETTE[0], ecolor=PALETTE[0], elinewidth=0.8, capsize=1.5,
                    label="model, 90 % interval")
        for row in shown.itertuples():  # above each interval: the bins crowd near 0
            ax.annotate(f"{row.announced}/{row.parties}", (row.mean_forecast, row.share_high), fontsize=5,
                        xytext=(0, 2), textcoords="offset points", ha="center", va="bottom")
        _sqrt_axis(ax, "x")
        _sqrt_axis(ax, "y")
        ax.set_xlabel("forecast probability (bin mean)")
        ax.set_ylabel("share that announced")
        ax.legend(loc="upper left", fontsize=6)

    return Figure("reliability", "Reliability of the per-party forecasts, pooled over origins",
                  f"Parties (a joint episode's members as one) from {origins} forecast origins, binned by the "
                  f"model's probability of announcing withdrawal within the horizon (shocks: {shocks}): the "
                  "share that did announce against the bin's mean forecast, with its Jeffreys 90 % interval; "
                  "labels give announcers/parties. Points on the dotted line are reliable. Square-root axes.",
                  table, draw, aspect=0.9)


def pit(table: pd.DataFrame, shocks: str) -> Figure:
    def draw(canvas: Canvas, data: pd.DataFrame) -> None:
        panels = canvas.subplots(1, data["target"].nunique(), sharey=True)
        for ax, (target, rows) in zip(np.atleast_1d(panels), data.groupby("target", sort=False)):
            model = rows[rows["forecast"] == "model"]
            baseline = rows[rows["forecast"] == "negative binomial"]
            width = model["bin_high"] - model["bin_low"]
            ax.bar(model["bin_low"], model["density"], width=width, align="edge", color=PALETTE[0], alpha=0.7,
                   edgecolor="white", label="model")
            ax.step(np.append(baseline["bin_low"], 1.0), np.append(baseline["density"], baseline["density"].iloc[-1]),
                    where="post", color=PALETTE[1], lw=1, label="negative binomial")
            ax.axhline(1.0, color=GREY, lw=0.6, ls=":")
            ax.set_title(target, fontsize=7)
            ax.set_xlabel("PIT")
        np.atleast_1d(panels)[0].set_ylabel("density")
        np.atleast_1d(panels)[0].legend(fontsize=6, loc="upper left")

    origins = int(table["origins"].iloc[0])
    return Figure("pit", "PIT histograms of the episode counts", f"Non-randomised PIT (Czado, Gneiting & Held "
                  f"2009) of the observed count of episodes in each of {origins} forecast windows under the "
                  f"model's predictive distribution (bars; shocks: {shocks}) and under the negative binomial "
                  "fitted to the record before each origin (line). A calibrated forecast is flat at 1 (dotted); "
                  "mass on the right means more episodes happened than forecast. A window with no episode, "
                  "forecast as almost surely none, adds a flat block, so calm origins flatten the histogram.", table, draw, aspect=0.6)
