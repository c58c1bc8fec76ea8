"""Access rules: which mode may use which way, which way round and how fast."""

from __future__ import annotations

import pytest

from dispatch.model import MODES, Mode
from dispatch.travel.roads import parse_maxspeed_kph, way_rule


def test_motorways_are_for_cars_only() -> None:
    tags = {"highway": "motorway"}
    assert way_rule(tags, "car") is not None
    assert way_rule(tags, "ebike") is None
    assert way_rule(tags, "walk") is None


def test_footway_needs_bicycle_permission_for_ebikes() -> None:
    assert way_rule({"highway": "footway"}, "ebike") is None
    rule = way_rule({"highway": "footway", "bicycle": "yes"}, "ebike")
    assert rule is not None and rule.speed_kph == 8.0


def test_foot_yes_overrides_access_no_for_walking_only() -> None:
    tags = {"highway": "residential", "access": "no", "foot": "yes"}
    assert way_rule(tags, "walk") is not None
    assert way_rule(tags, "car") is None


def test_private_compound_roads_are_usable_for_deliveries() -> None:
    assert way_rule({"highway": "service", "access": "private"}, "car") is not None


def test_one_way_tags_apply_to_vehicles_but_not_to_walking() -> None:
    tags = {"highway": "residential", "oneway": "yes"}
    rules = {mode: way_rule(tags, mode) for mode in MODES}
    assert [(r.forward, r.backward) for r in rules.values() if r] == [
        (True, False),  # ebike
        (True, True),  # walk
        (True, False),  # car
    ]


@pytest.mark.parametrize(
    ("tags", "mode", "directions"),
    [
        pytest.param(
            {"highway": "residential", "oneway": "-1", "oneway:bicycle": "no"},
            "ebike",
            (True, True),
            id="oneway_bicycle_no_lets_ebikes_ride_both_ways",
        ),
        pytest.param(
            {"highway": "tertiary", "junction": "roundabout"},
            "car",
            (True, False),
            id="roundabouts_are_one_way_without_a_oneway_tag",
        ),
    ],
)
def test_direction_tags_decide_which_way_round_a_vehicle_may_go(
    tags: dict[str, str], mode: Mode, directions: tuple[bool, bool]
) -> None:
    rule = way_rule(tags, mode)
    assert rule is not None and (rule.forward, rule.backward) == directions


def test_car_speed_follows_a_parseable_maxspeed() -> None:
    slow = way_rule({"highway": "primary", "maxspeed": "30"}, "car")
    zone = way_rule({"highway": "primary", "maxspeed": "CN:urban"}, "car")
    assert slow is not None and slow.speed_kph == 30.0
    assert zone is not None and zone.speed_kph == 45.0


@pytest.mark.parametrize(
    ("value", "kph"),
    [("50", 50.0), ("50 km/h", 50.0), ("30 mph", 30 * 1.609344), ("60;40", 60.0), ("none", None)],
)
def test_maxspeed_is_parsed_to_kph(value: str, kph: float | None) -> None:
    assert parse_maxspeed_kph(value) == (pytest.approx(kph) if kph else None)
