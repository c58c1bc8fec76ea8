"""Road networks from OpenStreetMap extracts: access rules, graphs, snapping, matrices."""

from dispatch.travel.roads.access import (
    ACCESS_KEYS,
    BY_PERMISSION,
    SPEED_KPH,
    Rule,
    parse_maxspeed_kph,
    way_rule,
)
from dispatch.travel.roads.cache import (
    NETWORK_VERSION,
    SUFFIXES,
    default_cache_dir,
    load_network,
)
from dispatch.travel.roads.network import FALLBACK_DETOUR, SNAP_LIMIT_M, RoadNetwork
from dispatch.travel.roads.osm import MAIN_ROADS, Street, read_main_streets
from dispatch.travel.roads.snapping import Snap

__all__ = [
    "ACCESS_KEYS",
    "BY_PERMISSION",
    "FALLBACK_DETOUR",
    "MAIN_ROADS",
    "NETWORK_VERSION",
    "SNAP_LIMIT_M",
    "SPEED_KPH",
    "SUFFIXES",
    "RoadNetwork",
    "Rule",
    "Snap",
    "Street",
    "default_cache_dir",
    "load_network",
    "parse_maxspeed_kph",
    "read_main_streets",
    "way_rule",
]
