"""The request board in a real browser (Playwright driving Debian's chromium): a team leader
solves one request at once and reports another up with a reason; the street office sees it
and closes it; the other team's leader never sees the first team's requests. Every page is
checked with axe-core (vendored) and photographed into ``tests/artifacts/``."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from cryptography.fernet import Fernet
from werkzeug.serving import make_server

from api import create_app
from dispatch.service import requests as board
from dispatch.service.demo import seed
from dispatch.service.street_register import seed_street
from dispatch.service.users import create_user

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
HERE = Path(__file__).parent
AXE = HERE / "vendor" / "axe.min.js"
ARTIFACTS = HERE.parents[1] / "artifacts" / "web"
PASSWORD = "correct horse"
AXE_RULES = [
    "label", "color-contrast", "select-name", "button-name", "link-name", "image-alt",
    "input-button-name", "aria-input-field-name", "document-title", "html-has-lang",
]  # fmt: skip

sync_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
    pytest.skip("no /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)


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
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.port}", store
    http.shutdown()
    app.extensions["dispatch"].close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def board_of(browser, base: str, user: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 800}, base_url=base)
    page.goto("/login")
    page.get_by_label(re.compile("用户名")).fill(user)
    page.get_by_label(re.compile("密码")).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto("/street/requests")
    return page


def check(page: Any, name: str) -> None:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'rule', values: rules}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))",
        AXE_RULES,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert found == [], f"{name}: {found}"


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
