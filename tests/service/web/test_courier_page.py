"""The courier's page through Flask's test client: the plan page hands a link per route to
a planner (not a viewer); a link opens its route alone, on its day only, with the sheet's
information but no client's phone; its outcomes are stored once however often they are
sent, and a client of another route is refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from courier_fixtures import CLIENT_PHONE, NOTE_PHONE, todays_plan
from outcome_fixtures import local
from test_board_pages import PASSWORD, logged_in

from dispatch.model import Location
from dispatch.report.sheets import mask_name
from dispatch.scenario.schedule import today as local_today
from dispatch.service.courier_links import RouteLink, make_token
from dispatch.service.outcomes import outcomes_of
from dispatch.service.users import create_user
from dispatch.travel.geo import from_wgs84

SECRET = "courier-test"
RIDER_A = ("t-b1-low", "t-b1-high", "t-temp")
RIDER_B = ("t-south", "t-tower")


@pytest.fixture
def day(make_app):
    app = make_app(SECRET_KEY=SECRET)
    store = app.extensions["dispatch"].store
    plan_id = todays_plan(store)
    create_user(store, "pa", PASSWORD, "planner", canteen="a")
    create_user(store, "va", PASSWORD, "viewer", canteen="a")
    return app, store, plan_id


def link(plan_id: str, route: int, date: dt.date | None = None, secret: str = SECRET) -> str:
    day = (date or local_today()).isoformat()
    return "/c/" + make_token(secret, RouteLink(plan_id, route, day))


def at(hh_mm: str) -> str:
    return local(hh_mm, local_today()).isoformat()


def test_the_plan_page_hands_a_planner_one_link_per_route_and_a_viewer_none(day):
    app, _, plan_id = day
    planner = logged_in(app, "pa").get(f"/plans/{plan_id}").text
    links = re.findall(r'class="courier-link" href="http://localhost(/c/[^"]+)"', planner)
    assert len(links) == 2
    assert links[0] == link(plan_id, 0) and links[1] == link(plan_id, 1)
    assert "courier-link" not in logged_in(app, "va").get(f"/plans/{plan_id}").text


def test_a_link_shows_its_route_alone_with_calls_maps_and_no_client_phone(day):
    app, store, plan_id = day
    page = app.test_client().get(link(plan_id, 0))  # no login
    assert page.status_code == 200
    doors = re.findall(r'class="door" data-client="([^"]+)"', page.text)
    assert doors == list(RIDER_A)
    assert not any(f'data-client="{c}"' in page.text for c in RIDER_B)
    assert 'href="tel:0750-1111111"' in page.text and 'href="tel:13800000009"' in page.text
    assert CLIENT_PHONE not in page.text and NOTE_PHONE not in page.text
    assert "耳背" in page.text and mask_name("钟伯伯") in page.text and "钟伯伯" not in page.text
    assert page.text.count('class="outcome"') == 5 * len(RIDER_A)
    # The first stop's map links, in the coordinates each app expects.
    plan = store.get_plan(plan_id)
    first = next(c for c in plan.scenario["clients"] if c["id"] == "t-b1-low")["location"]
    gcj_lat, gcj_lon = from_wgs84(Location(first["lat"], first["lon"]), "gcj02")
    bd_lat, bd_lon = from_wgs84(Location(first["lat"], first["lon"]), "bd09")
    assert f"position={gcj_lon:.6f}%2C{gcj_lat:.6f}" in page.text
    assert f"location={bd_lat:.6f}%2C{bd_lon:.6f}" in page.text
    assert (gcj_lat, gcj_lon) != (first["lat"], first["lon"])


def test_outcomes_are_stored_once_however_often_sent_and_shown_on_the_page(day):
    app, store, plan_id = day
    client = app.test_client()
    body = {"outcomes": [
        {"id": "x1", "client": "t-b1-low", "outcome": "delivered", "at": at("11:06")},
        {"id": "x2", "client": "t-temp", "outcome": "no_answer", "at": at("11:21")},
    ]}  # fmt: skip
    first = client.post(link(plan_id, 0) + "/outcomes", json=body)  # no CSRF token, no key
    assert first.status_code == 200
    assert first.json["stored"] == ["x1", "x2"] and len(first.json["cases"]) == 1
    again = client.post(link(plan_id, 0) + "/outcomes", json=body)
    assert again.json == {"stored": [], "repeated": ["x1", "x2"], "cases": []}
    records = outcomes_of(store, plan_id=plan_id)
    assert sorted(r.id for r in records) == ["x1", "x2"]
    assert {r.recorded_by for r in records} == {"courier:rider-a"}
    page = client.get(link(plan_id, 0)).text
    assert 'data-client="t-b1-low" data-outcome="delivered" data-state="sent"' in page
    assert 'data-client="t-temp" data-outcome="no_answer" data-state="sent"' in page


def test_a_client_of_another_route_is_refused_with_its_field_and_nothing_stored(day):
    app, store, plan_id = day
    body = {"outcomes": [
        {"id": "y1", "client": "t-b1-low", "outcome": "delivered", "at": at("11:06")},
        {"id": "y2", "client": "t-south", "outcome": "delivered", "at": at("11:02")},
    ]}  # fmt: skip
    answer = app.test_client().post(link(plan_id, 0) + "/outcomes", json=body)
    assert answer.status_code == 422
    assert answer.json["error"]["field"] == "outcomes[1].client"
    assert outcomes_of(store, plan_id=plan_id) == []


@pytest.mark.parametrize(
    ("made", "status"),
    [
        (lambda plan_id: link(plan_id, 0, secret="another server"), 404),
        (lambda plan_id: link(plan_id, 0, local_today() - dt.timedelta(days=1)), 403),
        (lambda plan_id: link(plan_id, 7), 404),
        (lambda plan_id: link("no-such-plan", 0), 404),
        (lambda plan_id: "/c/not-a-token", 404),
    ],
    ids=["forged", "yesterday", "no-such-route", "no-such-plan", "garbage"],
)
def test_a_forged_or_stale_link_opens_nothing(day, made, status):
    app, store, plan_id = day
    client = app.test_client()
    page = client.get(made(plan_id))
    assert page.status_code == status and "<html" in page.text
    assert "Traceback" not in page.text and "t-b1-low" not in page.text
    body = {"id": "z1", "client": "t-b1-low", "outcome": "delivered", "at": at("11:06")}
    answer = client.post(made(plan_id) + "/outcomes", json=body)
    assert answer.status_code == status
    assert answer.json["error"]["field"] == "token"
    assert outcomes_of(store, plan_id=plan_id) == []
