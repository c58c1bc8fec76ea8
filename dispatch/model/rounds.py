"""Frozen value objects of a grid service team's rounds (docs/grid.md, "Rounds"): the day
going in (``RoundDay``), the plan coming out (``RoundPlan``). Units as in ``dispatch.model``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from dispatch.model import Location, Mode, Settings, Violation, Window

RoundReason = Literal["no_climber", "too_many_items", "unreachable", "no_time"]


@dataclass(frozen=True, slots=True)
class RoundStation:
    """A service station (党群爱心服务站): where rounds start and items are fetched."""

    id: str
    name: str
    location: Location
    opens_s: int
    closes_s: int


@dataclass(frozen=True, slots=True)
class RoundMember:
    """A team member on a round: how they travel, what they carry, whether they climb stairs
    (a member who does not serves only ground floors and buildings with a lift)."""

    id: str
    name: str
    mode: Mode
    capacity: int
    climbs: bool
    start_s: int
    end_s: int
    span_target_s: int | None = None  # a campaign's fair share of the day, in seconds
    person: str | None = None  # a campaign's member behind this worker, hours balanced over days


@dataclass(frozen=True, slots=True)
class RoundTask:
    """One household's request (or a due visit) for the day: ``items`` carried from the round's
    station, or fetched first at ``pickup`` (another station, or the same one on a second
    trip); served once inside ``window``; ``priority`` weighs leaving it out."""

    id: str
    kind: str
    household: str
    building: str
    location: Location
    floor: int
    lift: bool
    items: int
    pickup: str | None
    window: Window
    service_s: int
    priority: int
    responsible: str | None = None


@dataclass(frozen=True, slots=True)
class RoundDay:
    """What a team's rounds are planned from: its station, members, tasks and the stations
    items are fetched from; ``pickup_s`` is spent at a station per pick-up."""

    street: str
    team: str
    team_name: str
    date: dt.date
    station: RoundStation
    stations: Mapping[str, RoundStation]
    members: tuple[RoundMember, ...]
    tasks: tuple[RoundTask, ...]
    settings: Settings
    pickup_s: int = 120
    span_excess_cost: int = 0  # per second a member's round runs past its fair share

    def task(self, task_id: str) -> RoundTask:
        return next(t for t in self.tasks if t.id == task_id)


@dataclass(frozen=True, slots=True)
class RoundStep:
    """A stop of a round: a ``pickup`` at a station for ``task``, or the ``task`` itself;
    ``load`` is what the member carries on leaving."""

    type: Literal["pickup", "task"]
    task: str
    location: Location
    arrival_s: int
    start_s: int
    departure_s: int
    load: int


@dataclass(frozen=True, slots=True)
class MemberRound:
    """One member's round: leave the station carrying ``load`` items, the steps, come back."""

    member: str
    departure_s: int
    load: int
    steps: tuple[RoundStep, ...]
    return_s: int
    distance_m: int


@dataclass(frozen=True, slots=True)
class RoundLeftOut:
    """A task no member does today, and why."""

    task: str
    code: RoundReason
    reason_en: str
    reason_zh: str


@dataclass(frozen=True, slots=True)
class RoundPlan:
    """A team's rounds for a day and the tasks left out."""

    team: str
    date: dt.date
    rounds: tuple[MemberRound, ...]
    left_out: tuple[RoundLeftOut, ...] = ()


@dataclass(frozen=True)
class Covered:
    """A household due a contact within the week: when, and the day it is visited (``None``:
    not this week)."""

    household: str
    due: dt.date
    visited: dt.date | None


@dataclass(frozen=True)
class Week:
    """The week's days (each with its rounds and the verifier's findings) and its coverage."""

    days: tuple[tuple[RoundDay, RoundPlan, tuple[Violation, ...]], ...]
    coverage: tuple[Covered, ...]


@dataclass(frozen=True)
class Shares:
    """How a team's campaign work is shared: each member's seconds out over the days, the
    members who already do all they can (``capped``: members who do not climb, in a team
    whose households are mostly up the stairs, doing every household they reach, on
    average under the others' band), the mean of the others, and the ``tolerance`` each
    member is to lie within (a share of the mean of their own kind: capped or not)."""

    hours_s: Mapping[str, int]
    capped: frozenset[str]
    mean_s: float
    tolerance: float

    @property
    def capped_mean_s(self) -> float:
        """The capped members' mean hours (0 with none)."""
        low = [self.hours_s[m] for m in self.capped]
        return sum(low) / len(low) if low else 0.0

    def off_mean(self, member: str) -> float:
        """How far ``member``'s hours lie from the mean of their kind, as a share of it."""
        mean = self.capped_mean_s if member in self.capped else self.mean_s
        return 0.0 if mean == 0 else (self.hours_s[member] - mean) / mean

    @property
    def balanced(self) -> bool:
        """Whether every member lies within the tolerance of the mean of their kind."""
        return all(abs(self.off_mean(m)) <= self.tolerance for m in self.hours_s)
