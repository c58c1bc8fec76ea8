"""Road networks from OpenStreetMap extracts: access rules, graphs, snapping, matrices."""

from dispatch.travel.roads.network import RoadNetwork, load_network

__all__ = ["RoadNetwork", "load_network"]
