"""Every reason a client is left out must hold, and nobody servable may be left out.

A reason that states a fact of the day is checked against the day: nobody climbs that
high (``no_climber``), more meals than anyone carries (``over_capacity``), even a direct
trip breaks the door-to-door limit (``too_far``), misses the window (``window_unreachable``),
the cooked-to-door limit (``cooked_limit``) or every shift (``shift_over``), nobody on shift
(``no_courier_on_shift``, ``no_worker``), no grid worker can walk there in time
(``no_relay``, ``dispatch.verify.relay_reasons``). A false one is ``reason_false``. A
client left out for capacity or time (``no_time``, ``no_capacity`` and any other code but
``no_rider_for_relay`` and ``relay_late``) is tried at every position of every route from
the canteen and with every idle worker; if one fits without breaking a rule, that is
``servable_unassigned``.

The facts use the workers who carry meals from the canteen today (``Context.from_canteen``);
on a relay day the direct-trip facts only for clients within ``relay_direct_radius_m`` (the
riders' own). A building is one stop (README, planning rules): its clients left out with
the same fact are checked together, and its clients left out for capacity or time are
inserted together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dispatch.messages import Text, text
from dispatch.model import (
    Client,
    Courier,
    Location,
    Plan,
    Route,
    Step,
    Unassigned,
    Violation,
    clock,
)
from dispatch.rules import may_serve, relay_handover_s, service_s, stairs_floors
from dispatch.travel.geo import distance_m
from dispatch.verify.context import Context, finding
from dispatch.verify.relay_reasons import relay_fact
from dispatch.verify.timing import place_of

TIME_CODES = frozenset({"too_far", "window_unreachable", "cooked_limit", "shift_over"})
FACT_CODES = TIME_CODES | {
    "no_climber",
    "over_capacity",
    "no_courier_on_shift",
    "no_worker",
    "no_relay",
}
RELAY_CODES = frozenset({"no_rider_for_relay", "relay_late"})


def check_unassigned(ctx: Context, plan: Plan, routes: Sequence[Route]) -> list[Violation]:
    """``reason_false`` for each reason that does not hold, ``servable_unassigned`` for each
    client left out for capacity or time who fits into ``routes`` (the checked ones)."""
    served = {i for r in plan.routes for s in r.deliveries for i in s.clients}
    left = [
        u
        for u in plan.unassigned
        if u.client in ctx.clients
        and u.client not in served
        and ctx.clients[u.client].active_on(ctx.scenario.date)
    ]
    facts = [u for u in left if u.code in FACT_CODES]
    pending = [ctx.clients[u.client] for u in left if u.code not in FACT_CODES | RELAY_CODES]
    if ctx.relaying:
        pending = [c for c in pending if _near(ctx, c)]
    return _false_reasons(ctx, plan, facts) + _servable(ctx, plan, routes, pending, left)


def _near(ctx: Context, client: Client) -> bool:
    """On a relay day, whether the client is the riders' own (near the canteen)."""
    radius = ctx.scenario.settings.relay_direct_radius_m
    return distance_m(ctx.scenario.canteen.location, ctx.sites[client.building]) <= radius


def _false_reasons(ctx: Context, plan: Plan, facts: Sequence[Unassigned]) -> list[Violation]:
    groups: dict[tuple[str, str], list[Client]] = {}
    for u in facts:
        client = ctx.clients[u.client]
        groups.setdefault((client.building, u.code), []).append(client)
    buildings = list(dict.fromkeys(b for b, code in groups if code in TIME_CODES))
    rides = _Rides.of(ctx, buildings)
    found: list[Violation] = []
    for (_, code), clients in groups.items():
        if code == "no_relay":
            fact = relay_fact(ctx, plan, clients) if ctx.relaying else None
        else:
            fact = _fact(ctx, code, clients, rides)
        if fact is not None:
            message = text("v_reason_false", reported=code, fact=fact)
            found += [finding("reason_false", message, client=c.id) for c in clients]
    return found


