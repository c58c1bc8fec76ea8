"""The couriers' links under load and through a crash: 30 couriers posting their routes at
once (each resending once, as a page whose answer was lost does) are all stored once; a
server killed with SIGKILL in the middle of the batches, started again and sent everything
again, as the pages do, holds every outcome once and a sound database."""

from __future__ import annotations

import contextlib
import copy
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from outcome_fixtures import TINY, done_plan
from served import serving
from sqlalchemy import func, select

from dispatch.scenario import read_document
from dispatch.scenario.schedule import today as local_today
from dispatch.service.courier_links import RouteLink, make_token
from dispatch.service.demo import seed
from dispatch.service.outcome_tables import OutcomeRow
from dispatch.service.store import Store

REPO = Path(__file__).parents[3]
COURIERS = 30
DOORS = 4  # clients per courier
TRIES = 40  # sends of one batch before a test gives up (the page never does)


def crowd() -> tuple[dict[str, Any], dict[str, Any]]:
    """Today's tiny day grown to ``COURIERS`` riders of ``DOORS`` ground-floor clients each,
    with the plan that gives rider ``i`` clients ``c<i>-<k>``."""
    document = read_document(TINY)
    document["date"] = local_today().isoformat()
    document["canteen"]["id"] = "a"
    rider = document["couriers"][0]
    south = next(c for c in document["clients"] if c["id"] == "t-south")
    document["couriers"] = [rider | {"id": f"r{i:02d}"} for i in range(COURIERS)]
    document["clients"] = []
    routes = []
    for i in range(COURIERS):
        steps: list[dict[str, Any]] = [{"type": "start"}]
        for k in range(DOORS):
            client = copy.deepcopy(south) | {"id": f"c{i}-{k}"}
            client["location"] = {"lat": 22.56 + 0.001 * i, "lon": 113.09 + 0.001 * k}
            document["clients"].append(client)
            steps.append({"type": "delivery", "clients": [client["id"]], "arrival_s": 39600})
        routes.append({"courier": f"r{i:02d}", "steps": [*steps, {"type": "end"}]})
    return document, {"format": 1, "routes": routes, "unassigned": []}


def items_of(route: int, batch: int = 0, size: int = DOORS) -> list[dict[str, Any]]:
    """``size`` outcomes of route ``route``'s clients (a later batch: corrections)."""
    at = f"{local_today().isoformat()}T11:0{batch % 10}:00+08:00"
    return [
        {
            "id": f"o{route}-{batch}-{n}",
            "client": f"c{route}-{n % DOORS}",
            "outcome": "delivered",
            "at": at,
        }
        for n in range(size)
    ]


def send(url: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Post ``items`` as the page does: again after no answer or a 5xx, until answered."""
    for _ in range(TRIES):
        try:
            answer = requests.post(url, json={"outcomes": items}, timeout=30)
        except requests.RequestException:
            time.sleep(0.25)
            continue
        if answer.status_code < 500:
            assert answer.status_code == 200, answer.text
            return answer.json()
        time.sleep(0.25)
    raise AssertionError(f"{url}: no answer after {TRIES} tries")


def counts(store: Store) -> tuple[int, int]:
    """(rows, distinct ids) of the outcome records."""
    with store.session() as session:
        rows = session.execute(select(func.count()).select_from(OutcomeRow)).scalar_one()
        ids = session.execute(select(func.count(OutcomeRow.id.distinct()))).scalar_one()
    return rows, ids


def link(secret: str, plan_id: str, route: int) -> str:
    token = make_token(secret, RouteLink(plan_id, route, local_today().isoformat()))
    return f"/c/{token}/outcomes"


def test_thirty_couriers_at_once_are_all_stored_once(make_app):
    app = make_app()
    store = app.extensions["dispatch"].store
    seed(store, TINY, "a")
    plan_id = done_plan(store, *crowd())
    secret = app.config["SECRET_KEY"]
    start = threading.Barrier(COURIERS)

    def courier(route: int) -> list[dict[str, Any]]:
        items = items_of(route)
        start.wait()
        return [send(base + link(secret, plan_id, route), items) for _ in range(2)]

    with serving(app) as base, ThreadPoolExecutor(COURIERS) as pool:
        answers = list(pool.map(courier, range(COURIERS)))
    for route, (first, resent) in enumerate(answers):
        ids = [i["id"] for i in items_of(route)]
        assert first["stored"] == ids and first["repeated"] == []
        assert resent["stored"] == [] and resent["repeated"] == ids
    assert counts(store) == (COURIERS * DOORS, COURIERS * DOORS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def started(database: Path, port: int) -> subprocess.Popen[bytes]:
    """``dispatch serve`` on ``database`` at ``port``, once it answers."""
    env = {**os.environ, "DISPATCH_DATABASE_URL": f"sqlite:///{database}",
           "DISPATCH_WELFARE_TICK_S": "0", "DISPATCH_WORKERS": "1"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "dispatch.cli", "serve", "--port", str(port), "--threads", "4"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    for _ in range(600):  # up to a minute to import and migrate
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return server
        except requests.RequestException:
            assert server.poll() is None, "dispatch serve stopped"
            time.sleep(0.1)
    server.kill()
    raise AssertionError("dispatch serve did not answer")


@pytest.mark.parametrize("batches_before_kill", [1, 4])
def test_a_server_killed_mid_batch_loses_and_doubles_nothing(make_app, tmp_path,
                                                             batches_before_kill):  # fmt: skip
    database = tmp_path / "crash.sqlite"
    app = make_app(DATABASE_URL=f"sqlite:///{database}")
    plan_id = done_plan(app.extensions["dispatch"].store, *crowd())
    app.extensions["dispatch"].close()
    batches = [items_of(0, b, size=50) for b in range(8)]  # 400 outcomes of one route
    port = free_port()
    url = f"http://127.0.0.1:{port}" + link(os.environ["DISPATCH_SECRET_KEY"], plan_id, 0)
    server = started(database, port)
    try:
        for batch in batches[:batches_before_kill]:
            send(url, batch)
        # The next batch is on its way when the server dies: answered or not, the page
        # cannot tell which of its outcomes were kept.
        sending = threading.Thread(target=post_unanswered, args=(url, batches[batches_before_kill]))
        sending.start()
        time.sleep(0.02)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    sending.join()
    server = started(database, port)
    try:
        answers = [send(url, batch) for batch in batches]  # the pages resend everything
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    for batch, answer in zip(batches, answers, strict=True):
        assert sorted(answer["stored"] + answer["repeated"]) == sorted(i["id"] for i in batch)
    assert sum(len(a["repeated"]) for a in answers) >= batches_before_kill * 50
    with sqlite3.connect(database) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = Store(f"sqlite:///{database}")
    try:
        assert counts(store) == (400, 400)
    finally:
        store.close()


def post_unanswered(url: str, items: list[dict[str, Any]]) -> None:
    """Post ``items`` once, whatever comes back (a killed server answers nothing)."""
    with contextlib.suppress(requests.RequestException):
        requests.post(url, json={"outcomes": items}, timeout=30)
