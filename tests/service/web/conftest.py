"""The browser of the browser tests: one headless chromium a module (``browsing.launched``).

Imported lazily, so that the page tests that need no browser run where Playwright is absent;
a browser test module imports ``browsing`` itself, which skips it there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from browsing import launched

    with launched() as browser:
        yield browser
