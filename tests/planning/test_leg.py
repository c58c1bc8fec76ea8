"""One leg: crews from one depot over stops, the engines' problem, routes and reasons."""

from __future__ import annotations

import dataclasses

from conftest import client

from dispatch.planning.leg import Crew, DayRules, Leg, _problem, _stop_targets, serve
from dispatch.planning.stops import build_stops
from dispatch.routing import pyvrp_engine
from dispatch.routing.problem import SolveParams, check
from dispatch.rules import building_sites
from dispatch.travel.conditions import Conditions
from dispatch.travel.matrices import TravelModel

QUICK = SolveParams(iterations=200, workers=1)


def day_rules(scenario) -> DayRules:
    return DayRules(
        settings=scenario.settings,
        conditions=Conditions.of(scenario.weather, scenario.settings),
        travel=TravelModel.of(scenario),
        meals_ready_s=scenario.canteen.meals_ready_s,
    )


def leg_inputs(scenario):
    ready = scenario.canteen.meals_ready_s
    crews = [Crew(c, ready, c.shift.end_s) for c in scenario.couriers]
    stops = build_stops(scenario.clients, 10, building_sites(scenario.clients))
    return day_rules(scenario), crews, stops, ready


def test_weather_extras_leave_every_engine_a_zero_diagonal(make_scenario):
    scenario = dataclasses.replace(
        make_scenario([client("a", 400, floor=3), client("b", 800)]), weather="heavy_rain"
    )
    rules, crews, stops, ready = leg_inputs(scenario)
    leg = Leg(rules, scenario.canteen.location, crews, [s.location for s in stops])
    targets, _ = _stop_targets(leg, stops, ready)
    problem = _problem(leg, targets, scenario.settings.max_door_to_door_s)
    assert all((m.diagonal() == 0).all() for m in problem.time_s)
    answer = pyvrp_engine.solve(problem, SolveParams(iterations=200))
    assert check(problem, answer) == [] and answer.dropped == ()


def test_reach_adds_the_weathers_stop_and_stairs_time_to_the_ride(make_scenario):
    scenario = dataclasses.replace(make_scenario([client("a", 400, floor=3)]), weather="rain")
    rules, crews, stops, _ = leg_inputs(scenario)
    leg = Leg(rules, scenario.canteen.location, crews, [s.location for s in stops])
    ride_s = int(leg.matrix(0).time_s[0, 1])
    assert leg.reach_s(0, 0, stairs_floors=2) == ride_s + 30 + 2 * 1


def test_served_leg_reports_each_stop_it_leaves_out_with_one_reason(make_scenario):
    # The food-safety limit (60 min door to door) rules out a client 20 km away.
    scenario = make_scenario([client("near", 500), client("far", 20_000)])
    rules, crews, stops, ready = leg_inputs(scenario)
    served = serve(
        rules, scenario.canteen.location, crews, stops, QUICK,
        not_before_s=ready, span_s=scenario.settings.max_door_to_door_s,
    )  # fmt: skip
    assert [u.client for u in served.unassigned] == ["far"]
    assert served.unassigned[0].code == "too_far"
    delivered = [i for _, r in served.routes for s in r.deliveries for i in s.clients]
    assert delivered == ["near"] and served.missed_handovers == []
