"""An engine's route turned into plan steps: times, waits, travel, weather, hand-overs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dispatch.model import Route, Step

if TYPE_CHECKING:
    from dispatch.planning.leg import Leg, _Target


def plan_route(
    leg: Leg, crew: int, departure_s: int, visits: Sequence[tuple[_Target, int]]
) -> Route:
    """The plan route of crew ``crew``: its start, one step a visit (started at the engine's
    time), its end."""
    steps = [Step("start", leg.depot, arrival_s=departure_s, departure_s=departure_s)]
    previous, free_s = 0, departure_s
    for target, start_s in visits:
        steps.append(_step(leg, crew, target, previous, free_s, start_s))
        previous, free_s = target.column, start_s + target.service_s
    steps.append(Step("end", steps[-1].location, arrival_s=free_s, departure_s=free_s))
    return Route(courier=leg.crews[crew].worker.id, steps=tuple(steps))


def _step(leg: Leg, crew: int, target: _Target, previous: int, free_s: int, start_s: int) -> Step:
    """The plan step of a visit that starts at ``start_s``, the crew free since ``free_s``."""
    matrix = leg.matrix(crew)
    travel = int(matrix.time_s[previous, target.column])
    extra = leg.extra_s(crew, target.stairs_floors)
    stop = target.stop
    clients = sorted(stop.clients, key=lambda c: (c.floor, c.id)) if stop is not None else []
    handover = target.relay
    return Step(
        "delivery" if stop is not None else "handover",
        target.location,
        building=stop.building if stop is not None else None,
        clients=tuple(c.id for c in clients),
        arrival_s=start_s,
        waiting_s=start_s - (free_s + travel + extra),
        service_s=target.service_s,
        departure_s=start_s + target.service_s,
        travel_s=travel,
        distance_m=int(matrix.distance_m[previous, target.column]),
        weather_s=extra,
        relay_point=handover.point.id if handover is not None else None,
        partners=handover.partners if handover is not None else (),
        meals=target.meals,
        snap_m=int(matrix.snap_m[target.column]) if matrix.snap_m is not None else 0,
        estimated=bool(matrix.estimated[target.column]) if matrix.estimated is not None else False,
    )
