"""What the browser tests share: Debian's chromium driven by Playwright (never a downloaded
browser), a signed-in page that counts its own failures (the app itself is served by
``served.serving``), and the axe-core check of labels and contrast with a screenshot kept in
``tests/artifacts/web/`` (not committed).

A test module imports this first (``from browsing import ...``): without Playwright or
chromium the module is skipped, except on CI, where a missing chromium is an error."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from flask import Flask

from api import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
HERE = Path(__file__).parent
AXE = HERE / "vendor" / "axe.min.js"
ARTIFACTS = HERE.parents[1] / "artifacts" / "web"
PASSWORD = "correct horse"
# axe-core rules of labels and contrast (WCAG 2 A/AA) every page must pass.
AXE_RULES = [
    "label", "color-contrast", "select-name", "button-name", "link-name", "image-alt",
    "input-button-name", "aria-input-field-name", "document-title", "html-has-lang",
]  # fmt: skip
PHONE = (360, 640)
DESK = (1280, 800)

sync_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
    pytest.skip("no /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)


def browser_app(folder: Path, **config: Any) -> Flask:
    """An app on a fresh SQLite store in ``folder`` as the browser tests serve it: one solver
    process, no escalation ticker (the tests tick on their own clock), a board that polls
    every 0.2 s; ``config`` adds to it (``PLAN_SETTINGS``: the search budget)."""
    os.environ.setdefault("DISPATCH_DATA_KEY", Fernet.generate_key().decode())
    return create_app({"DATABASE_URL": f"sqlite:///{folder / 'web.sqlite'}", "JOB_WORKERS": 1,
                       "SECRET_KEY": "browser-test", "WELFARE_TICK_S": 0,
                       "BOARD_POLL_S": 0.2, **config})  # fmt: skip


@contextmanager
def launched() -> Iterator[Any]:
    """Debian's chromium, headless, with no background networking (the machine is offline)."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, base: str, size: tuple[int, int] = DESK) -> Any:
    """A page whose script errors and failed loads (other than the document itself, which may
    answer 4xx on a form with errors) are collected in ``page.errors``."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]}, base_url=base)
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.on("response", lambda r: _failed(page, r))
    return page


def signed_in(browser: Any, base: str, user: str, lands: str, size: tuple[int, int] = DESK) -> Any:
    """A page logged in as ``user`` (password ``PASSWORD``), once it reaches ``lands``."""
    page = new_page(browser, base, size)
    page.goto("/login")
    page.get_by_label(re.compile("用户名")).fill(user)
    page.get_by_label(re.compile("密码")).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(lands))
    return page


def _failed(page: Any, response: Any) -> None:
    if response.status >= 400 and response.request.resource_type != "document":
        page.errors.append(f"{response.status} {response.url}")


def check(page: Any, name: str) -> None:
    """No axe-core violation of labels or contrast and no failure of the page; a full-page
    screenshot ``name``.png as an artifact."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'rule', values: rules}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))",
        AXE_RULES,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert found == [], f"{name}: {found}"
    assert page.errors == [], f"{name}: {page.errors}"
