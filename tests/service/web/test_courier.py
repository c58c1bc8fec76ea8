"""The courier's page in a real browser on a phone-sized screen (360×640), as couriers use
it: the planner hands out the links from the plan page; one courier marks every door of
their route (one no answer), which opens a welfare case the board shows; the case escalates
on the test's clock and the station head closes it from the board. The other courier works
without network: what they mark waits on the phone, shown as not sent, and arrives once
when the network returns, even after the page was closed in between. The station head then
reads the day in the delivery report, the cases with how they ended, and downloads the
subsidy sheet (docs/operations.md "Reports")."""

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
from courier_fixtures import CLIENT_PHONE, todays_plan
from outcome_fixtures import Collect
from served import serving
from sqlalchemy import func, select
from test_board_pages import PASSWORD

from dispatch.service.outcome_tables import OutcomeRow
from dispatch.service.outcomes import outcomes_of
from dispatch.service.reports import DELIVERED
from dispatch.service.users import create_user
from dispatch.service.welfare import DEFAULT_STEPS, list_cases, tick

SENT = {"timeout": 20_000}  # ms Playwright waits for the page to have sent its queue


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Any, str]]:
    folder = tmp_path_factory.mktemp("courier")
    app = browser_app(folder)
    store = app.extensions["dispatch"].store
    plan_id = todays_plan(store)
    create_user(store, "pa", PASSWORD, "planner", canteen="a")
    with serving(app) as base:
        yield base, store, plan_id


@pytest.fixture(scope="module")
def links(server, browser) -> list[str]:
    """The couriers' links, as the planner finds them on the plan page."""
    base, _, plan_id = server
    page = signed_in(browser, base, "pa", "/today")
    page.goto(f"/plans/{plan_id}")
    found = [a.get_attribute("href") for a in page.locator("a.courier-link").all()]
    page.close()
    assert len(found) == 2
    return found


def rows_of(store: Any, plan_id: str, clients: tuple[str, ...]) -> list[tuple[str, str]]:
    """(client, outcome) of every stored row for ``clients``, corrections included."""
    with store.session() as session:
        query = select(OutcomeRow.client, OutcomeRow.outcome).where(
            OutcomeRow.plan == plan_id, OutcomeRow.client.in_(clients)
        )
        return sorted((c, o) for c, o in session.execute(query))


def mark(page: Any, client: str, outcome: str) -> None:
    door = page.locator(f".door[data-client='{client}']")
    door.get_by_role("button", name=outcome, exact=True).click()


def unsent(page: Any) -> int:
    return int(page.locator("#unsent").get_attribute("data-count"))


def test_a_courier_marks_the_route_and_a_no_answer_reaches_the_board(server, browser, links):
    base, store, plan_id = server
    page = new_page(browser, base, PHONE)
    page.goto(links[0])
    assert page.locator(".door").count() == 3
    assert CLIENT_PHONE not in page.content()
    assert page.get_by_role("link", name=re.compile("致电站点")).get_attribute("href") == (
        "tel:0750-1111111"
    )
    check(page, "courier-route")
    mark(page, "t-b1-low", "已送达")
    high = page.locator(".door[data-client='t-b1-high']")
    high.locator("summary").click()
    high.get_by_label("发现异常").select_option("no_heating")
    high.get_by_label("备注").fill("暖气坏了")
    mark(page, "t-b1-high", "已送达")
    mark(page, "t-temp", "敲门无人应")
    page.wait_for_function("document.querySelector('#unsent').dataset.count === '0'", **SENT)
    assert "已全部发送" in page.locator("#unsent").inner_text()
    assert "已发送" in page.locator(".door[data-client='t-temp'] .marked").inner_text()
    check(page, "courier-route-marked")
    assert rows_of(store, plan_id, ("t-b1-low", "t-b1-high", "t-temp")) == [
        ("t-b1-high", "delivered"), ("t-b1-low", "delivered"), ("t-temp", "no_answer"),
    ]  # fmt: skip
    cases = {c.client: c for c in list_cases(store, "a", status="open")}
    assert sorted(cases) == ["t-b1-high", "t-temp"]  # the no answer; no heating is urgent
    page.close()

    board = signed_in(browser, base, "pa", "/today")
    board.goto("/board")
    board.wait_for_selector(f"#cases tr[data-case='{cases['t-temp'].id}']", timeout=10_000)
    board.wait_for_selector(f"#cases tr[data-case='{cases['t-b1-high'].id}']", timeout=10_000)
    shown = board.locator("#cases").inner_text()
    assert "敲门无人应" in shown and "无取暖" in shown

    # 21 minutes on, the escalation has called the client and the emergency contact; the
    # station head hears she is well and closes the case from the board.
    case = cases["t-temp"]
    tick(store, case.opened_at + dt.timedelta(minutes=21), Collect(), DEFAULT_STEPS)
    board.locator(f"#cases tr[data-case='{case.id}'] a").click()
    board.wait_for_url(re.compile(f"/cases/{case.id}"))
    steps = board.locator("#steps").inner_text()
    assert "致电客户" in steps and "致电紧急联系人" in steps and "自动升级" in steps
    board.get_by_label("结果").select_option("found_well")
    board.get_by_role("button", name="按此结果结案").click()
    board.wait_for_selector("#case-status[data-status='closed']")
    check(board, "courier-case-closed")
    board.goto("/board")
    board.wait_for_selector(f"#cases tr[data-case='{cases['t-b1-high'].id}']", timeout=10_000)
    assert board.locator(f"#cases tr[data-case='{case.id}']").count() == 0
    board.close()


