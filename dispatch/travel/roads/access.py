"""Who may use which OSM way, which way round and how fast: access rules and speed tables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from dispatch.model import Mode

_WALK_KPH = 4.3
_STEPS_KPH = 2.0

_TRUNK = ("trunk", "trunk_link")
_LINKED = ("primary", "secondary", "tertiary")
_STREETS = (*_LINKED, *(f"{c}_link" for c in _LINKED), "unclassified", "residential", "road")
_MINOR = ("living_street", "service")
_PATHS = ("pedestrian", "footway", "path", "track", "cycleway", "bridleway", "corridor")

SPEED_KPH: Mapping[Mode, Mapping[str, float]] = MappingProxyType(
    {
        "car": MappingProxyType(
            {
                "motorway": 80.0,
                "motorway_link": 40.0,
                "trunk": 60.0,
                "trunk_link": 40.0,
                "primary": 45.0,
                "primary_link": 30.0,
                "secondary": 40.0,
                "secondary_link": 30.0,
                "tertiary": 35.0,
                "tertiary_link": 25.0,
                "unclassified": 25.0,
                "residential": 20.0,
                "road": 20.0,
                "living_street": 15.0,
                "service": 15.0,
            }
        ),
        "ebike": MappingProxyType(
            {
                **dict.fromkeys((*_TRUNK, *_STREETS, "cycleway"), 15.0),
                **dict.fromkeys((*_MINOR, "track", "path"), 10.0),
                **dict.fromkeys(("footway", "pedestrian", "bridleway"), 8.0),
                "corridor": 5.0,
                "steps": _STEPS_KPH,
            }
        ),
        "walk": MappingProxyType(
            {
                **dict.fromkeys((*_TRUNK, *_STREETS, *_MINOR, *_PATHS), _WALK_KPH),
                "steps": _STEPS_KPH,
            }
        ),
    }
)
"""Speed by ``highway`` class for every class a mode may ever use (absent: never usable)."""

BY_PERMISSION: Mapping[Mode, frozenset[str]] = MappingProxyType(
    {
        "car": frozenset(),
        "ebike": frozenset({"footway", "pedestrian", "bridleway", "corridor", "steps"}),
        "walk": frozenset({"trunk", "trunk_link"}),
    }
)
"""Classes a mode uses only when a tag allows it (``bicycle=yes``, ``foot=yes``…)."""

ACCESS_KEYS: Mapping[Mode, tuple[str, ...]] = MappingProxyType(
    {
        "car": ("motorcar", "motor_vehicle", "vehicle", "access"),
        "ebike": ("bicycle", "vehicle", "access"),
        "walk": ("foot", "access"),
    }
)
"""Access tags per mode, most specific first; the first one with a known value decides."""

_ALLOWED = frozenset(
    {"yes", "designated", "permissive", "destination", "delivery", "private", "customers"}
)
_DENIED = frozenset({"no", "use_sidepath", "agricultural", "forestry", "emergency"})
_FORWARD = frozenset({"yes", "true", "1"})
_BACKWARD = frozenset({"-1", "reverse"})
_CYCLEWAY_KEYS = ("cycleway", "cycleway:left", "cycleway:right", "cycleway:both")
_MAXSPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph)?\s*$")
_MPH_KPH = 1.609344


@dataclass(frozen=True, slots=True)
class Rule:
    """How one mode may use one way: directions and speed."""

    forward: bool
    backward: bool
    speed_kph: float


def _access(tags: Mapping[str, str], mode: Mode) -> str | None:
    """``"yes"``, ``"no"`` or ``"dismount"`` from the most specific access tag, else None."""
    for key in ACCESS_KEYS[mode]:
        value = tags.get(key, "").split(";")[0].strip().lower()
        if value in _DENIED:
            return "no"
        if value == "dismount":
            return "dismount" if mode == "ebike" else "yes"
        if value in _ALLOWED:
            return "yes"
    return None


def parse_maxspeed_kph(value: str | None) -> float | None:
    """A ``maxspeed`` tag in km/h (``"50"``, ``"30 mph"``, ``"60;40"``), None if unusable."""
    if not value:
        return None
    match = _MAXSPEED.match(value.split(";")[0])
    if match is None or float(match.group(1)) <= 0:
        return None
    speed = float(match.group(1))
    return speed * _MPH_KPH if match.group(2) == "mph" else speed


def _speed_kph(tags: Mapping[str, str], mode: Mode, highway: str, access: str | None) -> float:
    if access == "dismount":
        return _WALK_KPH
    if mode == "car":
        return parse_maxspeed_kph(tags.get("maxspeed")) or SPEED_KPH[mode][highway]
    return SPEED_KPH[mode][highway]


def _oneway_value(tags: Mapping[str, str], mode: Mode, highway: str) -> str:
    """The effective ``oneway`` value for ``mode``, including implied one-way roads."""
    if mode == "ebike":
        if "oneway:bicycle" in tags:
            return tags["oneway:bicycle"].lower()
        if any(tags.get(key, "").startswith("opposite") for key in _CYCLEWAY_KEYS):
            return "no"
    if "oneway" in tags:
        return tags["oneway"].lower()
    implied = tags.get("junction") in ("roundabout", "circular") or highway == "motorway"
    return "yes" if implied else "no"


def _directions(tags: Mapping[str, str], mode: Mode, highway: str) -> tuple[bool, bool]:
    """(forward, backward) usable; walking ignores one-way rules."""
    if mode == "walk":
        return True, True
    value = _oneway_value(tags, mode, highway)
    if value in _FORWARD:
        return True, False
    if value in _BACKWARD:
        return False, True
    return True, True


def way_rule(tags: Mapping[str, str], mode: Mode) -> Rule | None:
    """How ``mode`` may use a way with these tags, or None if it may not."""
    highway = tags.get("highway", "")
    if highway not in SPEED_KPH[mode] or tags.get("area") == "yes":
        return None
    if mode != "car" and tags.get("motorroad") == "yes":
        return None
    access = _access(tags, mode)
    if access == "no" or (access is None and highway in BY_PERMISSION[mode]):
        return None
    forward, backward = _directions(tags, mode, highway)
    return Rule(forward, backward, _speed_kph(tags, mode, highway, access))
