"""The `iccsim explore` page (solara): pick a scenario, set its main parameters, run an ensemble in the
background and see its figures; step one Mesa run month by month in Mesa's SolaraViz.

Imported only by the server that `iccsim explore` starts (sim.interfaces.serve), never by the CLI itself.
"""

import dataclasses
from pathlib import Path

import pandas as pd
import solara
import solara.lab
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.core.errors import UserError
from sim.core.params import Params
from sim.interfaces import api
from sim.model import scenario as scenarios
from sim.model.mesa_model import IccModel
from sim.model.scenario import Scenario
from sim.outputs.figures import KINDS
from sim.outputs.render import png
from sim.outputs.status_map import status_map
from sim.store.folders import ResultFolder, ScenarioTables

MAIN_PARAMETERS = {  # the levers a reader of the README asks about first, with what each one does
    "a0": "baseline withdrawal hazard (logit intercept)",
    "b_peer": "contagion from bloc and patron-client peers",
    "b_junta": "junta with a court-hostile patron",
    "b_pat": "patron grievance x strength",
    "b_exp": "exposure to the court",
    "b_leg": "court legitimacy below its long-run level",
    "coup_multiplier": "coup attempt rates (1 = the record)",
    "revoke_rate": "monthly chance an exit is revoked",
}
FILE_CHOICE = "a .toml file ..."
MAX_RUNS = 2000  # keeps a run on the page to about a minute on two cores; the CLI takes more
FIGURES = {"membership": "single", "risk": "single", "map": "double"}  # side by side, then the map
DPI = 150  # on-screen images; the CLI writes 300-dpi files

choice = solara.reactive("baseline")
toml_path = solara.reactive("")
overrides: solara.Reactive[dict[str, float]] = solara.reactive({})
runs = solara.reactive(200)
seed = solara.reactive(0)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a finished ensemble shows: the settings it ran with, a headline and the figures as PNG."""

    settings: str
    headline: str
    figures: dict[str, bytes]


def _source() -> str:
    return toml_path.value.strip() if choice.value == FILE_CHOICE else choice.value


def changes(loaded: Scenario, chosen: Scenario) -> str:
    """The main parameters set away from the scenario's values, in words."""
    differences = [f"{name} = {getattr(chosen.params, name):g}" for name in MAIN_PARAMETERS
                   if getattr(chosen.params, name) != getattr(loaded.params, name)]
    return f"changed: {', '.join(differences)}" if differences else "the scenario's own parameters"


def settings_label(loaded: Scenario, chosen: Scenario, count: int, root_seed: int) -> str:
    """The settings of a run in words: scenario, changed parameters, runs and seed."""
    return f"{chosen.name}, {count} runs, seed {root_seed}; {changes(loaded, chosen)}"


def _png(figure, size: str = "double") -> bytes:  # noqa: ANN001 - a sim.outputs.figures.Figure
    """The figure as PNG bytes, at a journal column width (`single` or `double`) and screen resolution."""
    return png(figure, size, DPI)


def headline(result: api.Result) -> str:
    """States Parties at the end of the window: median and 90 % band over runs."""
    last = result.summary[(result.summary["measure"] == "parties")].iloc[-1]
    exits = (result.runs["further_exits"] >= 1).mean()
    return (f"States Parties in {last['month']}: median {last['median']:g} (90 % of runs: {last['q05']:g} to "
            f"{last['q95']:g}); at least one further exit in {exits:.0%} of runs")


