import dataclasses

import numpy as np
import pandas as pd

from sim.core.months import parse_month
from sim.data.posterior import Posterior
from sim.model.draws import draw_indices
from sim.model.ensemble import run_drawn, run_ensemble, world_for


def test_runs_table_agrees_with_the_time_series_and_events(baseline) -> None:
    results = run_ensemble(baseline.with_window(None, parse_month("2031-12")), runs=12, seed=21)
    last = results.timeseries.groupby("run").last()
    assert (results.runs["parties_end"].to_numpy() == last["parties"].to_numpy()).all()
    counts = results.events.groupby(["run", "event"]).size().unstack(fill_value=0)
    assert (results.runs["exits"].to_numpy() == counts["withdrawn"].reindex(range(12), fill_value=0)).all()
    assert (results.runs["announcements"].to_numpy() == counts.get("announced", 0 * counts["withdrawn"]).reindex(
        range(12), fill_value=0)).all()
    assert (last["exits"].to_numpy() == results.runs["exits"].to_numpy()).all()
    pending = {"NER", "BFA", "MLI", "VEN", "TCD"}
    exits = results.events[results.events["event"] == "withdrawn"]
    further = exits[~exits["iso3"].isin(pending)].groupby("run").size().reindex(range(12), fill_value=0)
    assert (results.runs["further_exits"].to_numpy() == further.to_numpy()).all()
    assert len(results.timeseries) == 12 * (parse_month("2031-12") - parse_month("2026-11") + 1)


import dataclasses

import numpy as np
import pandas as pd

from sim.core.months import parse_month
from sim.data.posterior import Posterior
from sim.model.draws import draw_indices
from sim.model.ensemble import run_drawn, run_ensemble, world_for
