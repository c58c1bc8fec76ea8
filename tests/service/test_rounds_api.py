"""``POST /v1/rounds`` and ``GET /v1/rounds/<id>``: a team's day planned as a job on the
demo street's register and request board, verified; scoped like the register; bad bodies
are 4xx JSON with their field."""

from __future__ import annotations

import pytest
from conftest import REPO
from sqlalchemy import select

from dispatch.service.demo import seed
from dispatch.service.keys import create_key
from dispatch.service.street_register import seed_requests, seed_street
from dispatch.service.tables import PlanRow

STREET = REPO / "scenarios" / "demo-street.yaml"
BODY = {"team": "t1", "date": "2026-12-07", "settings": {"iterations": 100}}


@pytest.fixture
def key(app):
    store = app.extensions["dispatch"].store
    seed(store, REPO / "scenarios" / "jiangnan-rainstorm.yaml")
    seed_street(store, STREET)
    assert seed_requests(store, STREET) == {"requests": 8}
    assert seed_requests(store, STREET) == {"requests": 0}

    def make(role: str, **scope: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {create_key(store, role, **scope).token}"}

    return make


def test_a_team_plans_its_round_with_the_medicine_fetched_first(client, key):
    team = key("planner", team="t1")
    made = client.post("/v1/rounds?wait=60", headers=team, json=BODY)
    assert made.status_code == 201, made.get_json()
    job = made.get_json()
    assert (job["status"], job["team"], job["date"]) == ("done", "t1", "2026-12-07")
    plan = job["plan"]
    assert plan["violations"] == []
    steps = [(s["type"], s["task"]) for r in plan["rounds"] for s in r["steps"]]
    planned = {task for kind, task in steps if kind == "task"}
    left = {lo["task"] for lo in plan["left_out"]}
    assert {"r1", "r2", "r3"} <= planned | left and not planned & left
    assert steps.index(("pickup", "r1")) < steps.index(("task", "r1"))
    assert all(s["task"].startswith(("r", "visit-h")) for r in plan["rounds"] for s in r["steps"])
    again = client.get(made.headers["Location"], headers=team)
    assert again.status_code == 200 and again.get_json()["plan"] == plan


def test_rounds_are_scoped_like_the_register(client, key):
    office, other = key("planner"), key("planner", team="t2")
    job = client.post("/v1/rounds?wait=60", headers=office, json=BODY).get_json()
    assert job["status"] == "done"
    assert client.get(f"/v1/rounds/{job['id']}", headers=other).status_code == 404
    assert client.post("/v1/rounds", headers=other, json=BODY).status_code == 404
    canteen = key("planner", canteen="jiangnan")
    assert client.post("/v1/rounds", headers=canteen, json=BODY).status_code == 403
    assert client.get(f"/v1/rounds/{job['id']}", headers=canteen).status_code == 403
    viewer = key("viewer", team="t1")
    assert client.post("/v1/rounds", headers=viewer, json=BODY).status_code == 403
    assert client.get(f"/v1/plans/{job['id']}", headers=office).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2026-12-07"}, "team"),
        ({"team": "t9", "date": "2026-12-07"}, "team"),
        ({"team": "t1", "date": "2026-13-07"}, "date"),
        ({"team": "t1", "date": "2026-12-07", "visits": "yes"}, "visits"),
        ({"team": "t1", "date": "2026-12-07", "colour": 1}, "colour"),
        ({"team": "t1", "date": "2026-12-07", "settings": {"speed": 1}}, "settings.speed"),
        ({"team": "t1", "date": "2026-12-07", "settings": {"service_s": {"visit": -1}}},
         "settings.service_s.visit"),
        ({"team": "t1", "date": "2026-12-07", "settings": {"iterations": 0}},
         "settings.iterations"),
    ],
)  # fmt: skip
def test_a_bad_body_names_its_field_and_queues_nothing(app, client, key, body, field):
    office = key("planner")
    answer = client.post("/v1/rounds", headers=office, json=body)
    assert 400 <= answer.status_code < 500
    error = answer.get_json()["error"]
    assert error["field"] == field and error["message"] and error["message_zh"]
    with app.extensions["dispatch"].store.session() as session:
        assert session.scalars(select(PlanRow)).all() == []


