"""The simulated world as arrays with a leading replicate axis, built from a World and a Scenario.

Per-state arrays have shape (runs, states); world-level arrays have shape (runs,). Status and
patron are small integer codes; months are integer ordinals (see sim.core.months).
"""

import dataclasses
import functools

import numpy as np
import pandas as pd

from sim.data import datasets
from sim.data.datasets import BLOC_CODES, GROUP_CODES, PATRON_CODES
from sim.data.world import STATUSES, World
from sim.model import legitimacy
from sim.model.rules import LEGITIMACY_PARAMETERS
from sim.model.scenario import Scenario

NON_PARTY, ACCEDING, PARTY, ANNOUNCED, NOTIFIED, WITHDRAWN = range(len(STATUSES))
RUS, USA_ISR = PATRON_CODES.index("RUS"), PATRON_CODES.index("USA_ISR")
NEVER = -(10**6)  # month ordinal for "never happened"
PER_STATE = ("status", "status_month", "announce_month", "notify_month", "stalled", "ideal_point", "patron",
             "patron_strength", "patron_target", "junta", "last_attempt", "regime_change", "turnover", "coup_rate",
             "coup_factor", "exposure", "pressure", "initially_notified", "barred", "cooperation")  # the (runs, states) arrays


@dataclasses.dataclass(frozen=True)
class Static:
    """Per-state constants that no process changes during a run."""

    iso3: tuple[str, ...]
    group: np.ndarray  # (states,) index into GROUP_CODES
    african: np.ndarray  # (states,) bool: UN African Group
    population: np.ndarray  # (states,) thousands
    bloc_members: np.ndarray  # (states, blocs) bool
    # the same memberships as lists: state i belongs to blocs membership[first[i]:first[i + 1]], and
    # is a lead state of membership j's bloc where membership_lead[j]
    first: np.ndarray  # (states + 1,)
    membership: np.ndarray  # (memberships,)
    membership_lead: np.ndarray  # (memberships,) bool

    @property
    def size(self) -> int:
        return len(self.iso3)

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.iso3)}

    def index(self, codes: list[str]) -> np.ndarray:
        """Positions of the given ISO3 codes (the lookup table is built once: replayed histories ask often)."""
        return np.array([self._positions[c] for c in codes], dtype=np.intp)


