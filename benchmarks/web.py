"""The staff pages' speed targets (issue 16): the register page with 500 clients under 300 ms
of server time; the progress page on screen within 1 s of "Plan"; the demo plan's result page
(HTML, map data and every asset it loads) complete within 3 s after the job ends.

The register and the result are timed in the server (Flask's test client: the view, the store
and the template, no network); "Plan" is timed in Debian's chromium (Playwright), from the
click to the progress page's status on screen, against the app served on loopback.

    python benchmarks/web.py [--clients 500] [--runs 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

from api import create_app
from dispatch.service.demo import seed
from dispatch.service.users import create_user

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark-pass"


def logged_in(app):
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "bench", "password": PASSWORD, "csrf_token": token})
    return client


def add_clients(store, n: int) -> None:
    for k in range(n):
        store.create_record(
            "clients",
            {"id": f"bench-{k:04d}", "canteen": "jiangnan", "name": f"客户{k}",
             "location": {"lat": 22.56 + (k % 50) * 0.0004, "lon": 113.10 + (k // 50) * 0.001},
             "floor": 1 + k % 7, "meals": {"regular": 1}, "group": "living_alone"},
        )  # fmt: skip


def timed_ms(client, url: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        answer = client.get(url)
        out.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)
    return sorted(out)


def plan_click_ms(base: str, runs: int, store) -> tuple[list[float], list[float], str]:
    """Click "Plan" in chromium: ms until the progress page's status (or the result) shows,
    and ms from the job's end (as stored) until the result page's map is drawn."""
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    out, after_end, plan_url = [], [], ""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(base_url=base)
        page.goto("/login")
        page.fill("#name", "bench")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        for _ in range(runs):
            page.goto("/today?date=2026-11-24")
            page.fill("#date", "2026-11-24")
            start = time.perf_counter()
            page.click("#plan")
            page.wait_for_selector("#status, #map")
            out.append((time.perf_counter() - start) * 1000)
            plan_url = page.url
            page.wait_for_selector("#map[data-ready='1']", timeout=120_000)
            drawn = dt.datetime.now(dt.UTC)
            ended = store.get_plan(plan_url.rsplit("/", 1)[1]).finished_at
            ended = ended if ended.tzinfo else ended.replace(tzinfo=dt.UTC)
            after_end.append((drawn - ended).total_seconds() * 1000)
        browser.close()
    return sorted(out), sorted(after_end), plan_url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="nl-web-bench-"))
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}", "SECRET_KEY": "bench",
         "JOB_WORKERS": 1}
    )  # fmt: skip
    store = app.extensions["dispatch"].store
    seed(store, REPO / "scenarios" / "jiangnan-rainstorm.yaml")
    create_user(store, "bench", PASSWORD, "planner", canteen="jiangnan")
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        clicks, after_end, plan_url = plan_click_ms(
            f"http://127.0.0.1:{http.port}", args.runs, store
        )
        client = logged_in(app)
        path = plan_url.split(str(http.port), 1)[1]
        result = timed_ms(client, path, args.runs)
        map_data = timed_ms(client, f"{path}/map.json", args.runs)
        add_clients(store, args.clients - len(store.list_records("clients")))
        register = timed_ms(client, "/register/clients", args.runs)
    finally:
        http.shutdown()
        app.extensions["dispatch"].close()
    count = len(store.list_records("clients"))

    def show(name: str, values: list[float]) -> None:
        print(f"{name}: median {statistics.median(values):.0f} ms, max {max(values):.0f} ms "
              f"({', '.join(f'{v:.0f}' for v in values)})")  # fmt: skip

    show(f"register page, {count} clients (server)", register)
    show("Plan click → progress on screen (chromium)", clicks)
    show("job end → demo result page drawn, map included (chromium)", after_end)
    show("demo result page (server)", result)
    show("demo map data (server)", map_data)


if __name__ == "__main__":
    main()
