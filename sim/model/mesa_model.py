"""The Mesa model: one agent per state, each deciding for itself every month by the shared rules.

Months are synchronous: the model first takes the view every state decides on (scenario events, the
parties' mean ideal point, the shares of exiting peers), then each agent steps, in random order, and
applies its own coups, announcement, legal steps and accession (sim.decide); its attributes live in the
model's arrays, so an agent is a live view on its own row. For the same seed and run index the model
reproduces the ensemble's run, whatever the order of the agents.
"""

import functools
from typing import Callable

import mesa
import numpy as np
import pandas as pd

from sim.core.months import format_month
from sim.data.datasets import PATRON_CODES
from sim.data.world import STATUSES
from sim.model import decide, dynamics, kernel, rules
from sim.model.agent_step import AgentContext, bound_step, bound_view
from sim.model.ensemble import world_for
from sim.model.scenario import Scenario
from sim.model.state import initial_state, static_from
from sim.model.streams import PROCESSES, Streams


class StateAgent(mesa.Agent):
    """A state: its identity and its current attributes, read from the model's arrays."""

    def __init__(self, model: "IccModel", position: int, name: str, step: Callable[[], None]) -> None:
        super().__init__(model)
        self.position = position
        self.iso3 = model.static.iso3[position]
        self.name = name
        # the agent's step: decide this month's events from the model's view and apply them to this state,
        # by the compiled rules bound to this state (sim.model.agent_step), with no Python call in between
        self.step = step

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
        # the month's event counts per code, their totals so far and the measures, as the ensemble's
        # compiled month records them (kernel.record), for run 0 and one month
        self._counts = np.zeros((1, len(dynamics.CODES)), dtype=np.int64)
        self._totals = np.zeros((1, len(dynamics.CODES)), dtype=np.int64)
        self._ints = np.zeros((len(kernel.INT_MEASURES), 1, 1), dtype=np.int64)
        self._floats = np.zeros((len(kernel.FLOAT_MEASURES), 1, 1))
        self._world_population = float(self.static.population.sum())
        self.numbers = rules.numbers(scenario.params)
        self.arrays = self.state.arrays()
        blocs, patrons = self.static.bloc_members.shape[1], len(PATRON_CODES)
        # the view each month's decisions are taken on: mean ideal point, bloc, patron and junta shares
        self.view = decide.view_arrays(1, blocs, patrons)
        self.z = np.empty(self.static.size)  # each agent's announcement log-odds
        # decide's announcement caps; the agents decide at an infinite scale, so every party's log-odds are computed
        self.caps = decide.cap_arrays(1, self.static.size)[0]
        self.bits = np.zeros((1, self.static.size), dtype=np.int16)  # this month's events
        self.draws = np.zeros((len(PROCESSES), 1, self.static.size), dtype=np.uint32)
        # the agents' shared structure: references to the arrays above and the state's, the month and the
        # world levels (copied in every month: the model replaces them rather than writing into them)
        self._clock, self._world, self._legitimacy = np.zeros(1, dtype=np.int64), np.zeros(2), np.ones(1)
        self._world[1] = rules.accession_bound(self.numbers)  # fixed: a run keeps its parameters
        self._hostility, self._campaign = self.state.hostility.copy(), self.state.campaign.copy()
        self.context = AgentContext(self.numbers, self.arrays, self.static.african, self.static.first,
                                    self.static.membership, self.static.membership_lead, self._hostility,
                                    self._campaign, self._legitimacy, self.draws, *self.view, self.z, self.caps,
                                    self.bits, self._clock, self._world)
        self._take_view, agent_step = bound_view(self.context), bound_step(self.context)
        names = self.world.table["name"].tolist()
        for position in range(self.static.size):
            StateAgent(self, position, names[position], functools.partial(agent_step, self.context, position))
        self.event_log: list[dict[str, object]] = []
        self.datacollector = mesa.DataCollector(model_reporters={"month": "month_label",
                                                                 **{m: m for m in dynamics.MEASURES}})
        self._count_and_measure()
        self._collect()
        self.running = self.month < scenario.end

    def step(self) -> None:
        """Advance the world by one month: scenario events, the view, then every agent in random order."""
        self.month += 1
        self.month_label = format_month(self.month)
        p = self.resolved_scenario.params
        self.bits[:] = 0
        arrests = dynamics.apply_scheduled(self.state, self._schedule.get(self.month, []), self.month, p, self.bits)
        self.draws[:] = self._streams.month()
        self._clock[0], self._world[0] = self.month, self.state.africa_bias
        self._legitimacy[:], self._hostility[:] = self.state.legitimacy, self.state.hostility
        self._campaign[:] = self.state.campaign
        self._take_view(self.context)
        self.agents.shuffle_do("step")
        self._count_and_measure()
        dynamics.update_legitimacy(self.state, self.static, self.numbers, self.bits, self._counts, arrests)
        for position in np.flatnonzero(self.bits[0]):
            for code, name in enumerate(dynamics.EVENTS):
                if self.bits[0, position] >> code & 1:
                    self.event_log.append({"run": self.run, "month": self.month_label,
                                           "iso3": self.static.iso3[position], "event": name})
        self._collect()
        self.running = self.month < self.resolved_scenario.end

    def _count_and_measure(self) -> None:
        """The month's events counted per code and added to the totals, and the measures of the month
        (all but legitimacy), by the ensemble's compiled recorder."""
        kernel.record(0, 0, self.state.status, self.state.junta, self.bits, self.static.population,
                      self._world_population, self._counts, self._totals, self._ints, self._floats)

    def _collect(self) -> None:
        """The month's measures as the model's attributes, collected by the DataCollector."""
        for k, name in enumerate(kernel.INT_MEASURES):
            setattr(self, name, int(self._ints[k, 0, 0]))
        self.legitimacy, self.population_share = float(self.state.legitimacy[0]), float(self._floats[1, 0, 0])
        self.datacollector.collect(self)

    def timeseries(self) -> pd.DataFrame:
        """The recorded measures, one row per month, with the run index."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        return frame.assign(run=self.run)[["run", "month", *dynamics.MEASURES]]

    def events(self) -> pd.DataFrame:
        return pd.DataFrame(self.event_log, columns=["run", "month", "iso3", "event"])
