"""Frozen value objects: the scenario going in and the plan coming out.

Units: times are integer seconds after midnight of the scenario's date (``*_s``),
durations integer seconds, distances integer metres (``*_m``), coordinates WGS-84
degrees named ``lat``/``lon``. Nothing here imports other modules of this package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

Mode = Literal["ebike", "walk", "car"]
MODES: tuple[Mode, ...] = ("ebike", "walk", "car")

WEEKDAYS: tuple[str, ...] = (
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
)  # date.weekday() order
DEFAULT_SPEED_KPH: Mapping[str, float] = MappingProxyType({"ebike": 15.0, "walk": 4.3, "car": 25.0})
CLOSURE_RADIUS_M = 30


def clock(seconds: int) -> str:
    """Format seconds after midnight as ``HH:MM`` (rounded down to the minute)."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def clock_up(seconds: int) -> str:
    """Format seconds after midnight as ``HH:MM`` rounded up to the minute (for earliest times:
    ``clock_up(e) > clock(d)`` whenever ``e > d``, so "earliest after the deadline" reads true)."""
    return clock(-(-seconds // 60) * 60)


@dataclass(frozen=True, slots=True)
class Location:
    """A WGS-84 point."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Window:
    """A closed interval of seconds after midnight."""

    start_s: int
    end_s: int

    def __post_init__(self) -> None:
        if self.end_s < self.start_s:
            raise ValueError(f"window ends before it starts: {self}")

    def contains(self, t_s: int) -> bool:
        return self.start_s <= t_s <= self.end_s


@dataclass(frozen=True, slots=True)
class Settings:
    """Planning settings; every field has a documented default (docs/scenario.md)."""

    max_door_to_door_s: int = 3600
    max_cooked_to_door_s: int = 7200
    detour_factor: float = 1.3
    handover_s: int = 120
    stop_setup_s: int = 60
    climb_s_per_floor: int = 15
    descend_s_per_floor: int = 10
    lift_wait_s: int = 45
    lift_s_per_floor: int = 3
    speed_kph: Mapping[str, float] = field(default_factory=lambda: DEFAULT_SPEED_KPH)
    time_limit_s: float = 10.0
    seed: int = 0
    iterations: int | None = None  # a reproducible search budget instead of the clock
    climb_balance_s_per_floor: int = 20
    keep_courier_s: int = 600
    cooked_to_door_s_per_min: int = 2  # per client and minute from meals_ready to the door
    preferred_early_s_per_min: int = 120  # per client and minute before a preferred_time
    preferred_late_s_per_min: int = 120  # per client and minute after a preferred_time
    relay_direct_radius_m: int = 600
    relay_handover_s: int = 60
    relay_handover_s_per_meal: int = 10
    relay_max_wait_s: int = 600
    relay_max_door_to_door_s: int = 5400
    relay_from: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({"rainstorm": "orange", "typhoon": "yellow"})
    )
    weather_overrides: Mapping[str, Mapping[str, Mapping[str, float]]] = field(
        default_factory=lambda: MappingProxyType({})
    )


@dataclass(frozen=True, slots=True)
class Canteen:
    """Where meals are cooked and every courier's route starts."""

    id: str
    name: str
    location: Location
    meals_ready_s: int


@dataclass(frozen=True, slots=True)
class Courier:
    """A rider, driver or walker and what they can do today.

    Grid workers (网格员) are couriers with ``mode="walk"`` bound to a ``relay_point``:
    they take meals over from a rider there and walk the last leg.
    """

    id: str
    name: str
    mode: Mode
    capacity: int
    shift: Window
    max_floor_no_lift: int | None = None
    speed_kph: float | None = None
    relay_point: str | None = None

    def climbs_to(self, floor: int) -> bool:
        """Whether this courier climbs stairs up to ``floor``."""
        return self.max_floor_no_lift is None or floor <= self.max_floor_no_lift


@dataclass(frozen=True, slots=True)
class Pause:
    """Days a client is not served (a hospital stay), ``start`` and ``end`` included.

    ``reason`` is the canteen's own words, shown in the plan's ``not_scheduled`` list."""

    start: dt.date
    end: dt.date
    reason: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Client:
    """One person receiving meals. ``name``, ``phone`` and ``age`` are personal data.

    ``priority`` (1 = served first) is as given; ``None`` takes the default of the
    client's group and age (``dispatch.planning.objective.priority``). ``preferred_s`` is
    a soft target for the hand-over, seconds after midnight.
    """

    id: str
    name: str
    location: Location
    address: str
    building: str
    floor: int
    lift: bool
    meals: Mapping[str, int]
    window: Window | None = None
    helper: bool = False
    group: str = ""
    active_from: dt.date | None = None
    active_to: dt.date | None = None
    notes: str = ""
    phone: str = ""
    # Schedules and continuity of care (docs/scenario.md#schedules).
    days: frozenset[int] | None = None  # weekdays served (0 = Monday); None: every day
    paused: tuple[Pause, ...] = ()
    usual_courier: str | None = None
    social_worker: str = ""  # id of a ``Contacts.social_workers`` entry
    priority: int | None = None
    preferred_s: int | None = None
    age: int | None = None

    @property
    def meal_count(self) -> int:
        return sum(self.meals.values())

    def active_on(self, day: dt.date) -> bool:
        after_start = self.active_from is None or self.active_from <= day
        before_end = self.active_to is None or day <= self.active_to
        return after_start and before_end

    def scheduled_on(self, day: dt.date) -> bool:
        """Whether ``day`` is one of the client's weekdays."""
        return self.days is None or day.weekday() in self.days

    def pause_on(self, day: dt.date) -> Pause | None:
        """The pause covering ``day``, if any."""
        return next((p for p in self.paused if p.covers(day)), None)

    def due_on(self, day: dt.date) -> bool:
        """Whether the client is to be served on ``day``: active, scheduled and not paused."""
        return self.active_on(day) and self.scheduled_on(day) and self.pause_on(day) is None


@dataclass(frozen=True, slots=True)
class RelayPoint:
    """A hand-over place (接力点), e.g. a community office, open for a window."""

    id: str
    name: str
    location: Location
    open: Window
    capacity: int


@dataclass(frozen=True, slots=True)
class Closure:
    """A closed spot (flooded underpass, works): every road within ``radius_m`` of it."""

    location: Location
    radius_m: int = CLOSURE_RADIUS_M


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone a courier may call in an emergency (the station, a social worker)."""

    name: str
    phone: str


@dataclass(frozen=True, slots=True)
class Contacts:
    """The day's emergency contacts: the station's, and social workers by id."""

    station: Contact | None = None
    social_workers: Mapping[str, Contact] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class MealLabel:
    """The printed name of a meal variant in both languages (``en`` may repeat the key)."""

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Scenario:
    """One day at one canteen: who is delivered, by whom, under which settings.

    ``keep`` maps clients to the courier who served them in an earlier plan (this
    morning's, or the canteen's last); the planner prefers to keep them there, and a
    client's ``usual_courier`` before that (``preferred_couriers``, at
    ``Settings.keep_courier_s`` per client moved). ``closed_roads`` closes road segments
    of ``network`` to every mode (only with a network).
    ``contacts`` and ``meal_labels`` only change what the papers print.
    """

    name: str
    date: dt.date
    canteen: Canteen
    couriers: tuple[Courier, ...]
    clients: tuple[Client, ...]
    settings: Settings = field(default_factory=Settings)
    weather: str = "clear"
    relay_points: tuple[RelayPoint, ...] = ()
    walkers: tuple[Courier, ...] = ()
    network: str | None = None
    keep: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    closed_roads: tuple[Closure, ...] = ()
    contacts: Contacts = field(default_factory=Contacts)
    meal_labels: Mapping[str, MealLabel] = field(default_factory=lambda: MappingProxyType({}))

    def active_clients(self) -> tuple[Client, ...]:
        """The clients due today: active, scheduled on this weekday and not paused."""
        return tuple(c for c in self.clients if c.due_on(self.date))

    def preferred_couriers(self) -> Mapping[str, str]:
        """Client → the courier to keep them with, among today's workers: the client's
        ``usual_courier``, else the courier of the earlier plan (``keep``)."""
        working = {w.id for w in (*self.couriers, *self.walkers)}
        out: dict[str, str] = {}
        for client in self.clients:
            earlier = self.keep.get(client.id)
            if client.usual_courier in working:
                out[client.id] = client.usual_courier
            elif earlier in working:
                out[client.id] = earlier
        return MappingProxyType(out)


StepType = Literal["start", "delivery", "handover", "end"]


@dataclass(frozen=True, slots=True)
class Step:
    """One stop of a route. Times may be absent in a hand-made plan."""

    type: StepType
    location: Location | None = None
    building: str | None = None
    clients: tuple[str, ...] = ()
    arrival_s: int | None = None
    waiting_s: int = 0
    service_s: int = 0
    departure_s: int | None = None
    travel_s: int = 0
    distance_m: int = 0
    weather_s: int = 0
    relay_point: str | None = None
    partners: tuple[str, ...] = ()
    meals: int = 0
    snap_m: int = 0
    estimated: bool = False


@dataclass(frozen=True, slots=True)
class Route:
    """One worker's day. A walker's route starts with the hand-over at its relay point."""

    courier: str
    steps: tuple[Step, ...]

    @property
    def deliveries(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.type == "delivery")

    @property
    def handovers(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.type == "handover")


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A client who is not served today, with the reason in plain words."""

    client: str
    code: str
    reason_en: str
    reason_zh: str


@dataclass(frozen=True, slots=True)
class NotScheduled:
    """A client on the list who is not due today (another weekday, a pause): not planned,
    and not ``Unassigned`` either, which means "should have been served"."""

    client: str
    code: str
    reason_en: str
    reason_zh: str


@dataclass(frozen=True, slots=True)
class CourierNotUsed:
    """A courier (or grid worker) left out of today's plan before routing, and why."""

    courier: str
    code: str
    reason_en: str
    reason_zh: str


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken rule found by the verifier: its code, the message in English and Chinese, and
    the worker (the route's id) and client concerned."""

    rule: str
    message: str
    courier: str | None = None
    client: str | None = None
    message_zh: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    """The routes for one scenario, what could not be served, the couriers who could not
    work today (``not_used``), the clients not due today (``not_scheduled``), and what
    the verifier found."""

    scenario: str
    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...] = ()
    not_used: tuple[CourierNotUsed, ...] = ()
    not_scheduled: tuple[NotScheduled, ...] = ()
    violations: tuple[Violation, ...] = ()
    time_limit_s: float = 0.0
    seed: int = 0
