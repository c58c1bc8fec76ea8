"""Travel between a plan's points: on the scenario's road network, else geodesic.

The one place that decides how far apart two points are for a worker, used alike by the
planner and the verifier. With a road network, each point is snapped to the nearest
usable road for the mode (``dispatch.travel.roads.network``); a point too far from any road is
``estimated`` (geodesic fallback) and flagged in the plan. The scenario's ``closed_roads``
are closed here, so planner and verifier route around the same closures.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, cast

import numpy as np

from dispatch.errors import RoadNetworkError
from dispatch.messages import text
from dispatch.model import Location, Mode, Scenario
from dispatch.travel.matrix import Profile, TravelMatrix, geodesic_matrices

if TYPE_CHECKING:
    from dispatch.travel.roads import RoadNetwork


@cache
def road_network(path: str) -> RoadNetwork:
    """The scenario's road network, loaded once per process (and cached on disk).

    Imported here, not at the top: the OSM reader and graph libraries cost half a
    second of start-up that a day planned without a network should not pay.
    """
    from dispatch.travel.roads import load_network

    return load_network(path)


def scenario_roads(scenario: Scenario) -> RoadNetwork:
    """The scenario's road network with its ``closed_roads`` closed (it must have one)."""
    assert scenario.network is not None  # callers check; the gate ties closures to a network
    return road_network(scenario.network).closed(scenario.closed_roads)


def travel_matrices(
    points: Sequence[Location], profiles: Sequence[Profile], scenario: Scenario
) -> dict[Profile, TravelMatrix]:
    """One matrix per distinct profile ``(mode, speed_kph)`` over ``points``."""
    if scenario.network is None:
        return geodesic_matrices(points, profiles, scenario.settings)
    roads = scenario_roads(scenario)
    out: dict[Profile, TravelMatrix] = {}
    for mode, speed_kph in dict.fromkeys(profiles):
        # The network has its own speed per road class; a worker faster or slower than
        # the mode's setting (or slowed by the weather) scales all of them.
        factor = speed_kph / scenario.settings.speed_kph[mode]
        matrix, snaps = roads.matrix(points, cast(Mode, mode), factor)
        if len(points) > 1 and all(s.estimated for s in snaps):
            raise RoadNetworkError("network", text("network_outside", mode=mode))
        out[(mode, speed_kph)] = TravelMatrix(
            time_s=matrix.time_s,
            distance_m=matrix.distance_m,
            snap_m=np.array([s.offset_m for s in snaps], dtype=np.int64),
            estimated=np.array([s.estimated for s in snaps], dtype=bool),
        )
    return out


def leg_paths(scenario: Scenario, mode: str, points: Sequence[Location]) -> list[list[Location]]:
    """The street polyline of each leg between consecutive ``points`` (straight without roads)."""
    pairs = list(itertools.pairwise(points))
    if scenario.network is None:
        return [[a, b] for a, b in pairs]
    roads = scenario_roads(scenario)
    snaps = roads.snap(points, cast(Mode, mode))
    return [
        [a, *roads.leg_path(snaps[k], snaps[k + 1], cast(Mode, mode)), b]
        for k, (a, b) in enumerate(pairs)
    ]
