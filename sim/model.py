"""The Mesa model: one agent per state, advanced month by month by the shared rules.

Months are synchronous: every state decides on the world as it stood at the start of the month,
so the model applies the rules to all agents at once (the functions in sim.dynamics) and each agent
is a live view on its own row. For the same seed and run index it reproduces the ensemble's run.
"""

import mesa
import numpy as np
import pandas as pd

from sim import dynamics
from sim.datasets import PATRON_CODES
from sim.ensemble import world_for
from sim.months import format_month
from sim.scenario import Scenario
from sim.state import initial_state, static_from
from sim.streams import Streams
from sim.world import STATUSES


class StateAgent(mesa.Agent):
    """A state: its identity and its current attributes, read from the model's arrays."""

    def __init__(self, model: "IccModel", position: int) -> None:
        super().__init__(model)
        self.position = position
        self.iso3 = model.static.iso3[position]
        self.name = str(model.world.table.loc[position, "name"])

    def _value(self, array: np.ndarray) -> object:
        return array[0, self.position].item()

    @property
    def status(self) -> str:
        return STATUSES[self._value(self.model.state.status)]

    @property
    def patron(self) -> str:
        return PATRON_CODES[self._value(self.model.state.patron)]

    @property
    def patron_strength(self) -> float:
        return self._value(self.model.state.patron_strength)

    @property
    def junta(self) -> bool:
        return self._value(self.model.state.junta)

    @property
    def ideal_point(self) -> float:
        return self._value(self.model.state.ideal_point)

    @property
    def exposure(self) -> float:
        return self._value(self.model.state.exposure)

    def __repr__(self) -> str:
        return f"StateAgent({self.iso3}, {self.status})"


class IccModel(mesa.Model):
    """One run of a scenario: run index `run` under root seed `seed`."""

    def __init__(self, scenario: Scenario, seed: int = 0, run: int = 0) -> None:
        super().__init__(rng=np.random.SeedSequence(seed, spawn_key=(run,)))
        self.resolved_scenario = scenario
        self.seed, self.run = seed, run
        self.world = world_for(scenario)
        self.static = static_from(self.world)
        self.state = initial_state(self.world, scenario, 1)
        self.month = scenario.start
        self.month_label = format_month(self.month)
        self._streams = Streams(seed, [run], self.static.size)
        self._schedule = dynamics.schedule(scenario, self.static)
        self._totals = {name: np.zeros(1, dtype=np.int64) for name in dynamics.EVENTS + dynamics.TALLIES}
        self.event_log: list[dict[str, object]] = []
        for position in range(self.static.size):
            StateAgent(self, position)
        self.datacollector = mesa.DataCollector(model_reporters={"month": "month_label",
                                                                 **{m: m for m in dynamics.MEASURES}})
        self._record()
        self.running = self.month < scenario.end

    def step(self) -> None:
        """Advance the world by one month."""
        self.month += 1
        self.month_label = format_month(self.month)
        log = dynamics.step(self.state, self.static, self.resolved_scenario.params,
                            self._streams.month(), self._schedule.get(self.month, []), self.month)
        for name, mask in log.items():
            self._totals[name] += mask.sum(axis=1)
        for position in range(self.static.size):
            for name in dynamics.EVENTS:
                if log[name][0, position]:
                    self.event_log.append({"run": self.run, "month": self.month_label,
                                           "iso3": self.static.iso3[position], "event": name})
        self._record()
        self.running = self.month < self.resolved_scenario.end

    def _record(self) -> None:
        for name, values in dynamics.measures(self.state, self.static, self._totals).items():
            setattr(self, name, values[0].item())
        self.datacollector.collect(self)

    def timeseries(self) -> pd.DataFrame:
        """The recorded measures, one row per month, with the run index."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        return frame.assign(run=self.run)[["run", "month", *dynamics.MEASURES]]

    def events(self) -> pd.DataFrame:
        return pd.DataFrame(self.event_log, columns=["run", "month", "iso3", "event"])
