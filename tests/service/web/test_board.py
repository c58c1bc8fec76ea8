"""The station head's board in a real browser (Playwright driving Debian's chromium): the
board is open when a courier's "no answer" comes in; without a reload it shows the case
first and the done stop on the map; the case escalates on the test's clock, and the station
head closes it with an outcome on its page, after which the board has no open case."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from browsing import browser_app, check, signed_in
from outcome_fixtures import TINY, Collect, done_plan, local
from served import serving
from test_board_pages import PASSWORD

from dispatch.scenario import read_document
from dispatch.scenario.schedule import today as local_today
from dispatch.service.demo import seed
from dispatch.service.jobs import solve_document
from dispatch.service.outcomes import record_outcomes
from dispatch.service.users import create_user
from dispatch.service.welfare import DEFAULT_STEPS, list_cases, tick

POLL = {"timeout": 20_000}  # ms Playwright waits for a poll (every 0.2 s) to redraw


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Any, str, dict[str, Any]]]:
    """Canteen ``a`` with today's plan (the tiny day, solved) and its planner ``pa``."""
    folder = tmp_path_factory.mktemp("board")
    app = browser_app(folder)
    store = app.extensions["dispatch"].store
    seed(store, TINY, "a")
    create_user(store, "pa", PASSWORD, "planner", canteen="a")
    document = read_document(TINY)
    document["date"] = local_today().isoformat()
    document["canteen"]["id"] = "a"
    document.setdefault("settings", {})["iterations"] = 50  # a reproducible budget
    plan = solve_document(document, time_limit_s=60, seed=0)
    plan_id = done_plan(store, document, plan)
    with serving(app) as base:
        yield base, store, plan_id, plan


def at(hh_mm: str) -> str:
    return local(hh_mm, local_today()).isoformat()


def test_a_no_answer_reaches_the_open_board_escalates_and_is_closed(server, browser):
    base, store, plan_id, plan = server
    route = max(plan["routes"], key=lambda r: len(r["steps"]))
    stops = [s["clients"] for s in route["steps"] if s["type"] == "delivery"]
    assert len(stops) >= 2, "the tiny day's longest route has two stops or more"
    page = signed_in(browser, base, "pa", "/today")
    page.goto("/board")
    page.wait_for_selector("#map[data-ready='1']", timeout=10_000)
    assert "没有未结的关怀个案" in page.locator("#cases").inner_text()
    assert page.locator(".stop-label.done").count() == 0
    check(page, "board-quiet")

    items = [
        {"id": f"b{n}", "client": c, "outcome": "delivered", "at": at("11:01")}
        for n, c in enumerate(stops[0])
    ] + [{"id": "b-none", "client": stops[1][0], "outcome": "no_answer", "at": at("11:16")}]
    record_outcomes(store, plan_id, items, recorded_by=f"courier:{route['courier']}")
    page.wait_for_selector("#cases tr[data-case]", **POLL)  # no reload: the poll drew it
    assert "敲门无人应" in page.locator("#cases tr[data-case]").inner_text()
    row = page.locator(f"#routes-progress tr[data-route='{route['courier']}'] td")
    done = len(stops[0]) + 1
    assert row.nth(1).inner_text() == str(done)
    assert row.nth(2).inner_text() == str(sum(map(len, stops)) - done)
    whole = 1 + (len(stops[1]) == 1)  # the second stop is done when its one client is
    script = f"document.querySelectorAll('.stop-label.done').length === {whole}"
    page.wait_for_function(script, **POLL)
    check(page, "board-case")

    (case,) = list_cases(store, "a", status="open")
    sent = Collect()
    tick(store, case.opened_at + dt.timedelta(minutes=21), sent, DEFAULT_STEPS)
    assert [n.step for n in sent.notices] == ["notify", "call_client", "call_emergency_contact"]
    page.locator("#cases tr[data-case] a").click()
    page.wait_for_url(re.compile(f"/cases/{case.id}"))
    steps = page.locator("#steps").inner_text()
    assert "致电客户" in steps and "致电紧急联系人" in steps and "自动升级" in steps
    check(page, "case-open")

    page.get_by_label("结果").select_option("found_well")
    page.get_by_role("button", name="按此结果结案").click()
    page.wait_for_selector("#case-status[data-status='closed']")
    assert "确认平安" in page.locator("#closed-with").inner_text()
    check(page, "case-closed")

    page.goto("/board")
    assert "没有未结的关怀个案" in page.locator("#cases").inner_text()
    page.close()
