"""Travel between a plan's points: on the scenario's road network, else geodesic.

Without a road network, road distance is the geodesic distance times the scenario's
detour factor, and time is that distance at the mode's speed.

The one place that decides how far apart two points are for a worker, used alike by the
planner and the verifier. With a road network, each point is snapped to the nearest
usable road for the mode (``dispatch.travel.roads``); a point too far from any road is
``estimated`` (geodesic fallback) and flagged in the plan. The scenario's ``closed_roads``
are closed here, so planner and verifier route around the same closures.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, cast

import numpy as np

from dispatch.errors import RoadNetworkError
from dispatch.messages import text
from dispatch.model import Closure, Location, Mode, Scenario
from dispatch.travel.geo import distance_matrix_m
from dispatch.travel.matrix import Profile, TravelMatrix

if TYPE_CHECKING:
    from dispatch.travel.roads import RoadNetwork


def seconds_for(distance_m: np.ndarray, speed_kph: float) -> np.ndarray:
    """Metres → whole seconds at ``speed_kph`` (rounded to nearest)."""
    return np.rint(distance_m * 3.6 / speed_kph).astype(np.int64)


def geodesic_matrices(
    points: Sequence[Location], profiles: Sequence[Profile], detour_factor: float
) -> dict[Profile, TravelMatrix]:
    """Geodesic × detour factor: one matrix per distinct profile (distances computed once)."""
    road_m = distance_matrix_m(points) * detour_factor
    distance = np.rint(road_m).astype(np.int64)
    return {
        profile: TravelMatrix(time_s=seconds_for(road_m, profile[1]), distance_m=distance)
        for profile in dict.fromkeys(profiles)
    }


@cache
def road_network(path: str) -> RoadNetwork:
    """A road network, loaded once per process (and cached on disk).

    Imported here, not at the top: the OSM reader and graph libraries cost half a
    second of start-up that a day planned without a network should not pay.
    """
    from dispatch.travel.roads import load_network

    return load_network(path)


@dataclass(frozen=True)
class TravelModel:
    """How travel is measured on one day: a road network with closures, or geodesics."""

    detour_factor: float
    base_speed_kph: Mapping[str, float]
    network: str | None = None
    closed_roads: tuple[Closure, ...] = ()

    @classmethod
    def of(cls, scenario: Scenario) -> TravelModel:
        return cls(
            detour_factor=scenario.settings.detour_factor,
            base_speed_kph=scenario.settings.speed_kph,
            network=scenario.network,
            closed_roads=scenario.closed_roads,
        )

    def roads(self) -> RoadNetwork:
        """The road network with the closures closed (only for a model with a network)."""
        assert self.network is not None  # callers check; the gate ties closures to a network
        return road_network(self.network).closed(self.closed_roads)

    def matrices(
        self, points: Sequence[Location], profiles: Sequence[Profile]
    ) -> dict[Profile, TravelMatrix]:
        """One matrix per distinct profile ``(mode, speed_kph)`` over ``points``."""
        if self.network is None:
            return geodesic_matrices(points, profiles, self.detour_factor)
        roads = self.roads()
        out: dict[Profile, TravelMatrix] = {}
        for mode, speed_kph in dict.fromkeys(profiles):
            # The network has its own speed per road class; a worker faster or slower than
            # the mode's setting (or slowed by the weather) scales all of them.
            factor = speed_kph / self.base_speed_kph[mode]
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

    def leg_paths(self, mode: str, points: Sequence[Location]) -> list[list[Location]]:
        """The street polyline of each leg between consecutive ``points`` (straight: no roads)."""
        pairs = list(itertools.pairwise(points))
        if self.network is None:
            return [[a, b] for a, b in pairs]
        roads = self.roads()
        snaps = roads.snap(points, cast(Mode, mode))
        return [
            [a, *roads.leg_path(snaps[k], snaps[k + 1], cast(Mode, mode)), b]
            for k, (a, b) in enumerate(pairs)
        ]