def test_a_week_of_visits_covers_every_household_due(client, key):
    team = key("planner", team="t4")
    body = {"team": "t4", "date": "2026-12-07", "days": 7, "settings": {"iterations": 50}}
    made = client.post("/v1/visit_plans?wait=120", headers=team, json=body)
    assert made.status_code == 201, made.get_json()
    assert made.headers["Location"].startswith("/v1/visit_plans/")
    plan = made.get_json()["plan"]
    assert len(plan["days"]) == 7 and plan["violations"] == []
    assert all(day["violations"] == [] for day in plan["days"])
    coverage = plan["coverage"]
    assert coverage["due"] == 15 and coverage["on_time"] == 15  # t4's special-group households
    assert client.get(made.headers["Location"], headers=key("viewer", team="t1")).status_code == 404
    bad = client.post("/v1/visit_plans", headers=team, json={**body, "days": 30})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "days"


def test_a_street_campaign_hands_a_gift_pack_to_every_special_group_household(client, key):
    office = key("planner")
    body = {"street": "jiangnan", "date": "2026-12-07", "days": 3,
            "settings": {"iterations": 30}}  # fmt: skip
    made = client.post("/v1/campaigns?wait=300", headers=office, json=body)
    assert made.status_code == 201, made.get_json()
    assert made.headers["Location"].startswith("/v1/campaigns/")
    plan = made.get_json()["plan"]
    assert [t["team"] for t in plan["teams"]] == ["t1", "t2", "t3", "t4"]
    assert all(t["plan"]["violations"] == [] for t in plan["teams"])
    for t in plan["teams"]:  # each member within ±15 % of the mean of their kind
        within = all(abs(m["off_mean"]) <= plan["tolerance"] for m in t["members"])
        assert t["balanced"] == within and {"capped", "hours"} <= set(t["members"][0])
    coverage = plan["coverage"]
    assert coverage["households"] == 60 == coverage["delivered"] + coverage["left_out"]
    who = {g["household"] for g in coverage["who"]}
    assert len(who) == 60  # each household once: a pack, or the reason it got none
    dates = {g["date"] for g in coverage["who"] if g["date"]}
    assert dates <= {"2026-12-07", "2026-12-08", "2026-12-09"}
    team = key("planner", team="t2")
    assert client.get(made.headers["Location"], headers=team).status_code == 404
    own = client.post("/v1/campaigns?wait=300", headers=team, json=body).get_json()["plan"]
    assert [t["team"] for t in own["teams"]] == ["t2"] and own["coverage"]["households"] == 15


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2026-12-07"}, "street"),
        ({"street": "jiangnan", "date": "2026-12-07", "days": 9}, "days"),
        ({"street": "jiangnan", "date": "2026-12-07", "groups": ["rich"]}, "groups"),
        ({"street": "jiangnan", "date": "2026-12-07", "kind": "cake"}, "kind"),
        ({"street": "jiangnan", "date": "2026-12-07", "tolerance": 0}, "tolerance"),
        ({"street": "jiangnan", "date": "2026-12-07", "tolerance": "15%"}, "tolerance"),
        ({"street": "nowhere", "date": "2026-12-07"}, "street"),
    ],
)
def test_a_bad_campaign_names_its_field(client, key, body, field):
    answer = client.post("/v1/campaigns", headers=key("planner"), json=body)
    assert 400 <= answer.status_code < 500
    assert answer.get_json()["error"]["field"] == field
    assert client.post("/v1/campaigns", headers=key("planner", canteen="jiangnan"),
                       json=body).status_code == 403  # fmt: skip
