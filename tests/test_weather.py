"""Weather levels: which operation they imply and how they slow travel and stops."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import client

from dispatch.planning.day import plan_day
from dispatch.planning.stops import service_s
from dispatch.travel import conditions as weather


@pytest.mark.parametrize(
    ("level", "operation"),
    [
        ("clear", "direct"),
        ("heavy_rain", "direct"),
        ("rainstorm_yellow", "direct"),
        ("rainstorm_orange", "relay"),
        ("typhoon_blue", "direct"),
        ("typhoon_yellow", "relay"),
        ("rainstorm_red", "walk_only"),
        ("typhoon_red", "walk_only"),
    ],
)
def test_default_levels_decide_how_meals_travel(level, operation):
    assert weather.operation(level) == operation


def test_relay_threshold_is_configurable():
    assert weather.operation("rainstorm_yellow", {"rainstorm": "yellow"}) == "relay"
    assert weather.operation("rainstorm_orange", {"rainstorm": "red"}) == "direct"


def test_scenario_overrides_one_factor_and_keeps_the_others():
    table = weather.factors("rain", {"rain": {"ebike": {"speed": 0.5}}})
    assert table["ebike"] == weather.ModeFactors(speed=0.5, stop_s=30, floor_s=1)
    assert table["walk"] == weather.DEFAULT_FACTORS["rain"]["walk"]


def first_arrival(scenario) -> int:
    route = plan_day(scenario).routes[0]
    return route.deliveries[0].arrival_s - route.steps[0].departure_s


def test_rain_slows_the_ride_and_adds_stop_time(make_scenario):
    clients = [client("a", 1_000, floor=4)]
    clear = make_scenario(clients)
    rain = dataclasses.replace(clear, weather="rain")
    ride_s = first_arrival(clear)
    # ×1/0.85 on the ride, +30 s per stop, +1 s per stairs floor (3 floors).
    assert first_arrival(rain) == pytest.approx(ride_s / 0.85 + 30 + 3, abs=2)


def test_building_helper_takes_meals_up_so_nobody_climbs(make_scenario):
    clients = [
        client("a", 500, building="b", floor=9, helper=True),
        client("b", 500, building="b", floor=7, helper=True),
    ]
    scenario = make_scenario(
        clients,
        couriers=[
            {
                "id": "r1",
                "mode": "ebike",
                "capacity": 4,
                "shift": ["10:30", "13:00"],
                "max_floor_no_lift": 2,
            }
        ],
    )
    assert service_s(scenario.clients, scenario.settings) == 60 + 120
    plan = plan_day(scenario)
    assert plan.unassigned == () and plan.violations == ()


def test_weather_extras_leave_every_engine_a_zero_diagonal(make_scenario):
    from dispatch.planning.echelon import Crew, Echelon
    from dispatch.planning.screening import stop_targets
    from dispatch.planning.stops import build_stops
    from dispatch.routing import pyvrp_engine as solver_pyvrp
    from dispatch.routing.problem import SolveParams, check

    scenario = dataclasses.replace(
        make_scenario([client("a", 400, floor=3), client("b", 800)]), weather="heavy_rain"
    )
    ready = scenario.canteen.meals_ready_s
    crews = [Crew(c, ready, c.shift.end_s) for c in scenario.couriers]
    stops = build_stops(scenario, scenario.clients, max_meals=10)
    echelon = Echelon(scenario, scenario.canteen.location, crews, [s.location for s in stops])
    targets, _ = stop_targets(echelon, stops, ready)
    problem = echelon._problem(targets, scenario.settings.max_door_to_door_s)
    assert all((m.diagonal() == 0).all() for m in problem.time_s)
    answer = solver_pyvrp.solve(problem, SolveParams(time_limit_s=0.5))
    assert check(problem, answer) == [] and answer.dropped == ()
