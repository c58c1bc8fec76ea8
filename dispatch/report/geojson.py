"""Plans as GeoJSON: each route's legs along the streets, and its stops.

Coordinates follow RFC 7946: ``[lon, lat]`` in WGS-84. Without a road network the legs
are straight lines between stops (``"geometry": "straight"`` in the properties). Legs
along the streets of an OpenStreetMap extract carry its credit (ODbL): the collection's
``attribution`` and ``license`` members.
"""

from __future__ import annotations

from typing import Any

from dispatch.messages import text
from dispatch.model import Location, clock
from dispatch.report.context import PlanContext

OSM_CREDIT = text("paper.osm_credit").en
OSM_LICENSE = "ODbL-1.0 (https://www.openstreetmap.org/copyright)"


def _lonlat(point: Location) -> list[float]:
    return [round(point.lon, 7), round(point.lat, 7)]


def routes_geojson(part: PlanContext) -> dict[str, Any]:
    """A FeatureCollection: one LineString per route, one Point per stop."""
    features: list[dict[str, Any]] = []
    geometry = "streets" if part.travel.network else "straight"
    for route in part.plan.routes:
        line: list[list[float]] = []
        for leg in part.legs(route):
            coordinates = [_lonlat(p) for p in leg]
            line += coordinates[1:] if line and coordinates[:1] == line[-1:] else coordinates
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": line},
                "properties": {
                    "courier": route.courier,
                    "stops": len(route.deliveries) + len(route.handovers),
                    "geometry": geometry,
                },
            }
        )
        stops = [s for s in route.steps if s.type in ("delivery", "handover")]
        for order, step in enumerate(stops, start=1):
            assert step.location is not None  # planned steps always have one
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": _lonlat(step.location)},
                    "properties": {
                        "courier": route.courier,
                        "order": order,
                        "type": step.type,
                        "arrival": clock(step.arrival_s or 0),
                        "clients": list(step.clients),
                        "relay_point": step.relay_point,
                        "estimated": step.estimated,
                    },
                }
            )
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if part.travel.network:
        collection |= {"attribution": OSM_CREDIT, "license": OSM_LICENSE}
    return collection
