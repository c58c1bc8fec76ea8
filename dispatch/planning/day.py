"""The morning run: scenario → stops → routes → a verified plan.

The weather decides how meals travel (``dispatch.travel.conditions.operation``): couriers ride
from the canteen to every door; from the relay level on, riders bring outlying
clients' meals to relay points and grid workers walk the last leg
(``dispatch.planning.relay``); at red nobody rides and only people on foot carry meals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from dispatch.model import Client, Courier, Plan, Route, Scenario, Unassigned
from dispatch.planning import relay
from dispatch.planning.echelon import Crew, Echelon
from dispatch.planning.screening import dropped_reasons, screen_clients, stop_targets
from dispatch.planning.stops import build_stops
from dispatch.routing.problem import SolveParams
from dispatch.travel import conditions as weather
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
    clients = scenario.active_clients()
    operation = weather.operation(scenario.weather, settings.relay_from)
    if operation == "relay":
        routes, unassigned = relay.plan_relay(scenario, clients, params)
    elif operation == "walk_only":
        on_foot = [c for c in (*scenario.couriers, *scenario.walkers) if c.mode == "walk"]
        routes, unassigned = plan_from_canteen(scenario, on_foot, clients, params)
    else:
        routes, unassigned = plan_from_canteen(scenario, scenario.couriers, clients, params)
    plan = Plan(
        scenario=scenario.name,
        routes=tuple(routes),
        unassigned=tuple(sorted(unassigned, key=lambda u: u.client)),
        time_limit_s=params.time_limit_s,
        seed=params.seed,
    )
    return replace(plan, violations=tuple(verify(scenario, plan)))


def plan_from_canteen(
    scenario: Scenario,
    workers: Sequence[Courier],
    clients: Sequence[Client],
    params: SolveParams,
) -> tuple[list[Route], list[Unassigned]]:
    """Single echelon: ``workers`` carry meals from the canteen to the doors."""
    ready = scenario.canteen.meals_ready_s
    servable, out = screen_clients(scenario, workers, clients)
    if not servable:
        return [], out
    stops = build_stops(scenario, servable, max(w.capacity for w in workers))
    crews = [Crew(w, max(w.shift.start_s, ready), w.shift.end_s) for w in workers]
    echelon = Echelon(scenario, scenario.canteen.location, crews, [s.location for s in stops])
    targets, reasons = stop_targets(echelon, stops, ready)
    out += reasons
    solved, dropped = echelon.solve(targets, params, scenario.settings.max_door_to_door_s)
    out += dropped_reasons(scenario, targets, dropped, sum(w.capacity for w in workers))
    return [route for _, route in solved], out
