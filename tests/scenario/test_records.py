"""Ledger records checked by the scenario gate's rules, with paths relative to the record."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.errors import ScenarioError
from dispatch.messages import Text
from dispatch.scenario.records import validate_record

CANTEEN = {"id": "jn", "location": {"lat": 22.57, "lon": 113.1}, "meals_ready": "10:40"}
COURIER = {"canteen": "jn", "id": "r1", "mode": "ebike", "capacity": 6, "shift": ["10:30", "13:00"]}
CLIENT = {
    "canteen": "jn",
    "id": "a",
    "location": {"lat": 22.5745, "lon": 113.1},
    "meals": {"regular": 1},
}


@pytest.mark.parametrize(
    ("kind", "record"),
    [("canteens", CANTEEN), ("couriers", COURIER), ("clients", CLIENT)],
    ids=["canteen", "courier", "client"],
)
def test_a_valid_record_of_each_kind_passes(kind, record):
    validate_record(kind, record)


def field_of(kind: Any, record: Any, **options: Any) -> str:
    with pytest.raises(ScenarioError) as caught:
        validate_record(kind, record, **options)
    return caught.value.field


@pytest.mark.parametrize(
    ("kind", "record", "field"),
    [
        ("clients", {**CLIENT, "location": {"lat": 200, "lon": 113.1}}, "location.lat"),
        ("clients", {**CLIENT, "meals": {"regular": 0}}, "meals"),
        ("clients", {**CLIENT, "window": ["12:00", "11:00"]}, "window"),
        ("couriers", {**COURIER, "capacity": 0}, "capacity"),
        ("couriers", {**COURIER, "capcity": 3}, "capcity"),
        ("canteens", {**CANTEEN, "meals_ready": "25:00"}, "meals_ready"),
        ("canteens", {"id": "y"}, "location"),
    ],
    ids=[
        "client-lat",
        "client-meals",
        "client-window",
        "courier-capacity",
        "courier-unknown-field",
        "canteen-meals-ready",
        "canteen-no-location",
    ],
)
def test_errors_name_the_field_relative_to_the_record(kind, record, field):
    assert field_of(kind, record) == field


@pytest.mark.parametrize("kind", ["clients", "couriers"])
@pytest.mark.parametrize("canteen", [None, "", 3], ids=["absent", "empty", "not-text"])
def test_clients_and_couriers_must_name_their_canteen(kind, canteen):
    record = dict({"clients": CLIENT, "couriers": COURIER}[kind])
    if canteen is None:
        del record["canteen"]
    else:
        record["canteen"] = canteen
    assert field_of(kind, record) == "canteen"


def test_a_record_that_is_not_a_mapping_is_an_error_of_the_whole_record():
    assert field_of("clients", ["a"]) == ""


def test_the_canteen_check_runs_before_the_other_fields_and_gets_the_canteen_id():
    asked: list[str] = []

    def unknown(canteen_id: str) -> None:
        asked.append(canteen_id)
        raise ScenarioError("canteen", Text("no such canteen", "没有该饭堂"))

    bad = {**CLIENT, "location": {"lat": 200, "lon": 113.1}}
    assert field_of("clients", bad, check_canteen=unknown) == "canteen"
    assert asked == ["jn"]


def test_canteens_are_not_asked_about_a_canteen():
    def never(canteen_id: str) -> None:
        raise AssertionError(canteen_id)

    validate_record("canteens", CANTEEN, check_canteen=never)
