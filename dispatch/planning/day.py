"""The morning run: scenario → stops → routes → a verified plan.

The weather decides how meals travel (``Conditions.operation``): couriers ride from the
canteen to every door; from the relay level on, riders bring outlying clients' meals to
relay points and grid workers walk the last leg (``dispatch.planning.relay``); at red
nobody rides and only people on foot carry meals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from dispatch.model import Canteen, Client, Courier, Location, Plan, Route, Scenario, Unassigned
from dispatch.planning import relay
from dispatch.planning.leg import Crew, DayRules, screen_clients, serve
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
) -> Plan:
    """Plan the day's routes; the returned plan carries the verifier's findings.

    ``keep`` (client → courier, e.g. from this morning's plan) makes the planner keep
    as many of those assignments as it can, at ``keep_courier_s`` per client moved.
    """
    if keep is not None:
        scenario = replace(scenario, keep=MappingProxyType(dict(keep)))
    settings = scenario.settings
    params = SolveParams(
        time_limit_s=settings.time_limit_s if time_limit_s is None else time_limit_s,
        seed=settings.seed if seed is None else seed,
    )
    rules = DayRules(
        settings=settings,
        conditions=Conditions.of(scenario.weather, settings),
        travel=TravelModel.of(scenario),
        meals_ready_s=scenario.canteen.meals_ready_s,
        keep=scenario.keep,
    )
    clients = scenario.active_clients()
    sites = building_sites(scenario.clients)
    if rules.conditions.operation == "relay":
        day = relay.Day(rules, scenario.canteen, scenario.relay_points, scenario.walkers, sites)
        routes, unassigned = relay.plan_relay(day, scenario.couriers, clients, params)
    else:
        on_foot = rules.conditions.operation == "walk_only"
        workers = scenario.couriers
        if on_foot:
            workers = tuple(c for c in (*scenario.couriers, *scenario.walkers) if c.mode == "walk")
        routes, unassigned = plan_from_canteen(
            rules, scenario.canteen, workers, clients, sites, params
        )
    plan = Plan(
        scenario=scenario.name,
        routes=tuple(routes),
        unassigned=tuple(sorted(unassigned, key=lambda u: u.client)),
        time_limit_s=params.time_limit_s,
        seed=params.seed,
    )
    return replace(plan, violations=tuple(verify(scenario, plan)))


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
