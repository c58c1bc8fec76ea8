"""Small offline route maps for route sheets: SVG drawn from the road graph itself.

No tile server: the streets around the route come from the scenario's road network
(when it has one), the route from its leg polylines, the stops as numbered dots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import cast

from dispatch.model import Location, Mode, Route
from dispatch.report.context import PlanContext
from dispatch.travel.matrices import TravelModel

WIDTH_PX = 640
MARGIN_PX = 16


class _Frame:
    """Projects lat/lon onto the SVG plane around the route (equirectangular, north up)."""

    def __init__(self, points: Sequence[Location]) -> None:
        lats = [p.lat for p in points]
        lons = [p.lon for p in points]
        self.lat0, self.lon0 = max(lats), min(lons)
        self.kx = math.cos(math.radians(sum(lats) / len(lats)))
        span_x = max((max(lons) - self.lon0) * self.kx, 1e-4)
        span_y = max(self.lat0 - min(lats), 1e-4)
        self.scale = (WIDTH_PX - 2 * MARGIN_PX) / max(span_x, span_y)
        self.height = round(span_y * self.scale) + 2 * MARGIN_PX
        self.south, self.east = min(lats), max(lons)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x = MARGIN_PX + (lon - self.lon0) * self.kx * self.scale
        y = MARGIN_PX + (self.lat0 - lat) * self.scale
        return round(x, 1), round(y, 1)


def _streets(travel: TravelModel, mode: str, frame: _Frame) -> str:
    """One SVG path of every street segment of the mode inside the frame."""
    if travel.network is None:
        return ""
    roads = travel.roads()
    graph = roads.time_csr(cast(Mode, mode)).tocoo()
    lat, lon = roads.lat, roads.lon
    inside = (lat >= frame.south) & (lat <= frame.lat0) & (lon >= frame.lon0) & (lon <= frame.east)
    keep = inside[graph.row] & inside[graph.col]
    parts = []
    for a, b in zip(graph.row[keep], graph.col[keep], strict=True):
        x1, y1 = frame.xy(float(lat[a]), float(lon[a]))
        x2, y2 = frame.xy(float(lat[b]), float(lon[b]))
        parts.append(f"M{x1} {y1}L{x2} {y2}")
    return f'<path d="{"".join(parts)}" stroke="#bbb" stroke-width="1" fill="none"/>'


def route_map_svg(part: PlanContext, route: Route) -> str:
    """An SVG map of ``route``: streets around it, its legs, numbered stops."""
    worker = part.workers[route.courier]
    legs = part.legs(route)
    points = [p for leg in legs for p in leg] or [s.location for s in route.steps if s.location]
    frame = _Frame(points)
    line = " ".join(f"{x},{y}" for x, y in (frame.xy(p.lat, p.lon) for p in points))
    stops = [s for s in route.steps if s.type in ("delivery", "handover") and s.location]
    dots = []
    start = route.steps[0].location
    if start is not None:
        x, y = frame.xy(start.lat, start.lon)
        dots.append(f'<rect x="{x - 6}" y="{y - 6}" width="12" height="12" fill="#000"/>')
    for order, step in enumerate(stops, start=1):
        assert step.location is not None
        x, y = frame.xy(step.location.lat, step.location.lon)
        dots.append(
            f'<circle cx="{x}" cy="{y}" r="8" fill="#fff" stroke="#c00" stroke-width="2"/>'
            f'<text x="{x}" y="{y + 3.5}" font-size="10" text-anchor="middle">{order}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH_PX} {frame.height}" '
        f'width="100%" role="img" aria-label="route {route.courier}">'
        f"{_streets(part.travel, worker.mode, frame)}"
        f'<polyline points="{line}" stroke="#c00" stroke-width="3" fill="none" '
        f'stroke-linejoin="round" opacity="0.8"/>'
        f"{''.join(dots)}</svg>"
    )
