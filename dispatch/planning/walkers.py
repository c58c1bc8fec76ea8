"""Grid workers' last leg: trips from the relay points, chosen jointly, timed exactly.

Every grid worker of every relay point is a vehicle of one routing problem over the
outlying stops, starting at its own relay point (its own row 0 of the travel matrix) when
meals can be there: the solver, not a greedy rule, decides which point and which worker
serve each stop. Stops a round leaves out go to the next round, in which the workers
walk back to their point for more meals (another trip from the relay box), up to
``MAX_TRIPS`` rounds. A worker's trips form a chain: ``latest_in_hand`` gives, for each
trip, the latest moment its meals may be in the worker's hands with every later door
still in time, and ``timed_route`` times the chain from the actual hand-over.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from dispatch.model import Courier, RelayPoint, Route, Settings, Step
from dispatch.planning.stops import Stop
from dispatch.routing import portfolio
from dispatch.routing.problem import Node, Problem, SolveParams, Vehicle
from dispatch.rules import may_serve, relay_handover_s, service_s

if TYPE_CHECKING:
    from dispatch.planning.leg import DayRules
    from dispatch.travel.matrix import TravelMatrix

MAX_TRIPS = 4
_NEVER_S = 10**9


@dataclass(frozen=True)
class Trip:
    """Meals a grid worker takes from the relay point to some stops, in order."""

    walker: Courier
    point: RelayPoint
    stops: tuple[Stop, ...]
    departure_s: int  # the earliest, as planned; the route is timed from the hand-over

    @property
    def meals(self) -> int:
        return sum(s.meals for s in self.stops)


@dataclass(frozen=True)
class _Hop:
    """One move of a chain: to a stop, or back to the relay point for the next trip."""

    trip: int
    column: int
    stop: Stop | None
    travel_s: int
    weather_s: int
    service_s: int
    window_start_s: int
    latest_s: int


class Board:
    """Walking between the relay points (columns 0…P-1) and the outlying stops (P…)."""

    def __init__(
        self,
        rules: DayRules,
        points: Sequence[RelayPoint],
        walkers: Sequence[Courier],
        stops: Sequence[Stop],
        door_by_s: int,
    ) -> None:
        self.rules = rules
        self.points = {p.id: k for k, p in enumerate(points)}
        self.column = {s.id: len(points) + k for k, s in enumerate(stops)}
        self.profile = {w.id: rules.conditions.profile(w) for w in walkers}
        places = [*(p.location for p in points), *(s.location for s in stops)]
        self.matrices = rules.travel.matrices(places, list(dict.fromkeys(self.profile.values())))
        self.door_by_s = door_by_s  # the relay box limit, counted from the earliest ride

    def matrix(self, walker: Courier) -> TravelMatrix:
        return self.matrices[self.profile[walker.id]]

    def extra_s(self, walker: Courier, floors: int) -> int:
        return self.rules.conditions.arrival_extra_s(walker.mode, floors)

    def walk_s(self, walker: Courier, a: int, b: int, floors: int = 0) -> int:
        """Seconds from column ``a`` to being ready to serve at column ``b``."""
        return int(self.matrix(walker).time_s[a, b]) + self.extra_s(walker, floors)

    def latest_start_s(self, stop: Stop) -> int:
        """The latest service start at ``stop``: its window, cooked-to-door, the relay box."""
        end = min(self.rules.cooked_by_s, self.door_by_s) - service_s(stop.clients, self.settings)
        return min(end, stop.window.end_s) if stop.window else end

    @property
    def settings(self) -> Settings:
        return self.rules.settings


@dataclass
class _Free:
    """A grid worker between trips: their point, and from when the next trip may leave."""

    walker: Courier
    point: RelayPoint
    leave_s: int
    box: int  # meals still to come in the worker's one hand-over (a rider's load)

    def room(self, point_room: Mapping[str, int]) -> int:
        """Meals the next trip may carry: the worker's, the point's and the box's room."""
        return min(self.walker.capacity, point_room[self.point.id], self.box)


def plan_trips(
    board: Board,
    starts: Sequence[tuple[Courier, RelayPoint, int]],
    stops: Sequence[Stop],
    rider_capacity: int,
    params: SolveParams,
) -> tuple[dict[str, list[Trip]], list[Stop]]:
    """Each worker's trips, and the stops no trip takes.

    ``starts``: each worker, its point and its first departure. All of a worker's meals
    come in one rider's hand-over, so its trips carry at most ``rider_capacity`` meals in
    all. A later trip leaves after walking back to the point and the pick-up of a full
    trip's meals from the relay box (``timed_route`` times the actual pick-up, never later).
    """
    free = [_Free(w, p, s, rider_capacity) for w, p, s in starts]
    room = {p.id: p.capacity for _, p, _ in starts}
    chains: dict[str, list[Trip]] = {w.id: [] for w, _, _ in starts}
    left = list(stops)
    for _ in range(MAX_TRIPS):
        ready = [f for f in free if f.leave_s <= f.walker.shift.end_s]
        trips = _round(board, ready, left, room, params)
        if not trips:
            break
        taken = {s.id for t, _, _ in trips for s in t.stops}
        left = [s for s in left if s.id not in taken]
        for trip, state, done_s in trips:
            _advance(board, state, trip, done_s)
            chains[trip.walker.id].append(trip)
            room[trip.point.id] -= trip.meals
    return {w: c for w, c in chains.items() if c}, left