def _pool(ctx: Context, clients: Sequence[Client]) -> list[Courier]:
    """Who could serve ``clients`` today, for the facts to hold against: those who carry
    meals from the canteen, and for an outlying client on a relay day also the grid workers
    on shift while their relay point is open."""
    pool = ctx.from_canteen()
    if ctx.relaying and not _near(ctx, clients[0]):
        ready = ctx.scenario.canteen.meals_ready_s
        for walker in ctx.scenario.walkers:
            point = ctx.relays[walker.relay_point or ""]
            meets = max(walker.shift.start_s, point.open.start_s) <= min(
                walker.shift.end_s, point.open.end_s
            )
            if walker.shift.end_s > ready and meets:
                pool.append(walker)
    return pool


@dataclass(frozen=True)
class _Rides:
    """Ride times from the canteen to some buildings, one matrix per travel profile."""

    time_s: dict[tuple[str, float], list[list[int]]]
    columns: dict[str, int]

    @classmethod
    def of(cls, ctx: Context, buildings: Sequence[str]) -> _Rides:
        if not buildings:
            return cls({}, {})
        profiles = list(dict.fromkeys(ctx.conditions.profile(w) for w in ctx.workers.values()))
        places = [ctx.scenario.canteen.location, *(ctx.sites[b] for b in buildings)]
        matrices = ctx.travel.matrices(places, profiles)
        time_s = {p: matrices[p].time_s.tolist() for p in profiles}
        return cls(time_s, {b: k + 1 for k, b in enumerate(buildings)})

    def ride_s(self, ctx: Context, worker: Courier, building: str) -> int:
        return int(self.time_s[ctx.conditions.profile(worker)][0][self.columns[building]])


def _fact(ctx: Context, code: str, clients: Sequence[Client], rides: _Rides) -> Text | None:
    """What makes the reason ``code`` false for ``clients`` (one building), if anything."""
    if code in ("no_worker", "no_courier_on_shift"):  # meals leave the canteen with these
        first = next(iter(ctx.from_canteen()), None)
        return (
            text("v_fact_on_shift", who=first.id, end=clock(first.shift.end_s)) if first else None
        )
    pool = _pool(ctx, clients)
    if code == "no_climber":
        floor = max(c.floor for c in clients)
        climber = next((w for w in pool if may_serve(w, clients)), None)
        return text("v_fact_climbs", who=climber.id, floor=floor) if climber else None
    if code == "over_capacity":
        meals = max(c.meal_count for c in clients)
        carrier = next((w for w in pool if w.capacity >= meals), None)
        return (
            text("v_fact_carries", who=carrier.id, capacity=carrier.capacity) if carrier else None
        )
    if ctx.relaying and not _near(ctx, clients[0]):
        return None  # an outlying client's time rules are the relay legs'
    return _time_fact(ctx, code, clients, [w for w in pool if may_serve(w, clients)], rides)


