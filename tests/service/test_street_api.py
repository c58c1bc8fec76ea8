"""``/v1/grids``, ``/v1/teams``, ``/v1/buildings``, ``/v1/households`` and the rest of the grid
register over HTTP: scoped to the street office, a team, nothing for a canteen."""

from __future__ import annotations

import pytest
from conftest import REPO

from dispatch.service.demo import seed
from dispatch.service.keys import create_key
from dispatch.service.street_register import seed_street


@pytest.fixture
def street(app):
    store = app.extensions["dispatch"].store
    seed(store, REPO / "scenarios" / "jiangnan-rainstorm.yaml")
    seed_street(store, REPO / "scenarios" / "demo-street.yaml")

    def key(role: str, **scope: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {create_key(store, role, **scope).token}"}

    return key


def ids(response, kind: str) -> set[str]:
    assert response.status_code == 200, response.get_json()
    return {r["id"] for r in response.get_json()[kind]}


def test_the_street_office_sees_every_record_and_filters_them(client, street):
    office = street("viewer")
    assert len(ids(client.get("/v1/households", headers=office), "households")) == 60
    assert ids(client.get("/v1/grids", headers=office), "grids") == {"g1", "g2", "g3", "g4"}
    assert len(ids(client.get("/v1/buildings?team=t4", headers=office), "buildings")) == 3
    by_team = ids(client.get("/v1/households?team=t4", headers=office), "households")
    assert len(by_team) == 15
    pregnant = client.get("/v1/households?group=pregnant_postpartum", headers=office)
    groups = [{m["group"] for m in r["data"]["members"]} for r in pregnant.get_json()["households"]]
    assert groups and all("pregnant_postpartum" in g for g in groups)
    assert all("notes" not in r["data"] for r in pregnant.get_json()["households"])


def test_a_teams_key_sees_only_its_team(client, street):
    team = street("planner", team="t1")
    households = ids(client.get("/v1/households", headers=team), "households")
    assert households == {f"h{n:02d}" for n in range(1, 16)}
    assert ids(client.get("/v1/teams", headers=team), "teams") == {"t1"}
    assert client.get("/v1/households/h20", headers=team).status_code == 404
    assert client.get("/v1/teams/t2", headers=team).status_code == 404
    own = client.get("/v1/teams/t1", headers=team).get_json()["data"]
    assert all(m["phone"] for m in own["members"])
    grid = {"street": "jiangnan", "id": "g9", "name": "九", "community": "hele"}
    refused = client.post("/v1/grids", headers=team, json=grid)
    assert refused.status_code == 403
    assert client.get("/v1/clients", headers=team).status_code == 403
    assert client.get("/v1/plans", headers=team).status_code == 403


def test_a_canteens_key_sees_no_street_record(client, street):
    canteen = street("admin", canteen="jiangnan")
    response = client.get("/v1/households", headers=canteen)
    assert response.status_code == 403
    assert response.get_json()["error"]["field"] == "Authorization"
    assert client.get("/v1/households/h01", headers=canteen).status_code == 403


def test_a_team_adds_and_corrects_a_household_of_its_building(client, street):
    team = street("planner", team="t2")
    body = {
        "street": "jiangnan",
        "id": "h90",
        "building": "hele-5",
        "floor": 3,
        "members": [{"name": "梁伯", "group": "seriously_ill"}],
        "responsible": "t2-m3",
    }
    made = client.post("/v1/households", headers=team, json=body)
    assert made.status_code == 201 and made.headers["Location"] == "/v1/households/h90"
    fixed = client.put("/v1/households/h90", headers=team, json={**body, "floor": 4})
    assert fixed.status_code == 200 and fixed.get_json()["version"] == 2
    assert fixed.get_json()["data"]["floor"] == 4
    other = {**body, "id": "h91", "building": "jingui-8-1"}
    elsewhere = client.post("/v1/households", headers=team, json=other)
    assert elsewhere.status_code == 422
    assert elsewhere.get_json()["error"]["field"] == "building"


def test_a_bad_record_is_422_with_its_field_and_no_personal_data(client, street):
    office = street("planner")
    body = {
        "street": "jiangnan",
        "id": "h92",
        "building": "hele-5",
        "members": [{"name": "王秀英", "group": "lonely"}],
    }
    response = client.post("/v1/households", headers=office, json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "members[0].group" and error["message_zh"]
    assert "王秀英" not in response.get_data(as_text=True)
    mismatch = client.put("/v1/households/h01", headers=office, json={**body, "id": "h02"})
    assert mismatch.status_code == 422 and mismatch.get_json()["error"]["field"] == "id"
    assert client.get("/v1/households/h92", headers=office).status_code == 404


def test_a_teams_key_is_listed_with_its_team(client, street):
    street("viewer", team="t3")
    listed = client.get("/v1/keys", headers=street("admin")).get_json()["keys"]
    scopes = {(k["scope"], k["canteen"], k["team"]) for k in listed}
    assert ("team", None, "t3") in scopes and ("street", None, None) in scopes
