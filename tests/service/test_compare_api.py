"""``POST /v1/compare``: a base and its what-ifs queued as one job on the plans' runner,
answered 202 + ``Location`` (or after ``?wait=``) and read back as ``compare.json``."""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import error_of

from dispatch.service.jobs import run_worker
from dispatch.service.keys import create_key
from dispatch.service.tables import PlanRow

SICK = {"name": "sick", "changes": [{"courier_off": "rider-b"}]}


def poll_compare(client, location: str, headers, timeout_s: float = 60) -> tuple[int, Any]:
    """Read ``location`` until the comparison is no longer queued or running."""
    deadline = time.monotonic() + timeout_s
    while True:
        response = client.get(location, headers=headers)
        body = response.get_json()
        if body.get("status") not in ("queued", "running"):
            return response.status_code, body
        assert time.monotonic() < deadline, f"{location} did not finish"
        time.sleep(0.1)


def compare_rows(app) -> list[PlanRow]:
    store = app.extensions["dispatch"].store
    with store.session() as session:
        return list(session.scalars(sa.select(PlanRow).where(PlanRow.kind == "compare")))


def test_compare_is_queued_with_a_location_and_reads_back_as_compare_json(client, keys, tiny):
    body = {"base": tiny, "whatifs": [SICK], "costs": {"per_courier_hour": 30}}
    planner = keys["planner"]
    response = client.post("/v1/compare?time_limit_s=0.5&seed=3", json=body, headers=planner)
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert response.headers["Location"] == f"/v1/compare/{job['id']}"
    assert (job["status"], job["time_limit_s"], job["seed"]) in {
        ("queued", 0.5, 3),
        ("running", 0.5, 3),
    }
    status, data = poll_compare(client, response.headers["Location"], keys["viewer"])
    assert status == 200, data
    assert data["format"] and [p["name"] for p in data["plans"]] == ["base", "sick"]
    assert data["plans"][0]["diff"] is None and data["plans"][1]["diff"] is not None
    assert data["plans"][1]["figures"]["couriers_used"] == 1
    assert "cost_per_meal" in data["plans"][1]["figures"]
    assert client.get("/v1/plans", headers=planner).get_json()["plans"] == []
    assert client.get(f"/v1/plans/{job['id']}", headers=planner).status_code == 404
    assert client.get("/v1/compare/" + "0" * 32, headers=planner).status_code == 404


def test_compare_with_wait_answers_200_with_the_comparison_itself(client, keys, tiny):
    body = {"base": tiny, "whatifs": [SICK]}
    response = client.post(
        "/v1/compare?wait=60&time_limit_s=0.5", json=body, headers=keys["planner"]
    )
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert "status" not in data and [p["name"] for p in data["plans"]] == ["base", "sick"]
    assert client.get(response.headers["Location"], headers=keys["viewer"]).get_json() == data


def test_compare_needs_a_planner_and_names_the_bad_change(client, keys, tiny):
    body = {"base": tiny, "whatifs": [{"name": "x", "changes": [{"courier_off": "r9"}]}]}
    assert client.post("/v1/compare", json=body, headers=keys["viewer"]).status_code == 403
    response = client.post("/v1/compare", json=body, headers=keys["planner"])
    assert response.status_code == 422
    assert error_of(response)["field"] == "whatifs[0].changes[0].courier_off"


def test_compare_seed_out_of_range_is_422_naming_seed(client, keys, tiny):
    body = {"base": tiny, "whatifs": [SICK]}
    for seed in ("1e19", "3000000000", "-1"):
        response = client.post(f"/v1/compare?seed={seed}", json=body, headers=keys["planner"])
        assert (response.status_code, error_of(response)["field"]) == (422, "seed"), seed


