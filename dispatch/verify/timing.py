"""A route's schedule as the verifier recomputes it: visits, service starts, the departure.

A route's steps after the first become visits (where, how long the ride and the stop
take, the window); a timeline runs them from a departure, waiting for windows and for
grid workers at relay points. A hand-made plan without times leaves at the departure
that breaks the fewest rules (``fewest_rules_departure``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dispatch.model import Client, Location, Route, Step
from dispatch.rules import relay_handover_s, service_s, stairs_floors
from dispatch.verify.context import Context


@dataclass(frozen=True)
class Visit:
    """One step after the first, as the verifier sees it."""

    step: Step
    clients: tuple[Client, ...]
    location: Location
    arrive_s: int
    service_s: int
    window_start_s: int
    window_end_s: int | None


@dataclass(frozen=True)
class Timed:
    """A visit with its recomputed arrival, service start and end."""

    visit: Visit
    reached_s: int
    start_s: int
    done_s: int


def place_of(ctx: Context, step: Step, origin: Location) -> Location:
    """Where a delivery or hand-over step happens."""
    if step.type == "delivery":
        return ctx.sites[ctx.clients[step.clients[0]].building]
    point = ctx.relays.get(step.relay_point or "")
    return point.location if point is not None else origin


def visits(ctx: Context, route: Route, origin: Location) -> list[Visit]:
    """The route's steps after the first, with locations and service rules applied."""
    worker = ctx.workers[route.courier]
    steps = [s for s in route.steps[1:] if s.type in ("delivery", "handover")]
    places = [place_of(ctx, s, origin) for s in steps]
    profile = ctx.conditions.profile(worker)
    matrix = ctx.travel.matrices([origin, *places], [profile])[profile]
    out = []
    for k, (step, place) in enumerate(zip(steps, places, strict=True)):
        members = tuple(ctx.clients[i] for i in step.clients)
        ride_s = int(matrix.time_s[k, k + 1])
        out.append(visit(ctx, worker.mode, step, members, place, ride_s))
    return out


def visit(
    ctx: Context, mode: str, step: Step, members: tuple[Client, ...], place: Location, ride_s: int
) -> Visit:
    """A step reached after ``ride_s`` of travel: weather extras, service time, window."""
    settings = ctx.scenario.settings
    floors = stairs_floors(members) if members else 0
    service = service_s(members, settings) if members else relay_handover_s(step.meals, settings)
    windows = [c.window for c in members if c.window]
    return Visit(
        step=step,
        clients=members,
        location=place,
        arrive_s=ride_s + ctx.conditions.arrival_extra_s(mode, floors),
        service_s=service,
        window_start_s=max((w.start_s for w in windows), default=0),
        window_end_s=min((w.end_s for w in windows), default=None),
    )


def relay_window(ctx: Context, visit: Visit) -> tuple[int, int | None]:
    """When a rider may hand over at a relay point: its walkers present, the point open."""
    point = ctx.relays.get(visit.step.relay_point or "")
    walkers = [ctx.workers[w] for w in visit.step.partners if w in ctx.workers]
    present = max([w.shift.start_s for w in walkers] + [point.open.start_s if point else 0])
    return present, point.open.end_s if point else None


def timeline(
    ctx: Context, route_visits: Sequence[Visit], departure_s: int, handed_s: Sequence[int] = ()
) -> list[Timed]:
    """Each visit's arrival, start (after waiting for the window or the walkers) and end; a
    grid worker's pick-up also waits for the rider's hand-over to end (``handed_s``)."""
    timed: list[Timed] = []
    t = departure_s
    for k, item in enumerate(route_visits):
        reached = t + item.arrive_s
        start = max(reached, item.window_start_s, handed_s[k] if handed_s else 0)
        if item.step.type == "handover":
            start = max(start, relay_window(ctx, item)[0])
        timed.append(Timed(item, reached, start, start + item.service_s))
        t = start + item.service_s
    return timed


def fewest_rules_departure(
    ctx: Context,
    route_visits: Sequence[Visit],
    earliest_s: int,
    limit_s: int,
    shift_end_s: int,
    broken: Callable[[int], int],
) -> int:
    """The departure from ``earliest_s`` on that breaks the fewest rules (``broken(d)``
    counts them), the earliest of equals.

    Every rule flips at a departure read off the timeline from ``earliest_s``: a later
    start breaks a window end, the cooked-to-door limit, a relay point's closing or the
    shift; an earlier one holds a meal too long or has a rider wait too long at a relay
    point. Those departures (and ``earliest_s``) are the only candidates.
    """
    settings = ctx.scenario.settings
    cooked_by = ctx.scenario.canteen.meals_ready_s + settings.max_cooked_to_door_s
    candidates = {earliest_s}
    offset = 0  # from departure to each start when nobody waits
    for item, done in zip(route_visits, timeline(ctx, route_visits, earliest_s), strict=True):
        offset += item.arrive_s
        candidates.add(done.done_s - limit_s)
        candidates.add(cooked_by - offset - item.service_s)
        if item.window_end_s is not None:
            candidates.add(item.window_end_s - offset)
        if item.step.type == "handover":
            present, closes = relay_window(ctx, item)
            candidates.add(present - settings.relay_max_wait_s - offset)
            if closes is not None:
                candidates.add(closes - offset)
        offset += item.service_s
    candidates.add(shift_end_s - offset)
    return min((broken(d), d) for d in candidates if d >= earliest_s)[1]