@solara.lab.task(prefer_threaded=True)
def ensemble(chosen: Scenario, count: int, root_seed: int, label: str) -> Outcome:
    """Run the ensemble in a thread, reporting progress, and draw the fan chart, risk ranking and map."""
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        ensemble.progress = 90 * done / count  # drawing takes the last tenth

    ensemble.progress = 0
    result = api.run(chosen, runs=count, seed=root_seed, progress=tick, batch=max(10, -(-count // 20)))
    folder = ResultFolder(Path("."), "run", result.manifest, [ScenarioTables(
        result.scenario, result.runs, result.timeseries, result.events, result.summary)])
    figures = {kind: _png(figure, size) for kind, size in FIGURES.items() for figure in KINDS[kind][1](folder)}
    ensemble.progress = 100
    return Outcome(label, headline(result), figures)


def current() -> tuple[Scenario | None, Scenario | None, str | None]:
    """The picked scenario as loaded, with the parameter overrides applied, or the reason it cannot be."""
    if choice.value == FILE_CHOICE and not toml_path.value.strip():
        return None, None, None
    if not 0 <= seed.value < 2**63:
        return None, None, f"seed: expected a whole number from 0 to 2^63-1, got {seed.value}"
    try:
        loaded = scenarios.load(_source())
        return loaded, api.resolve(loaded, params=overrides.value), None
    except UserError as exc:
        return None, None, str(exc)


@solara.component
def ScenarioCard(loaded: Scenario | None, problem: str | None) -> None:
    """The scenario picker: a shipped scenario or a TOML file, with its title and window."""
    def pick(value: str) -> None:
        choice.set(value)
        overrides.set({})

    with solara.Card("Scenario"):
        solara.Select(label="Scenario", values=[*scenarios.available(), FILE_CHOICE], value=choice.value,
                      on_value=pick, classes=["iccsim-scenario"])
        if choice.value == FILE_CHOICE:
            solara.InputText("Path to a .toml file", value=toml_path, continuous_update=False)
            if not toml_path.value.strip():
                solara.Info("Type the path of a scenario file (absolute, or relative to the folder "
                            "iccsim explore started in) and press Enter.")
        if problem:
            solara.Error(problem)
        if loaded is not None:
            solara.Markdown(f"**{loaded.title}**")
            described = loaded.describe()
            solara.Text(f"{described['start']} to {described['end']}, {len(loaded.events)} scheduled events",
                        style={"font-size": "0.85em"})


@solara.component
def ParameterSliders(loaded: Scenario, chosen: Scenario) -> None:
    """A slider per main parameter over its declared range, starting at the scenario's value."""
    specs = Params.specs()
    base = loaded.params

    def setter(name: str, step: float):  # noqa: ANN202 - a callback
        def set_value(value: float) -> None:
            # a slider reports its value rounded to its step even when nobody moved it: ignore that
            if abs(value - getattr(chosen.params, name)) >= step / 2:
                overrides.set({**overrides.value, name: float(value)})
        return set_value

    with solara.Card("Parameters"):
        for name, meaning in MAIN_PARAMETERS.items():
            low, high = specs[name].metadata["low"], specs[name].metadata["high"]
            value = getattr(chosen.params, name)
            with solara.Div(classes=[f"iccsim-param-{name}"], style={"margin-top": "6px"}):
                solara.Text(f"{meaning} ({low:g} to {high:g})", style={"font-size": "0.8em", "color": "#555"})
                step = (high - low) / 100
                solara.SliderFloat(f"{name} = {value:.3g}", value=value, min=low, max=high, step=step,
                                   on_value=setter(name, step), thumb_label=False)
        changed = [n for n in MAIN_PARAMETERS if getattr(chosen.params, n) != getattr(base, n)]
        solara.Button("Back to the scenario's values", on_click=lambda: overrides.set({}), text=True,
                      disabled=not changed)


@solara.component
def EnsembleView(loaded: Scenario | None, chosen: Scenario | None) -> None:
    """The run button, the progress bar and, once finished, the headline and the three figures."""
    label = settings_label(loaded, chosen, runs.value, seed.value) if loaded and chosen else ""
    with solara.Row(style={"align-items": "center"}):
        solara.SliderInt(f"Runs: {runs.value}", value=runs, min=10, max=MAX_RUNS, step=10)
        solara.InputInt("Seed", value=seed, continuous_update=True)
    solara.Button(f"Run {runs.value} runs", color="primary", disabled=chosen is None or ensemble.pending,
                  on_click=lambda: ensemble(chosen, runs.value, seed.value, label), classes=["iccsim-run"])
    if ensemble.pending:
        solara.ProgressLinear(ensemble.progress or True)
        solara.Text(f"Running {label} ...")
    if ensemble.error:
        solara.Error(f"The run failed: {ensemble.exception}")
    if not ensemble.finished or ensemble.value is None:
        if not ensemble.pending:
            solara.Info("Set the scenario and parameters on the left, then press Run: the fan chart of States "
                        "Parties, the states most likely to announce withdrawal and the map appear here.")
        return
    outcome = ensemble.value
    with solara.Column(classes=["iccsim-outcome"]):
        solara.Markdown(f"**{outcome.headline}**", style={"font-size": "1.05em"})
        solara.Text(f"Runs shown: {outcome.settings}", classes=["iccsim-settings"])
        if outcome.settings != label and not ensemble.pending:
            solara.Warning("The settings changed since this run: press Run to see them.")
        with solara.Columns([1, 1]):
            for kind in ("membership", "risk"):
                with solara.Div(classes=[f"iccsim-figure-{kind}"]):
                    solara.Image(outcome.figures[kind], width="100%")
        with solara.Div(classes=["iccsim-figure-map"]):
            solara.Image(outcome.figures["map"], width="100%")


@solara.component
def StatusMapView(model: IccModel) -> None:
    """The single run's map in its current month."""
    update_counter.get()  # drawn again after every step (SolaraViz's controller bumps it)
    statuses = pd.DataFrame([{"iso3": a.iso3, "name": a.name, "status": a.status} for a in model.agents])
    figure = solara.use_memo(lambda: _png(status_map(statuses, model.month_label, model.resolved_scenario.name),
                                          "single"), [model, model.month_label])
    with solara.Div(classes=["iccsim-month"]):
        solara.Markdown(f"### Month: {model.month_label}")
    solara.Image(figure, width="100%")


@solara.component
def EventLogView(model: IccModel) -> None:
    """What happened in the current month of the single run."""
    update_counter.get()
    names = {a.iso3: a.name for a in model.agents}
    rows = [e for e in model.event_log if e["month"] == model.month_label]
    solara.Markdown(f"### Events in {model.month_label}")
    if not rows:
        solara.Text("No events this month." if model.month > model.resolved_scenario.start
                    else "The start month: press Step to advance one month.", classes=["iccsim-events"])
        return
    table = pd.DataFrame([{"state": names[e["iso3"]], "event": e["event"].replace("_", " ")} for e in rows])
    with solara.Div(classes=["iccsim-events"]):
        solara.Markdown(table.to_markdown(index=False))


@solara.component
def SingleRun(chosen: Scenario, key: str) -> None:
    """One Mesa run (run 0 of the chosen seed) in Mesa's SolaraViz: Reset, Play and Step in the sidebar."""
    model = solara.use_memo(lambda: IccModel(chosen, seed=seed.value, run=0), [key])
    SolaraViz(model, components=[(StatusMapView, 0), (EventLogView, 0)],
              model_params={"scenario": chosen, "seed": seed.value, "run": 0},
              name=f"iccsim explore: one run of {chosen.name}").key(key)


@solara.component
def Page() -> None:
    solara.Title("iccsim explore")
    tab = solara.use_reactive(0)
    loaded, chosen, problem = current()
    with solara.Sidebar():
        ScenarioCard(loaded, problem)
        if loaded is not None and chosen is not None and tab.value == 0:
            ParameterSliders(loaded, chosen)
        elif loaded is not None and chosen is not None:
            with solara.Card("Parameters"):
                solara.Text(f"{changes(loaded, chosen)[:1].upper()}{changes(loaded, chosen)[1:]} (set them on the Ensemble tab). The run "
                            f"below is run 0 of seed {seed.value}; Step advances it one month.",
                            style={"font-size": "0.9em"})
    with solara.v.Tabs(v_model=tab.value, on_v_model=tab.set):
        solara.v.Tab(children=["Ensemble"])
        solara.v.Tab(children=["Single run"])
    if tab.value == 0:
        EnsembleView(loaded, chosen)
    elif chosen is None:
        solara.Info("Choose a valid scenario first.")
    else:
        SingleRun(chosen, f"{_source()}|{sorted(overrides.value.items())}|{seed.value}")
