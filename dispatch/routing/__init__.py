"""The engine-neutral routing problem, the OR-Tools and PyVRP engines, the portfolio."""
