"""The single-run map: every state with its status, the States Parties counted in the title."""

import pandas as pd

from sim.model import scenario
from sim.model.mesa_model import IccModel
from sim.outputs.render import draw
from sim.outputs.status_map import STATUS_COLOURS, status_map


def test_status_map_counts_parties_and_draws_every_status() -> None:
    model = IccModel(scenario.load("baseline"), seed=0, run=0)
    states = pd.DataFrame([{"iso3": a.iso3, "name": a.name, "status": a.status} for a in model.agents])
    figure = status_map(states, model.month_label, "baseline")
    assert figure.title == "baseline, 2026-11: 125 States Parties"  # the data's 125 parties at the start
    assert len(figure.data) == len(states) and set(figure.data["status"]) <= set(STATUS_COLOURS)
    canvas = draw(figure, "single")
    legend = [text.get_text() for text in canvas.legends[0].get_texts()]
    assert "party" in legend and "notified withdrawal" in legend and "not a party" in legend
