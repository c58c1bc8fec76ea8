"""The HTTP API through Flask's test client: every endpoint, every error, auth, caps."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import DATA

from api import create_app
from dispatch.scenario import read_document
from dispatch.service.keys import create_key
from dispatch.service.store import Store

TINY = DATA / "tiny.yaml"


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'api.sqlite'}"


@pytest.fixture
def app(db_url):
    app = create_app({"DATABASE_URL": db_url, "JOB_WORKERS": 1, "JOB_QUEUE_SIZE": 2})
    yield app
    app.extensions["dispatch"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def keys(app) -> dict[str, dict[str, str]]:
    store = app.extensions["dispatch"].store
    return {
        role: {"Authorization": f"Bearer {create_key(store, role).token}"}
        for role in ("viewer", "planner", "admin")
    }


@pytest.fixture
def tiny() -> dict[str, Any]:
    return read_document(TINY)


def wait_done(client, plan_id: str, headers, timeout_s: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = client.get(f"/v1/plans/{plan_id}", headers=headers).get_json()
        if body["status"] not in ("queued", "running"):
            return body
        time.sleep(0.1)
    raise AssertionError(f"plan {plan_id} did not finish")


def error_of(response) -> dict[str, str]:
    body = response.get_json()
    assert set(body["error"]) == {"type", "message", "message_zh", "field"}
    return body["error"]


# --- health, documents, Flask's own errors ------------------------------------------


def test_health_needs_no_key_and_reports_store_and_queue(client):
    response = client.get("/v1/health")
    assert response.status_code == 200
    assert response.get_json() | {"version": "x"} == {
        "status": "ok",
        "store": True,
        "queue": True,
        "version": "x",
    }


def test_openapi_document_lists_every_route_of_the_app(app, client):
    document = client.get("/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<any\([^)]*\):(\w+)>", r"{\1}", rule.rule)
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
        served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented


def test_unknown_url_is_a_json_404(client):
    response = client.get("/v1/nowhere")
    assert response.status_code == 404
    assert error_of(response)["type"] == "not_found"


def test_wrong_method_is_a_json_405_with_allow(client):
    response = client.put("/v1/health")
    assert response.status_code == 405
    assert error_of(response)["type"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_body_over_the_size_limit_is_a_json_413(db_url, tiny):
    app = create_app({"DATABASE_URL": db_url, "JOB_WORKERS": 1, "MAX_CONTENT_LENGTH": 1000})
    try:
        token = create_key(app.extensions["dispatch"].store, "planner").token
        response = app.test_client().post(
            "/v1/plans", json=tiny, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 413
        assert "1000 bytes" in error_of(response)["message"]
    finally:
        app.extensions["dispatch"].close()


# --- auth ------------------------------------------------------------------------------


def test_no_key_is_401_with_a_bearer_challenge(client):
    response = client.get("/v1/plans")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["type"] == "unauthorized"


def test_unknown_and_revoked_keys_are_401(app, client):
    store = app.extensions["dispatch"].store
    key = create_key(store, "admin")
    assert client.get("/v1/plans", headers={"Authorization": "Bearer nl_nope"}).status_code == 401
    assert store.revoke_key(key.id)
    headers = {"Authorization": f"Bearer {key.token}"}
    assert client.get("/v1/plans", headers=headers).status_code == 401


def test_viewer_may_read_but_not_plan_or_write_the_ledger(client, keys, tiny):
    assert client.get("/v1/plans", headers=keys["viewer"]).status_code == 200
    response = client.post("/v1/plans", json=tiny, headers=keys["viewer"])
    assert response.status_code == 403
    assert error_of(response)["type"] == "forbidden"
    canteen = {"id": "c", "location": {"lat": 22.57, "lon": 113.1}, "meals_ready": "10:40"}
    assert client.post("/v1/canteens", json=canteen, headers=keys["viewer"]).status_code == 403


def test_keys_are_stored_hashed(app, db_url):
    key = create_key(app.extensions["dispatch"].store, "viewer")
    raw = (db_url.removeprefix("sqlite:///"),)
    dump = subprocess.run(["sqlite3", *raw, ".dump"], capture_output=True, text=True)
    if dump.returncode != 0:
        pytest.skip("sqlite3 command not available")
    assert key.token not in dump.stdout


# --- plans -----------------------------------------------------------------------


def test_bad_body_is_400_and_bad_scenario_is_422_with_the_field_path(client, keys, tiny):
    response = client.post("/v1/plans", data="not json", headers=keys["planner"])
    assert response.status_code == 400
    assert client.post("/v1/plans", json=[1, 2], headers=keys["planner"]).status_code == 400
    tiny["clients"][3]["floor"] = -1
    response = client.post("/v1/plans", json=tiny, headers=keys["planner"])
    assert response.status_code == 422
    error = error_of(response)
    assert (error["type"], error["field"]) == ("invalid_scenario", "clients[3].floor")
    assert error["message_zh"]


def test_caps_on_clients_and_time_limit_are_422_naming_the_cap(db_url, tiny):
    app = create_app({"DATABASE_URL": db_url, "JOB_WORKERS": 1, "MAX_CLIENTS": 2})
    try:
        token = create_key(app.extensions["dispatch"].store, "planner").token
        headers = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        response = client.post("/v1/plans", json=tiny, headers=headers)
        assert response.status_code == 422
        assert error_of(response)["field"] == "clients"
        assert "MAX_CLIENTS" in error_of(response)["message"]
        tiny["clients"] = tiny["clients"][:2]
        response = client.post("/v1/plans?time_limit_s=3600", json=tiny, headers=headers)
        assert response.status_code == 422
        assert error_of(response)["field"] == "time_limit_s"
        assert "MAX_TIME_LIMIT_S" in error_of(response)["message"]
        response = client.post("/v1/plans?wait=soon", json=tiny, headers=headers)
        assert error_of(response)["field"] == "wait"
    finally:
        app.extensions["dispatch"].close()


def test_plan_with_wait_returns_the_stored_plan_and_its_papers(client, keys, tiny):
    response = client.post("/v1/plans?wait=30&time_limit_s=1", json=tiny, headers=keys["planner"])
    assert response.status_code == 200, response.get_json()
    job = response.get_json()
    assert response.headers["Location"] == f"/v1/plans/{job['id']}"
    assert job["status"] == "done"
    assert (job["time_limit_s"], job["seed"], job["date"]) == (1.0, 0, "2026-11-24")
    assert job["plan"]["violations"] == []
    served = {c for r in job["plan"]["routes"] for s in r["steps"] for c in s.get("clients", [])}
    assert served | {u["client"] for u in job["plan"]["unassigned"]} == {
        c["id"] for c in tiny["clients"]
    }
    viewer = keys["viewer"]
    assert client.get(f"/v1/plans/{job['id']}", headers=viewer).get_json()["plan"] == job["plan"]
    listed = client.get("/v1/plans?date=2026-11-24", headers=viewer).get_json()["plans"]
    assert [p["id"] for p in listed] == [job["id"]] and "plan" not in listed[0]
    assert client.get("/v1/plans?date=2026-11-25", headers=viewer).get_json()["plans"] == []

    courier = job["plan"]["routes"][0]["courier"]
    sheet = client.get(f"/v1/plans/{job['id']}/sheets/{courier}?lang=en", headers=viewer)
    assert sheet.status_code == 200 and sheet.mimetype == "text/html"
    assert courier in sheet.get_data(as_text=True)
    assert "13800000000" not in sheet.get_data(as_text=True)
    missing = client.get(f"/v1/plans/{job['id']}/sheets/nobody", headers=viewer)
    assert missing.status_code == 404 and error_of(missing)["field"] == "courier"
    bad_lang = client.get(f"/v1/plans/{job['id']}/sheets/{courier}?lang=fr", headers=viewer)
    assert bad_lang.status_code == 422

    kitchen = client.get(f"/v1/plans/{job['id']}/kitchen", headers=viewer)
    assert kitchen.mimetype == "text/csv"
    assert kitchen.get_data(as_text=True).splitlines()[-1].startswith("ALL,")


def test_routes_geojson_is_one_lon_lat_linestring_per_route_through_its_stops(client, keys, tiny):
    job = client.post("/v1/plans?wait=30&time_limit_s=1", json=tiny, headers=keys["planner"])
    job = job.get_json()
    response = client.get(f"/v1/plans/{job['id']}/routes.geojson", headers=keys["viewer"])
    assert response.mimetype == "application/geo+json"
    collection = json.loads(response.get_data(as_text=True))
    routes = job["plan"]["routes"]
    lines = [f for f in collection["features"] if f["geometry"]["type"] == "LineString"]
    assert [f["properties"]["courier"] for f in lines] == [r["courier"] for r in routes]
    for feature, route in zip(lines, routes, strict=True):
        places = [s for s in route["steps"] if s["type"] != "end"]
        stops = [[s["location"]["lon"], s["location"]["lat"]] for s in places]
        assert feature["geometry"]["coordinates"] == stops
        points = [
            f["geometry"]["coordinates"]
            for f in collection["features"]
            if f["geometry"]["type"] == "Point" and f["properties"]["courier"] == route["courier"]
        ]
        assert points == stops[1:]


def test_unknown_plan_is_404_and_papers_of_an_unfinished_plan_are_409(app, client, keys, tiny):
    assert client.get("/v1/plans/nope", headers=keys["viewer"]).status_code == 404
    assert client.delete("/v1/plans/nope", headers=keys["planner"]).status_code == 404
    store: Store = app.extensions["dispatch"].store
    plan_id = store.create_plan(tiny, time_limit_s=1, seed=0, version="t", owner=None)
    response = client.get(f"/v1/plans/{plan_id}/kitchen", headers=keys["viewer"])
    assert response.status_code == 409 and error_of(response)["type"] == "conflict"


def test_delete_cancels_running_and_queued_jobs_and_keeps_finished_plans(client, keys, tiny):
    planner = keys["planner"]
    running = client.post("/v1/plans?time_limit_s=20", json=tiny, headers=planner).get_json()
    queued = client.post("/v1/plans?time_limit_s=20", json=tiny, headers=planner).get_json()
    deadline = time.monotonic() + 20
    while client.get(f"/v1/plans/{running['id']}", headers=planner).get_json()["status"] != (
        "running"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    for job in (queued, running):
        response = client.delete(f"/v1/plans/{job['id']}", headers=planner)
        assert response.status_code == 200
        assert response.get_json()["status"] == "cancelled"
    time.sleep(0.5)
    for job in (queued, running):
        assert wait_done(client, job["id"], planner)["status"] == "cancelled"
    again = client.delete(f"/v1/plans/{running['id']}", headers=planner)
    assert again.status_code == 409
    done = client.post("/v1/plans?wait=30&time_limit_s=1", json=tiny, headers=planner)
    assert done.get_json()["status"] == "done"


def test_full_queue_is_503_with_retry_after_and_nothing_stored(app, client, keys, tiny):
    planner = keys["planner"]
    first = client.post("/v1/plans?time_limit_s=20", json=tiny, headers=planner).get_json()
    deadline = time.monotonic() + 20
    while wait_status(client, first["id"], planner) != "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    accepted = [client.post("/v1/plans?time_limit_s=20", json=tiny, headers=planner) for _ in "ab"]
    assert [r.status_code for r in accepted] == [202, 202]
    response = client.post("/v1/plans?time_limit_s=20", json=tiny, headers=planner)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert error_of(response)["type"] == "queue_full"
    listed = client.get("/v1/plans", headers=planner).get_json()["plans"]
    assert len(listed) == 3
    for job in listed:
        client.delete(f"/v1/plans/{job['id']}", headers=planner)


def wait_status(client, plan_id: str, headers) -> str:
    return client.get(f"/v1/plans/{plan_id}", headers=headers).get_json()["status"]


def test_a_job_running_in_a_dead_process_is_failed_after_restart_and_can_be_resubmitted(
    db_url, tiny
):
    first = create_app({"DATABASE_URL": db_url, "JOB_WORKERS": 1})
    store: Store = first.extensions["dispatch"].store
    token = create_key(store, "planner").token
    headers = {"Authorization": f"Bearer {token}"}
    canteen = {"id": "c1", "location": {"lat": 22.57, "lon": 113.1}, "meals_ready": "10:40"}
    assert (
        first.test_client().post("/v1/canteens", json=canteen, headers=headers).status_code == 201
    )
    done = first.test_client().post("/v1/plans?wait=30&time_limit_s=1", json=tiny, headers=headers)
    done_plan = done.get_json()["plan"]
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = store.create_plan(tiny, time_limit_s=1, seed=0, version="t", owner=None)
    assert store.mark_running(orphan, f"{_host()}:{dead.pid}:gone")
    first.extensions["dispatch"].close()

    second = create_app({"DATABASE_URL": db_url, "JOB_WORKERS": 1})
    try:
        client = second.test_client()
        job = client.get(f"/v1/plans/{orphan}", headers=headers).get_json()
        assert (job["status"], job["error"]["type"]) == ("failed", "interrupted")
        kept = client.get(f"/v1/plans/{done.get_json()['id']}", headers=headers).get_json()
        assert kept["plan"] == done_plan
        assert client.get("/v1/canteens/c1", headers=headers).get_json()["data"] == canteen
        again = client.post("/v1/plans?wait=30&time_limit_s=1", json=tiny, headers=headers)
        assert again.get_json()["status"] == "done"
    finally:
        second.extensions["dispatch"].close()


def _host() -> str:
    import socket

    return socket.gethostname()


# --- verify ------------------------------------------------------------------------


def test_verify_reports_the_verifiers_findings_for_a_hand_made_plan(client, keys, tiny):
    plan = {
        "routes": [
            {
                "courier": "rider-b",
                "steps": [
                    {"type": "start"},
                    {"type": "delivery", "clients": ["t-b1-low", "t-b1-high"]},
                    {"type": "end"},
                ],
            }
        ]
    }
    response = client.post(
        "/v1/verify", json={"scenario": tiny, "plan": plan}, headers=keys["viewer"]
    )
    body = response.get_json()
    assert response.status_code == 200 and body["valid"] is False
    rules = {v["rule"] for v in body["violations"]}
    assert rules  # rider-b does not climb to floor 6, and three clients are missing
    assert all(set(v) <= {"rule", "message", "courier", "client"} for v in body["violations"])


def test_verify_accepts_a_plan_the_server_made(client, keys, tiny):
    job = client.post("/v1/plans?wait=30&time_limit_s=1", json=tiny, headers=keys["planner"])
    body = {"scenario": tiny, "plan": job.get_json()["plan"]}
    response = client.post("/v1/verify", json=body, headers=keys["viewer"])
    assert response.get_json() == {"valid": True, "violations": []}


def test_verify_field_paths_point_into_the_body(client, keys, tiny):
    bad = copy.deepcopy(tiny)
    bad["couriers"][0]["capacity"] = 0
    response = client.post("/v1/verify", json={"scenario": bad, "plan": {}}, headers=keys["viewer"])
    assert error_of(response)["field"] == "scenario.couriers[0].capacity"
    response = client.post(
        "/v1/verify", json={"scenario": tiny, "plan": {"routes": 3}}, headers=keys["viewer"]
    )
    assert (response.status_code, error_of(response)["field"]) == (422, "plan.routes")
    response = client.post("/v1/verify", json={"plan": {}}, headers=keys["viewer"])
    assert error_of(response)["field"] == "scenario"


# --- ledger ------------------------------------------------------------------------

CANTEEN = {
    "id": "jn",
    "name": "江南",
    "location": {"lat": 22.57, "lon": 113.1},
    "meals_ready": "10:40",
}
COURIER = {"canteen": "jn", "id": "r1", "mode": "ebike", "capacity": 6, "shift": ["10:30", "13:00"]}


def ledger_client(cid: str, lat: float = 22.5745, **fields: Any) -> dict[str, Any]:
    return {
        "canteen": "jn",
        "id": cid,
        "name": "陈婆婆",
        "location": {"lat": lat, "lon": 113.1},
        "meals": {"regular": 1},
        **fields,
    }


def test_ledger_create_read_update_deactivate_keeps_history(client, keys):
    planner, viewer = keys["planner"], keys["viewer"]
    response = client.post("/v1/canteens", json=CANTEEN, headers=planner)
    assert response.status_code == 201 and response.headers["Location"] == "/v1/canteens/jn"
    assert client.post("/v1/couriers", json=COURIER, headers=planner).status_code == 201
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


def test_ledger_validates_with_the_scenario_rules_and_relative_paths(client, keys):
    planner = keys["planner"]
    client.post("/v1/canteens", json=CANTEEN, headers=planner)
    cases = [
        ("/v1/clients", ledger_client("a", lat=200), "location.lat"),
        ("/v1/clients", ledger_client("a", meals={"regular": 0}), "meals"),
        ("/v1/clients", ledger_client("a", window=["12:00", "11:00"]), "window"),
        ("/v1/clients", ledger_client("a", canteen="nowhere"), "canteen"),
        ("/v1/clients", {k: v for k, v in ledger_client("a").items() if k != "canteen"}, "canteen"),
        ("/v1/couriers", {**COURIER, "capacity": 0}, "capacity"),
        ("/v1/couriers", {**COURIER, "capcity": 3}, "capcity"),
        ("/v1/canteens", {**CANTEEN, "id": "x", "meals_ready": "25:00"}, "meals_ready"),
        ("/v1/canteens", {"id": "y"}, "location"),
    ]
    for url, body, field in cases:
        response = client.post(url, json=body, headers=planner)
        assert response.status_code == 422, (url, body)
        assert error_of(response)["field"] == field, (url, body)
    mismatch = client.put("/v1/couriers/r9", json=COURIER, headers=planner)
    assert (mismatch.status_code, error_of(mismatch)["field"]) == (422, "id")


def test_plan_from_the_ledger_uses_active_records_and_old_plans_keep_theirs(client, keys):
    planner = keys["planner"]
    client.post("/v1/canteens", json=CANTEEN, headers=planner)
    client.post("/v1/couriers", json=COURIER, headers=planner)
    for cid in ("a", "b"):
        client.post("/v1/clients", json=ledger_client(cid), headers=planner)
    request = {"date": "2026-11-24", "canteen": "jn", "settings": {"time_limit_s": 1}}
    first = client.post("/v1/plans?wait=30", json=request, headers=planner).get_json()
    assert first["status"] == "done", first
    client.delete("/v1/clients/b", headers=planner)
    second = client.post("/v1/plans?wait=30", json=request, headers=planner).get_json()

    def served(job: dict[str, Any]) -> set[str]:
        steps = (s for r in job["plan"]["routes"] for s in r["steps"])
        return {c for s in steps for c in s.get("clients", [])}

    assert (served(first), served(second)) == ({"a", "b"}, {"a"})
    again = client.get(f"/v1/plans/{first['id']}", headers=planner).get_json()
    assert served(again) == {"a", "b"}
    sheet = client.get(f"/v1/plans/{first['id']}/sheets/r1", headers=planner)
    assert sheet.status_code == 200
    unknown = client.post("/v1/plans", json={"date": "2026-11-24", "canteen": "x"}, headers=planner)
    assert unknown.status_code == 404
    typo = client.post("/v1/plans", json={**request, "cantene": "jn"}, headers=planner)
    assert (typo.status_code, error_of(typo)["field"]) == (422, "cantene")


# --- property-based: schemathesis from the OpenAPI file ----------------------------------


@pytest.fixture
def api_schema(tmp_path):
    import schemathesis

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'schema.sqlite'}",
            "JOB_WORKERS": 1,
            "MAX_TIME_LIMIT_S": 1.0,
            "MAX_WAIT_S": 0.0,
        }
    )
    token = create_key(app.extensions["dispatch"].store, "admin").token
    app.config["TEST_TOKEN"] = token
    document = json.loads(
        (Path(__file__).parents[1] / "dispatch" / "service" / "openapi.json").read_text()
    )
    yield schemathesis.from_dict(document, app=app)
    app.extensions["dispatch"].close()


def _schemathesis_tests():
    import schemathesis
    from hypothesis import HealthCheck, settings
    from schemathesis.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.from_pytest_fixture("api_schema")

    @schema.parametrize()
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    def test_openapi_fuzz_finds_no_server_error_and_no_off_schema_response(case):
        token = case.operation.schema.app.config["TEST_TOKEN"]
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        assert response.status_code != 500, response.get_data(as_text=True)
        if response.status_code == 503:
            assert "Retry-After" in response.headers or case.path == "/v1/health"
        case.validate_response(
            response,
            checks=(status_code_conformance, content_type_conformance, response_schema_conformance),
        )

    return test_openapi_fuzz_finds_no_server_error_and_no_off_schema_response


test_openapi_fuzz_finds_no_server_error_and_no_off_schema_response = _schemathesis_tests()


# --- the real server --------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


DEMO = Path(__file__).parents[1] / "scenarios" / "jiangnan-lunch.yaml"


def _server_env(tmp_path) -> tuple[dict[str, str], dict[str, str]]:
    """Environment for ``dispatch serve`` on a fresh SQLite store, and a planner's headers."""
    env = {**os.environ, "DISPATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite'}"}
    env["DISPATCH_WORKERS"] = "1"
    made = subprocess.run(
        [sys.executable, "-m", "dispatch.cli", "keys", "create", "--role", "planner"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return env, {"Authorization": f"Bearer {made.stdout.strip()}"}


@contextlib.contextmanager
def _live_server(env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``dispatch serve`` on a free loopback port, in its own process group."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dispatch.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/v1/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield base, server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(10)


def test_dispatch_serve_plans_the_demo_over_http(tmp_path):
    env, headers = _server_env(tmp_path)
    with _live_server(env) as (base, _):
        demo = read_document(DEMO)
        response = requests.post(
            f"{base}/v1/plans?wait=60&time_limit_s=1", json=demo, headers=headers, timeout=90
        )
        job = response.json()
        assert (response.status_code, job["status"]) == (200, "done"), job
        assert job["plan"]["violations"] == []
        courier = job["plan"]["routes"][0]["courier"]
        sheet = requests.get(f"{base}/v1/plans/{job['id']}/sheets/{courier}", headers=headers)
        assert sheet.status_code == 200 and "text/html" in sheet.headers["Content-Type"]
        assert requests.get(f"{base}/v1/nowhere", timeout=5).json()["error"]["type"] == "not_found"


def test_killing_the_server_mid_solve_loses_nothing_and_the_job_can_be_resubmitted(tmp_path):
    env, headers = _server_env(tmp_path)
    demo = read_document(DEMO)
    with _live_server(env) as (base, server):
        for kind, record in (("canteens", CANTEEN), ("clients", ledger_client("k1"))):
            made = requests.post(f"{base}/v1/{kind}", json=record, headers=headers)
            assert made.status_code == 201, made.text
        done = requests.post(f"{base}/v1/plans?wait=60&time_limit_s=1", json=demo, headers=headers)
        assert done.json()["status"] == "done"
        running = requests.post(f"{base}/v1/plans?time_limit_s=60", json=demo, headers=headers)
        assert running.status_code == 202
        job = running.json()["id"]
        deadline = time.monotonic() + 30
        while requests.get(f"{base}/v1/plans/{job}", headers=headers).json()["status"] != "running":
            assert time.monotonic() < deadline, "the solve never started"
            time.sleep(0.1)
        os.killpg(server.pid, signal.SIGKILL)  # the server and its solver processes die at once
        server.wait(10)
    with _live_server(env) as (base, _):
        assert requests.get(f"{base}/v1/plans/{job}", headers=headers).json()["status"] == "failed"
        kept = requests.get(f"{base}/v1/plans/{done.json()['id']}", headers=headers).json()
        assert kept["status"] == "done" and kept["plan"]["violations"] == []
        record = requests.get(f"{base}/v1/clients/k1", headers=headers).json()
        assert (record["active"], record["data"]["name"]) == (True, "陈婆婆")
        again = requests.post(f"{base}/v1/plans?wait=60&time_limit_s=1", json=demo, headers=headers)
        assert again.json()["status"] == "done"
