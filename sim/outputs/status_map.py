"""The map of one run in one month: every state coloured by its status under the Rome Statute."""

import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure as Canvas
from matplotlib.patches import Patch

from sim.data import boundaries
from sim.outputs.figures import GREY, NON_PARTY, Figure, map_panels, map_path

STATUS_COLOURS = {  # Okabe-Ito; the States Parties in blues, the exits in warm colours
    "party": "#0072B2",
    "acceding": "#56B4E9",
    "announced": "#E69F00",
    "notified": "#D55E00",
    "withdrawn": "#000000",
    "non_party": NON_PARTY,  # as on the risk map
}
STATUS_LABELS = {"party": "party", "acceding": "acceding", "announced": "announced withdrawal",
                 "notified": "notified withdrawal", "withdrawn": "withdrawn", "non_party": "not a party"}


def status_map(states: pd.DataFrame, month: str, label: str) -> Figure:
    """`states` has one row per state with its iso3, name and status in `month`."""
    data = states[["iso3", "name", "status"]].reset_index(drop=True)

    def draw(fig: Canvas, data: pd.DataFrame) -> None:
        colours = {iso3: STATUS_COLOURS[status] for iso3, status in zip(data["iso3"], data["status"])}
        polygons = [(iso3, polygon) for iso3, parts in boundaries.outlines().items() if iso3 in colours
                    for polygon in parts]
        dots = [(iso3, point) for iso3, point in boundaries.markers().items() if iso3 in colours]
        world, africa = fig.subplots(1, 2, width_ratios=[2.45, 1])
        for ax in map_panels(world, africa):
            ax.add_collection(PathCollection([map_path(p) for _, p in polygons],
                                             facecolors=[colours[iso3] for iso3, _ in polygons],
                                             edgecolors="white", linewidths=0.2))
            ax.scatter([lon for _, (lon, _) in dots], [lat for _, (_, lat) in dots], s=6,
                       c=[colours[iso3] for iso3, _ in dots], edgecolors=GREY, linewidths=0.3, zorder=3)
        shown = [s for s in STATUS_COLOURS if s in set(data["status"])]
        fig.legend(handles=[Patch(color=STATUS_COLOURS[s], label=STATUS_LABELS[s]) for s in shown],
                   loc="outside lower center", fontsize=6, ncols=3)

    counts = data["status"].value_counts()
    parties = int(sum(counts.get(s, 0) for s in ("party", "announced", "notified")))
    return Figure("status_map", f"{label}, {month}: {parties} States Parties",
                  "Each state's status in this month of one run: party, announced or notified withdrawal (still "
                  "parties), withdrawn, acceding, or not a party.", data, draw, aspect=0.5)