def _advance(board: Board, state: _Free, trip: Trip, done_s: int) -> None:
    """After ``trip``: back at the point, a pick-up (charged for a full trip), leave again."""
    walker = state.walker
    home = board.points[state.point.id]
    back_s = done_s + board.walk_s(walker, board.column[trip.stops[-1].id], home)
    state.box -= trip.meals
    leave = back_s + relay_handover_s(min(walker.capacity, state.box), board.settings)
    state.leave_s = leave if back_s <= state.point.open.end_s else _NEVER_S


def can_take(board: Board, state: _Free, stop: Stop, room_meals: int) -> bool:
    """Whether the worker, leaving the point at ``state.leave_s`` with room for
    ``room_meals``, serves ``stop`` in time."""
    walker = state.walker
    if not may_serve(walker, stop.clients) or stop.meals > room_meals:
        return False
    column = board.column[stop.id]
    reach = board.walk_s(walker, board.points[state.point.id], column, stop.stairs_floors)
    begin = max(state.leave_s + reach, stop.window.start_s if stop.window else 0)
    service = service_s(stop.clients, board.settings)
    return begin <= board.latest_start_s(stop) and begin + service <= walker.shift.end_s


def first_trip_reach(
    board: Board, starts: Sequence[tuple[Courier, RelayPoint, int]], stop: Stop
) -> bool:
    """Whether any worker can serve ``stop`` on a first trip (else nobody ever can)."""
    return any(
        can_take(board, _Free(w, p, s, p.capacity), stop, min(w.capacity, p.capacity))
        for w, p, s in starts
    )


def _round(
    board: Board,
    free: Sequence[_Free],
    stops: Sequence[Stop],
    room: Mapping[str, int],
    params: SolveParams,
) -> list[tuple[Trip, _Free, int]]:
    """One trip for each worker the solver uses: one problem over every point and stop."""
    kept: list[Stop] = []
    able: list[tuple[int, ...]] = []
    for stop in stops:
        who = tuple(i for i, f in enumerate(free) if can_take(board, f, stop, f.room(room)))
        if who:
            kept.append(stop)
            able.append(who)
    if not kept:
        return []
    problem = _problem(board, free, kept, able, room)
    solution = portfolio.solve(problem, params)
    trips: list[tuple[Trip, _Free, int]] = []
    for route in solution.routes:
        state = free[route.vehicle]
        trip = Trip(
            state.walker, state.point, tuple(kept[v.node] for v in route.visits), state.leave_s
        )
        trips.append((trip, state, _done_s(board, trip)))
    return _fit_points(trips, room)


def _done_s(board: Board, trip: Trip) -> int:
    """When the trip's last door is done, leaving the point at its earliest."""
    t, at = trip.departure_s, board.points[trip.point.id]
    for stop in trip.stops:
        column = board.column[stop.id]
        t += board.walk_s(trip.walker, at, column, stop.stairs_floors)
        t = max(t, stop.window.start_s if stop.window else 0) + service_s(
            stop.clients, board.settings
        )
        at = column
    return t


def _fit_points(
    trips: Sequence[tuple[Trip, _Free, int]], room: Mapping[str, int]
) -> list[tuple[Trip, _Free, int]]:
    """The trips that fit what each relay point can hold, earliest first."""
    left = dict(room)
    fitted = []
    for item in sorted(trips, key=lambda t: (t[0].departure_s, t[0].walker.id)):
        if item[0].meals <= left[item[0].point.id]:
            left[item[0].point.id] -= item[0].meals
            fitted.append(item)
    return fitted


def _problem(
    board: Board,
    free: Sequence[_Free],
    stops: Sequence[Stop],
    able: Sequence[tuple[int, ...]],
    room: Mapping[str, int],
) -> Problem:
    """Workers leave their own relay point: one matrix per (travel profile, point)."""
    pairs = list(dict.fromkeys((board.profile[f.walker.id], f.point.id) for f in free))
    columns = [board.column[s.id] for s in stops]
    time_s = []
    for profile, point_id in pairs:
        keep = [board.points[point_id], *columns]
        extra = [0] + [
            board.rules.conditions.arrival_extra_s(profile[0], s.stairs_floors) for s in stops
        ]
        travel = board.matrices[profile].time_s[np.ix_(keep, keep)] + np.array(extra)[None, :]
        np.fill_diagonal(travel, 0)
        time_s.append(travel)
    vehicles = tuple(
        Vehicle(
            profile=pairs.index((board.profile[f.walker.id], f.point.id)),
            capacity=f.room(room),
            earliest_start_s=f.leave_s,
            latest_end_s=f.walker.shift.end_s,
        )
        for f in free
    )
    crew_of = {f.walker.id: i for i, f in enumerate(free)}
    nodes = []
    for stop, who in zip(stops, able, strict=True):
        preferred = _preference(board.rules.keep, stop, crew_of)
        nodes.append(
            Node(
                demand=stop.meals,
                service_s=service_s(stop.clients, board.settings),
                window_start_s=stop.window.start_s if stop.window else 0,
                window_end_s=board.latest_start_s(stop),
                allowed_vehicles=who,
                drop_penalty=len(stop.clients),
                stairs_floors=stop.stairs_floors,
                preferred_vehicle=preferred[0],
                keep_weight=preferred[1],
            )
        )
    return Problem(
        time_s=tuple(time_s),
        nodes=tuple(nodes),
        vehicles=vehicles,
        return_to_depot=False,
        climb_balance_cost=board.settings.climb_balance_s_per_floor,
        keep_cost=board.settings.keep_courier_s,
    )