def _time_fact(
    ctx: Context,
    code: str,
    clients: Sequence[Client],
    climbers: Sequence[Courier],
    rides: _Rides,
) -> Text | None:
    """A direct trip that keeps the rule ``code`` says every direct trip breaks."""
    settings = ctx.scenario.settings
    ready = ctx.scenario.canteen.meals_ready_s
    cooked_by = ready + settings.max_cooked_to_door_s
    limit = settings.max_door_to_door_s
    windows = [c.window for c in clients if c.window]
    if code == "window_unreachable" and not windows:
        return text("v_fact_no_window")
    opens = max((w.start_s for w in windows), default=0)
    closes = min((w.end_s for w in windows), default=None)
    service = service_s(clients, settings)
    floors = stairs_floors(clients)
    for worker in climbers:
        reach = rides.ride_s(ctx, worker, clients[0].building)
        reach += ctx.conditions.arrival_extra_s(worker.mode, floors)
        if reach + service > limit:
            continue
        start = max(max(ready, worker.shift.start_s) + reach, opens)
        done = start + service
        in_window = closes is None or start <= closes
        if code == "too_far":
            minutes = -(-(reach + service) // 60)
            return text("v_fact_direct", who=worker.id, minutes=minutes, limit=limit // 60)
        if code == "window_unreachable" and in_window and closes is not None:
            return text("v_fact_window", who=worker.id, arrival=clock(start), end=clock(closes))
        if code == "cooked_limit" and done <= cooked_by:
            return text("v_fact_cooked", who=worker.id, done=clock(done), deadline=clock(cooked_by))
        if code == "shift_over" and in_window and done <= min(cooked_by, worker.shift.end_s):
            end = clock(worker.shift.end_s)
            return text("v_fact_shift", who=worker.id, done=clock(done), end=end)
    return None


@dataclass(frozen=True)
class _Item:
    """A visit of a route as the insertion check sees it: matrix column, times, window."""

    column: int
    extra_s: int
    service_s: int
    window_start_s: int
    window_end_s: int | None
    clients: tuple[Client, ...] = ()

    @property
    def door(self) -> bool:
        return bool(self.clients)


@dataclass(frozen=True)
class _Option:
    """One worker's route (maybe empty) that a left-out client could join."""

    worker: Courier
    items: tuple[_Item, ...]
    time_s: list[list[int]]
    columns: dict[str, int]  # building → matrix column
    first: int  # the first position open to insertion (after the last hand-over)
    departure_s: int | None  # fixed when the route meets grid workers
    load: int

    def fits(self, ctx: Context, clients: tuple[Client, ...]) -> Text | None:
        """How ``clients`` (one building) fit into this route without breaking a rule."""
        worker = self.worker
        meals = sum(c.meal_count for c in clients)
        if self.load + meals > worker.capacity or not may_serve(worker, clients):
            return None
        building = clients[0].building
        for k in range(self.first, len(self.items)):
            old = self.items[k]
            if old.clients and old.clients[0].building == building:
                joined = _item(ctx, worker, old.column, (*old.clients, *clients))
                if self._keeps(ctx, (*self.items[:k], joined, *self.items[k + 1 :])):
                    return text("v_insert_stop", who=worker.id, position=k + 1)
        new = _item(ctx, worker, self.columns[building], clients)
        for k in range(self.first, len(self.items) + 1):
            if self._keeps(ctx, (*self.items[:k], new, *self.items[k:])):
                if not self.items:
                    return text("v_insert_idle", who=worker.id)
                return text("v_insert_route", who=worker.id, position=k + 1)
        return None

    def _keeps(self, ctx: Context, items: Sequence[_Item]) -> bool:
        """Whether some departure serves ``items`` in this order inside every time rule.

        Later departures only break upper bounds (windows, cooked-to-door, shift), earlier
        ones only the door-to-door limit: the earliest departure that keeps that limit at
        every door, read off the timeline from the earliest departure, decides.
        """
        settings = ctx.scenario.settings
        limit = settings.max_door_to_door_s
        ready = ctx.scenario.canteen.meals_ready_s
        cooked_by = ready + settings.max_cooked_to_door_s
        departure = self.departure_s
        if departure is None:
            departure = earliest = max(ready, self.worker.shift.start_s)
            for item, done in zip(items, self._done(items, earliest), strict=True):
                if item.door:
                    departure = max(departure, done - limit)
        t, previous = departure, 0
        for item in items:
            start = max(t + self.time_s[previous][item.column] + item.extra_s, item.window_start_s)
            if item.window_end_s is not None and start > item.window_end_s:
                return False
            t, previous = start + item.service_s, item.column
            if item.door and (t - departure > limit or t > cooked_by):
                return False
        return t <= self.worker.shift.end_s

    def _done(self, items: Sequence[_Item], departure_s: int) -> list[int]:
        out, t, previous = [], departure_s, 0
        for item in items:
            start = max(t + self.time_s[previous][item.column] + item.extra_s, item.window_start_s)
            t, previous = start + item.service_s, item.column
            out.append(t)
        return out


def _item(ctx: Context, worker: Courier, column: int, clients: tuple[Client, ...]) -> _Item:
    windows = [c.window for c in clients if c.window]
    return _Item(
        column=column,
        extra_s=ctx.conditions.arrival_extra_s(worker.mode, stairs_floors(clients)),
        service_s=service_s(clients, ctx.scenario.settings),
        window_start_s=max((w.start_s for w in windows), default=0),
        window_end_s=min((w.end_s for w in windows), default=None),
        clients=clients,
    )


def _servable(
    ctx: Context,
    plan: Plan,
    routes: Sequence[Route],
    pending: Sequence[Client],
    left: Sequence[Unassigned],
) -> list[Violation]:
    if not pending:
        return []
    codes = {u.client: u.code for u in left}
    pool = ctx.from_canteen()
    mine = {w.id for w in pool}
    used = {r.courier for r in plan.routes}
    buildings = list(dict.fromkeys(c.building for c in pending))
    options = [_option(ctx, r, buildings) for r in routes if r.courier in mine]
    options += [_option(ctx, Route(w.id, ()), buildings) for w in pool if w.id not in used]
    groups: dict[str, list[Client]] = {}
    for client in pending:
        groups.setdefault(client.building, []).append(client)
    found: list[Violation] = []
    for group in (tuple(g) for g in groups.values()):
        fit = next(((o, h) for o in options if (h := o.fits(ctx, group)) is not None), None)
        if fit is None:
            continue
        for client in group:
            message = text("v_servable_unassigned", reported=codes[client.id], how=fit[1])
            found.append(finding("servable_unassigned", message, fit[0].worker.id, client.id))
    return found


def _option(ctx: Context, route: Route, buildings: Sequence[str]) -> _Option:
    """A route's visits over one matrix of its places and the left-out clients' buildings."""
    worker = ctx.workers[route.courier]
    canteen = ctx.scenario.canteen.location
    steps = [s for s in route.steps[1:] if s.type in ("delivery", "handover")]
    places: list[Location] = [canteen, *(place_of(ctx, s, canteen) for s in steps)]
    columns = {b: len(places) + k for k, b in enumerate(buildings)}
    places += [ctx.sites[b] for b in buildings]
    profile = ctx.conditions.profile(worker)
    time_s = ctx.travel.matrices(places, [profile])[profile].time_s.tolist()
    items = [_step_item(ctx, worker, step, k + 1) for k, step in enumerate(steps)]
    handovers = [k for k, s in enumerate(steps) if s.type == "handover"]
    rider = ctx.riders.get(worker.id)
    load = sum(c.meal_count for i in items for c in i.clients)
    return _Option(
        worker=worker,
        items=tuple(items),
        time_s=time_s,
        columns=columns,
        first=handovers[-1] + 1 if handovers else 0,
        departure_s=rider[0] if handovers and rider else None,
        load=load + sum(s.meals for s in steps if s.type == "handover"),
    )


def _step_item(ctx: Context, worker: Courier, step: Step, column: int) -> _Item:
    """A delivery, or a hand-over held to its walkers' presence and the point's hours."""
    if step.type == "delivery":
        return _item(ctx, worker, column, tuple(ctx.clients[i] for i in step.clients))
    point = ctx.relays.get(step.relay_point or "")
    walkers = [ctx.workers[w] for w in step.partners if w in ctx.workers]
    present = max([w.shift.start_s for w in walkers] + [point.open.start_s if point else 0])
    return _Item(
        column=column,
        extra_s=ctx.conditions.arrival_extra_s(worker.mode, 0),
        service_s=relay_handover_s(step.meals, ctx.scenario.settings),
        window_start_s=present,
        window_end_s=point.open.end_s if point else None,
    )
