"""The staff pages in a real browser (Playwright driving Debian's chromium, never a
downloaded one): log in, import an Excel sheet with a bad row then fixed, plan today and see
the map, open a sheet, print all as one PDF, run a what-if, and a second canteen's login that
sees none of the first. Every page is checked for labels and contrast with axe-core
(vendored) and photographed into ``tests/artifacts/`` (not committed)."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import ARTIFACTS, PASSWORD, check, signed_in
from cryptography.fernet import Fernet
from openpyxl import Workbook
from pypdf import PdfReader
from served import serving

from api import create_app
from dispatch.service.demo import seed
from dispatch.service.users import create_user

HERE = Path(__file__).parent
TINY = HERE.parents[1] / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Any]]:
    """The app on a free loopback port: canteen ``a`` (the tiny day) and ``b``, a planner each."""
    folder = tmp_path_factory.mktemp("web")
    os.environ.setdefault("DISPATCH_DATA_KEY", Fernet.generate_key().decode())
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{folder / 'web.sqlite'}", "JOB_WORKERS": 1,
         "SECRET_KEY": "browser-test", "PLAN_SETTINGS": {"iterations": 50}}
    )  # fmt: skip
    store = app.extensions["dispatch"].store
    seed(store, TINY, "a")
    store.create_record("canteens", {"id": "b", "name": "乙饭堂", "meals_ready": "10:40",
                                     "location": {"lat": 22.6, "lon": 113.2}})  # fmt: skip
    create_user(store, "pa", PASSWORD, "planner", canteen="a")
    create_user(store, "pb", PASSWORD, "planner", canteen="b")
    with serving(app) as base:
        yield base, store


def page_of(browser, base: str, user: str) -> Any:
    return signed_in(browser, base, user, "/today")


def client_sheet(folder: Path, rows: list[tuple[Any, ...]]) -> Path:
    """An Excel sheet of clients in the import's columns."""
    book = Workbook()
    book.active.append(["id", "name", "lat", "lon", "meals"])
    for row in rows:
        book.active.append(list(row))
    path = folder / "clients.xlsx"
    book.save(path)
    return path


def test_log_in_import_plan_see_the_map_open_a_sheet_print_all_and_compare(
    server, browser, tmp_path
):
    base, store = server
    page = page_of(browser, base, "pa")
    check(page, "today")

    bad = client_sheet(tmp_path, [("n-1", "新甲", 22.5712, 113.1011, "regular:1"),
                           ("n-2", "新乙", "north", 113.1, "regular:1")])  # fmt: skip
    page.get_by_role("link", name="导入").click()
    page.get_by_label(re.compile("客户表格")).set_input_files(str(bad))
    page.get_by_role("button", name="预览").click()
    errors = page.locator("#errors").inner_text()
    assert "clients.xlsx" in errors and "row 3: lat" in errors
    assert page.locator("#confirm").count() == 0
    check(page, "import-error")
    assert "n-1" not in {r.record_id for r in store.list_records("clients")}

    bad = client_sheet(tmp_path, [("n-1", "新甲", 22.5712, 113.1011, "regular:1"),
                           ("n-2", "新乙", 22.5690, 113.1010, "soft:1")])  # fmt: skip
    page.get_by_label(re.compile("客户表格")).set_input_files(str(bad))
    page.get_by_role("button", name="预览").click()
    assert "新增 2 条" in page.locator("#preview-counts").inner_text()
    check(page, "import-preview")
    page.locator("#confirm").click()
    page.wait_for_url(re.compile("/register/clients"))
    assert "n-2" in page.locator("#records").inner_text()
    check(page, "register")

    page.get_by_role("link", name="今日排线").first.click()
    page.get_by_label("日期").fill("2026-11-24")
    page.locator("#plan").click()
    page.wait_for_url(re.compile("/plans/"))
    status = page.locator("#status, #map").first
    status.wait_for(timeout=1000)  # progress (or the result) is on screen within 1 s
    page.wait_for_selector("#routes", timeout=120_000)
    page.wait_for_selector("#map[data-ready='1']", timeout=10_000)
    routes = page.locator("#routes tbody tr").count()
    assert routes >= 1
    assert page.locator("#map").get_attribute("data-routes") == str(routes)
    assert page.locator(".stop-label").count() >= 1
    assert "直线示意" in page.locator(".leaflet-control-attribution").inner_text()
    check(page, "result")

    with page.context.expect_page() as opened:
        page.locator("#routes a").first.click()
    sheet = opened.value
    sheet.wait_for_load_state()
    assert "rider" in sheet.content()
    sheet.screenshot(path=str(ARTIFACTS / "sheet.png"), full_page=True)
    sheet.close()

    pdf = page.request.get(page.locator("#print-all").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(pdf.body())).pages) == routes  # one A4 page a sheet

    page.get_by_role("link", name="以此路线做假设").click()
    page.get_by_label("天气改为").select_option("rain")
    page.get_by_role("button", name="运行").click()
    page.wait_for_selector("#charts[data-ready='1']", timeout=180_000)
    table = page.locator("#comparison").inner_text()
    assert "base" in table and "whatif" in table
    assert page.locator("#charts canvas").count() >= 3
    check(page, "whatif")
    page.close()


def test_a_second_canteens_login_sees_none_of_the_first(server, browser):
    base, _ = server
    page = page_of(browser, base, "pb")
    page.goto("/register/clients")
    assert page.locator("#records tbody tr").count() == 0
    page.goto("/plans")
    assert "小饭堂" not in page.content() and "tiny" not in page.locator("main").inner_text()
    answer = page.goto("/register/clients/t-south")
    assert answer.status == 404 and "黄婆婆" not in page.content()
    check(page, "other-canteen")
    page.close()


def test_the_pages_switch_to_english_and_fit_a_tablet(server, browser):
    base, _ = server
    page = page_of(browser, base, "pa")
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Plan today").count() == 1
    check(page, "today-en")
    page.set_viewport_size({"width": 768, "height": 1024})  # a tablet, upright
    page.goto("/register/clients")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768 + 1
    check(page, "register-tablet")
    page.close()


@pytest.fixture(scope="module", autouse=True)
def docs_screenshots() -> Iterator[None]:
    """After the run, the screenshots docs/web.md shows are refreshed when asked
    (``DISPATCH_DOCS_SCREENSHOTS=1``)."""
    yield
    if os.environ.get("DISPATCH_DOCS_SCREENSHOTS") == "1":
        docs = HERE.parents[2] / "docs" / "web"
        docs.mkdir(exist_ok=True)
        for name in ("today", "import-error", "result", "whatif"):
            if (ARTIFACTS / f"{name}.png").exists():
                shutil.copy(ARTIFACTS / f"{name}.png", docs / f"{name}.png")
