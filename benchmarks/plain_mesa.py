"""A plain Mesa model of the iccsim model's size: the reference for the Mesa driver's overhead.

195 agents, one per state, stepped in random order every month for 109 months (the baseline window),
each drawing one random number against a fixed monthly hazard and updating its own attribute, and
eleven model-level values collected per month by a DataCollector (the iccsim model collects the month
and ten measures). Nothing of iccsim: what a Mesa model of this size costs at least.
"""

import mesa

STATES, MONTHS = 195, 109
REPORTERS = ("month", "parties", "announced", "notified", "withdrawn", "exits", "further_exits", "accessions",
             "juntas", "legitimacy", "population_share")


class PlainAgent(mesa.Agent):
    def __init__(self, model: "PlainModel") -> None:
        super().__init__(model)
        self.exited = False

    def step(self) -> None:
        if self.model.random.random() < 0.001:
            self.exited = not self.exited


class PlainModel(mesa.Model):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(rng=seed)
        for _ in range(STATES):
            PlainAgent(self)
        self.month = 0
        for name in REPORTERS[1:]:
            setattr(self, name, 0)
        self.datacollector = mesa.DataCollector(model_reporters={name: name for name in REPORTERS})
        self.datacollector.collect(self)

    def step(self) -> None:
        self.month += 1
        self.agents.shuffle_do("step")
        self.parties = sum(not agent.exited for agent in self.agents)
        self.datacollector.collect(self)
        self.running = self.month < MONTHS


def run(seed: int = 0) -> PlainModel:
    model = PlainModel(seed)
    while model.month < MONTHS:
        model.step()
    return model
