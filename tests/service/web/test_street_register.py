"""The grid register's pages in a real browser (Playwright driving Debian's chromium): the
street office imports a household sheet with a bad row, fixes it and sees the households; a
team leader sees only their team, on a phone too. Every page is checked with axe-core
(labels, contrast) and photographed into ``tests/artifacts/web/``."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import PASSWORD, check, signed_in
from conftest import REPO
from cryptography.fernet import Fernet
from openpyxl import Workbook
from served import serving

from api import create_app
from dispatch.service.demo import seed
from dispatch.service.street_register import seed_street
from dispatch.service.users import create_user


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The app on a free loopback port with the demo canteen and street, the street office's
    planner ``office`` and team t3's leader ``leader3``."""
    folder = tmp_path_factory.mktemp("street")
    os.environ.setdefault("DISPATCH_DATA_KEY", Fernet.generate_key().decode())
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{folder / 'web.sqlite'}", "JOB_WORKERS": 1,
         "SECRET_KEY": "browser-test"}
    )  # fmt: skip
    store = app.extensions["dispatch"].store
    seed(store, REPO / "scenarios" / "jiangnan-rainstorm.yaml")
    seed_street(store, REPO / "scenarios" / "demo-street.yaml")
    create_user(store, "office", PASSWORD, "planner", canteen=None)
    create_user(store, "leader3", PASSWORD, "planner", canteen=None, team="t3")
    with serving(app) as base:
        yield base


def household_sheet(folder: Path, rows: list[tuple[Any, ...]]) -> Path:
    book = Workbook()
    book.active.append(["住户编号 id", "楼栋编号 building", "楼层 floor", "成员姓名 member_1",
                        "特殊群体 group_1", "责任人编号 responsible"])  # fmt: skip
    for row in rows:
        book.active.append(list(row))
    path = folder / "households.xlsx"
    book.save(path)
    return path


def household_ids(page: Any) -> set[str]:
    cells = page.locator("#households tbody tr td:first-child").all_inner_texts()
    return {c.strip() for c in cells}


def test_the_office_imports_a_sheet_with_a_bad_row_fixes_it_and_sees_the_households(
    server, browser, tmp_path
):
    page = signed_in(browser, server, "office", "/today")
    page.get_by_role("link", name="网格台账").click()
    assert len(household_ids(page)) == 60
    check(page, "street-register")
    page.get_by_label("特殊群体").select_option("pregnant_postpartum")
    page.get_by_role("button", name="筛选").click()
    shown = household_ids(page)
    assert 0 < len(shown) < 60
    assert all("孕产妇" in r for r in page.locator("#households tbody tr").all_inner_texts())

    page.get_by_role("link", name="导入住户").first.click()
    first = ("h201", "biyuan-4", 3, "邓伯", "空巢独居老年人", "t4-m2")
    bad = household_sheet(tmp_path, [first, ("h202", "biyuan-4", 5, "邓姨", "独居", "t9-m1")])
    page.get_by_label(re.compile("住户表格")).set_input_files(str(bad))
    page.get_by_role("button", name="预览").click()
    errors = page.locator("#errors").inner_text()
    assert "households.xlsx" in errors and "row 3: group_1" in errors
    assert page.locator("#confirm").count() == 0
    check(page, "street-import-errors")

    second = ("h202", "biyuan-4", 5, "邓姨", "重病患者", "t4-m1")
    fixed = household_sheet(tmp_path, [first, second])
    page.get_by_label(re.compile("住户表格")).set_input_files(str(fixed))
    page.get_by_role("button", name="预览").click()
    assert page.locator("#added li").count() == 2
    page.locator("#confirm").click()
    page.wait_for_url(re.compile(r"/street\?imported=2"))
    assert {"h201", "h202"} <= household_ids(page)
    check(page, "street-imported")


def test_a_team_leader_sees_only_their_team_on_a_phone(server, browser):
    page = signed_in(browser, server, "leader3", r"/street$", size=(360, 640))
    ids = household_ids(page)
    assert ids == {f"h{n:02d}" for n in range(31, 46)}
    assert page.get_by_text("金桂社区第一网格暖心服务小分队").count() == 0
    check(page, "street-team-phone")
    page.get_by_role("link", name="银湖社区第一网格暖心服务小分队").click()
    assert page.locator("#members tbody tr").count() == 5
    assert "队长" in page.locator("#members").inner_text()
    check(page, "street-team-page-phone")
    assert page.goto("/today").status == 403
