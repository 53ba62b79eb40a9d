"""Scenarios as data: TOML files validated into typed objects, with `extends` resolved.

A scenario names a time window, parameter overrides, per-state attribute overrides at the start
and dated events. Every problem is reported as one line naming the file, the key and what is allowed.
"""

import dataclasses
import hashlib
import importlib.resources
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from sim.core.errors import UserError
from sim.core.months import format_month, parse_month
from sim.core.params import Params
from sim.data import datasets

PATRONS = ("NONE", "RUS", "USA_ISR", "FRA_EU", "CHN")
GROUPS = ("AG", "APG", "EEG", "GRULAC", "WEOG")
BLOCS = ("AU", "ECOWAS", "AES", "EU")
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"

Month = Annotated[str, Field(pattern=MONTH_PATTERN)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    """No unknown keys and no coercion: `junta = "yes"`, `junta = 1` and `strength = "0.5"` are errors
    (a whole number where a decimal is expected is fine: TOML writes 1.0 as 1 too)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class _Targeted(_Strict):
    """An event that applies to the states selected by ISO3 code, UN regional group or bloc."""

    month: Month
    states: list[str] = []
    groups: list[Literal[GROUPS]] = []  # type: ignore[valid-type]
    blocs: list[Literal[BLOCS]] = []  # type: ignore[valid-type]

    @pydantic.model_validator(mode="after")
    def _selects_something(self) -> "_Targeted":
        if not (self.states or self.groups or self.blocs):
            raise ValueError("needs at least one of states, groups, blocs")
        return self


class Coup(_Targeted):
    """A successful coup: a junta takes power (and the patron changes if `patron` is given)."""

    kind: Literal["coup"]
    patron: Literal[PATRONS] | None = None  # type: ignore[valid-type]


class CoupAttempt(_Targeted):
    """A failed coup attempt: no change of government, but the coup trap starts."""

    kind: Literal["coup_attempt"]


class JuntaEnd(_Targeted):
    """A junta hands power to a civilian government (a change of government)."""

    kind: Literal["junta_end"]


class GovernmentChange(_Targeted):
    """A civilian government replaces another (an election lost): a change of government, as a junta's end."""

    kind: Literal["government_change"]


class PatronChange(_Targeted):
    kind: Literal["patron"]
    patron: Literal[PATRONS]  # type: ignore[valid-type]
    strength: Unit


class Announce(_Targeted):
    kind: Literal["announce"]


class Notify(_Targeted):
    kind: Literal["notify"]


class Revoke(_Targeted):
    kind: Literal["revoke"]


class Accede(_Targeted):
    kind: Literal["accede"]


class ExposureChange(_Targeted):
    kind: Literal["exposure"]
    value: Unit


class Cooperation(_Targeted):
    """Sets the selected states' cooperation with the court (1: a government that surrendered suspects
    to it and relies on it against its opponents)."""

    kind: Literal["cooperation"]
    value: Unit


class Alignment(_Targeted):
    """Sets the selected states' UN-voting ideal point (as a new yearly estimate would)."""

    kind: Literal["alignment"]
    value: Annotated[float, Field(ge=-4.0, le=4.0)]


class Pressure(_Targeted):
    """Shifts the selected parties' announcement logit from this month on (0 removes it)."""

    kind: Literal["pressure"]
    value: Annotated[float, Field(ge=-5.0, le=5.0)]


class CoupRisk(_Targeted):
    """Multiplies the selected states' coup-attempt rate from this month on (1 restores it)."""

    kind: Literal["coup_risk"]
    factor: Annotated[float, Field(ge=0.0, le=20.0)]


class Sanctions(_Strict):
    """Sets the level of sanctions pressure on the court (0 none, 1 the court as an institution)."""

    kind: Literal["sanctions"]
    month: Month
    value: Unit


class Hostility(_Strict):
    """Sets a patron's hostility to the court."""

    kind: Literal["hostility"]
    month: Month
    patron: Literal[PATRONS[1:]]  # type: ignore[valid-type]
    value: Unit


class Bias(_Strict):
    """Sets the perceived African bias of the caseload (share of investigations in Africa)."""

    kind: Literal["bias"]
    month: Month
    value: Unit


class Arrest(_Strict):
    """High-profile non-African suspects surrendered to the court."""

    kind: Literal["arrest"]
    month: Month
    count: Annotated[int, Field(ge=1, le=10)] = 1


class Campaign(_Strict):
    """Sets the level of a bloc's campaign against the court (0 none, 1 a collective call to withdraw)."""

    kind: Literal["campaign"]
    month: Month
    blocs: Annotated[list[Literal[BLOCS]], Field(min_length=1)]  # type: ignore[valid-type]
    value: Unit


class Recognition(_Targeted):
    """Whether the selected states have a government able to deposit a valid notification of withdrawal
    (False: a de facto authority the UN does not recognise, so the state cannot announce)."""

    kind: Literal["recognition"]
    recognised: bool


class LegitimacyShock(_Strict):
    kind: Literal["legitimacy"]
    month: Month
    delta: Annotated[float, Field(ge=-1.0, le=1.0)]


EVENT_CLASSES = (Coup, CoupAttempt, JuntaEnd, GovernmentChange, PatronChange, Announce, Notify, Revoke, Accede,
                 ExposureChange, Cooperation, Alignment, Pressure, CoupRisk, Sanctions, Hostility, Bias, Arrest, Campaign,
                 Recognition, LegitimacyShock)
Event = Annotated[Union[EVENT_CLASSES], Field(discriminator="kind")]  # type: ignore[valid-type]


EVENT_ADAPTER: pydantic.TypeAdapter = pydantic.TypeAdapter(Event)
EVENT_KINDS = tuple(cls.model_fields["kind"].annotation.__args__[0] for cls in EVENT_CLASSES)
REPLAY_KINDS = ("coups", "juntas", "governments", "patrons", "court", "exposure", "alignment")


class StateOverride(_Strict):
    """Attributes of one state replaced at the start of the run."""

    patron: Literal[PATRONS] | None = None  # type: ignore[valid-type]
    patron_strength: Unit | None = None
    ideal_point: Annotated[float, Field(ge=-4.0, le=4.0)] | None = None
    exposure: Unit | None = None
    cooperation: Unit | None = None
    junta: bool | None = None
    coup_rate: Annotated[float, Field(ge=0.0, le=1.0)] | None = None


class ScenarioFile(_Strict):
    """The literal content of one scenario file."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=60)] | None = None
    title: Annotated[str, Field(max_length=100, pattern=r"^[^\n]*$")] | None = None
    description: str | None = None
    extends: str | None = None
    start: Month | None = None
    end: Month | None = None
    parameters: dict[str, Any] = {}  # checked against sim.core.params.Params
    states: dict[str, StateOverride] = {}
    events: list[Event] = []
    replay: list[Literal[REPLAY_KINDS]] = []  # type: ignore[valid-type]


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A fully resolved scenario: its chain of files merged and validated."""

    name: str
    title: str
    description: str
    start: int
    end: int
    params: Params
    states: dict[str, StateOverride]
    events: tuple[Any, ...]
    replay: tuple[str, ...]
    files: tuple[Path, ...]
    file_hashes: dict[str, str]
    parent: "Scenario | None" = None
    pinned: frozenset[str] = frozenset()  # parameters set by the files or overrides: posterior draws leave them

    def with_window(self, start: int | None, end: int | None) -> "Scenario":
        """The same scenario over another window (events outside it are ignored)."""
        new = dataclasses.replace(self, start=self.start if start is None else start,
                                  end=self.end if end is None else end)
        _check_window(new.start, new.end, new.name)
        return new

    def events_outside_window(self) -> int:
        """How many events fall outside (start, end]: they are ignored, e.g. after --start or --end."""
        return sum(not self.start < parse_month(e.month) <= self.end for e in self.events)

    def with_params(self, overrides: dict[str, Any], where: str = "--set") -> "Scenario":
        """Validated overrides on top of the parameters; they are pinned (posterior draws leave them)."""
        return dataclasses.replace(self, params=self.params.replace(overrides, where),
                                   pinned=self.pinned | frozenset(overrides))

    def with_draw(self, values: dict[str, float]) -> "Scenario":
        """A posterior draw applied to the parameters that are not pinned."""
        free = {name: value for name, value in values.items() if name not in self.pinned}
        return dataclasses.replace(self, params=self.params.replace(free, "posterior draw"))

    def differences(self) -> dict[str, Any]:
        """How this scenario differs from the one it extends: window, parameters, states, events."""
        if self.parent is None:
            return {}
        base = self.parent
        changed = {name: {"from": value, "to": getattr(self.params, name)}
                   for name, value in base.params.as_dict().items() if getattr(self.params, name) != value}
        window = {key: {"from": format_month(getattr(base, key)), "to": format_month(getattr(self, key))}
                  for key in ("start", "end") if getattr(base, key) != getattr(self, key)}
        return {
            "extends": base.name,
            "window": window,
            "parameters": changed,
            "states": {code: o.model_dump(exclude_none=True) for code, o in self.states.items()
                       if base.states.get(code) != o},
            "events_added": [_event_dict(e) for e in self.events if e not in base.events],
            "replay_added": [k for k in self.replay if k not in base.replay],
        }

    def describe(self) -> dict[str, Any]:
        """A JSON-ready description: window, parameters, state overrides and events."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "files": [p.name for p in self.files],
            "start": format_month(self.start),
            "end": format_month(self.end),
            "parameters": self.params.as_dict(),
            "states": {k: v.model_dump(exclude_none=True) for k, v in self.states.items()},
            "events": [_event_dict(e) for e in self.events],
            "replay": list(self.replay),
        }


def _event_dict(event: Any) -> dict[str, Any]:
    return {"month": event.month, "kind": event.kind} | event.model_dump(exclude_defaults=True)


def scenario_dir() -> Path:
    """The folder of named scenarios shipped with the package."""
    return Path(str(importlib.resources.files("sim.scenarios")))


def available() -> list[str]:
    return sorted(p.stem for p in scenario_dir().glob("*.toml"))


def load(name_or_path: str) -> Scenario:
    """Load a named scenario (or a path to a .toml file) and resolve its `extends` chain."""
    path = _locate(name_or_path)
    chain: list[tuple[Path, ScenarioFile]] = []
    seen: set[Path] = set()
    while True:
        if path in seen:
            raise UserError(f"{path.name}: extends forms a cycle")
        seen.add(path)
        content = _read(path)
        chain.append((path, content))
        if content.extends is None:
            break
        parent = path.parent / f"{content.extends}.toml"
        if not parent.is_file():
            parent = scenario_dir() / f"{content.extends}.toml"
        if not parent.is_file():
            raise UserError(f"{path.name}: extends: no scenario named {content.extends!r} "
                            f"(available: {', '.join(available())})")
        path = parent
    ordered = list(reversed(chain))
    parent = _merge(ordered[:-1]) if len(ordered) > 1 else None
    return dataclasses.replace(_merge(ordered), parent=parent)


def _locate(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml":
        if not candidate.is_file():
            raise UserError(f"scenario file not found: {name_or_path}")
        return candidate.resolve()
    path = scenario_dir() / f"{name_or_path}.toml"
    if not path.is_file():
        raise UserError(f"unknown scenario {name_or_path!r} (available: {', '.join(available())})")
    return path


def _read(path: Path) -> ScenarioFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise UserError(f"{path.name}: cannot read it ({exc.strerror})") from None
    if text.startswith("\ufeff"):
        raise UserError(f"{path.name}: starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path.name}: malformed TOML: {exc}") from None
    except RecursionError:
        raise UserError(f"{path.name}: malformed TOML: arrays or tables nested too deeply") from None
    try:
        content = ScenarioFile.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise UserError(f"{path.name}: {_first_error(exc)}") from None
    _check_states(path, content)
    return content


def _first_error(exc: pydantic.ValidationError) -> str:
    """The first validation error as `key.path: problem (got value)`."""
    err = exc.errors()[0]
    parts: list[str] = []
    after_event_index = False
    for part in err["loc"]:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]"
            after_event_index = parts[-1].startswith("events[")
            continue
        if not (after_event_index and part in EVENT_KINDS) and "function" not in part:  # drop the union's tag
            parts.append(str(part))
        after_event_index = False
    message, given = err["msg"], err.get("input")
    if err["type"] == "extra_forbidden":
        return f"{'.'.join(parts)}: unknown key"
    if err["type"] == "union_tag_invalid":
        return f"{'.'.join(parts)}.kind: unknown event kind {given.get('kind')!r} (allowed: {', '.join(EVENT_KINDS)})"
    if err["type"] == "union_tag_not_found":
        return f"{'.'.join(parts)}.kind: missing; every event needs a kind (allowed: {', '.join(EVENT_KINDS)})"
    if err["type"] == "missing":
        return f"{'.'.join(parts)}: missing"
    return f"{'.'.join(parts)}: {message}" + ("" if isinstance(given, dict) else f" (got {given!r})")


def _check_states(path: Path, content: ScenarioFile) -> None:
    known = set(datasets.states()["iso3"])
    named = [(f"states.{code}", code) for code in content.states]
    named += [(f"events[{i}].states", code) for i, e in enumerate(content.events)
              for code in getattr(e, "states", [])]
    for where, code in named:
        if code not in known:
            raise UserError(f"{path.name}: {where}: unknown ISO3 code {code!r}")


def _merge(chain: list[tuple[Path, ScenarioFile]]) -> Scenario:
    path, last = chain[-1]
    params: dict[str, Any] = {}
    states: dict[str, dict[str, Any]] = {}
    events: list[tuple[str, int, Any]] = []  # (file name, index in the file, event)
    replay: list[str] = []
    start = end = None
    description = ""
    for file_path, content in chain:
        for name, value in content.parameters.items():
            Params.build({name: value}, where=f"{file_path.name}: parameters")
            if isinstance(value, bool) or not isinstance(value, (int, float)):  # numbers only, as in the model
                raise UserError(f"{file_path.name}: parameters.{name}: expected a number, got {value!r}")
            params[name] = value
        for code, override in content.states.items():
            states[code] = {**states.get(code, {}), **override.model_dump(exclude_none=True)}
        events.extend((file_path.name, i, event) for i, event in enumerate(content.events))
        replay += [kind for kind in content.replay if kind not in replay]
        start = content.start or start
        end = content.end or end
        description = content.description or description
    if start is None or end is None:
        raise UserError(f"{path.name}: start and end are required (here or in the scenario it extends)")
    begin, finish = parse_month(start, f"{path.name}: start"), parse_month(end, f"{path.name}: end")
    name = last.name or path.stem
    _check_window(begin, finish, path.name)
    for file_name, index, event in events:
        if not begin < parse_month(event.month) <= finish:
            raise UserError(f"{file_name}: events[{index}].month: {event.month} is outside the window; events "
                            f"take effect from the month after start ({format_month(begin + 1)}) to end "
                            f"({format_month(finish)})")
    return Scenario(
        name=name,
        title=last.title or _first_sentence(" ".join(description.split())),
        description=" ".join(description.split()),
        start=begin,
        end=finish,
        params=Params.build(params, where=f"{path.name}: parameters"),
        states={code: StateOverride(**values) for code, values in states.items()},
        events=tuple(sorted((e for _, _, e in events), key=lambda e: parse_month(e.month))),
        replay=tuple(replay),
        files=tuple(p for p, _ in chain),
        file_hashes={p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p, _ in chain},
        pinned=frozenset(params),
    )


def _first_sentence(text: str) -> str:
    sentence = text.split(". ")[0].rstrip(".")
    return sentence if len(sentence) <= 100 else sentence[:99] + "…"


def _check_window(start: int, end: int, where: str) -> None:
    first, last = parse_month(datasets.FIRST_MONTH), parse_month(datasets.LAST_START_MONTH)
    if not first <= start <= last:
        raise UserError(f"{where}: start {format_month(start)} is outside the data "
                        f"({datasets.FIRST_MONTH} to {datasets.LAST_START_MONTH})")
    if end <= start:
        raise UserError(f"{where}: end {format_month(end)} must be after start {format_month(start)}")
    if end - start > 12 * 100:
        raise UserError(f"{where}: window longer than 100 years")
