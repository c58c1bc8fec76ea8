"""The engine-neutral routing problem: what any solver engine is asked and answers.

Index 0 of every matrix is the depot; node ``k`` of ``Problem.nodes`` is matrix index
``k + 1``. All numbers are integers (seconds, metres, meals, cost units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Vehicle:
    """One vehicle: which travel profile it uses, what it carries, when it works."""

    profile: int
    capacity: int
    earliest_start_s: int
    latest_end_s: int
    max_span_s: int | None = None


@dataclass(frozen=True, slots=True)
class Node:
    """A place to visit once: demand, service time, window on the service start."""

    demand: int
    service_s: int
    window_start_s: int
    window_end_s: int
    allowed_vehicles: tuple[int, ...] | None = None
    drop_penalty: int | None = None


@dataclass(frozen=True)
class Problem:
    """Vehicles, nodes and per-profile matrices (travel time is also the arc cost).

    ``return_to_depot=False`` makes routes open: they end at the last visit and the
    vehicle's span runs from leaving the depot to finishing the last service.
    With ``minimise_vehicles`` the objective is fewest vehicles, then least travel time.
    """

    time_s: tuple[np.ndarray, ...]
    nodes: tuple[Node, ...]
    vehicles: tuple[Vehicle, ...]
    return_to_depot: bool = True
    minimise_vehicles: bool = True


@dataclass(frozen=True, slots=True)
class Visit:
    node: int
    start_s: int


@dataclass(frozen=True, slots=True)
class VehicleRoute:
    vehicle: int
    departure_s: int
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class Solution:
    """Routes of the used vehicles; ``dropped`` lists unvisited optional nodes."""

    routes: tuple[VehicleRoute, ...]
    dropped: tuple[int, ...]
    found: bool = True


@dataclass(frozen=True, slots=True)
class SolveParams:
    """How hard and how to search; ``time_limit_s`` is wall-clock seconds."""

    time_limit_s: float = 10.0
    seed: int = 0
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
