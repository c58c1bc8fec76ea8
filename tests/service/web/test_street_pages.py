"""The grid register's pages through Flask's test client: the street office sees the street,
a team's login only its team and no canteen page, a canteen's login none of the register;
the household import's preview and confirmation."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from conftest import REPO

from dispatch.service.demo import seed
from dispatch.service.street_ledger import StreetLedger
from dispatch.service.street_register import seed_street
from dispatch.service.users import create_user

PASSWORD = "correct horse"


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.fixture
def web(make_app):
    app = make_app(JOB_QUEUE_SIZE=2)
    store = app.extensions["dispatch"].store
    seed(store, REPO / "scenarios" / "jiangnan-rainstorm.yaml")
    seed_street(store, REPO / "scenarios" / "demo-street.yaml")
    create_user(store, "office", PASSWORD, "planner", canteen=None)
    create_user(store, "leader2", PASSWORD, "planner", canteen=None, team="t2")
    create_user(store, "cook", PASSWORD, "admin", canteen="jiangnan")
    return app


def logged_in(app, name: str):
    client = app.test_client()
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
    return client, answer


def households(page: str) -> set[str]:
    return set(re.findall(r"<tr><td>(h[0-9]+)</td>", page))


def test_the_office_sees_the_street_and_filters_it_by_group(web):
    client, _ = logged_in(web, "office")
    page = client.get("/street").text
    assert len(households(page)) == 60 and "金桂社区第一网格暖心服务小分队" in page
    sick = client.get("/street?group=seriously_ill").text
    store = web.extensions["dispatch"].store
    expected = {
        r.record_id
        for r in StreetLedger(store).records("households")
        if "seriously_ill" in {m["group"] for m in r.data["members"]}
    }
    assert households(sick) == expected and 0 < len(expected) < 60
    assert "网格台账" in client.get("/today").text  # the office's nav links the register


def test_a_team_login_lands_on_its_register_and_sees_no_canteen(web):
    client, answer = logged_in(web, "leader2")
    assert answer.headers["Location"].endswith("/street")
    page = client.get("/street").text
    assert households(page) == {f"h{n:02d}" for n in range(16, 31)}
    assert "金桂社区" not in page
    team = client.get("/street/teams/t2").text
    assert "t2-m1" in team and "（队长）" in team and "13800001006" in team
    assert client.get("/street/teams/t1").status_code == 404
    assert client.get("/today").status_code == 403
    assert client.get("/register/clients").status_code == 403


def test_a_canteen_login_sees_none_of_the_register(web):
    client, _ = logged_in(web, "cook")
    assert client.get("/street").status_code == 403
    assert "网格台账" not in client.get("/today").text


def test_the_import_previews_errors_then_saves_the_fixed_sheet(web):
    client, _ = logged_in(web, "leader2")
    token = csrf_of(client.get("/street/import").text)
    bad = "id,building,floor,member_1,group_1\nh120,hele-5,2,罗伯,lonely\n".encode()
    answer = client.post(
        "/street/import",
        data={"csrf_token": token, "file": (BytesIO(bad), "households.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422 and "households.csv:row 2: group_1" in answer.text
    good = "id,building,floor,member_1,group_1\nh120,hele-5,2,罗伯,重病患者\n".encode()
    answer = client.post(
        "/street/import",
        data={"csrf_token": token, "file": (BytesIO(good), "households.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200
    payload = re.search(r'name="payload" value="([^"]+)"', answer.text).group(1)
    saved = client.post(
        "/street/import/confirm",
        data={"csrf_token": token, "payload": payload, "filename": "households.csv"},
    )
    assert saved.status_code == 302 and "imported=1" in saved.headers["Location"]
    assert "h120" in households(client.get("/street").text)
    template = client.get("/street/households-template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
