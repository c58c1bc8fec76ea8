"""The planned day under the weather: slower rides, longer stops, helpers, fewer climbs."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import client

from dispatch.planning.day import plan_day
from dispatch.rules import service_s


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
