"""Tenancy and roles: a key sees only its canteen (a street key all), viewers no phones."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import error_of

from dispatch.service.keys import create_key

DATE = "2026-11-24"


def _headers(app, role: str, canteen: str | None = None) -> dict[str, str]:
    key = create_key(app.extensions["dispatch"].store, role, canteen=canteen)
    return {"Authorization": f"Bearer {key.token}"}


@pytest.fixture
def street(client, app, ledger_canteen, ledger_courier, ledger_client) -> dict[str, Any]:
    """Two canteens, ``jn`` and ``bh``, each with a courier and a client, and a done plan of
    ``bh``'s, made with a street planner's key."""
    planner = _headers(app, "planner")
    bh = {**ledger_canteen, "id": "bh", "name": "北海"}
    for kind, record in (
        ("canteens", ledger_canteen),
        ("canteens", bh),
        ("couriers", ledger_courier),
        ("couriers", {**ledger_courier, "id": "r2", "canteen": "bh"}),
        ("clients", ledger_client("a1", phone="13800000001", notes="耳背")),
        ("clients", ledger_client("b1", canteen="bh", phone="13900000002")),
    ):
        assert client.post(f"/v1/{kind}", json=record, headers=planner).status_code == 201
    plans = {}
    for canteen in ("jn", "bh"):
        body = {"date": DATE, "canteen": canteen, "settings": {"time_limit_s": 1}}
        job = client.post("/v1/plans?wait=30", json=body, headers=planner).get_json()
        assert job["status"] == "done", job
        plans[canteen] = job["id"]
    return {"planner": planner, "plans": plans}


def _same_error_but_the_id(hidden, missing, hidden_id: str, missing_id: str) -> bool:
    """Whether a hidden record's answer is the missing one's, word for word but for the id."""
    shown = {k: v.replace(hidden_id, "ID") for k, v in error_of(hidden).items()}
    absent = {k: v.replace(missing_id, "ID") for k, v in error_of(missing).items()}
    return hidden.status_code == missing.status_code == 404 and shown == absent


def test_a_canteen_key_gets_404_not_403_on_another_canteens_plan_papers_and_records(
    client, app, street
):
    viewer, planner = _headers(app, "viewer", "jn"), _headers(app, "planner", "jn")
    theirs, missing = street["plans"]["bh"], "0" * 32
    for path in ("", "/sheets/r2", "/kitchen", "/routes.geojson"):
        hidden = client.get(f"/v1/plans/{theirs}{path}", headers=viewer)
        absent = client.get(f"/v1/plans/{missing}{path}", headers=viewer)
        assert _same_error_but_the_id(hidden, absent, theirs, missing), path
    hidden = client.delete(f"/v1/plans/{theirs}", headers=planner)
    assert _same_error_but_the_id(hidden, client.delete(f"/v1/plans/{missing}", headers=planner),
                                  theirs, missing)  # fmt: skip
    for kind, theirs_id in (("clients", "b1"), ("couriers", "r2"), ("canteens", "bh")):
        for suffix in ("", "/history"):
            hidden = client.get(f"/v1/{kind}/{theirs_id}{suffix}", headers=viewer)
            absent = client.get(f"/v1/{kind}/zz{suffix}", headers=viewer)
            assert _same_error_but_the_id(hidden, absent, theirs_id, "zz"), (kind, suffix)
        assert client.delete(f"/v1/{kind}/{theirs_id}", headers=planner).status_code == 404
    b1 = {"canteen": "jn", "location": {"lat": 22.58, "lon": 113.1}, "meals": {"soft": 1}}
    assert client.put("/v1/clients/b1", json=b1, headers=planner).status_code == 404  # no taking
    still = client.get("/v1/clients/b1", headers=street["planner"]).get_json()
    assert (still["version"], still["active"]) == (1, True)
    mine = client.get(f"/v1/plans/{street['plans']['jn']}/sheets/r1", headers=viewer)
    assert mine.status_code == 200


def test_another_canteens_records_and_plans_never_appear_in_a_canteen_keys_lists(
    client, app, street
):
    viewer = _headers(app, "viewer", "jn")
    for query in ("", "?canteen=bh", "?canteen=jn", "?include_inactive=true"):
        for kind, mine in (("clients", ["a1"]), ("couriers", ["r1"]), ("canteens", ["jn"])):
            listed = client.get(f"/v1/{kind}{query}", headers=viewer).get_json()[kind]
            assert [r["id"] for r in listed] == ([] if "bh" in query else mine), (kind, query)
        plans = client.get(f"/v1/plans{query}", headers=viewer).get_json()["plans"]
        expected = [] if "bh" in query else [street["plans"]["jn"]]
        assert [p["id"] for p in plans] == expected, query
    every = client.get("/v1/plans", headers=_headers(app, "viewer")).get_json()["plans"]
    assert {p["canteen"] for p in every} == {"jn", "bh"}
    clients = client.get("/v1/clients", headers=street["planner"]).get_json()["clients"]
    assert [r["id"] for r in clients] == ["a1", "b1"]


def test_a_canteen_key_cannot_create_records_or_plans_for_another_canteen(
    client, app, street, ledger_canteen, ledger_client, tiny
):
    planner = _headers(app, "planner", "jn")
    theirs = client.post("/v1/clients", json=ledger_client("x", canteen="bh"), headers=planner)
    nowhere = client.post("/v1/clients", json=ledger_client("x", canteen="zz"), headers=planner)
    assert (theirs.status_code, error_of(theirs)["field"]) == (422, "canteen")
    assert error_of(theirs)["message"].replace("bh", "zz") == error_of(nowhere)["message"]
    moved = client.put("/v1/clients/a1", json=ledger_client("a1", canteen="bh"), headers=planner)
    assert (moved.status_code, error_of(moved)["field"]) == (422, "canteen")
    other = client.post("/v1/canteens", json={**ledger_canteen, "id": "new"}, headers=planner)
    assert (other.status_code, error_of(other)["field"]) == (403, "id")
    plan = client.post("/v1/plans", json={"date": DATE, "canteen": "bh"}, headers=planner)
    absent = client.post("/v1/plans", json={"date": DATE, "canteen": "zz"}, headers=planner)
    assert (plan.status_code, error_of(plan)["field"]) == (404, "canteen")
    assert _same_error_but_the_id(plan, absent, "bh", "zz")
    tiny["canteen"]["id"] = "bh"
    body = client.post("/v1/plans", json=tiny, headers=planner)
    assert (body.status_code, error_of(body)["field"]) == (422, "canteen.id")
    listed = client.get("/v1/clients", headers=street["planner"]).get_json()["clients"]
    assert [r["id"] for r in listed] == ["a1", "b1"]


def test_a_new_canteen_key_may_add_its_own_canteen_record(client, app, ledger_canteen):
    planner = _headers(app, "planner", "jn")
    assert client.post("/v1/canteens", json=ledger_canteen, headers=planner).status_code == 201


def test_a_viewer_reads_clients_without_phone_group_and_notes(client, app, street):
    planner, viewer = _headers(app, "planner", "jn"), _headers(app, "viewer", "jn")
    change = {"group": "重度残疾", "phone": "13800000001", "notes": "耳背", "name": "陈婆婆"}
    put = client.put("/v1/clients/a1", json={**_data(client, planner), **change}, headers=planner)
    assert put.status_code == 200
    full = _data(client, planner)
    assert {k: full[k] for k in change} == change
    seen = [
        client.get("/v1/clients/a1", headers=viewer).get_json()["data"],
        client.get("/v1/clients", headers=viewer).get_json()["clients"][0]["data"],
        *(r["data"] for r in client.get("/v1/clients/a1/history", headers=viewer).get_json()[
            "history"]),
    ]  # fmt: skip
    for data in seen:
        assert not {"phone", "group", "notes"} & set(data)
        assert data["name"] == "陈婆婆" and data["location"] == full["location"]
    courier = client.get("/v1/couriers/r1", headers=viewer).get_json()["data"]
    assert courier["capacity"] == 6


def _data(client, headers) -> dict[str, Any]:
    return client.get("/v1/clients/a1", headers=headers).get_json()["data"]


def test_admin_makes_lists_and_revokes_keys_and_the_token_is_shown_only_once(client, app):
    admin = _headers(app, "admin")
    made = client.post("/v1/keys", json={"role": "viewer", "canteen": "jn", "name": "厨房"},
                       headers=admin)  # fmt: skip
    assert made.status_code == 201 and made.headers["Location"] == f"/v1/keys/{made.json['id']}"
    key = made.get_json()
    assert (key["role"], key["scope"], key["canteen"], key["name"]) == ("viewer", "canteen",
                                                                        "jn", "厨房")  # fmt: skip
    headers = {"Authorization": f"Bearer {key['token']}"}
    assert client.get("/v1/plans", headers=headers).status_code == 200
    listed = client.get("/v1/keys", headers=admin).get_json()["keys"]
    assert key["id"] in {k["id"] for k in listed}
    assert all("token" not in k and key["token"] not in str(k) for k in listed)
    revoked = client.delete(f"/v1/keys/{key['id']}", headers=admin)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert client.get("/v1/plans", headers=headers).status_code == 401
    assert client.delete(f"/v1/keys/{key['id']}", headers=admin).status_code == 404
    street = client.post("/v1/keys", json={"role": "admin", "scope": "street"}, headers=admin)
    assert (street.status_code, street.get_json()["canteen"]) == (201, None)


def test_only_admins_manage_keys_and_a_canteen_admin_only_its_canteens(client, app):
    planner, admin = _headers(app, "planner", "jn"), _headers(app, "admin", "jn")
    other = create_key(app.extensions["dispatch"].store, "viewer", canteen="bh")
    assert client.get("/v1/keys", headers=planner).status_code == 403
    viewer = {"role": "viewer", "canteen": "jn"}
    assert client.post("/v1/keys", json=viewer, headers=planner).status_code == 403
    for body in ({"role": "viewer", "canteen": "bh"}, {"role": "admin", "scope": "street"}):
        refused = client.post("/v1/keys", json=body, headers=admin)
        assert (refused.status_code, error_of(refused)["field"]) == (403, "canteen")
    assert client.post("/v1/keys", json=viewer, headers=admin).status_code == 201
    listed = client.get("/v1/keys", headers=admin).get_json()["keys"]
    assert {k["canteen"] for k in listed} == {"jn"} and len(listed) == 3
    assert client.delete(f"/v1/keys/{other.info.id}", headers=admin).status_code == 404
    still = {"Authorization": f"Bearer {other.token}"}
    assert client.get("/v1/plans", headers=still).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"canteen": "jn"}, "role"),
        ({"role": "root", "canteen": "jn"}, "role"),
        ({"role": "viewer"}, "canteen"),
        ({"role": "viewer", "canteen": "jn", "scope": "street"}, "canteen"),
        ({"role": "viewer", "canteen": ""}, "canteen"),
        ({"role": "viewer", "scope": "city"}, "scope"),
        ({"role": "viewer", "scope": "street", "token": "mine"}, "token"),
    ],
    ids=["no-role", "bad-role", "no-scope", "both-scopes", "empty-canteen", "bad-scope", "extra"],
)
def test_a_key_request_needs_a_role_and_exactly_one_scope(client, app, body, field):
    response = client.post("/v1/keys", json=body, headers=_headers(app, "admin"))
    assert (response.status_code, error_of(response)["field"]) == (422, field)
