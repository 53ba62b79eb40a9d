"""The figure of the simulation-based check: per fitted parameter, each synthetic record's true value
against its posterior median and 90 % interval, with the coverage and contraction in the panel title."""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure as Canvas

from sim.experiments.inference_check import InferenceCheck
from sim.outputs.figures import GREY, PALETTE, Figure


def figure(check: InferenceCheck) -> Figure:
    """Truth (x) against posterior (y) for every record, one panel per parameter."""
    summary = check.summary.set_index("parameter")

    def draw(canvas: Canvas, data: pd.DataFrame) -> None:
        names = list(summary.index)
        columns = min(3, len(names))
        axes = np.atleast_1d(canvas.subplots(int(np.ceil(len(names) / columns)), columns)).ravel()
        for ax, name in zip(axes, names):
            rows = data[data["parameter"] == name]
            inside = rows["in_90"].to_numpy(dtype=bool)
            for mask, colour in ((inside, PALETTE[0]), (~inside, PALETTE[1])):
                ax.errorbar(rows["truth"][mask], rows["median"][mask],
                            yerr=[(rows["median"] - rows["q05"])[mask], (rows["q95"] - rows["median"])[mask]],
                            fmt="o", ms=2, lw=0.6, color=colour)
            low, high = min(rows["truth"].min(), rows["q05"].min()), max(rows["truth"].max(), rows["q95"].max())
            ax.plot([low, high], [low, high], color=GREY, lw=0.6, ls="--")
            row = summary.loc[name]
            ax.set_title(f"{name}\n50 %: {row['coverage_50']:.2f}, 90 %: {row['coverage_90']:.2f}, "
                         f"contraction {row['contraction_mean']:.2f}", fontsize=6)
            ax.tick_params(labelsize=5)
        for ax in axes[len(names):]:
            ax.set_visible(False)
        axes[0].set_ylabel("posterior median, 90 %", fontsize=6)
        axes[min(len(names), columns) - 1].set_xlabel("true value", fontsize=6)

    return Figure("inference-check", "Simulation-based calibration: known parameters against their posteriors",
                  "Each point is one synthetic record, made by one run at a parameter set drawn from the prior and "
                  "fitted by the same ABC-SMC procedure at a reduced budget: its true value (x) against the "
                  "posterior median and 90 % interval (y); orange where the interval misses the truth. Panel "
                  "titles give the share of records whose 50 % and 90 % intervals cover the truth and the mean "
                  "contraction (1 - posterior variance / prior variance).", check.records, draw, aspect=0.8)
