"""The station head's board and the welfare case pages through Flask's test client: open
cases first with today's progress, a step and a close recorded by the login, never a close
without an outcome, and a canteen's login that sees none of another's cases."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from outcome_fixtures import TINY, done_plan, local

from dispatch.scenario import read_document
from dispatch.scenario.schedule import today as local_today
from dispatch.service.demo import seed
from dispatch.service.outcomes import record_outcomes
from dispatch.service.users import create_user, sign_in
from dispatch.service.welfare import get_case, list_cases

PASSWORD = "correct horse"


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


def logged_in(app, name: str):
    client = app.test_client()
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
    return client


def at(hh_mm: str) -> str:
    return local(hh_mm, local_today()).isoformat()


@pytest.fixture
def day(make_app):
    """Canteen ``a``'s plan for today (the tiny day's hand-made plan) with t-south delivered
    and t-tower not answering; canteen ``b`` with a login of its own."""
    app = make_app()
    store = app.extensions["dispatch"].store
    seed(store, TINY, "a")
    store.create_record("canteens", {"id": "b", "name": "乙饭堂", "meals_ready": "10:40",
                                     "location": {"lat": 22.6, "lon": 113.2}})  # fmt: skip
    for name, role, canteen in (("pa", "planner", "a"), ("va", "viewer", "a"),
                                ("pb", "planner", "b")):  # fmt: skip
        create_user(store, name, PASSWORD, role, canteen=canteen)
    document = read_document(TINY)
    document["date"] = local_today().isoformat()
    document["canteen"]["id"] = "a"
    plan_id = done_plan(store, document)
    items = [
        {"id": "o1", "client": "t-south", "outcome": "delivered", "at": at("11:01")},
        {"id": "o2", "client": "t-tower", "outcome": "no_answer", "at": at("11:16")},
    ]
    record_outcomes(store, plan_id, items, recorded_by="user:pa")
    return app, store, plan_id


def test_the_board_shows_the_open_case_first_and_each_routes_progress(day):
    app, store, plan_id = day
    client = logged_in(app, "pa")
    page = client.get("/board").text
    assert page.index('id="cases"') < page.index('id="routes-progress"')
    (case,) = list_cases(store, "a", status="open")
    assert f'data-case="{case.id}"' in page and "敲门无人应" in page
    data = client.get("/board/data.json").get_json()
    assert data["plan"] == plan_id
    assert [c["id"] for c in data["cases"]] == [case.id]
    assert data["done"] == ["t-south", "t-tower"]
    routes = {r["vehicle"]: (r["done"], r["to_do"]) for r in data["routes"]}
    assert routes == {"rider-a": (0, 3), "rider-b": (2, 0)}  # clients, not stops


def test_a_step_and_a_close_are_recorded_by_the_login_and_the_case_leaves_the_board(day):
    app, store, _ = day
    (case,) = list_cases(store, "a", status="open")
    client = logged_in(app, "pa")
    page = client.get(f"/cases/{case.id}").text
    form = {"csrf_token": csrf_of(page), "action": "call_client", "note": "无人接听"}
    assert client.post(f"/cases/{case.id}/steps", data=form).status_code == 302
    form = {"csrf_token": csrf_of(page), "closed_with": "found_well", "note": "邻居见到"}
    assert client.post(f"/cases/{case.id}/close", data=form).status_code == 302
    closed = get_case(store, case.id)
    assert closed.status == "closed" and closed.closed_with == "found_well"
    pa = sign_in(store, "pa", PASSWORD)
    assert [(s.by, s.action) for s in closed.steps][-2:] == [
        (pa.id, "call_client"), (pa.id, "close")]  # fmt: skip
    shown = client.get(f"/cases/{case.id}").text
    assert "确认平安" in shown and "<td>pa</td><td>致电客户</td><td>无人接听</td>" in shown
    assert client.get("/board/data.json").get_json()["cases"] == []


def test_a_case_is_never_closed_without_an_outcome(day):
    app, store, _ = day
    (case,) = list_cases(store, "a", status="open")
    client = logged_in(app, "pa")
    token = csrf_of(client.get(f"/cases/{case.id}").text)
    answer = client.post(f"/cases/{case.id}/close", data={"csrf_token": token, "closed_with": ""})
    assert answer.status_code == 422 and "结案须注明结果" in answer.text
    assert get_case(store, case.id).status == "open"


def test_a_viewer_reads_the_case_without_notes_and_cannot_close_it(day):
    app, store, _ = day
    (case,) = list_cases(store, "a", status="open")
    client = logged_in(app, "va")
    page = client.get(f"/cases/{case.id}").text
    assert 'id="close-case"' not in page
    token = csrf_of(page)
    answer = client.post(f"/cases/{case.id}/close",
                         data={"csrf_token": token, "closed_with": "found_well"})  # fmt: skip
    assert answer.status_code == 403 and get_case(store, case.id).status == "open"


def test_another_canteens_login_sees_none_of_the_cases(day):
    app, store, _ = day
    (case,) = list_cases(store, "a", status="open")
    client = logged_in(app, "pb")
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert case.id not in client.get("/cases").text
    data = client.get("/board/data.json").get_json()
    assert data["cases"] == [] and data["plan"] is None


def test_an_open_case_of_yesterday_still_shows_today(day, monkeypatch):
    app, store, _ = day
    (case,) = list_cases(store, "a", status="open")
    tomorrow = local_today() + dt.timedelta(days=1)
    monkeypatch.setattr("dispatch.service.views.web.board.local_today", lambda: tomorrow)
    data = logged_in(app, "pa").get("/board/data.json").get_json()
    assert data["plan"] is None and [c["id"] for c in data["cases"]] == [case.id]


def test_the_report_by_case_lists_the_days_cases_and_how_each_one_ended(day):
    app, store, _ = day
    client = logged_in(app, "pa")
    today = local_today().isoformat()
    query = f"/reports?from={today}&to={today}&by=case"
    page = client.get(query).text
    (case,) = list_cases(store, "a")
    assert f'href="/cases/{case.id}"' in page and "敲门无人应" in page and "未结案" in page
    assert re.search(r'id="total-cases_open">1<', page)
    form = {"csrf_token": csrf_of(page), "closed_with": "found_well"}
    assert client.post(f"/cases/{case.id}/close", data=form).status_code == 302
    page = client.get(query).text
    assert "确认平安" in page and re.search(r'id="total-cases_open">0<', page)
    assert re.search(r'id="total-cases">1<', page)
    since = client.get(f"/reports?since={today}").text
    assert f"自 {today} 起累计：送达 1 次，服务 1 人，骑手 1 人，共 1 天" in since
    bad = client.get("/reports?since=North")
    assert bad.status_code == 422 and "since" in bad.text and "Traceback" not in bad.text
