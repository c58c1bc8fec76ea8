"""Travel between points: coordinate systems, weather conditions, matrices, road networks."""
