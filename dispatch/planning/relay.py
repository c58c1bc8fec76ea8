"""Relay delivery: riders bring meals to relay points (接力点), grid workers walk the last leg.

Two legs, synchronised at the relay points (docs/relay.md):

1. *Last leg first*: stops within ``relay_direct_radius_m`` of the canteen stay direct
   rider stops. All other stops go into one routing problem whose vehicles are every
   relay point's grid workers, each leaving its own point once meals can be there by the
   fastest ride; rounds add return trips for more meals (``dispatch.planning.walkers``).
2. *Batches*: each point's trips are grouped into hand-overs a rider can carry, each with
   an exact window: from the workers' presence to the latest hand-over that keeps every
   door of those trips in time (a backward pass over each worker's chain of trips). The
   hand-over time charged is that of the meals actually handed over; if a window comes
   out too early for any rider, the last leg is planned again with that hand-over time.
3. *Riders*: one routing problem over the direct stops and the hand-overs (nodes with
   their own windows), then every worker's chain is timed from the actual hand-overs —
   which the windows guarantee to be in time, so nobody is handed meals without a route.

Relayed meals travel in insulated relay boxes, so their canteen-to-door limit is
``relay_max_door_to_door_s`` (default 90 min, ../shared/research/domain.md §7.2), counted
from the earliest a rider may leave (so from any rider's actual departure too); the
cooked-to-door limit (default 120 min) holds for every meal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from dispatch.messages import text
from dispatch.model import (
    Canteen,
    Client,
    Courier,
    CourierNotUsed,
    Location,
    RelayPoint,
    Route,
    Unassigned,
    clock,
)
from dispatch.planning.leg import Crew, DayRules, Handover, Leg, Served, serve
from dispatch.planning.reasons import screen_clients, unassigned
from dispatch.planning.stops import Stop, build_stops
from dispatch.planning.walkers import (
    Board,
    Trip,
    first_trip_reach,
    latest_in_hand,
    plan_trips,
    timed_route,
)
from dispatch.routing.problem import SolveParams
from dispatch.rules import relay_handover_s
from dispatch.travel.geo import distance_m

# Plans of the last leg before every hand-over window fits a rider (docs/relay.md).
_ATTEMPTS = 3


@dataclass(frozen=True)
class Day:
    """What relay planning needs of the scenario: the canteen, the relay points, the walkers."""

    rules: DayRules
    canteen: Canteen
    relay_points: tuple[RelayPoint, ...]
    walkers: tuple[Courier, ...]
    sites: Mapping[str, Location]


@dataclass(frozen=True)
class _Batch:
    """Meals one rider hands over at a relay point for some trips of its workers."""

    point: RelayPoint
    walkers: tuple[str, ...]
    meals: int
    clients: tuple[Client, ...]
    present_s: int
    latest_s: int  # the latest hand-over start

    def handover(self) -> Handover:
        return Handover(
            point=self.point,
            partners=self.walkers,
            meals=self.meals,
            window_start_s=self.present_s,
            window_end_s=self.latest_s,
            clients=len(self.clients),
        )


def meet_relay(
    walkers: Sequence[Courier], points: Sequence[RelayPoint]
) -> tuple[list[Courier], list[CourierNotUsed]]:
    """The grid workers on shift while their relay point is open, and the others with why:
    meals are handed over only while a point is open."""
    by_id = {p.id: p for p in points}
    usable: list[Courier] = []
    not_used: list[CourierNotUsed] = []
    for walker in walkers:
        point = by_id[str(walker.relay_point)]
        shift, open_ = walker.shift, point.open
        if max(shift.start_s, open_.start_s) <= min(shift.end_s, open_.end_s):
            usable.append(walker)
            continue
        reason = text(
            "relay_closed_in_shift",
            relay=point.id,
            start=clock(shift.start_s),
            end=clock(shift.end_s),
            opens=clock(open_.start_s),
            closes=clock(open_.end_s),
        )
        not_used.append(CourierNotUsed(walker.id, "relay_closed_in_shift", reason.en, reason.zh))
    return usable, not_used


def plan_relay(
    day: Day, riders: Sequence[Courier], clients: Sequence[Client], params: SolveParams
) -> tuple[list[Route], list[Unassigned]]:
    """Routes for riders and walkers, and who cannot be served, with reasons."""
    everyone = (*riders, *day.walkers)
    servable, out = screen_clients(everyone, clients)
    if not servable:
        return [], out
    stops = build_stops(servable, max(w.capacity for w in everyone), day.sites)
    radius = day.rules.settings.relay_direct_radius_m
    canteen = day.canteen.location
    is_near = [distance_m(canteen, s.location) <= radius for s in stops]
    near = [s for s, close in zip(stops, is_near, strict=True) if close]
    far = [s for s, close in zip(stops, is_near, strict=True) if not close]
    ready = day.canteen.meals_ready_s
    routes, lost = _plan_from(day, riders, near, far, ready, params)
    # The relay box clock runs from the riders' earliest departure; if that leaves outlying
    # clients out (late windows, late shifts), try the latest departure that still lets
    # every relayed meal reach the door inside the cooked-to-door limit.
    late = day.rules.cooked_by_s - day.rules.settings.relay_max_door_to_door_s
    if late > ready and any(r.shift.end_s > late for r in riders) and _relay_lost(lost):
        routes_late, lost_late = _plan_from(day, riders, near, far, late, params)
        if len(lost_late) < len(lost):
            routes, lost = routes_late, lost_late
    return routes, out + lost


def _relay_lost(lost: Sequence[Unassigned]) -> bool:
    return any(u.code in ("no_relay", "relay_busy", "no_rider_for_relay") for u in lost)


def _plan_from(
    day: Day,
    riders: Sequence[Courier],
    near: Sequence[Stop],
    far: Sequence[Stop],
    leave_from_s: int,
    params: SolveParams,
) -> tuple[list[Route], list[Unassigned]]:
    """The relay day with riders leaving no earlier than ``leave_from_s``: the relay box
    limit then holds from ``leave_from_s`` on, so from any rider's actual departure too."""
    crews = [Crew(r, max(r.shift.start_s, leave_from_s), r.shift.end_s) for r in riders]
    crews = [c for c in crews if c.earliest_start_s <= c.latest_end_s]
    trunk = Leg(day.rules, day.canteen.location, crews, [p.location for p in day.relay_points])
    arrive = {
        p.id: min(c.earliest_start_s + trunk.reach_s(i, k) for i, c in enumerate(crews))
        for k, p in enumerate(day.relay_points)
    }
    leave_by = min(c.earliest_start_s for c in crews)
    limit = day.rules.settings.relay_max_door_to_door_s
    board = Board(day.rules, day.relay_points, day.walkers, far, leave_by + limit)
    capacity = max(c.worker.capacity for c in crews)
    chains, batches, out = _last_leg(day, board, far, arrive, capacity, params)
    usable = [b for b in batches if b.latest_s >= b.present_s]
    for batch in (b for b in batches if b.latest_s < b.present_s):
        out += _no_rider(batch)
    served, usable = _riders(day, crews, near, usable, chains, board, params)
    out += served.unassigned
    for batch in (usable[k] for k in served.missed_handovers):
        out += _no_rider(batch)
    rider_routes = [route for _, route in served.routes]
    pick_ups = _pick_ups(rider_routes, served.made_handovers, usable)
    return [*rider_routes, *_walker_routes(board, chains, pick_ups)], out