def _preference(
    keep: Mapping[str, str], stop: Stop, crew_of: Mapping[str, int]
) -> tuple[int | None, int]:
    """The worker most of the stop's clients had before, and how many of them."""
    before = Counter(keep[c.id] for c in stop.clients if keep.get(c.id) in crew_of)
    if not before:
        return None, 0
    walker, weight = before.most_common(1)[0]
    return crew_of[walker], weight


def _hops(board: Board, chain: Sequence[Trip]) -> list[_Hop]:
    """The chain's moves after the first departure: doors, and walks back for more meals."""
    walker, point = chain[0].walker, chain[0].point
    home = board.points[point.id]
    matrix = board.matrix(walker)
    hops: list[_Hop] = []
    at = home
    for k, trip in enumerate(chain):
        if k:
            extra = board.extra_s(walker, 0)
            pick_up = relay_handover_s(trip.meals, board.settings)
            travel = int(matrix.time_s[at, home]) + extra
            hops.append(_Hop(k, home, None, travel, extra, pick_up, 0, point.open.end_s))
            at = home
        for stop in trip.stops:
            column, service = board.column[stop.id], service_s(stop.clients, board.settings)
            extra = board.extra_s(walker, stop.stairs_floors)
            latest = min(board.latest_start_s(stop), walker.shift.end_s - service)
            opens = stop.window.start_s if stop.window else 0
            travel = int(matrix.time_s[at, column]) + extra
            hops.append(_Hop(k, column, stop, travel, extra, service, opens, latest))
            at = column
    return hops


def latest_in_hand(board: Board, chain: Sequence[Trip]) -> list[int]:
    """Per trip, the latest moment its meals may reach the worker's hands (the departure
    of the first trip, the pick-up of a later one) with every later door still in time."""
    hops = _hops(board, chain)
    latest = [0] * len(hops)
    leave_by = _NEVER_S
    for i in reversed(range(len(hops))):
        latest[i] = min(hops[i].latest_s, leave_by - hops[i].service_s)
        leave_by = latest[i] - hops[i].travel_s
    pick_ups = [latest[i] for i, h in enumerate(hops) if h.stop is None]
    return [leave_by, *pick_ups]


def timed_route(board: Board, chain: Sequence[Trip], handover: tuple[str, int, int]) -> Route:
    """The worker's route, timed from the rider's hand-over ``(rider, start, end)``."""
    walker, point = chain[0].walker, chain[0].point
    rider, start_s, end_s = handover
    leave = max(end_s, walker.shift.start_s)
    steps = [
        Step(
            "handover",
            point.location,
            arrival_s=start_s,
            departure_s=leave,
            relay_point=point.id,
            partners=(rider,),
            meals=chain[0].meals,
        )
    ]
    t, at = leave, board.points[point.id]
    for hop in _hops(board, chain):
        reached = t + hop.travel_s
        start = max(reached, hop.window_start_s)
        steps.append(_step(board, chain, hop, at, reached, start, rider))
        t, at = start + hop.service_s, hop.column
    steps.append(Step("end", steps[-1].location, arrival_s=t, departure_s=t))
    return Route(courier=walker.id, steps=tuple(steps))


def _step(
    board: Board, chain: Sequence[Trip], hop: _Hop, at: int, reached: int, start: int, rider: str
) -> Step:
    matrix = board.matrix(chain[0].walker)
    point = chain[0].point
    stop = hop.stop
    step = Step(
        "delivery" if stop is not None else "handover",
        stop.location if stop is not None else point.location,
        arrival_s=start,
        waiting_s=start - reached,
        service_s=hop.service_s,
        departure_s=start + hop.service_s,
        travel_s=hop.travel_s - hop.weather_s,
        distance_m=int(matrix.distance_m[at, hop.column]),
        weather_s=hop.weather_s,
        snap_m=int(matrix.snap_m[hop.column]) if matrix.snap_m is not None else 0,
        estimated=bool(matrix.estimated[hop.column]) if matrix.estimated is not None else False,
    )
    if stop is None:
        meals = chain[hop.trip].meals
        return replace(step, relay_point=point.id, partners=(rider,), meals=meals)
    clients = sorted(stop.clients, key=lambda c: (c.floor, c.id))
    return replace(
        step, building=stop.building, clients=tuple(c.id for c in clients), meals=stop.meals
    )