def test_offline_outcomes_wait_on_the_phone_and_arrive_once(server, browser, links):
    base, store, plan_id = server
    page = new_page(browser, base, PHONE)
    page.goto(links[1])
    assert page.locator(".door").count() == 2
    page.context.set_offline(True)
    mark(page, "t-south", "已送达")
    mark(page, "t-tower", "拒收")
    assert unsent(page) == 2
    assert "2 条未发送" in page.locator("#unsent").inner_text()
    assert "未发送" in page.locator(".door[data-client='t-tower'] .marked").inner_text()
    page.wait_for_timeout(6_000)  # a retry (every 5 s) while offline sends nothing
    assert unsent(page) == 2 and rows_of(store, plan_id, ("t-south", "t-tower")) == []
    check(page, "courier-offline")
    page.context.set_offline(False)
    page.wait_for_function("document.querySelector('#unsent').dataset.count === '0'", **SENT)
    assert rows_of(store, plan_id, ("t-south", "t-tower")) == [
        ("t-south", "delivered"), ("t-tower", "refused"),
    ]  # fmt: skip

    # A correction marked offline, the page left before the network returns: opened
    # again, it sends what the phone kept, once.
    page.context.set_offline(True)
    mark(page, "t-tower", "已送达")
    assert unsent(page) == 1
    page.goto("about:blank")
    page.context.set_offline(False)
    page.goto(links[1])
    page.wait_for_function("document.querySelector('#unsent').dataset.count === '0'", **SENT)
    page.wait_for_timeout(500)  # the page settles; nothing more is sent
    assert rows_of(store, plan_id, ("t-south", "t-tower")) == [
        ("t-south", "delivered"), ("t-tower", "delivered"), ("t-tower", "refused"),
    ]  # fmt: skip
    with store.session() as session:
        ids = session.execute(select(func.count(OutcomeRow.id.distinct()))).scalar_one()
        total = session.execute(select(func.count()).select_from(OutcomeRow)).scalar_one()
    assert ids == total
    page.close()


def test_the_station_head_reads_the_day_in_the_report_and_downloads_the_subsidy_sheet(
    server, browser, links
):
    base, store, plan_id = server
    courier = new_page(browser, base, PHONE)
    courier.goto(links[0])
    mark(courier, "t-b1-low", "已送达")  # at least one delivery today, whatever ran before
    courier.wait_for_function("document.querySelector('#unsent').dataset.count === '0'", **SENT)
    courier.close()
    delivered = {r.client: r for r in outcomes_of(store, plan_id=plan_id) if r.outcome in DELIVERED}
    page = signed_in(browser, base, "pa", "/today")
    page.get_by_role("link", name="报表").click()
    page.wait_for_url(re.compile("/reports"))
    page.get_by_label("分组").select_option("courier")
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("#charts[data-ready='1']")
    assert page.locator("#total-deliveries").inner_text() == str(len(delivered))
    check(page, "report-couriers")
    page.get_by_label("分组").select_option("case")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile("by=case"))
    today = {c.id: c for c in list_cases(store, "a") if c.plan == plan_id}
    shown = page.locator("#report tbody tr")
    assert shown.count() == len(today) and page.locator("#total-cases").inner_text() == str(
        len(today)
    )
    for case in today.values():
        row = page.locator(f"#report tbody tr:has(a[href='/cases/{case.id}'])").inner_text()
        assert ("确认平安" if case.closed_with == "found_well" else "未结案") in row
    check(page, "report-cases")
    page.get_by_label("分组").select_option("subsidy")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile("by=subsidy"))
    assert "陈婆婆" in page.locator("#report").inner_text()  # staff see names
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("月份 Month", "客户 Client", "姓名 Name")
    assert sorted(r[1] for r in rows[1:-1]) == sorted(delivered)
    assert rows[-1][3] == len(delivered)  # the totals' row: deliveries
    page.close()
