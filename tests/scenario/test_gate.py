"""The scenario gate: bad input named by its field, coordinate systems, settings, defaults."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, REPO, TINY, base_document, client

from dispatch.errors import DispatchError, NotFoundError, ScenarioError
from dispatch.model import Location, Settings
from dispatch.scenario import load_scenario, parse_scenario
from dispatch.travel import geo

INVALID = sorted((DATA / "invalid").iterdir())
JIANGNAN = REPO / "scenarios" / "jiangnan-lunch.yaml"

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z]{3,}")

# Jiangmen, in WGS-84; the canteen of the demo day is near here.
JIANGMEN = Location(lat=22.5727, lon=113.1045)


def expected_field(path: Path) -> str:
    """The field an invalid file must be rejected for, from its ``# expect:`` first line.

    ``<file>`` stands for the file's own path (it cannot be decoded at all, or, as
    ``<file>:<path>``, was refused while reading at that path), ``<root>`` for the whole
    document (empty field path). JSON has no comments, and the one JSON
    file in the folder exists to test a broken JSON file, so it always expects ``<file>``.
    """
    if path.suffix == ".json":
        return str(path)
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first.startswith("# expect: "), f"{path.name} lacks its '# expect:' first line"
    expect = first.removeprefix("# expect: ").strip()
    return "" if expect == "<root>" else expect.replace("<file>", str(path))


def assert_one_bilingual_line(err: DispatchError) -> None:
    """``err.line()`` is one line: the field, then the reason in Chinese and in English."""
    line = err.line()
    assert "\n" not in line and "\r" not in line
    assert line.startswith(f"{err.field}: " if err.field else "")
    assert err.reason.zh in line and err.reason.en in line
    assert err.reason.zh != err.reason.en
    assert _CJK.search(err.reason.zh), err.reason.zh
    assert _WORD.search(err.reason.en), err.reason.en


def document(**changes: Any) -> dict[str, Any]:
    """The shared base document with top-level fields replaced."""
    doc = copy.deepcopy(base_document())
    doc.update(changes)
    return doc


def test_invalid_folder_holds_one_file_per_defect():
    assert len(INVALID) >= 25


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_file_is_rejected_naming_the_field(path: Path):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    assert caught.value.field == expected_field(path)
    assert_one_bilingual_line(caught.value)


def test_missing_file_is_not_found_naming_the_path(tmp_path: Path):
    path = tmp_path / "no-such-day.yaml"
    with pytest.raises(NotFoundError) as caught:
        load_scenario(str(path))
    assert not isinstance(caught.value, ScenarioError)
    assert isinstance(caught.value, LookupError)
    assert caught.value.field == str(path)
    assert_one_bilingual_line(caught.value)


def test_gcj02_location_is_moved_a_few_hundred_metres_on_load():
    # GCJ-02 shifts points east across China, so the true point lies west of the input.
    scenario = parse_scenario(
        document(
            coordinates="gcj02",
            canteen={"id": "c", "location": {"lat": 22.57, "lon": 113.11}, "meals_ready": "10:40"},
        )
    )
    loaded = scenario.canteen.location
    offset = geo.distance_m(loaded, Location(22.57, 113.11))
    assert 300 < offset < 900
    assert loaded.lon < 113.11


@pytest.mark.parametrize(("system", "low_m", "high_m"), [("gcj02", 300, 900), ("bd09", 900, 1600)])
def test_shifted_coordinates_are_converted_to_wgs84_on_load(system, low_m, high_m):
    lat, lon = geo.from_wgs84(JIANGMEN, system)
    assert low_m < geo.distance_m(JIANGMEN, Location(lat, lon)) < high_m
    canteen = {"id": "c", "location": {"lat": lat, "lon": lon}, "meals_ready": "10:40"}
    doc = document(
        coordinates=system,
        canteen=canteen,
        clients=[{"id": "a", "location": {"lat": lat, "lon": lon}, "meals": {"regular": 1}}],
    )
    scenario = parse_scenario(doc)
    assert geo.distance_m(scenario.canteen.location, JIANGMEN) < 1
    assert geo.distance_m(scenario.clients[0].location, JIANGMEN) < 1


def test_geodesic_distance_is_wgs84_and_pairs_agree_with_matrices():
    # One degree of latitude from the equator on the WGS-84 ellipsoid: 110,574.389 m.
    assert geo.distance_m(Location(0, 0), Location(1, 0)) == pytest.approx(110_574.389, abs=0.01)
    points = [JIANGMEN, Location(22.60, 113.05), Location(39.9087, 116.3975)]
    matrix = geo.distance_matrix_m(points)
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            assert matrix[i, j] == pytest.approx(geo.distance_m(a, b), abs=1e-6)


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
@pytest.mark.parametrize(
    "point",
    [
        JIANGMEN,
        Location(39.9087, 116.3975),
        Location(43.8256, 87.6168),
        Location(45.7567, 126.6424),
    ],
    ids=["jiangmen", "beijing", "urumqi", "harbin"],
)
def test_conversion_round_trip_is_accurate_to_under_a_metre(system, point):
    there = geo.from_wgs84(point, system)
    assert geo.distance_m(geo.to_wgs84(*there, system), point) < 1
    back = geo.from_wgs84(geo.to_wgs84(point.lat, point.lon, system), system)
    assert geo.distance_m(Location(*back), point) < 1


def test_location_coordinates_override_the_scenario_system():
    raw = {"lat": 22.5745, "lon": 113.1}
    doc = document(
        coordinates="gcj02",
        clients=[
            {"id": "wgs", "location": {**raw, "coordinates": "wgs84"}, "meals": {"regular": 1}},
            {"id": "gcj", "location": dict(raw), "meals": {"regular": 1}},
        ],
    )
    wgs, gcj = parse_scenario(doc).clients
    assert wgs.location == Location(**raw)
    assert geo.distance_m(gcj.location, Location(**raw)) > 300


def test_location_override_applies_in_a_wgs84_scenario():
    canteen = {
        "id": "c",
        "location": {"lat": 22.57, "lon": 113.11, "coordinates": "gcj02"},
        "meals_ready": "10:40",
    }
    scenario = parse_scenario(document(canteen=canteen))
    assert geo.distance_m(scenario.canteen.location, Location(22.57, 113.11)) > 300


def test_wgs84_is_the_default_system():
    scenario = parse_scenario(document(clients=[client("a", 500)]))
    assert scenario.canteen.location == Location(22.57, 113.1)


def test_settings_minutes_become_seconds():
    settings = {"max_door_to_door_min": 45, "max_cooked_to_door_min": 90.5}
    loaded = parse_scenario(document(settings=settings)).settings
    assert loaded.max_door_to_door_s == 45 * 60
    assert loaded.max_cooked_to_door_s == 90 * 60 + 30


def test_absent_settings_take_the_documented_defaults():
    doc = document()
    del doc["settings"]
    assert parse_scenario(doc).settings == Settings()


def test_speed_override_keeps_the_other_modes_defaults():
    loaded = parse_scenario(document(settings={"speed_kph": {"ebike": 12}})).settings
    assert loaded.speed_kph["ebike"] == 12
    assert loaded.speed_kph["walk"] == Settings().speed_kph["walk"]
    assert loaded.speed_kph["car"] == Settings().speed_kph["car"]


def test_clients_outside_their_active_range_are_not_active():
    clients = [
        client("always", 300),
        client("ended", 300, active={"to": "2026-11-15"}),
        client("future", 300, active={"from": "2026-12-01"}),
        client("week", 300, active={"from": "2026-11-20", "to": "2026-11-27"}),
        client("from-today", 300, active={"from": "2026-11-24"}),
        client("until-today", 300, active={"to": "2026-11-24"}),
    ]
    scenario = parse_scenario(document(clients=clients))
    assert len(scenario.clients) == 6
    active = {c.id for c in scenario.active_clients()}
    assert active == {"always", "week", "from-today", "until-today"}


def test_default_building_is_one_per_client():
    # Without a building, clients at one address are separate stops, and clients far
    # apart are not mistaken for one building spread over two places.
    clients = [client("a", 500), client("b", 500), client("far", 3000), client("c", 500)]
    clients[3]["building"] = "b1"
    scenario = parse_scenario(document(clients=clients))
    buildings = [c.building for c in scenario.clients]
    assert len(set(buildings)) == 4
    assert "b1" in buildings


def test_clients_of_one_building_may_stand_a_few_metres_apart():
    clients = [client("a", 500, building="b1"), client("b", 530, building="b1")]
    a, b = parse_scenario(document(clients=clients)).clients
    assert a.building == b.building == "b1"


def test_omitted_client_fields_take_their_defaults():
    (loaded,) = parse_scenario(document(clients=[client("a", 500)])).clients
    assert (loaded.floor, loaded.lift, loaded.window, loaded.name, loaded.group) == (
        1,
        False,
        None,
        "",
        "",
    )
    assert (loaded.active_from, loaded.active_to) == (None, None)


def test_zero_meal_variants_are_dropped():
    clients = [client("a", 500, meals={"regular": 1, "soft": 0})]
    (loaded,) = parse_scenario(document(clients=clients)).clients
    assert dict(loaded.meals) == {"regular": 1}


def test_tiny_scenario_matches_its_header():
    scenario = load_scenario(TINY)
    by_id = {c.id: c for c in scenario.clients}
    assert len(scenario.active_clients()) == 5
    assert sum(c.meal_count for c in scenario.active_clients()) == 6
    canteen = scenario.canteen.location
    assert 490 < geo.distance_m(canteen, by_id["t-b1-low"].location) < 510
    assert 790 < geo.distance_m(canteen, by_id["t-tower"].location) < 810
    assert 290 < geo.distance_m(canteen, by_id["t-south"].location) < 310
    assert by_id["t-b1-low"].building == by_id["t-b1-high"].building == "b1"
    rider_a, rider_b = scenario.couriers
    assert rider_a.climbs_to(6) and not rider_b.climbs_to(6)
    assert by_id["t-temp"].building != by_id["t-south"].building


def test_jiangnan_demo_day_can_be_served_on_paper():
    scenario = load_scenario(JIANGNAN)
    active = scenario.active_clients()
    assert len(active) == 60
    assert {"jn-061", "jn-062"}.isdisjoint(c.id for c in active)
    assert "jn-060" in {c.id for c in active}
    assert max(geo.distance_m(scenario.canteen.location, c.location) for c in active) < 2500
    best_climber = max(c.max_floor_no_lift or 10**6 for c in scenario.couriers)
    assert all(c.lift or c.floor <= best_climber for c in active)
    meals = sum(c.meal_count for c in active)
    assert meals <= sum(c.capacity for c in scenario.couriers) - 10


def gate_error(data: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    return caught.value


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"name": "陈\ud800婆婆"}, "clients[0].name"),
        ({"notes": "门铃坏了\x00"}, "clients[0].notes"),
        ({"meals": {"regular": 1, "soft\udc00": 1}}, "clients[0].meals"),
    ],
)
def test_body_text_with_nul_or_a_lone_surrogate_is_refused_at_the_gate(fields, where):
    err = gate_error(document(clients=[client("a", 400, **fields)]))
    assert err.field == where
    assert_one_bilingual_line(err)
    err.line().encode("utf-8")


def test_body_nested_a_thousand_levels_is_refused_without_recursion_error():
    deep: list[Any] = []
    for _ in range(1000):
        deep = [deep]
    err = gate_error(document(clients=[client("a", 400, notes=deep)]))
    assert err.field == "clients[0].notes" + "[0]" * 29
    assert "32" in err.reason.en


@pytest.mark.parametrize("seed", [2**31, 3_000_000_000, 2**63])
def test_seed_beyond_32_bits_is_refused(seed: int):
    assert gate_error(document(settings={"seed": seed})).field == "settings.seed"


def test_largest_32_bit_seed_is_accepted():
    assert parse_scenario(document(settings={"seed": 2**31 - 1})).settings.seed == 2**31 - 1


@pytest.mark.parametrize(
    "value", ["2026-W48-2", "2026W482", "2026-328", "20261124", "２０２６-11-24"]
)
def test_only_yyyy_mm_dd_is_a_date(value: str):
    assert gate_error(document(date=value)).field == "date"
    active = client("a", 400, active={"to": value})
    assert gate_error(document(clients=[active])).field == "clients[0].active.to"


PERSONAL = ("王秀英", "13912345678", "江南路8号", "每周三透析", "独居")


def privately(**fields: Any) -> dict[str, Any]:
    """A client carrying every personal value of ``PERSONAL``, ``fields`` replaced."""
    person = {"name": "王秀英", "phone": "13912345678", "address": "江南路8号"}
    person |= {"notes": "每周三透析 13912345678", "group": "独居"}
    return client("a", 400, **{**person, **fields})


MALFORMED = {
    "clients as a mapping": lambda: document(clients={"a": privately()}),
    "a client as text": lambda: document(clients=["王秀英 13912345678 江南路8号"]),
    "a client in couriers": lambda: document(couriers=[privately()]),
    "phone as a number": lambda: document(clients=[privately(phone=13912345678)]),
    "name as a list": lambda: document(clients=[privately(name=["王秀英", "13912345678"])]),
    "notes as a mapping": lambda: document(clients=[privately(notes={"独居": "13912345678"})]),
    "group as a number": lambda: document(clients=[privately(group=13912345678)]),
    "floor as a phone": lambda: document(clients=[privately(floor="13912345678")]),
    "window of names": lambda: document(clients=[privately(window=["王秀英", "13912345678"])]),
    "meals by name": lambda: document(clients=[privately(meals={"王秀英": 1})]),
    "id as a name": lambda: document(clients=[privately(id="王秀英")]),
    "lat as a phone": lambda: document(
        clients=[privately(location={"lat": "13912345678", "lon": 113.1})]
    ),
    "active from a name": lambda: document(clients=[privately(active={"from": "王秀英"})]),
    "weather as a phone": lambda: document(clients=[privately()], weather="13912345678"),
    "address too long": lambda: document(clients=[privately(building="江南路8号" * 40)]),
}


@pytest.mark.parametrize("make", MALFORMED.values(), ids=MALFORMED.keys())
def test_no_error_quotes_a_name_a_phone_or_any_personal_value(make):
    err = gate_error(make())
    assert not [value for value in PERSONAL if value in err.line()], err.line()
    assert_one_bilingual_line(err)


def test_errors_still_quote_numbers_and_codes():
    assert (
        "(got 0)"
        in gate_error(document(couriers=[{**document()["couriers"][0], "capacity": 0}])).reason.en
    )
    assert '"sunny"' in gate_error(document(weather="sunny")).reason.en


def test_every_validator_keyword_of_the_schema_has_its_own_sentence():
    from dispatch.scenario.json_schema import TRANSLATED, scenario_schema

    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            found.update(k for k in node if k in _KEYWORDS)
            for key, value in node.items():
                if key not in ("properties", "$defs"):
                    walk(value)
                else:
                    for sub in value.values():
                        walk(sub)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(scenario_schema())
    assert found and found <= TRANSLATED | _STRUCTURE


# Keywords of JSON Schema 2020-12 that can fail validation, and those that only give structure.
_KEYWORDS = {
    "type",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "required",
    "minProperties",
    "maxProperties",
    "additionalProperties",
    "propertyNames",
    "dependentRequired",
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "if",
    "items",
    "prefixItems",
    "$ref",
}
_STRUCTURE = {"items", "propertyNames", "$ref", "allOf"}
