"""The request board and the grid reports through Flask's test client: a team solves one
request, reports another up; the street office closes it; a team never sees another's."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from conftest import REPO

from dispatch.service import requests as board
from dispatch.service.demo import seed
from dispatch.service.street_register import seed_street
from dispatch.service.users import create_user

PASSWORD = "correct horse"
NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.fixture
def street(make_app):
    app = make_app()
    store = app.extensions["dispatch"].store
    seed(store, REPO / "scenarios" / "jiangnan-rainstorm.yaml")
    seed_street(store, REPO / "scenarios" / "demo-street.yaml")
    create_user(store, "leader1", PASSWORD, "planner", canteen=None, team="t1")
    create_user(store, "leader2", PASSWORD, "planner", canteen=None, team="t2")
    create_user(store, "office", PASSWORD, "planner", canteen=None)
    office = board.Viewer(by="office")
    for rid, household, by in (("r1", "h01", "2020-01-01T12:00+08:00"), ("r2", "h02", None)):
        body = {"id": rid, "kind": "gift_pack", "household": household, "needed": "礼包"}
        body |= {"by": by or "2999-01-01T12:00+08:00", "source": "visit"}
        board.create_request(store, body, viewer=office, now=NOW)
    board.create_request(
        store,
        {"id": "r3", "kind": "repair", "household": "h20", "needed": "水管",
         "by": "2999-01-01T12:00+08:00", "source": "phone"},
        viewer=office,
    )  # fmt: skip
    return app


def logged_in(app, name: str):
    client = app.test_client()
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
    return client


def test_a_team_solves_one_and_reports_one_up_which_the_office_closes(street):
    team = logged_in(street, "leader1")
    page = team.get("/street/requests").text
    assert page.index("request-r1") < page.index("request-r2")  # overdue first
    assert 'class="card request overdue" id="request-r1"' in page
    assert "request-r3" not in page  # another team's
    token = csrf_of(page)
    done = team.post("/street/requests/r1/steps", data={"action": "done", "csrf_token": token})
    assert done.status_code == 302
    no_reason = team.post(
        "/street/requests/r2/steps", data={"action": "reported_up", "csrf_token": token}
    )
    assert no_reason.status_code == 422 and "需要填写原因" in no_reason.text
    up = {"action": "reported_up", "reason": "礼包库存不足", "csrf_token": token}
    assert team.post("/street/requests/r2/steps", data=up).status_code == 302
    assert (
        team.post(
            "/street/requests/r3/steps", data={"action": "note", "note": "x", "csrf_token": token}
        ).status_code
        == 422
    )
    office = logged_in(street, "office")
    page = office.get("/street/requests?status=reported_up").text
    assert "request-r2" in page and "礼包库存不足" in page and "request-r1" not in page
    closed = {"action": "closed", "note": "已补货", "csrf_token": csrf_of(page)}
    assert office.post("/street/requests/r2/steps", data=closed).status_code == 302
    store = street.extensions["dispatch"].store
    assert board.get_request(store, "r2", board.Viewer(by="x")).status == "closed"
    assert "request-r3" in office.get("/street/requests").text


def test_the_reports_page_and_its_workbook_count_the_gift_packs(street):
    team = logged_in(street, "leader1")
    token = csrf_of(team.get("/street/requests").text)
    team.post("/street/requests/r1/steps", data={"action": "done", "csrf_token": token})
    page = team.get("/street/reports?on=2026-12-07")
    assert page.status_code == 200 and "金桂社区第一网格暖心服务小分队" in page.text
    assert "和乐社区第一网格暖心服务小分队" not in page.text  # only the team's own
    book = openpyxl.load_workbook(io.BytesIO(team.get("/street/reports.xlsx?on=2026-12-07").data))
    rows = list(book["小分队"].iter_rows(values_only=True))
    gift = rows[0].index("爱心礼包已送达")
    assert [r[0] for r in rows[1:]] == ["t1"] and rows[1][gift] == 1


def test_a_canteens_login_gets_no_board(street):
    store = street.extensions["dispatch"].store
    create_user(store, "cook", PASSWORD, "planner", canteen="jiangnan")
    assert logged_in(street, "cook").get("/street/requests").status_code == 403
