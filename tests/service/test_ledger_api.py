"""The ledger over HTTP: clients, couriers, canteens, relay points and grid workers as
versioned records."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import error_of


def test_ledger_create_read_update_deactivate_keeps_history(
    client, keys, ledger_canteen, ledger_courier, ledger_client
):
    planner, viewer = keys["planner"], keys["viewer"]
    response = client.post("/v1/canteens", json=ledger_canteen, headers=planner)
    assert response.status_code == 201 and response.headers["Location"] == "/v1/canteens/jn"
    assert client.post("/v1/couriers", json=ledger_courier, headers=planner).status_code == 201
    assert client.post("/v1/clients", json=ledger_client("a"), headers=planner).status_code == 201
    assert client.post("/v1/clients", json=ledger_client("a"), headers=planner).status_code == 409

    updated = client.put("/v1/clients/a", json=ledger_client("a", floor=3), headers=planner)
    assert updated.get_json()["version"] == 2 and updated.get_json()["data"]["floor"] == 3
    gone = client.delete("/v1/clients/a", headers=planner).get_json()
    assert (gone["version"], gone["active"]) == (3, False)
    assert client.get("/v1/clients", headers=viewer).get_json()["clients"] == []
    listed = client.get("/v1/clients?include_inactive=true", headers=viewer).get_json()
    assert [r["id"] for r in listed["clients"]] == ["a"]
    history = client.get("/v1/clients/a/history", headers=viewer).get_json()["history"]
    assert [(r["version"], r["active"]) for r in history] == [(1, True), (2, True), (3, False)]
    assert client.get("/v1/clients/a", headers=viewer).get_json()["active"] is False
    assert client.get("/v1/clients/zz", headers=viewer).status_code == 404
    assert client.get("/v1/clients/zz/history", headers=viewer).status_code == 404
    assert client.delete("/v1/clients/zz", headers=planner).status_code == 404
    assert (
        client.put("/v1/clients/zz", json=ledger_client("zz"), headers=planner).status_code == 404
    )


@pytest.mark.parametrize(
    ("url", "change", "field"),
    [
        ("/v1/clients", {"location": {"lat": 200, "lon": 113.1}}, "location.lat"),
        ("/v1/clients", {"meals": {"regular": 0}}, "meals"),
        ("/v1/clients", {"window": ["12:00", "11:00"]}, "window"),
        ("/v1/clients", {"canteen": "nowhere"}, "canteen"),
        ("/v1/clients", {"canteen": None}, "canteen"),
        ("/v1/couriers", {"capacity": 0}, "capacity"),
        ("/v1/couriers", {"capcity": 3}, "capcity"),
        ("/v1/canteens", {"id": "x", "meals_ready": "25:00"}, "meals_ready"),
        ("/v1/canteens", None, "location"),
    ],
    ids=[
        "client-lat",
        "client-meals",
        "client-window",
        "client-unknown-canteen",
        "client-no-canteen",
        "courier-capacity",
        "courier-unknown-field",
        "canteen-meals-ready",
        "canteen-no-location",
    ],
)
def test_ledger_validates_with_the_scenario_rules_and_relative_paths(
    client, keys, ledger_canteen, ledger_courier, ledger_client, url, change, field
):
    """A change of ``None`` is the bare ``{"id": "y"}``; a value of ``None`` drops that key."""
    planner = keys["planner"]
    client.post("/v1/canteens", json=ledger_canteen, headers=planner)
    valid = {
        "/v1/clients": ledger_client("a"),
        "/v1/couriers": ledger_courier,
        "/v1/canteens": ledger_canteen,
    }[url]
    if change is None:
        body: dict[str, Any] = {"id": "y"}
    else:
        body = {k: v for k, v in {**valid, **change}.items() if v is not None}
    response = client.post(url, json=body, headers=planner)
    assert response.status_code == 422
    assert error_of(response)["field"] == field


def test_ledger_put_refuses_a_body_whose_id_differs_from_the_url(client, keys, ledger_courier):
    mismatch = client.put("/v1/couriers/r9", json=ledger_courier, headers=keys["planner"])
    assert (mismatch.status_code, error_of(mismatch)["field"]) == (422, "id")


def test_ledger_reports_an_unknown_canteen_before_the_records_other_fields(
    client, keys, ledger_canteen, ledger_client
):
    planner = keys["planner"]
    client.post("/v1/canteens", json=ledger_canteen, headers=planner)
    body = ledger_client("a", lat=200, canteen="nowhere")
    response = client.post("/v1/clients", json=body, headers=planner)
    assert (response.status_code, error_of(response)["field"]) == (422, "canteen")


def test_relay_points_and_grid_workers_are_ledger_records_checked_by_the_gate(
    client, keys, ledger_canteen
):
    planner = keys["planner"]
    client.post("/v1/canteens", json=ledger_canteen, headers=planner)
    place = {"canteen": "jn", "id": "rp-1", "name": "居委会", "open": ["10:30", "13:00"],
             "location": {"lat": 22.57, "lon": 113.1}, "capacity": 10}  # fmt: skip
    assert client.post("/v1/relay_points", json=place, headers=planner).status_code == 201
    walker = {"canteen": "jn", "id": "g-1", "relay_point": "rp-1", "capacity": 8,
              "shift": ["10:45", "13:00"]}  # fmt: skip
    assert client.post("/v1/walkers", json=walker, headers=planner).status_code == 201
    bad = client.post("/v1/walkers", json={**walker, "id": "g-2", "capacity": 0}, headers=planner)
    assert bad.status_code == 422 and error_of(bad)["field"] == "capacity"
    listed = client.get("/v1/walkers", headers=keys["viewer"]).get_json()["walkers"]
    assert [w["id"] for w in listed] == ["g-1"]


def test_a_plan_from_the_ledger_brings_the_canteens_relay_points_and_grid_workers(
    app, client, keys, ledger_canteen, ledger_courier, ledger_client
):
    planner = keys["planner"]
    client.post("/v1/canteens", json=ledger_canteen, headers=planner)
    client.post("/v1/couriers", json=ledger_courier, headers=planner)
    client.post("/v1/clients", json=ledger_client("a"), headers=planner)
    place = {"canteen": "jn", "id": "rp-1", "open": ["10:30", "13:00"],
             "location": {"lat": 22.5745, "lon": 113.1}, "capacity": 10}  # fmt: skip
    client.post("/v1/relay_points", json=place, headers=planner)
    walker = {"canteen": "jn", "id": "g-1", "relay_point": "rp-1", "capacity": 8,
              "shift": ["10:45", "13:00"]}  # fmt: skip
    client.post("/v1/walkers", json=walker, headers=planner)
    body = {"canteen": "jn", "date": "2026-11-24", "settings": {"iterations": 20}}
    job = client.post("/v1/plans?wait=60", json=body, headers=planner).get_json()
    stored = client.get(f"/v1/plans/{job['id']}", headers=planner).get_json()
    assert stored["status"] == "done"
    scenario = app.extensions["dispatch"].store.get_plan(job["id"]).scenario
    assert [p["id"] for p in scenario["relay_points"]] == ["rp-1"]
    assert [w["id"] for w in scenario["walkers"]] == ["g-1"]


def test_a_plan_from_the_ledger_prints_the_canteens_station_and_the_clients_social_worker(
    app, client, keys, ledger_canteen, ledger_courier, ledger_client
):
    planner = keys["planner"]
    station = {"name": "饭堂值班", "phone": "0750-1"}
    client.post("/v1/canteens", json={**ledger_canteen, "station": station}, headers=planner)
    client.post("/v1/couriers", json=ledger_courier, headers=planner)
    worker = {"canteen": "jn", "id": "sw-1", "name": "李社工", "phone": "13800000001"}
    assert client.post("/v1/social_workers", json=worker, headers=planner).status_code == 201
    left = {**worker, "id": "sw-2", "name": "黄社工"}
    client.post("/v1/social_workers", json=left, headers=planner)
    client.post("/v1/clients", json=ledger_client("a", social_worker="sw-1"), headers=planner)
    client.post("/v1/clients", json=ledger_client("b", social_worker="sw-2"), headers=planner)
    assert client.delete("/v1/social_workers/sw-2", headers=planner).status_code == 200
    body = {"canteen": "jn", "date": "2026-11-24", "settings": {"iterations": 20}}
    job = client.post("/v1/plans?wait=60", json=body, headers=planner).get_json()
    scenario = app.extensions["dispatch"].store.get_plan(job["id"]).scenario
    assert scenario["contacts"] == {"station": station, "social_workers": [
        {"id": "sw-1", "name": "李社工", "phone": "13800000001"}]}  # fmt: skip
    named = {c["id"]: c.get("social_worker") for c in scenario["clients"]}
    assert named == {"a": "sw-1", "b": None}  # a worker who has left is off the sheets


@pytest.mark.parametrize(
    ("kind", "change", "field"),
    [("canteens", {"station": {"name": "值班"}}, "station.phone"),
     ("canteens", {"station": "0750-1"}, "station"),
     ("social_workers", {"phone": ""}, "phone"),
     ("social_workers", {"email": "x@y"}, "email")],
    ids=["station-without-phone", "station-not-a-mapping", "empty-phone", "unknown-field"],
)  # fmt: skip
def test_a_bad_station_or_social_worker_is_422_at_its_own_field(
    client, keys, ledger_canteen, kind, change, field
):
    planner = keys["planner"]
    client.post("/v1/canteens", json=ledger_canteen, headers=planner)
    worker = {"canteen": "jn", "id": "sw-1", "name": "李社工", "phone": "13800000001"}
    body = {**(worker if kind == "social_workers" else ledger_canteen), **change}
    method = client.put if kind == "canteens" else client.post
    url = f"/v1/canteens/{ledger_canteen['id']}" if kind == "canteens" else "/v1/social_workers"
    answer = method(url, json=body, headers=planner)
    assert (answer.status_code, error_of(answer)["field"]) == (422, field)
