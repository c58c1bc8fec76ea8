"""Rounds in a real browser (Playwright driving Debian's chromium): the leader of team t1
plans the demo street's Monday, waits for the job, reads each member's sheet (the medicine
fetched at the station first) and prints them; the office plans another team; a team's
leader cannot open another team's rounds. Pages checked with axe-core and photographed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browsing import ARTIFACTS, PASSWORD, PHONE, browser_app, check, new_page, signed_in
from conftest import REPO
from served import serving

from dispatch.scenario.schedule import today
from dispatch.service import requests as board
from dispatch.service.demo import seed
from dispatch.service.street_ledger import StreetLedger
from dispatch.service.street_register import seed_requests, seed_street
from dispatch.service.users import create_user

STREET = REPO / "scenarios" / "demo-street.yaml"


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Any:
    return browser_app(tmp_path_factory.mktemp("rounds"), PLAN_SETTINGS={"iterations": 100})


@pytest.fixture(scope="module")
def store_of(app) -> Any:
    return lambda: app.extensions["dispatch"].store


@pytest.fixture(scope="module")
def server(app) -> Iterator[str]:
    store = app.extensions["dispatch"].store
    seed(store, REPO / "scenarios" / "jiangnan-rainstorm.yaml")
    seed_street(store, STREET)
    seed_requests(store, STREET)
    create_user(store, "leader1", PASSWORD, "planner", canteen=None, team="t1")
    create_user(store, "leader2", PASSWORD, "planner", canteen=None, team="t2")
    create_user(store, "office", PASSWORD, "planner", canteen=None)
    with serving(app) as base:
        yield base


def planned(page: Any, date: str = "2026-12-07", team: str | None = None) -> None:
    page.goto("/street/rounds")
    if team is not None:
        page.get_by_label("小分队").select_option(team)
    page.get_by_label("日期").fill(date)
    page.get_by_role("button", name="安排走访").click()
    page.wait_for_url("**/street/rounds/*")
    page.locator("#verified").wait_for(timeout=60_000)


def test_a_leader_plans_the_day_and_reads_each_members_sheet(server, browser):
    leader = signed_in(browser, server, "leader1", "/street")
    leader.get_by_role("link", name="走访安排").click()
    check(leader, "rounds-form")
    planned(leader)
    assert "已由独立校验器复核" in leader.locator("#verified").inner_text()
    sheets = leader.locator("section.sheet")
    assert sheets.count() >= 2
    r1 = leader.locator("tr[data-task=r1]")
    assert r1.count() == 2  # the pick-up and the household
    assert "取物" in r1.first.inner_text() and "银湖社区党群服务站点" in r1.first.inner_text()
    assert "降压药" in r1.last.inner_text() and "金桂" in r1.last.inner_text()
    sheet = leader.locator("section.sheet", has=leader.locator("tr[data-task=r1]"))
    rows = [sheet.locator("tbody tr").nth(k).get_attribute("data-task")
            for k in range(sheet.locator("tbody tr").count())]  # fmt: skip
    assert rows.index("r1") < len(rows) - 1 - rows[::-1].index("r1")
    assert "13800001" not in leader.content()  # no phone numbers on the sheets
    check(leader, "rounds-sheets")
    leader.emulate_media(media="print")
    assert not leader.locator("header.top").is_visible()
    leader.screenshot(path=str(ARTIFACTS / "rounds-print.png"), full_page=True)
    leader.emulate_media(media="screen")

    other = signed_in(browser, server, "leader2", "/street")
    answer = other.goto(leader.url)
    assert answer is not None and answer.status == 404


def test_the_office_plans_any_team_and_a_bad_date_is_named(server, browser):
    office = signed_in(browser, server, "office", "/(street|today)")
    planned(office, team="t3")
    assert "银湖" in office.locator("h1").inner_text()
    assert office.locator("tr[data-task=r5]").count() == 2  # insulin from the community station
    office.goto("/street/rounds")
    office.get_by_label("日期").evaluate("e => { e.type = 'text'; e.value = '2026-02-30'; }")
    office.get_by_role("button", name="安排走访").click()
    assert "date" in office.get_by_role("alert").inner_text()
    check(office, "rounds-bad-date")


def test_a_member_marks_each_stop_on_the_phone_and_the_marks_land_on_the_board(
    server, browser, store_of
):
    office = signed_in(browser, server, "office", "/(street|today)")
    planned(office, date=today().isoformat(), team="t1")
    sheet = office.locator("section.sheet", has=office.locator("tr[data-task=r1]"))
    link = sheet.get_by_role("link", name="手机页面").get_attribute("href")
    visits = [v for v in sheet.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.task)") if v.startswith("visit-")]  # fmt: skip
    assert len(visits) >= 2

    phone = new_page(browser, server, PHONE)
    phone.goto(link)
    check(phone, "round-phone")
    phone.locator("#stop-r1 button[value=done]").click()
    phone.locator(f"#stop-{visits[0]} button[value=done]").click()
    phone.locator(f"#stop-{visits[1]} button[value=no_answer]").click()
    phone.locator(f"#stop-{visits[1]}").get_by_text("已记录").wait_for()
    assert phone.locator(f"#stop-{visits[0]} button").count() == 0
    assert phone.locator("#stop-r1 [data-mark]").get_attribute("data-mark") == "done"
    assert phone.locator(f"#stop-{visits[0]} [data-mark]").get_attribute("data-mark") == "done"
    check(phone, "round-phone-marked")

    store = store_of()
    office_view = board.Viewer(by="office")
    assert board.get_request(store, "r1", office_view).status == "done"
    household = visits[1].removeprefix("visit-")
    follow_up = board.get_request(store, f"visit-{household}-{today().isoformat()}", office_view)
    assert (follow_up.kind, follow_up.status, follow_up.team) == ("visit", "open", "t1")
    done = StreetLedger(store).find("households", visits[0].removeprefix("visit-"))
    assert done is not None and done.data["last_contact"] == today().isoformat()

    forged = phone.goto(link.replace("/m/", "/m/x"))
    assert forged is not None and forged.status == 404


def test_a_week_of_visits_from_the_page_shows_its_coverage(server, browser):
    leader = signed_in(browser, server, "leader2", "/street")
    leader.goto("/street/rounds")
    leader.get_by_label("日期").fill("2026-12-07")
    leader.get_by_label("安排").select_option("7")
    leader.get_by_role("button", name="安排走访").click()
    leader.wait_for_url("**/street/rounds/*")
    leader.locator("#verified").wait_for(timeout=120_000)
    coverage = leader.locator("#coverage").inner_text()
    assert "15户到期需联系：按时走访15户" in coverage
    assert leader.locator("#coverage tr.late").count() == 0
    dates = set(leader.locator("section.sheet").evaluate_all("s => s.map(e => e.dataset.date)"))
    assert "2026-12-07" in dates
    check(leader, "rounds-week")


def test_the_office_plans_a_street_campaign_and_reads_who_gets_one(server, browser):
    office = signed_in(browser, server, "office", "/(street|today)")
    office.goto("/street/rounds")
    office.get_by_role("link", name="集中活动").click()
    check(office, "campaign-form")
    office.get_by_label("开始日期").fill("2026-12-07")
    office.get_by_role("button", name="安排集中活动").click()
    office.wait_for_url("**/street/campaigns/*")
    office.locator("#verified").wait_for(timeout=300_000)
    assert "60户中已安排" in office.locator("#summary").inner_text()
    assert office.locator("section.team").count() == 4
    assert office.locator("#who tbody tr").count() == 60
    dates = set(office.locator("section.sheet").evaluate_all("s => s.map(e => e.dataset.date)"))
    assert dates <= {"2026-12-07", "2026-12-08", "2026-12-09"} and dates
    check(office, "campaign")

    leader = signed_in(browser, server, "leader1", "/street")
    assert leader.goto(office.url).status == 404  # the street's campaign is the office's
    leader.goto("/street/campaigns")
    leader.get_by_label("天数").evaluate("e => { e.removeAttribute('max'); e.value = '9'; }")
    leader.get_by_role("button", name="安排集中活动").click()
    assert "days" in leader.get_by_role("alert").inner_text()