@dataclasses.dataclass
class SimState:
    """Everything that changes during a run, for `runs` replicates in lockstep."""

    status: np.ndarray
    status_month: np.ndarray
    announce_month: np.ndarray
    notify_month: np.ndarray
    stalled: np.ndarray
    ideal_point: np.ndarray
    patron: np.ndarray
    patron_strength: np.ndarray
    patron_target: np.ndarray
    junta: np.ndarray
    last_attempt: np.ndarray
    regime_change: np.ndarray
    turnover: np.ndarray
    coup_rate: np.ndarray
    coup_factor: np.ndarray
    exposure: np.ndarray
    pressure: np.ndarray  # scenario shift of the announcement logit
    initially_notified: np.ndarray  # notified at the start: exits already in the pipeline
    barred: np.ndarray  # no government able to deposit a valid notification (sim.world, unrecognised.csv)
    cooperation: np.ndarray  # the government's cooperation with the court (exposure.csv, kind cooperation)
    legitimacy: np.ndarray
    # exogenous world levels, set only by scenario events and so shared by all runs
    sanctions: float
    hostility: np.ndarray  # (patrons,)
    africa_bias: float
    campaign: np.ndarray  # (blocs,) level of each bloc's campaign against the court

    @property
    def runs(self) -> int:
        return self.status.shape[0]

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The per-state arrays in PER_STATE order, the form compiled code takes (shared, not copied)."""
        return tuple(getattr(self, name) for name in PER_STATE)


def static_from(world: World) -> Static:
    table = world.table
    states, blocs = np.nonzero(world.bloc_members)  # grouped by state
    return Static(
        iso3=tuple(table["iso3"]),
        group=np.array([GROUP_CODES.index(g) for g in table["un_group"]], dtype=np.int8),
        african=(table["un_group"] == "AG").to_numpy(),
        population=table["population_thousands"].to_numpy(dtype=float),
        bloc_members=world.bloc_members,
        first=np.searchsorted(states, np.arange(len(table) + 1)),
        membership=blocs,
        membership_lead=world.bloc_leads[states, blocs],
    )


def _months(column: pd.Series) -> np.ndarray:
    """The month ordinals (sim.core.months.month_of) of a column of dates, NEVER where there is none."""
    dates = pd.to_datetime(pd.Series(column))
    ordinals = dates.dt.year.fillna(0).to_numpy(dtype=np.int64) * 12 + dates.dt.month.fillna(1).to_numpy(
        dtype=np.int64) - 1
    return np.where(dates.isna().to_numpy(), NEVER, ordinals).astype(np.int32)


def initial_state(world: World, scenario: Scenario, runs: int) -> SimState:
    """Replicate the world's attributes `runs` times, with the scenario's state overrides applied. The one
    run replicated is built once per world and scenario (its start, state overrides and the parameters its
    legitimacy starts from), not once per batch or Mesa model; each call gets its own copies."""
    one = _one_run(world, scenario)
    return dataclasses.replace(one, **{name: np.repeat(getattr(one, name), runs, axis=0) for name in PER_STATE},
                               legitimacy=np.repeat(one.legitimacy, runs), hostility=one.hostility.copy(),
                               campaign=one.campaign.copy())


_ONE_RUN: dict[int, tuple[World, tuple, SimState]] = {}  # by id(world); the entry holds the world, so its id stays its own


def _one_run(world: World, scenario: Scenario) -> SimState:
    key = (scenario.start, repr(scenario.states),
           tuple(getattr(scenario.params, name) for name in LEGITIMACY_PARAMETERS))
    entry = _ONE_RUN.get(id(world))
    if entry is None or entry[0] is not world or entry[1] != key:
        if len(_ONE_RUN) >= 16:
            _ONE_RUN.pop(next(iter(_ONE_RUN)))  # the oldest
        entry = _ONE_RUN[id(world)] = (world, key, _built(world, scenario, 1))
    return entry[2]


def _built(world: World, scenario: Scenario, runs: int) -> SimState:
    table = world.table.set_index("iso3")
    for code, override in scenario.states.items():
        for field, value in override.model_dump(exclude_none=True).items():
            table.loc[code, field] = value
    start = scenario.start
    status = np.array([STATUSES.index(s) for s in table["status"]], dtype=np.int8)
    announce = _months(table["announced"])
    notify = _months(table["notified"])
    deposit = _months(table["deposit"])
    effective = _months(table["effective"])
    status_month = np.where(status == ACCEDING, deposit, np.where(status == WITHDRAWN, effective, start))
    junta_ends = _junta_end_months(world, table.index)
    last_coup = _months(table["last_coup"])
    patron = np.array([PATRON_CODES.index(p) for p in table["patron"]], dtype=np.int8)
    strength = table["patron_strength"].to_numpy(dtype=float)

    def rep(values: np.ndarray) -> np.ndarray:
        return np.repeat(np.asarray(values)[None, :], runs, axis=0)

    return SimState(
        status=rep(status),
        status_month=rep(status_month),
        announce_month=rep(announce),
        notify_month=rep(notify),
        stalled=rep((status == ANNOUNCED) & (start - announce >= 3)),
        ideal_point=rep(table["ideal_point"].to_numpy(dtype=float)),
        patron=rep(patron),
        patron_strength=rep(strength),
        patron_target=rep(strength),
        junta=rep(table["junta"].to_numpy(dtype=bool)),
        last_attempt=rep(_months(table["last_coup_attempt"])),
        regime_change=rep(np.maximum(last_coup, junta_ends)),
        turnover=rep(junta_ends),
        coup_rate=rep(table["coup_rate"].to_numpy(dtype=float)),
        coup_factor=rep(np.ones(len(table))),
        exposure=rep(table["exposure"].to_numpy(dtype=float)),
        pressure=rep(np.zeros(len(table))),
        initially_notified=rep(status == NOTIFIED),
        barred=rep(table["barred"].to_numpy(dtype=bool)),
        cooperation=rep(table["cooperation"].to_numpy(dtype=float)),
        legitimacy=np.full(runs, legitimacy.at_start(scenario.params, start)),
        sanctions=world.sanctions,
        hostility=np.array([world.hostility[p] for p in PATRON_CODES]),
        africa_bias=world.africa_bias,
        campaign=np.array([world.campaign[b] for b in BLOC_CODES]),
    )


def _junta_end_months(world: World, codes: pd.Index) -> np.ndarray:
    """Month of each state's last return from military rule on or before the as-of date."""
    juntas = datasets.juntas()
    ended = juntas[juntas["end"].notna() & (juntas["end"] <= pd.Timestamp(world.as_of))]
    last = ended.groupby("iso3")["end"].max().reindex(codes)
    return _months(last)
