"""Road networks from OpenStreetMap extracts: access rules, graphs, snapping, matrices."""
