"""Travel-time and distance matrices between the points of a plan, per travel mode.

Without a road network, road distance is the geodesic distance times the scenario's
detour factor, and time is that distance at the mode's speed. Matrices are integer
seconds and integer metres, indexed like the point list they were built for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dispatch.model import Location
from dispatch.travel.geo import distance_matrix_m


@dataclass(frozen=True)
class TravelMatrix:
    """Travel between ``n`` points for one mode: ``time_s[i, j]``, ``distance_m[i, j]``."""

    time_s: np.ndarray
    distance_m: np.ndarray
    snap_m: np.ndarray | None = None
    estimated: np.ndarray | None = None

    @property
    def size(self) -> int:
        return int(self.time_s.shape[0])


def seconds_for(distance_m: np.ndarray, speed_kph: float) -> np.ndarray:
    """Metres → whole seconds at ``speed_kph`` (rounded to nearest)."""
    return np.rint(distance_m * 3.6 / speed_kph).astype(np.int64)


Profile = tuple[str, float]
"""How a worker travels: ``(mode, speed_kph)``, weather already applied to the speed."""


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
