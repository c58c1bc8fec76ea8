"""Span targets: a vehicle's span past its target costs by the square of the excess, so a
team's work is shared out instead of one vehicle doing all that travel alone gives it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_engines import QUICK, line, node, vehicle

from dispatch.routing import ortools_engine as solver
from dispatch.routing import portfolio
from dispatch.routing.problem import (
    Problem,
    Solution,
    VehicleRoute,
    Visit,
    check,
    cost,
    route_end,
    span_excess,
)

# Eight stops of 600 s each beside the depot: one vehicle takes them all on travel alone.
TIME = line(0, 10, 11, 12, 13, 14, 15, 16, 17)
SHARED = Problem(
    time_s=(TIME,),
    nodes=tuple(node(service_s=600) for _ in range(8)),
    vehicles=(vehicle(), vehicle()),
    minimise_vehicles=False,
)


def spans(problem: Problem, solution: Solution) -> list[int]:
    return sorted(route_end(problem, r) - r.departure_s for r in solution.routes)


@pytest.mark.parametrize("engine", [solver.solve, portfolio.solve])
def test_without_targets_one_vehicle_may_do_it_all_with_them_the_work_is_halved(engine):
    alone = engine(SHARED, QUICK)
    assert check(SHARED, alone) == []
    fair = replace(
        SHARED,
        vehicles=tuple(replace(v, span_target_s=2500) for v in SHARED.vehicles),
        span_excess_cost=5,
    )
    shared = engine(fair, QUICK)
    assert check(fair, shared) == []
    assert len(shared.routes) == 2
    assert max(spans(fair, shared)) <= 2500 + 40  # four stops and the way there and back
    assert span_excess(fair, shared) < span_excess(fair, alone)


def test_the_excess_is_counted_in_the_cost():
    fair = replace(SHARED, vehicles=(vehicle(span_target_s=1000),), span_excess_cost=2)
    route = VehicleRoute(vehicle=0, departure_s=0, visits=(Visit(0, 10), Visit(1, 611)))
    solution = Solution(routes=(route,), dropped=tuple(range(2, 8)))
    over = 611 + 600 + 11 - 1000  # back at the depot at 1222, 222 s past the target
    assert span_excess(fair, solution) == pytest.approx(2 * over**2 / 60)
    unfair = replace(fair, span_excess_cost=0)
    assert cost(fair, solution)[2] - cost(unfair, solution)[2] == pytest.approx(2 * over**2 / 60)
