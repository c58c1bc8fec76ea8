"""``/v1/requests`` and ``/v1/requests/<id>/steps``: scoped like the grid register, errors
as JSON with their field, viewers without what is needed."""

from __future__ import annotations

import pytest
from conftest import REPO

from dispatch.service.demo import seed
from dispatch.service.keys import create_key
from dispatch.service.street_register import seed_street

BODY = {
    "kind": "medicine",
    "household": "h01",
    "needed": "降压药",
    "by": "2026-12-07T12:00+08:00",
    "source": "phone",
    "pickup": "s1",
    "window": {"start": "09:00", "end": "11:30"},
}


@pytest.fixture
def key(app):
    store = app.extensions["dispatch"].store
    seed(store, REPO / "scenarios" / "jiangnan-rainstorm.yaml")
    seed_street(store, REPO / "scenarios" / "demo-street.yaml")

    def make(role: str, **scope: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {create_key(store, role, **scope).token}"}

    return make


def test_a_team_adds_solves_and_lists_its_request(client, key):
    team = key("planner", team="t1")
    made = client.post("/v1/requests", headers=team, json=BODY)
    assert made.status_code == 201, made.get_json()
    request = made.get_json()
    assert made.headers["Location"] == f"/v1/requests/{request['id']}"
    assert (request["team"], request["status"], request["by"]) == (
        "t1",
        "open",
        "2026-12-07T12:00+08:00",
    )
    step = {"action": "done", "note": "已送药上门"}
    done = client.post(f"/v1/requests/{request['id']}/steps", headers=team, json=step)
    assert done.status_code == 201
    assert [s["action"] for s in done.get_json()["steps"]] == ["created", "done"]
    listed = client.get("/v1/requests?status=done", headers=team).get_json()["requests"]
    assert [r["id"] for r in listed] == [request["id"]]
    assert client.get("/v1/requests?status=open", headers=team).get_json() == {"requests": []}


def test_reported_up_by_a_team_escalated_and_closed_by_the_office(client, key):
    team, office = key("planner", team="t1"), key("planner")
    rid = client.post("/v1/requests", headers=team, json=BODY).get_json()["id"]
    steps = f"/v1/requests/{rid}/steps"
    no_reason = client.post(steps, headers=team, json={"action": "reported_up"})
    assert no_reason.status_code == 422
    assert no_reason.get_json()["error"]["field"] == "reason"
    up = client.post(steps, headers=team, json={"action": "reported_up", "reason": "药店缺货"})
    assert up.get_json()["level"] == "community"
    refused = client.post(steps, headers=team, json={"action": "closed"})
    assert refused.status_code == 403
    esc = client.post(steps, headers=office, json={"action": "escalated", "reason": "跨社区调药"})
    assert esc.get_json()["level"] == "street_office"
    closed = client.post(steps, headers=office, json={"action": "closed"})
    assert closed.get_json()["status"] == "closed"
    again = client.post(steps, headers=office, json={"action": "closed"})
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["field"] == "action" and "closed" in error["message"] and error["message_zh"]


def test_another_teams_request_is_not_found_and_a_canteens_key_is_refused(client, key):
    rid = client.post("/v1/requests", headers=key("planner", team="t1"), json=BODY).get_json()["id"]
    other = key("planner", team="t2")
    assert client.get(f"/v1/requests/{rid}", headers=other).status_code == 404
    assert client.get("/v1/requests?team=t1", headers=other).get_json() == {"requests": []}
    note = client.post(f"/v1/requests/{rid}/steps", headers=other, json={"action": "note"})
    assert note.status_code == 404
    store_key = create_key(
        client.application.extensions["dispatch"].store, "admin", canteen="jiangnan"
    )
    canteen = {"Authorization": f"Bearer {store_key.token}"}
    assert client.get("/v1/requests", headers=canteen).status_code == 403


def test_bad_bodies_and_filters_name_their_field(client, key):
    office = key("planner")
    bad = client.post("/v1/requests", headers=office, json={**BODY, "by": "明天中午"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "by"
    missing = client.post("/v1/requests", headers=office, json={**BODY, "household": "h99"})
    assert missing.status_code == 404 and missing.get_json()["error"]["field"] == "household"
    assert client.get("/v1/requests?status=late", headers=office).status_code == 422
    assert client.get("/v1/requests?overdue=maybe", headers=office).status_code == 422
    rid = client.post("/v1/requests", headers=office, json=BODY).get_json()["id"]
    extra = client.post(
        f"/v1/requests/{rid}/steps", headers=office, json={"action": "note", "x": 1}
    )
    assert extra.status_code == 422 and extra.get_json()["error"]["field"] == "x"


def test_a_viewer_reads_no_needs_and_no_notes(client, key):
    past = {**BODY, "by": "2020-01-06T12:00+08:00"}
    rid = client.post("/v1/requests", headers=key("planner"), json=past).get_json()["id"]
    client.post(
        "/v1/requests", headers=key("planner"), json={**BODY, "by": "2999-01-01T12:00+08:00"}
    )
    steps = f"/v1/requests/{rid}/steps"
    client.post(steps, headers=key("planner"), json={"action": "note", "note": "老人说明天再来"})
    seen = client.get(f"/v1/requests/{rid}", headers=key("viewer")).get_json()
    assert "needed" not in seen and all("note" not in s for s in seen["steps"])
    overdue = client.get("/v1/requests?overdue=true", headers=key("viewer")).get_json()
    assert [r["id"] for r in overdue["requests"]] == [rid]
