"""A travel matrix: integer seconds and metres between ``n`` points, for one travel profile.

Matrices are indexed like the point list they were built for; how they are built (road
network or geodesic) is ``dispatch.travel.matrices``'s business.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


Profile = tuple[str, float]
"""How a worker travels: ``(mode, speed_kph)``, weather already applied to the speed."""
