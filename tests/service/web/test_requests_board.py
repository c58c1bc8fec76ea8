"""The request board in a real browser (Playwright driving Debian's chromium): a team leader
solves one request at once and reports another up with a reason; the street office sees it
and closes it; the other team's leader never sees the first team's requests. Every page is
checked with axe-core (vendored) and photographed into ``tests/artifacts/``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from browsing import PASSWORD, check, signed_in
from conftest import REPO
from cryptography.fernet import Fernet
from served import serving

from api import create_app
from dispatch.service import requests as board
from dispatch.service.demo import seed
from dispatch.service.street_register import seed_street
from dispatch.service.users import create_user


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Any]]:
    """The app with the demo street, two team leaders and the street office; three requests."""
    folder = tmp_path_factory.mktemp("board")
    os.environ.setdefault("DISPATCH_DATA_KEY", Fernet.generate_key().decode())
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'web.sqlite'}", "JOB_WORKERS": 1,
                      "SECRET_KEY": "browser-test"})  # fmt: skip
    store = app.extensions["dispatch"].store
    seed(store, REPO / "scenarios" / "jiangnan-rainstorm.yaml")
    seed_street(store, REPO / "scenarios" / "demo-street.yaml")
    create_user(store, "leader1", PASSWORD, "planner", canteen=None, team="t1")
    create_user(store, "leader2", PASSWORD, "planner", canteen=None, team="t2")
    create_user(store, "office", PASSWORD, "planner", canteen=None)
    office = board.Viewer(by="office")
    for rid, household, kind in (("r1", "h01", "medicine"), ("r2", "h02", "repair"),
                                 ("r3", "h20", "errand")):  # fmt: skip
        body = {"id": rid, "kind": kind, "household": household, "needed": "所需",
                "by": "2999-01-01T12:00+08:00", "source": "phone"}  # fmt: skip
        board.create_request(store, body, viewer=office)
    with serving(app) as base:
        yield base, store


def board_of(browser, base: str, user: str) -> Any:
    page = signed_in(browser, base, user, "/(street|today)")
    page.goto("/street/requests")
    return page


def step(page: Any, rid: str, action: str, **fields: str) -> None:
    card = page.locator(f"#request-{rid}")
    card.locator("select[name=action]").select_option(action)
    for name, value in fields.items():
        card.locator(f"input[name={name}]").fill(value)
    card.get_by_role("button", name="提交").click()
    page.wait_for_load_state()


def test_solved_by_the_team_reported_up_and_closed_by_the_office(server, browser):
    base, store = server
    leader = board_of(browser, base, "leader1")
    check(leader, "requests-team")
    assert leader.locator("#request-r3").count() == 0
    step(leader, "r1", "done")
    assert leader.locator("#request-r1").get_attribute("data-status") == "done"
    step(leader, "r2", "reported_up", reason="需要物业维修")
    assert leader.locator("#request-r2").get_attribute("data-status") == "reported_up"

    office = board_of(browser, base, "office")
    office.goto("/street/requests?status=reported_up")
    assert office.locator("#request-r2").inner_text().count("需要物业维修") == 0  # history closed
    office.locator("#request-r2 summary").click()
    assert "需要物业维修" in office.locator("#request-r2").inner_text()
    check(office, "requests-office")
    step(office, "r2", "closed", note="已修好")
    office.goto("/street/requests")
    assert office.locator("#request-r2").get_attribute("data-status") == "closed"
    assert office.locator("#request-r3").count() == 1
    assert [s.action for s in board.steps_of(store, "r2")] == ["created", "reported_up", "closed"]

    other = board_of(browser, base, "leader2")
    assert other.locator("#request-r1, #request-r2").count() == 0
    assert other.locator("#request-r3").count() == 1
    other.set_viewport_size({"width": 360, "height": 640})
    check(other, "requests-mobile")
