"""The app factory (``api.py``): configuration, start-up over an existing store, and the one
error table (``ERROR_STATUS``, ``HTTP_ERRORS``) that turns every error into JSON with its status."""

from __future__ import annotations

import socket
import subprocess
from typing import Any

import pytest
from conftest import error_of

from api import create_app
from dispatch.errors import (
    AuthError,
    BodyError,
    ConflictError,
    DispatchError,
    ForbiddenError,
    InputError,
    NotFoundError,
    QueueFullError,
    ScenarioError,
)
from dispatch.messages import Text
from dispatch.service.keys import create_key
from dispatch.service.store import Store


def test_unknown_url_is_a_json_404(client):
    response = client.get("/v1/nowhere")
    assert response.status_code == 404
    assert error_of(response)["type"] == "not_found"


def test_wrong_method_is_a_json_405_with_allow(client):
    response = client.put("/v1/health")
    assert response.status_code == 405
    assert error_of(response)["type"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_body_over_the_size_limit_is_a_json_413(make_app, tiny):
    app = make_app(MAX_CONTENT_LENGTH=1000)
    token = create_key(app.extensions["dispatch"].store, "planner").token
    response = app.test_client().post(
        "/v1/plans", json=tiny, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 413
    assert "1000 bytes" in error_of(response)["message"]


def test_no_key_is_401_with_a_bearer_challenge(client):
    response = client.get("/v1/plans")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["type"] == "unauthorized"


REASON = Text("why", "为什么")


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (BodyError("", REASON), 400),
        (AuthError("", REASON), 401),
        (ForbiddenError("", REASON), 403),
        (NotFoundError("id", REASON), 404),
        (ConflictError("status", REASON), 409),
        (InputError("wait", REASON), 422),
        (ScenarioError("clients[3].floor", REASON), 422),
        (QueueFullError(7), 503),
        (DispatchError("", REASON), 500),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_a_raised_error_is_json_with_the_status_of_the_error_table(make_app, error, status):
    app = make_app()

    @app.get("/raise")
    def raise_it() -> Any:
        raise error

    response = app.test_client().get("/raise")
    assert response.status_code == status
    assert error_of(response) == {
        "type": error.kind,
        "message": error.reason.en,
        "message_zh": error.reason.zh,
        "field": error.field,
    }
    assert ("Retry-After" in response.headers) == (status == 503)
    assert ("WWW-Authenticate" in response.headers) == (status == 401)


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
    assert store.mark_running(orphan, f"{socket.gethostname()}:{dead.pid}:gone")
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