def test_full_queue_refuses_a_compare_with_503_and_retry_after_and_stores_nothing(
    app, client, keys, tiny
):
    planner = keys["planner"]
    first = client.post("/v1/plans?time_limit_s=20", json=tiny, headers=planner).get_json()
    deadline = time.monotonic() + 20
    while client.get(f"/v1/plans/{first['id']}", headers=planner).get_json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    body = {"base": tiny, "whatifs": [SICK]}
    url = "/v1/compare?time_limit_s=0.5"
    accepted = [client.post(url, json=body, headers=planner) for _ in "ab"]
    assert [r.status_code for r in accepted] == [202, 202]
    refused = client.post(url, json=body, headers=planner)
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) >= 1
    assert error_of(refused)["type"] == "queue_full"
    assert {row.id for row in compare_rows(app)} == {r.get_json()["id"] for r in accepted}
    client.delete(f"/v1/plans/{first['id']}", headers=planner)
    for response in accepted:
        status, data = poll_compare(client, response.headers["Location"], planner)
        assert status == 200 and len(data["plans"]) == 2, data


def test_compare_names_a_network_only_from_the_maps_folder_in_base_and_set(client, keys, tiny):
    probes = [
        {"base": {**tiny, "network": "/etc/passwd"}, "whatifs": []},
        {"base": tiny, "whatifs": [{"name": "x", "changes": [{"set": {"network": "/etc/hosts"}}]}]},
    ]
    errors = [error_of(client.post("/v1/compare", json=b, headers=keys["planner"])) for b in probes]
    assert [e["field"] for e in errors] == ["base.network", "whatifs[0].changes[0].set.network"]
    assert (
        errors[0]["message"] == errors[1]["message"] and "DISPATCH_MAPS_DIR" in errors[0]["message"]
    )
    assert compare_rows(client.application) == []


REDIS = os.environ.get("DISPATCH_TEST_QUEUE_URL")


@pytest.mark.skipif(not REDIS, reason="DISPATCH_TEST_QUEUE_URL is not set (Redis tests)")
def test_with_rq_a_compare_counts_against_the_queue_and_a_worker_answers_it(make_app, db_url, tiny):
    name = f"test-{uuid.uuid4().hex[:8]}"
    app = make_app(QUEUE_URL=REDIS, QUEUE_NAME=name, QUEUE_MAX=1)
    runner = app.extensions["dispatch"].runner
    headers = {
        "Authorization": f"Bearer {create_key(app.extensions['dispatch'].store, 'planner').token}"
    }
    client = app.test_client()
    body = {"base": tiny, "whatifs": [SICK]}
    try:
        accepted = client.post("/v1/compare?time_limit_s=0.5", json=body, headers=headers)
        assert accepted.status_code == 202
        refused = client.post("/v1/compare?time_limit_s=0.5", json=body, headers=headers)
        assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
        run_worker(REDIS, db_url, name=name, burst=True)
        done = client.get(accepted.headers["Location"], headers=headers)
        assert done.status_code == 200, done.get_json()
        assert [p["name"] for p in done.get_json()["plans"]] == ["base", "sick"]
    finally:
        runner.queue.empty()
        runner.queue.delete(delete_jobs=True)


@pytest.mark.skipif(not REDIS, reason="DISPATCH_TEST_QUEUE_URL is not set (Redis tests)")
def test_a_queued_compare_can_be_cancelled_once_and_only_by_its_canteen(make_app, tiny):
    """No worker reads this queue, so the comparison stays queued until it is cancelled."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    app = make_app(QUEUE_URL=REDIS, QUEUE_NAME=name)
    store, runner = app.extensions["dispatch"].store, app.extensions["dispatch"].runner
    own = {"Authorization": f"Bearer {create_key(store, 'planner').token}"}
    other = {"Authorization": f"Bearer {create_key(store, 'planner', canteen='elsewhere').token}"}
    client = app.test_client()
    try:
        accepted = client.post("/v1/compare", json={"base": tiny, "whatifs": [SICK]}, headers=own)
        location = accepted.headers["Location"]
        assert client.delete(location, headers=other).status_code == 404
        cancelled = client.delete(location, headers=own)
        assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
        assert client.delete(location, headers=own).status_code == 409
        assert runner.queue.count == 0  # taken out of Redis too: no worker will ever start it
    finally:
        runner.queue.empty()
        runner.queue.delete(delete_jobs=True)
