"""One echelon: workers leave one depot and serve targets; solved routes become plan steps.

A target is a building stop (clients) or a relay hand-over (meals for walkers). Travel
uses each worker's weather-adjusted speed, and the weather's extra seconds per stop
and per stairs floor are added on arrival (parking, rain gear, wet stairs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dispatch.model import Courier, Location, Route, Scenario, Step
from dispatch.routing import portfolio
from dispatch.routing.problem import Node, Problem, SolveParams, Vehicle
from dispatch.travel import conditions as weather
from dispatch.travel.matrices import travel_matrices
from dispatch.travel.matrix import Profile, TravelMatrix


@dataclass(frozen=True)
class Crew:
    """A worker and when they may leave the depot and must be done."""

    worker: Courier
    earliest_start_s: int
    latest_end_s: int


@dataclass(frozen=True)
class Target:
    """Something to visit once, at matrix ``column`` of its echelon."""

    key: str
    column: int
    location: Location
    meals: int
    service_s: int
    window_start_s: int
    window_end_s: int
    stairs_floors: int = 0
    clients: tuple[str, ...] = ()
    building: str | None = None
    relay_point: str | None = None
    partners: tuple[str, ...] = ()
    allowed: tuple[int, ...] | None = None
    drop_penalty: int = 1


class Echelon:
    """Travel between a depot (column 0) and ``locations`` (columns 1…) for a crew."""

    def __init__(
        self,
        scenario: Scenario,
        depot: Location,
        crews: Sequence[Crew],
        locations: Sequence[Location],
    ) -> None:
        self.scenario = scenario
        self.depot = depot
        self.crews = tuple(crews)
        self.profiles: list[Profile] = [
            (c.worker.mode, weather.speed_kph(scenario, c.worker)) for c in self.crews
        ]
        self.matrices: dict[Profile, TravelMatrix] = travel_matrices(
            [depot, *locations], self.profiles, scenario
        )

    def matrix(self, crew: int) -> TravelMatrix:
        return self.matrices[self.profiles[crew]]

    def extra_s(self, crew: int, stairs_floors: int) -> int:
        return weather.arrival_extra_s(self.scenario, self.crews[crew].worker.mode, stairs_floors)

    def reach_s(self, crew: int, column: int, stairs_floors: int = 0) -> int:
        """Seconds from leaving the depot to being ready to serve at ``column``."""
        return int(self.matrix(crew).time_s[0, column]) + self.extra_s(crew, stairs_floors)

    def solve(
        self, targets: Sequence[Target], params: SolveParams, span_s: int | None
    ) -> tuple[list[tuple[int, Route]], list[Target]]:
        """Routes as ``(crew index, route)`` and the targets left unvisited."""
        if not targets or not self.crews:
            return [], list(targets)
        solution = portfolio.solve(self._problem(targets, span_s), params)
        routes = [
            (
                r.vehicle,
                self._route(
                    r.vehicle, r.departure_s, [(targets[v.node], v.start_s) for v in r.visits]
                ),
            )
            for r in solution.routes
        ]
        return routes, [targets[k] for k in solution.dropped]

    def _problem(self, targets: Sequence[Target], span_s: int | None) -> Problem:
        keep = [0, *(t.column for t in targets)]
        distinct = list(dict.fromkeys(self.profiles))
        time_s = []
        for profile in distinct:
            crew = self.profiles.index(profile)
            extra = np.array([0] + [self.extra_s(crew, t.stairs_floors) for t in targets])
            travel = self.matrices[profile].time_s[np.ix_(keep, keep)] + extra[None, :]
            np.fill_diagonal(travel, 0)  # staying put costs nothing, whatever the weather
            time_s.append(travel)
        vehicles = tuple(
            Vehicle(
                profile=distinct.index(self.profiles[i]),
                capacity=c.worker.capacity,
                earliest_start_s=c.earliest_start_s,
                latest_end_s=c.latest_end_s,
                max_span_s=span_s,
            )
            for i, c in enumerate(self.crews)
        )
        crew_of = {c.worker.id: i for i, c in enumerate(self.crews)}
        preferences = [self._preference(t, crew_of) for t in targets]
        nodes = tuple(
            Node(
                demand=t.meals,
                service_s=t.service_s,
                window_start_s=t.window_start_s,
                window_end_s=t.window_end_s,
                allowed_vehicles=t.allowed,
                drop_penalty=t.drop_penalty,
                stairs_floors=t.stairs_floors,
                preferred_vehicle=preferred,
                keep_weight=weight,
            )
            for t, (preferred, weight) in zip(targets, preferences, strict=True)
        )
        settings = self.scenario.settings
        return Problem(
            time_s=tuple(time_s),
            nodes=nodes,
            vehicles=vehicles,
            return_to_depot=False,
            climb_balance_cost=settings.climb_balance_s_per_floor,
            keep_cost=settings.keep_courier_s,
        )

    def _preference(self, target: Target, crew_of: dict[str, int]) -> tuple[int | None, int]:
        """The crew most of the target's clients had before, and how many of them."""
        before = Counter(
            self.scenario.keep[c] for c in target.clients if self.scenario.keep.get(c) in crew_of
        )
        if not before:
            return None, 0
        courier, weight = before.most_common(1)[0]
        return crew_of[courier], weight

    def _route(self, crew: int, departure_s: int, visits: Sequence[tuple[Target, int]]) -> Route:
        matrix = self.matrix(crew)
        steps = [Step("start", self.depot, arrival_s=departure_s, departure_s=departure_s)]
        previous, free_s = 0, departure_s
        for target, start_s in visits:
            travel = int(matrix.time_s[previous, target.column])
            extra = self.extra_s(crew, target.stairs_floors)
            steps.append(
                Step(
                    "handover" if target.relay_point else "delivery",
                    target.location,
                    building=target.building,
                    clients=target.clients,
                    arrival_s=start_s,
                    waiting_s=start_s - (free_s + travel + extra),
                    service_s=target.service_s,
                    departure_s=start_s + target.service_s,
                    travel_s=travel,
                    distance_m=int(matrix.distance_m[previous, target.column]),
                    weather_s=extra,
                    relay_point=target.relay_point,
                    partners=target.partners,
                    meals=target.meals,
                    snap_m=int(matrix.snap_m[target.column]) if matrix.snap_m is not None else 0,
                    estimated=bool(matrix.estimated[target.column])
                    if matrix.estimated is not None
                    else False,
                )
            )
            previous, free_s = target.column, start_s + target.service_s
        steps.append(Step("end", steps[-1].location, arrival_s=free_s, departure_s=free_s))
        return Route(courier=self.crews[crew].worker.id, steps=tuple(steps))
