"""The morning run: scenario → stops → routes → a verified plan.

The weather decides how meals travel (``Conditions.operation``): couriers ride from the
canteen to every door; from the relay level on, riders bring outlying clients' meals to
relay points and grid workers walk the last leg (``dispatch.planning.relay``); at red
nobody rides and only people on foot carry meals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from dispatch.messages import WEEKDAY_NAMES, Text, text
from dispatch.model import (
    Canteen,
    Client,
    Courier,
    CourierNotUsed,
    Location,
    NotScheduled,
    Plan,
    Route,
    Scenario,
    Unassigned,
    clock,
)
from dispatch.planning import relay
from dispatch.planning.leg import Crew, DayRules, serve
from dispatch.planning.reasons import screen_clients, unassigned
from dispatch.planning.stops import build_stops
from dispatch.routing.problem import SolveParams
from dispatch.rules import building_sites
from dispatch.travel.conditions import Conditions
from dispatch.travel.matrices import TravelModel
from dispatch.verify import verify


def plan_day(
    scenario: Scenario,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    keep: Mapping[str, str] | None = None,
    iterations: int | None = None,
) -> Plan:
    """Plan the day's routes; the returned plan carries the verifier's findings.

    Only the clients due on the scenario's date are planned; those on the list but not
    scheduled that weekday, or paused, are reported in ``not_scheduled``.
    ``keep`` (client → courier, e.g. from this morning's plan) makes the planner keep
    as many of those assignments as it can, at ``keep_courier_s`` per client moved; a
    client's ``usual_courier`` comes first (``Scenario.preferred_couriers``).
    ``iterations`` (default: the settings') replaces the clock by a reproducible budget.
    """
    if keep is not None:
        scenario = replace(scenario, keep=MappingProxyType(dict(keep)))
    settings = scenario.settings
    params = SolveParams(
        time_limit_s=settings.time_limit_s if time_limit_s is None else time_limit_s,
        seed=settings.seed if seed is None else seed,
        iterations=settings.iterations if iterations is None else iterations,
    )
    rules = DayRules(
        settings=settings,
        conditions=Conditions.of(scenario.weather, settings),
        travel=TravelModel.of(scenario),
        meals_ready_s=scenario.canteen.meals_ready_s,
        keep=scenario.preferred_couriers(),
    )
    routes, unassigned, not_used = _deliver(scenario, rules, params)
    plan = Plan(
        scenario=scenario.name,
        routes=tuple(routes),
        unassigned=tuple(sorted(unassigned, key=lambda u: u.client)),
        not_used=tuple(not_used),
        not_scheduled=not_scheduled(scenario),
        time_limit_s=params.time_limit_s,
        seed=params.seed,
    )
    return replace(plan, violations=tuple(verify(scenario, plan)))


def not_scheduled(scenario: Scenario) -> tuple[NotScheduled, ...]:
    """Active clients not due on the scenario's date (another weekday, a pause), with why.

    Clients outside their ``active`` range are neither planned nor listed."""
    day = scenario.date
    out = []
    for client in scenario.clients:
        if not client.active_on(day) or client.due_on(day):
            continue
        pause = client.pause_on(day)
        if pause is not None:
            code = "paused_because" if pause.reason else "paused"
            dates = {"start": pause.start.isoformat(), "end": pause.end.isoformat()}
            reason = text(code, reason=pause.reason, **dates)
            out.append(NotScheduled(client.id, "paused", reason.en, reason.zh))
        else:
            reason = _weekday_reason(day, client.days or frozenset())
            out.append(NotScheduled(client.id, "not_scheduled", reason.en, reason.zh))
    return tuple(sorted(out, key=lambda n: n.client))


def _weekday_reason(day: dt.date, days: frozenset[int]) -> Text:
    en, zh = WEEKDAY_NAMES[day.weekday()]
    served = sorted(days)
    return text(
        "not_scheduled",
        weekday=en,
        weekday_zh=zh,
        days=", ".join(WEEKDAY_NAMES[d][0] for d in served),
        days_zh="、".join(WEEKDAY_NAMES[d][1] for d in served),
    )


def _deliver(
    scenario: Scenario, rules: DayRules, params: SolveParams
) -> tuple[list[Route], list[Unassigned], list[CourierNotUsed]]:
    """Routes, clients not served and workers not used, as today's weather has meals travel.

    Workers whose shift is over when the meals are ready are not used (and said so), nor
    riders on a walk-only day, nor grid workers whose relay point is closed all their shift.
    """
    clients = scenario.active_clients()
    sites = building_sites(scenario.clients)
    ready = scenario.canteen.meals_ready_s
    operation = rules.conditions.operation
    if operation == "relay":
        riders, not_used = on_shift(scenario.couriers, ready)
        walkers, off = on_shift(scenario.walkers, ready)
        walkers, closed = relay.meet_relay(walkers, scenario.relay_points)
        off += closed
        if not riders:
            return [], _nobody_on_shift(clients, ready), not_used + off
        day = relay.Day(rules, scenario.canteen, scenario.relay_points, tuple(walkers), sites)
        routes, unassigned = relay.plan_relay(day, riders, clients, params)
        return routes, unassigned, not_used + off
    workers, not_used = list(scenario.couriers), []
    if operation == "walk_only":
        workers = [c for c in (*scenario.couriers, *scenario.walkers) if c.mode == "walk"]
        reason = text("no_riding_today", weather=scenario.weather)
        riders = [c for c in scenario.couriers if c.mode != "walk"]
        not_used = [_not_used(c, "no_riding_today", reason) for c in riders]
    available, off = on_shift(workers, ready)
    if workers and not available:
        return [], _nobody_on_shift(clients, ready), not_used + off
    routes, unassigned = plan_from_canteen(
        rules, scenario.canteen, available, clients, sites, params
    )
    return routes, unassigned, not_used + off


def on_shift(
    workers: Sequence[Courier], ready_s: int
) -> tuple[list[Courier], list[CourierNotUsed]]:
    """The workers still on shift once the meals are ready, and the others with the reason."""
    available = [w for w in workers if w.shift.end_s > ready_s]
    over = [w for w in workers if w.shift.end_s <= ready_s]
    return available, [
        _not_used(
            w,
            "shift_before_meals",
            text("shift_before_meals", end=clock(w.shift.end_s), ready=clock(ready_s)),
        )
        for w in over
    ]


def _not_used(worker: Courier, code: str, reason: Text) -> CourierNotUsed:
    return CourierNotUsed(worker.id, code, reason.en, reason.zh)


def _nobody_on_shift(clients: Sequence[Client], ready_s: int) -> list[Unassigned]:
    reason = text("no_courier_on_shift", ready=clock(ready_s))
    return unassigned(clients, "no_courier_on_shift", reason)


def plan_from_canteen(
    rules: DayRules,
    canteen: Canteen,
    workers: Sequence[Courier],
    clients: Sequence[Client],
    sites: Mapping[str, Location],
    params: SolveParams,
) -> tuple[list[Route], list[Unassigned]]:
    """Single leg: ``workers`` carry meals from the canteen to the doors."""
    servable, out = screen_clients(workers, clients)
    if not servable:
        return [], out
    stops = build_stops(servable, max(w.capacity for w in workers), sites)
    ready = canteen.meals_ready_s
    crews = [Crew(w, max(w.shift.start_s, ready), w.shift.end_s) for w in workers]
    served = serve(
        rules,
        canteen.location,
        crews,
        stops,
        params,
        not_before_s=ready,
        span_s=rules.settings.max_door_to_door_s,
    )
    return [route for _, route in served.routes], out + served.unassigned