def _riders(
    day: Day,
    crews: Sequence[Crew],
    near: Sequence[Stop],
    batches: Sequence[_Batch],
    chains: Mapping[str, Sequence[Trip]],
    board: Board,
    params: SolveParams,
) -> tuple[Served, list[_Batch]]:
    """Riders over the direct stops and the batches. Batches no rider takes are offered
    again as one hand-over per worker (smaller loads fit more riders); the better plan
    (fewer clients left) is kept, with the batches it was given."""
    served = _ride(day, crews, near, batches, params)
    missed = [batches[k] for k in served.missed_handovers if len(batches[k].walkers) > 1]
    if not missed:
        return served, list(batches)
    split = [b for b in batches if b not in missed]
    split += [_batch(day, board, b.point, [chains[w]]) for b in missed for w in b.walkers]
    again = _ride(day, crews, near, split, params)
    if _left_out(again, split) < _left_out(served, batches):
        return again, split
    return served, list(batches)


def _ride(
    day: Day,
    crews: Sequence[Crew],
    near: Sequence[Stop],
    batches: Sequence[_Batch],
    params: SolveParams,
) -> Served:
    return serve(
        day.rules,
        day.canteen.location,
        crews,
        near,
        params,
        not_before_s=day.canteen.meals_ready_s,
        span_s=day.rules.settings.max_door_to_door_s,
        handovers=[b.handover() for b in batches],
    )


def _left_out(served: Served, batches: Sequence[_Batch]) -> int:
    """Clients a rider plan leaves out: its own, and those of the batches it misses."""
    return len(served.unassigned) + sum(len(batches[k].clients) for k in served.missed_handovers)


