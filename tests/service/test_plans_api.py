"""Plans over HTTP: submit, wait, list, read, cancel, the papers of a plan, a full queue,
``POST /v1/verify``; and the same through a real ``dispatch serve`` process."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import ROADNETS, error_of

from dispatch.scenario import read_document
from dispatch.service.keys import create_key
from dispatch.service.store import Store


def wait_done(client, plan_id: str, headers, timeout_s: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = client.get(f"/v1/plans/{plan_id}", headers=headers).get_json()
        if body["status"] not in ("queued", "running"):
            return body
        time.sleep(0.1)
    raise AssertionError(f"plan {plan_id} did not finish")


def wait_status(client, plan_id: str, headers) -> str:
    return client.get(f"/v1/plans/{plan_id}", headers=headers).get_json()["status"]


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


def test_caps_on_clients_and_time_limit_are_422_naming_the_cap(make_app, tiny):
    app = make_app(MAX_CLIENTS=2)
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


def test_seed_is_a_whole_number_below_2_to_the_31_on_every_store(store, make_app, tiny):
    app = make_app(DATABASE_URL=store.url)
    headers = {"Authorization": f"Bearer {create_key(store, 'planner').token}"}
    client = app.test_client()
    for seed in ("1e19", "3000000000", "2147483648", "-1", "1.5", "７"):
        response = client.post(f"/v1/plans?seed={seed}", json=tiny, headers=headers)
        assert (response.status_code, error_of(response)["field"]) == (422, "seed"), seed
    tiny["settings"]["seed"] = 2**63
    response = client.post("/v1/plans", json=tiny, headers=headers)
    assert (response.status_code, error_of(response)["field"]) == (422, "settings.seed")
    del tiny["settings"]["seed"]
    largest = f"/v1/plans?seed={2**31 - 1}&wait=30&time_limit_s=0.5"
    job = client.post(largest, json=tiny, headers=headers).get_json()
    assert (job["status"], job["seed"]) == ("done", 2**31 - 1), job


ROADS = Path(__file__).parents[2] / "scenarios" / "aguascalientes-roads.yaml"
EXTRACT = ROADNETS / "aguascalientes.osm.pbf"


@pytest.mark.skipif(not EXTRACT.is_file(), reason="../shared/roadnets is not beside the repo")
def test_network_is_a_file_name_in_the_maps_folder_and_every_other_name_the_same_422(
    make_app, tmp_path
):
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "ags.osm.pbf").symlink_to(EXTRACT)
    shutil.copy(EXTRACT, tmp_path / "beside.osm.pbf")
    (maps / "sub").mkdir()
    app = make_app(MAPS_DIR=str(maps))
    headers = {
        "Authorization": f"Bearer {create_key(app.extensions['dispatch'].store, 'planner').token}"
    }
    client = app.test_client()
    roads = {**read_document(ROADS), "network": "ags.osm.pbf"}
    job = client.post("/v1/plans?wait=60&time_limit_s=1", json=roads, headers=headers).get_json()
    assert job["status"] == "done", job
    assert job["plan"]["violations"] == [] and job["plan"]["routes"]
    probes = ["/etc/passwd", "/nowhere.osm.pbf", str(maps / "ags.osm.pbf"), "../beside.osm.pbf",
              "../nowhere.osm.pbf", "missing.osm.pbf", "sub", "sub/../ags.osm.pbf", "..", "",
              7]  # fmt: skip
    # NUL is refused in every string of a body before anything else (so says nothing of files).
    nul = client.post("/v1/plans", json={**roads, "network": "ags.osm.pbf\x00"}, headers=headers)
    assert (nul.status_code, error_of(nul)["field"]) == (422, "network")
    answers = set()
    for name in probes:
        response = client.post("/v1/plans", json={**roads, "network": name}, headers=headers)
        assert response.status_code == 422, name
        answers.add(json.dumps(response.get_json(), sort_keys=True))
        body = {"scenario": {**roads, "network": name}, "plan": {"routes": []}}
        verify = client.post("/v1/verify", json=body, headers=headers)
        assert (verify.status_code, error_of(verify)["field"]) == (422, "scenario.network")
    unconfigured = make_app().test_client()
    response = unconfigured.post("/v1/plans", json=roads, headers=headers)
    answers.add(json.dumps(response.get_json(), sort_keys=True))
    assert len(answers) == 1, answers
    error = json.loads(answers.pop())["error"]
    assert (error["field"], error["type"]) == ("network", "invalid_scenario")
    assert "DISPATCH_MAPS_DIR" in error["message"] and error["message_zh"]
    assert len(client.get("/v1/plans", headers=headers).get_json()["plans"]) == 1


def _failed_key_checks(client, n: int, address: str = "192.0.2.7") -> list[Any]:
    bad = {"Authorization": "Bearer nl_not-a-key"}
    environ = {"REMOTE_ADDR": address}
    return [client.get("/v1/plans", headers=bad, environ_overrides=environ) for _ in range(n)]


def test_repeated_bad_keys_from_one_address_are_429_and_a_valid_key_still_works(make_app):
    app = make_app(AUTH_FAILURE_LIMIT="10/minute")
    client = app.test_client()
    answers = _failed_key_checks(client, 11)
    assert [r.status_code for r in answers] == [401] * 10 + [429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    error = error_of(answers[-1])
    assert error["type"] == "too_many_requests" and error["message_zh"]
    headers = {
        "Authorization": f"Bearer {create_key(app.extensions['dispatch'].store, 'viewer').token}"
    }
    for _ in range(3):
        ok = client.get(
            "/v1/plans", headers=headers, environ_overrides={"REMOTE_ADDR": "192.0.2.7"}
        )
        assert ok.status_code == 200
    assert _failed_key_checks(client, 1, "192.0.2.8")[0].status_code == 401


REDIS = os.environ.get("DISPATCH_TEST_QUEUE_URL")


@pytest.mark.skipif(not REDIS, reason="DISPATCH_TEST_QUEUE_URL is not set (Redis tests)")
def test_with_a_redis_queue_servers_count_failed_key_checks_together(make_app):
    import redis

    name = f"test-{uuid.uuid4().hex[:8]}"
    config = {"QUEUE_URL": REDIS, "QUEUE_NAME": name, "AUTH_FAILURE_LIMIT": "4/minute"}
    one, two = make_app(**config).test_client(), make_app(**config).test_client()
    try:
        first = _failed_key_checks(one, 2) + _failed_key_checks(two, 2)
        assert [r.status_code for r in first] == [401] * 4
        assert _failed_key_checks(one, 1)[0].status_code == 429
    finally:
        connection = redis.Redis.from_url(REDIS)
        for key in connection.scan_iter(f"{name}-auth*"):
            connection.delete(key)
        connection.close()


def test_plan_from_the_ledger_uses_active_records_and_old_plans_keep_theirs(
    client, keys, ledger_canteen, ledger_courier, ledger_client
):
    planner = keys["planner"]
    client.post("/v1/canteens", json=ledger_canteen, headers=planner)
    client.post("/v1/couriers", json=ledger_courier, headers=planner)
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
    fields = {"rule", "message", "message_zh", "courier", "client"}
    assert all(set(v) <= fields and v["message_zh"] for v in body["violations"])


def test_verify_accepts_a_plan_the_server_made(client, keys, tiny):
    job = client.post("/v1/plans?wait=30&time_limit_s=1", json=tiny, headers=keys["planner"])
    body = {"scenario": tiny, "plan": job.get_json()["plan"]}
    response = client.post("/v1/verify", json=body, headers=keys["viewer"])
    assert response.get_json() == {"valid": True, "violations": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scenario": "bad", "plan": {}}, "scenario.couriers[0].capacity"),
        ({"scenario": "tiny", "plan": {"routes": 3}}, "plan.routes"),
        ({"plan": {}}, "scenario"),
    ],
    ids=["bad-scenario", "bad-plan", "no-scenario"],
)
def test_verify_field_paths_point_into_the_body(client, keys, tiny, body, field):
    bad = copy.deepcopy(tiny)
    bad["couriers"][0]["capacity"] = 0
    documents = {"bad": bad, "tiny": tiny}
    if "scenario" in body:
        body = {**body, "scenario": documents[body["scenario"]]}
    response = client.post("/v1/verify", json=body, headers=keys["viewer"])
    assert (response.status_code, error_of(response)["field"]) == (422, field)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


DEMO = Path(__file__).parents[2] / "scenarios" / "jiangnan-lunch.yaml"


def _server_env(tmp_path) -> tuple[dict[str, str], dict[str, str]]:
    """Environment for ``dispatch serve`` on a fresh SQLite store, and a planner's headers."""
    env = {**os.environ, "DISPATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite'}"}
    env["DISPATCH_WORKERS"] = "1"
    made = subprocess.run(
        [sys.executable, "-m", "dispatch.cli", "keys", "create", "--role", "planner", "--scope",
         "street"],
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


def test_killing_the_server_mid_solve_loses_nothing_and_the_job_can_be_resubmitted(
    tmp_path, ledger_canteen, ledger_client
):
    env, headers = _server_env(tmp_path)
    demo = read_document(DEMO)
    with _live_server(env) as (base, server):
        for kind, record in (("canteens", ledger_canteen), ("clients", ledger_client("k1"))):
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


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("[" * 5000 + "]" * 5000, ""),
        ('{"name": "a", "name": "b"}', "name"),
        ('{"name": "a\\u0000b"}', "name"),
        ('{"name": "\\ud800"}', "name"),
    ],
    ids=["nested-5000-deep", "key-given-twice", "nul", "lone-surrogate"],
)
def test_hostile_json_bodies_are_422_naming_the_field_never_500(client, keys, body, field):
    response = client.post(
        "/v1/plans", data=body, headers={**keys["planner"], "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field


def test_a_queue_that_does_not_answer_is_503_with_retry_after_and_stores_nothing(make_app, tiny):
    """Redis on a closed loopback port: the plan is refused whole, not left queued forever."""
    app = make_app(QUEUE_URL="redis://127.0.0.1:1/0")
    token = create_key(app.extensions["dispatch"].store, "planner").token
    response = app.test_client().post(
        "/v1/plans", json=tiny, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert error_of(response)["type"] == "queue_unavailable"
    assert app.extensions["dispatch"].store.list_plans() == []
