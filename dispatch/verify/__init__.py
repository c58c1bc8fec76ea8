"""The independent plan checker: recompute every time from the travel model, check every rule.

It shares nothing with the planner but ``dispatch.rules`` and the travel model. Given a
scenario and a plan (ours, or made by hand), it rebuilds each route's schedule from the
travel matrices, the weather in force and the service-time rule, and reports every broken
rule: unknown or doubly used workers, clients served twice, missing or unknown, stops
mixing buildings, capacity, climbing, meals-ready and shift times, client windows, food
safety (door-to-door across both legs of a relay, and cooked-to-door), relay hand-overs
(rider and walker meet at an open relay point, the walker leaves after the hand-over and
takes each later trip's meals after it, every walker handed meals takes some, no relay stop
feeds nobody, the rider waits a bounded time, the point's capacity holds), clients listed as
not due today who are due, claimed times that do not match
the recomputed ones, reasons for leaving a client out that do not hold, and clients left
out for capacity or time who fit into the plan (``dispatch.verify.unassigned``).
"""

from __future__ import annotations

from dispatch.model import Plan, Scenario, Violation
from dispatch.verify.context import Context
from dispatch.verify.routes import (
    check_assignment,
    check_not_scheduled,
    check_relay_loads,
    check_rider,
    check_stops,
    check_walker,
    complete,
)
from dispatch.verify.unassigned import check_unassigned

__all__ = ["verify"]


def verify(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Every rule ``plan`` breaks for ``scenario``; an empty list means a valid plan."""
    ctx = Context.of(scenario)
    found = check_assignment(ctx, plan)
    checkable = [r for r in plan.routes if r.courier in ctx.workers and complete(ctx, r)]
    # Grid workers take meals over at relay points in relay weather; otherwise they
    # walk from the canteen like any courier on foot.
    walkers = {w.id for w in scenario.walkers} if ctx.relaying else set()
    for route in checkable:
        found += check_stops(ctx, route)
    for route in (r for r in checkable if r.courier not in walkers):
        found += check_rider(ctx, route)
    for route in (r for r in checkable if r.courier in walkers):
        found += check_walker(ctx, route)
    found += check_relay_loads(ctx, plan)
    found += check_not_scheduled(ctx, plan)
    riders = [r for r in checkable if r.courier not in walkers]
    return found + check_unassigned(ctx, plan, riders)
