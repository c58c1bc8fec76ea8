"""Issue 17's acceptance on the demo register, in a real browser: the Jiangnan street as
``dispatch seed-demo`` loads it is planned for today on the Today page; two couriers open
their links on phones and mark every door (one no answer), calling the canteen's duty phone
and their clients' social workers from the page; the board shows the case, it escalates on
the test's clock and the station head closes it; then the month's report and the subsidy
sheet agree with the stored outcomes (docs/operations.md "Reports")."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from browsing import PHONE, browser_app, check, new_page, signed_in
from outcome_fixtures import Collect
from served import serving
from test_board_pages import PASSWORD

from dispatch.service.demo import DEMO_CANTEEN, seed
from dispatch.service.outcomes import outcomes_of
from dispatch.service.reports import DELIVERED
from dispatch.service.users import create_user
from dispatch.service.welfare import DEFAULT_STEPS, list_cases, tick

SENT = {"timeout": 30_000}  # ms Playwright waits for a phone to have sent its queue


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Any]]:
    app = browser_app(tmp_path_factory.mktemp("demo"), PLAN_SETTINGS={"iterations": 50})
    store = app.extensions["dispatch"].store
    seed(store)
    create_user(store, "wang", PASSWORD, "planner", canteen=DEMO_CANTEEN)
    with serving(app) as base:
        yield base, store


def test_a_morning_on_the_demo_register_from_plan_to_subsidy_sheet(server, browser):
    base, store = server
    page = signed_in(browser, base, "wang", "/today")
    page.locator("#plan").click()
    page.wait_for_url(re.compile("/plans/"))
    page.wait_for_selector("#routes", timeout=180_000)
    plan_id = page.url.rstrip("/").split("/")[-1]
    links = [a.get_attribute("href") for a in page.locator("a.courier-link").all()]
    assert len(links) >= 2, "the demo day needs two couriers or more"

    marked: dict[str, str] = {}
    for n, link in enumerate(links[:2]):
        phone = new_page(browser, base, PHONE)
        phone.goto(link)
        calls = [a.get_attribute("href") for a in phone.locator("a.call").all()]
        assert "tel:0750-0000000" in calls  # the canteen's duty phone, from the register
        assert any(re.fullmatch(r"tel:1380000000\d", c or "") for c in calls)  # a social worker
        doors = [d.get_attribute("data-client") for d in phone.locator(".door").all()]
        assert doors, "each route has doors to mark"
        for k, client in enumerate(doors):
            outcome = "敲门无人应" if n == k == 0 else "已送达"
            door = phone.locator(f".door[data-client='{client}']")
            door.get_by_role("button", name=outcome, exact=True).click()
            marked[client] = "no_answer" if outcome == "敲门无人应" else "delivered"
        phone.wait_for_function("document.querySelector('#unsent').dataset.count === '0'", **SENT)
        check(phone, f"demo-courier-{n + 1}")
        phone.close()
    stored = {r.client: r.outcome for r in outcomes_of(store, plan_id=plan_id)}
    assert stored == marked

    (case,) = list_cases(store, DEMO_CANTEEN, status="open")
    page.goto("/board")
    page.wait_for_selector(f"#cases tr[data-case='{case.id}']", timeout=10_000)
    tick(store, case.opened_at + dt.timedelta(minutes=41), Collect(), DEFAULT_STEPS)
    page.locator(f"#cases tr[data-case='{case.id}'] a").click()
    page.wait_for_url(re.compile(f"/cases/{case.id}"))
    steps = page.locator("#steps").inner_text()
    assert "致电客户" in steps and "致电紧急联系人" in steps
    page.get_by_label("结果").select_option("found_well")
    page.get_by_role("button", name="按此结果结案").click()
    page.wait_for_selector("#case-status[data-status='closed']")
    check(page, "demo-case-closed")

    page.get_by_role("link", name="报表").click()
    page.wait_for_url(re.compile("/reports"))
    delivered = sum(o in DELIVERED for o in marked.values())
    assert page.locator("#total-deliveries").inner_text() == str(delivered)
    assert page.locator("#total-no_answers").inner_text() == "1"
    check(page, "demo-report")
    with page.expect_download() as month:
        page.get_by_role("link", name="下载 Excel").click()
    rows = _rows(month.value)
    assert sum(r[2] for r in rows[1:-1]) == delivered  # per client: deliveries
    page.get_by_label("分组").select_option("subsidy")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile("by=subsidy"))
    with page.expect_download() as subsidy:
        page.get_by_role("link", name="下载 Excel").click()
    rows = _rows(subsidy.value)
    assert rows[0][:3] == ("月份 Month", "客户 Client", "姓名 Name")
    assert sorted(r[1] for r in rows[1:-1]) == sorted(
        c for c, o in marked.items() if o in DELIVERED
    )
    assert rows[-1][3] == delivered
    page.close()


def _rows(download: Any) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    return list(book.active.iter_rows(values_only=True))
