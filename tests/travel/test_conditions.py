"""Weather levels and the day's conditions: how meals travel, speeds, stop extras."""

from __future__ import annotations

import pytest
from conftest import client

from dispatch.travel import conditions as weather
from dispatch.travel.conditions import Conditions


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


def test_conditions_slow_each_worker_by_their_mode_and_add_stop_and_stairs_time(make_scenario):
    scenario = make_scenario([client("a", 500)])
    conditions = Conditions.of("rain", scenario.settings)
    (rider,) = scenario.couriers
    assert conditions.operation == "direct"
    assert conditions.speed_kph(rider) == scenario.settings.speed_kph[rider.mode] * 0.85
    assert conditions.arrival_extra_s("ebike", stairs_floors=3) == 30 + 3 * 1


def test_conditions_take_the_relay_level_from_the_settings(make_scenario):
    settings = make_scenario([client("a", 500)], relay_from={"rainstorm": "yellow"}).settings
    assert Conditions.of("rainstorm_yellow", settings).operation == "relay"
