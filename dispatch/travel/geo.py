"""Coordinate systems (WGS-84, GCJ-02, BD-09) and geodesic distances.

Chinese map apps show GCJ-02 (Amap, Tencent) or BD-09 (Baidu); everything inside this
package is WGS-84. Conversions use ``prcoords`` with its iterative inverses (sub-millimetre
round trips); distances are geodesics on the WGS-84 ellipsoid (pyproj's ``Geod``, Karney's
algorithm), one implementation for single pairs and whole matrices so both agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import prcoords
from pyproj import Geod

from dispatch.model import Location

CoordinateSystem = Literal["wgs84", "gcj02", "bd09"]

_WGS84 = Geod(ellps="WGS84")


def _in_china(lat: float, lon: float) -> bool:
    # Outside China the offsets are not applied by the map apps either.
    return bool(prcoords.sanity_in_china_p(prcoords.Coords(lat, lon)))


def to_wgs84(lat: float, lon: float, system: CoordinateSystem) -> Location:
    """Convert a point given in ``system`` to WGS-84."""
    if system == "wgs84" or not _in_china(lat, lon):
        return Location(lat=lat, lon=lon)
    point = prcoords.Coords(lat, lon)
    if system == "gcj02":
        wgs = prcoords.gcj_wgs_bored(point, False)
    else:
        wgs = prcoords.bd_wgs_bored(point, False)
    return Location(lat=float(wgs.lat), lon=float(wgs.lon))


def from_wgs84(location: Location, system: CoordinateSystem) -> tuple[float, float]:
    """Express a WGS-84 point in ``system``, as ``(lat, lon)`` for a map app."""
    if system == "wgs84" or not _in_china(location.lat, location.lon):
        return location.lat, location.lon
    point = prcoords.Coords(location.lat, location.lon)
    shifted = prcoords.wgs_gcj(point, False) if system == "gcj02" else prcoords.wgs_bd(point, False)
    return float(shifted.lat), float(shifted.lon)


def distance_m(a: Location, b: Location) -> float:
    """Geodesic distance in metres on the WGS-84 ellipsoid."""
    _, _, metres = _WGS84.inv(a.lon, a.lat, b.lon, b.lat)
    return float(metres)


def distance_matrix_m(points: Sequence[Location]) -> np.ndarray:
    """All-pairs geodesic distances in metres (float64, ``n × n``), vectorised.

    The geodesic is symmetric, so only the upper triangle is computed.
    """
    lat = np.array([p.lat for p in points], dtype=float)
    lon = np.array([p.lon for p in points], dtype=float)
    n = len(points)
    i, j = np.triu_indices(n, k=1)
    _, _, dist = _WGS84.inv(lon[i], lat[i], lon[j], lat[j])
    matrix = np.zeros((n, n), dtype=float)
    matrix[i, j] = dist
    matrix[j, i] = dist
    return matrix
