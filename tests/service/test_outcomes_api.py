"""The outcomes and welfare-case API: roles, scoping, field paths, idempotency over HTTP, and
30 couriers posting at once against a real server on loopback."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from conftest import error_of
from flask import Flask
from outcome_fixtures import TINY, done_plan, outcome
from werkzeug.serving import make_server

from dispatch.model import clock
from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.plan_json import plan_to_dict
from dispatch.scenario import parse_scenario, read_document
from dispatch.service.keys import create_key
from dispatch.service.outcomes import outcomes_of
from dispatch.service.welfare import open_cases

POSTGRES = os.environ.get("DISPATCH_TEST_DATABASE_URL")


@pytest.fixture(scope="module")
def real_plan() -> dict[str, Any]:
    """The tiny day planned once for the module, on a fixed budget of iterations."""
    scenario = parse_scenario(read_document(TINY))
    plan = plan_day(scenario, seed=1, iterations=50)
    return plan_to_dict(PlanContext.of(scenario, plan))


def _key(app, role: str, canteen: str | None = "canteen") -> dict[str, str]:
    token = create_key(app.extensions["dispatch"].store, role, canteen=canteen).token
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def day(app, tiny, real_plan) -> dict[str, Any]:
    """The app with the planned day stored, and keys: planner and viewer of the canteen, a
    planner of another canteen."""
    store = app.extensions["dispatch"].store
    plan_id = done_plan(store, tiny, real_plan)
    clients = [c for r in real_plan["routes"] for s in r["steps"] for c in s.get("clients", [])]
    return {
        "plan": plan_id,
        "clients": clients,
        "planner": _key(app, "planner"),
        "viewer": _key(app, "viewer"),
        "other": _key(app, "planner", "elsewhere"),
    }


def test_one_outcome_or_a_batch_is_recorded_once(client, day):
    url = f"/v1/plans/{day['plan']}/outcomes"
    first, second = day["clients"][:2]
    one = client.post(url, json=outcome("o1", first), headers=day["planner"])
    assert one.status_code == 200
    assert one.get_json() == {"stored": ["o1"], "repeated": [], "cases": []}
    batch = {"outcomes": [outcome("o1", first), outcome("o2", second, "no_answer")]}
    answer = client.post(url, json=batch, headers=day["planner"]).get_json()
    assert (answer["stored"], answer["repeated"], len(answer["cases"])) == (["o2"], ["o1"], 1)
    again = client.post(url, json=batch, headers=day["planner"]).get_json()
    assert (again["stored"], again["repeated"], again["cases"]) == ([], ["o1", "o2"], [])


def test_bad_outcomes_are_4xx_with_the_field(client, day):
    url = f"/v1/plans/{day['plan']}/outcomes"
    first = day["clients"][0]
    batch = {"outcomes": [outcome("a", first), outcome("b", "nobody")]}
    bad = client.post(url, json=batch, headers=day["planner"])
    assert bad.status_code == 422 and error_of(bad)["field"] == "outcomes[1].client"
    single = client.post(url, json=outcome("c", first, "lost"), headers=day["planner"])
    assert single.status_code == 422 and error_of(single)["field"] == "outcome"
    extra = client.post(url, json={"outcomes": [], "x": 1}, headers=day["planner"])
    assert extra.status_code == 422 and error_of(extra)["field"] == "x"
    empty = client.post(url, json={"outcomes": []}, headers=day["planner"])
    assert empty.status_code == 422 and error_of(empty)["field"] == "outcomes"
    client.post(url, json=outcome("d", first), headers=day["planner"])
    reused = client.post(url, json=outcome("d", first, "refused"), headers=day["planner"])
    assert reused.status_code == 409 and error_of(reused)["field"] == "id"
    note = "门口放着药，人不在"
    secret = client.post(url, json=outcome("d", first, note=note), headers=day["planner"])
    assert secret.status_code == 409 and note not in secret.get_data(as_text=True)


def test_roles_and_canteens(client, day):
    url = f"/v1/plans/{day['plan']}/outcomes"
    body = outcome("n1", day["clients"][0], "no_answer")
    assert client.post(url, json=body, headers=day["viewer"]).status_code == 403
    assert client.post(url, json=body, headers=day["other"]).status_code == 404
    assert client.post(url, json=body, headers=day["planner"]).status_code == 200
    (case,) = client.get("/v1/welfare-cases?status=open", headers=day["viewer"]).get_json()["cases"]
    assert client.get("/v1/welfare-cases", headers=day["other"]).get_json() == {"cases": []}
    for path in (f"/v1/welfare-cases/{case['id']}", f"/v1/plans/{day['plan']}/progress"):
        assert client.get(path, headers=day["other"]).status_code == 404
    steps = f"/v1/welfare-cases/{case['id']}/steps"
    assert client.post(steps, json={"action": "note"}, headers=day["other"]).status_code == 404
    assert client.post(steps, json={"action": "note"}, headers=day["viewer"]).status_code == 403
    bad = client.get("/v1/welfare-cases?status=maybe", headers=day["viewer"])
    assert bad.status_code == 422 and error_of(bad)["field"] == "status"


def test_a_case_is_worked_and_closed_over_the_api(client, day):
    url = f"/v1/plans/{day['plan']}/outcomes"
    client.post(url, json=outcome("n1", day["clients"][0], "no_answer"), headers=day["planner"])
    (case,) = client.get("/v1/welfare-cases", headers=day["planner"]).get_json()["cases"]
    steps = f"/v1/welfare-cases/{case['id']}/steps"
    called = {"action": "call_client", "note": "电话无人接听", "at": "2026-11-24T11:20:00+08:00"}
    worked = client.post(steps, json=called, headers=day["planner"]).get_json()
    assert worked["steps"][-1] == {
        "at": "2026-11-24T03:20:00Z",
        "by": worked["steps"][-1]["by"],
        "action": "call_client",
        "note": "电话无人接听",
    }
    assert worked["steps"][-1]["by"].startswith("key:")
    viewed = client.get(f"/v1/welfare-cases/{case['id']}", headers=day["viewer"]).get_json()
    assert [s["note"] for s in viewed["steps"]] == [None, None]  # viewers read no notes
    unclosed = client.post(steps, json={"action": "close"}, headers=day["planner"])
    assert unclosed.status_code == 422 and error_of(unclosed)["field"] == "closed_with"
    close = {"action": "close", "closed_with": "in_hospital", "note": "已送医院"}
    closed = client.post(steps, json=close, headers=day["planner"]).get_json()
    assert (closed["status"], closed["closed_with"]) == ("closed", "in_hospital")
    assert client.post(steps, json=close, headers=day["planner"]).status_code == 409
    listed = client.get("/v1/welfare-cases?status=closed", headers=day["viewer"]).get_json()
    assert [c["id"] for c in listed["cases"]] == [case["id"]]


def test_progress_over_the_api(client, day, real_plan):
    first = day["clients"][0]
    url = f"/v1/plans/{day['plan']}/outcomes"
    client.post(url, json=outcome("o1", first), headers=day["planner"])
    answer = client.get(f"/v1/plans/{day['plan']}/progress", headers=day["viewer"])
    assert answer.status_code == 200
    routes = answer.get_json()["routes"]
    assert [r["vehicle"] for r in routes] == [r["courier"] for r in real_plan["routes"]]
    assert sum(r["done"] for r in routes) == 1
    assert sum(r["stops"] for r in routes) == len(day["clients"])
    # The tiny day is past: everyone with a window and no outcome is overdue (t-temp has none).
    overdue = {o["client"] for o in answer.get_json()["overdue"]}
    assert overdue == set(day["clients"]) - {first, "t-temp"}


def _many_routes(couriers: int, per_route: int) -> dict[str, Any]:
    """A plan of ``couriers`` routes with ``per_route`` clients each (record_outcomes checks
    outcomes against the plan's stops alone)."""
    routes = []
    for r in range(couriers):
        steps = [
            {"type": "delivery", "clients": [f"c{r}-{k}"], "arrival_s": 39600 + 300 * k}
            for k in range(per_route)
        ]
        routes.append({"courier": f"rider-{r}", "steps": steps})
    return {"format": 1, "routes": routes, "unassigned": []}


@pytest.fixture(params=["sqlite", "postgresql"])
def server_app(request, make_app) -> Iterator[Flask]:
    """An app on SQLite, and on PostgreSQL (a schema of its own) when
    ``DISPATCH_TEST_DATABASE_URL`` is set."""
    if request.param == "sqlite":
        yield make_app()
        return
    if not POSTGRES:
        pytest.skip("DISPATCH_TEST_DATABASE_URL is not set (PostgreSQL tests)")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in POSTGRES else "?"
    app = make_app(DATABASE_URL=f"{POSTGRES}{separator}options=-csearch_path%3D{schema}")
    yield app
    app.extensions["dispatch"].close()  # its connections go before its schema
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_thirty_couriers_posting_at_once_are_all_stored_once(server_app, tiny):
    couriers, per_route = 30, 4
    app = server_app
    store = app.extensions["dispatch"].store
    plan_id = done_plan(store, tiny, _many_routes(couriers, per_route))
    headers = _key(app, "planner")
    http = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=http.serve_forever, daemon=True)
    serving.start()
    url = f"http://127.0.0.1:{http.port}/v1/plans/{plan_id}/outcomes"
    start = threading.Barrier(couriers)

    def courier(r: int) -> list[int]:
        kinds = ["no_answer"] + ["delivered"] * (per_route - 1)
        batch = [
            outcome(f"{r}-{k}", f"c{r}-{k}", kind, clock(39600 + 60 * k))
            for k, kind in enumerate(kinds)
        ]
        start.wait(timeout=60)
        with requests.Session() as session:  # each courier sends, then resends (no answer seen)
            body = {"outcomes": batch}
            return [
                session.post(url, json=body, headers=headers, timeout=120).status_code
                for _ in range(2)
            ]

    try:
        with ThreadPoolExecutor(couriers) as pool:
            statuses = list(pool.map(courier, range(couriers)))
    finally:
        http.shutdown()
    assert statuses == [[200, 200]] * couriers
    assert len(outcomes_of(store, plan_id=plan_id)) == couriers * per_route
    with store.session() as session:
        rows = session.execute(sa.text("SELECT count(*), count(DISTINCT id) FROM outcomes")).one()
    assert tuple(rows) == (couriers * per_route, couriers * per_route)
    assert len(open_cases(store, None)) == couriers