def _last_leg(
    day: Day,
    board: Board,
    far: Sequence[Stop],
    arrive: Mapping[str, int],
    capacity: int,
    params: SolveParams,
) -> tuple[dict[str, list[Trip]], list[_Batch], list[Unassigned]]:
    """The workers' trips and their batches, planned again (at most ``_ATTEMPTS`` times)
    with the hand-over time of the meals each point actually gets, until every batch's
    window opens before it closes and after the fastest rider can be there."""
    handed = {p.id: 0 for p in day.relay_points}
    # A round of the last leg is a small problem: a quarter of the clock is plenty.
    walk_params = replace(params, time_limit_s=params.time_limit_s / 4)
    for _ in range(_ATTEMPTS):
        starts = _starts(day, arrive, handed)
        chains, left = plan_trips(board, starts, far, capacity, walk_params)
        batches = _batches(day, board, chains, capacity)
        late = [b for b in batches if b.latest_s < max(b.present_s, arrive[b.point.id])]
        if not late or all(handed[b.point.id] >= b.meals for b in late):
            break
        for batch in late:
            handed[batch.point.id] = max(handed[batch.point.id], batch.meals)
    lost: list[Unassigned] = []
    for stop in left:
        code = "relay_busy" if first_trip_reach(board, starts, stop) else "no_relay"
        lost += unassigned(stop.clients, code, text(code))
    return chains, batches, lost


def _starts(
    day: Day, arrive: Mapping[str, int], handed: Mapping[str, int]
) -> list[tuple[Courier, RelayPoint, int]]:
    """Each worker's first departure: meals there by the fastest ride, then handed over."""
    by_id = {p.id: p for p in day.relay_points}
    starts = []
    for walker in day.walkers:
        point = by_id[str(walker.relay_point)]
        met = max(arrive[point.id], point.open.start_s, walker.shift.start_s)
        leave = met + relay_handover_s(handed[point.id], day.rules.settings)
        starts.append((walker, point, leave))
    return starts


def _batches(
    day: Day, board: Board, chains: Mapping[str, Sequence[Trip]], capacity: int
) -> list[_Batch]:
    """Each point's workers, in order of first departure, grouped into what a rider can
    carry: all of a worker's trips come from one hand-over."""
    batches: list[_Batch] = []
    for point in day.relay_points:
        here = sorted(
            (c for c in chains.values() if c[0].point.id == point.id),
            key=lambda c: (c[0].departure_s, c[0].walker.id),
        )
        group: list[Sequence[Trip]] = []
        for chain in here:
            if group and sum(t.meals for c in [*group, chain] for t in c) > capacity:
                batches.append(_batch(day, board, point, group))
                group = []
            group.append(chain)
        if group:
            batches.append(_batch(day, board, point, group))
    return batches


def _batch(day: Day, board: Board, point: RelayPoint, group: Sequence[Sequence[Trip]]) -> _Batch:
    meals = sum(t.meals for c in group for t in c)
    walkers = [c[0].walker for c in group]
    in_hand = min(min(latest_in_hand(board, c)) for c in group)
    return _Batch(
        point=point,
        walkers=tuple(w.id for w in walkers),
        meals=meals,
        clients=tuple(cl for c in group for t in c for s in t.stops for cl in s.clients),
        present_s=max(point.open.start_s, *(w.shift.start_s for w in walkers)),
        latest_s=min(in_hand - relay_handover_s(meals, day.rules.settings), point.open.end_s),
    )


def _no_rider(batch: _Batch) -> list[Unassigned]:
    reason = text("no_rider_for_relay", relay=batch.point.id)
    return unassigned(batch.clients, "no_rider_for_relay", reason)


def _pick_ups(
    rider_routes: Sequence[Route], made: Sequence[Sequence[int]], batches: Sequence[_Batch]
) -> dict[str, tuple[str, int, int]]:
    """Worker → (rider, hand-over start, hand-over end), for the hand-overs made."""
    out: dict[str, tuple[str, int, int]] = {}
    for route, positions in zip(rider_routes, made, strict=True):
        for step, k in zip(route.handovers, positions, strict=True):
            for walker in batches[k].walkers:
                out[walker] = (route.courier, step.arrival_s or 0, step.departure_s or 0)
    return out


def _walker_routes(
    board: Board,
    chains: Mapping[str, Sequence[Trip]],
    pick_ups: Mapping[str, tuple[str, int, int]],
) -> list[Route]:
    """Each worker whose meals were handed over, its trips timed from the hand-over."""
    return [timed_route(board, chain, pick_ups[w]) for w, chain in chains.items() if w in pick_ups]
