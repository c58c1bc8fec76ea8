"""Repair: a stop a budget-stopped search left out goes in where it still fits."""

from __future__ import annotations

import numpy as np

from dispatch.routing.problem import (
    Node,
    Problem,
    Solution,
    Vehicle,
    VehicleRoute,
    Visit,
    check,
    schedule,
)
from dispatch.routing.repair import repair

# Depot 0 and three places on a line, 100 s apart: 0 — 1 — 2 — 3.
LINE = np.array([[abs(a - b) * 100 for b in range(4)] for a in range(4)])


def problem(*nodes: Node, vehicles: int = 1, span_s: int | None = None) -> Problem:
    vehicle = Vehicle(profile=0, capacity=3, earliest_start_s=0, latest_end_s=10_000,
                      max_span_s=span_s)  # fmt: skip
    return Problem(
        time_s=(LINE,), nodes=nodes, vehicles=(vehicle,) * vehicles, return_to_depot=False
    )


def node(window_start_s: int = 0, window_end_s: int = 10_000, demand: int = 1) -> Node:
    return Node(demand=demand, service_s=10, window_start_s=window_start_s,
                window_end_s=window_end_s, drop_penalty=1)  # fmt: skip


def test_a_dropped_node_that_fits_goes_in_at_the_cheapest_position():
    p = problem(node(), node(), node())
    answer = Solution((VehicleRoute(0, 0, (Visit(0, 100), Visit(2, 310))),), dropped=(1,))
    repaired = repair(p, answer)
    assert check(p, repaired) == [] and repaired.dropped == ()
    assert [v.node for v in repaired.routes[0].visits] == [0, 1, 2]  # on the way: no detour


def test_the_route_is_retimed_so_a_late_window_keeps_the_span():
    # Node 1 opens at 1,000 s; with a span of 400 s the vehicle must leave at 800 s or later.
    p = problem(node(), node(window_start_s=1_000), span_s=400)
    answer = Solution((VehicleRoute(0, 0, (Visit(0, 100),)),), dropped=(1,))
    repaired = repair(p, answer)
    assert check(p, repaired) == [] and repaired.dropped == ()
    # Timed as every engine's routes are: leaving at 800 s or later keeps the span.
    assert repaired.routes[0] == schedule(p, 0, [0, 1])
    assert repaired.routes[0].departure_s >= 1_000 + 10 - 400


def test_a_node_that_fits_nowhere_stays_dropped_and_an_idle_vehicle_takes_one_that_fits():
    p = problem(node(demand=3), node(window_end_s=50), node(demand=2), vehicles=2)
    answer = Solution((VehicleRoute(0, 0, (Visit(0, 100),)),), dropped=(1, 2))
    repaired = repair(p, answer)
    assert check(p, repaired) == []
    assert repaired.dropped == (1,)  # starts at 200 s at the earliest, window ends at 50 s
    assert [(r.vehicle, [v.node for v in r.visits]) for r in repaired.routes] == [
        (0, [0]),
        (1, [2]),
    ]
