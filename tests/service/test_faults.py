"""Faults with real processes: a PostgreSQL role refused logins mid-job, RQ workers killed -9.

The database outage uses a role and schema of its own (``ALTER ROLE … NOLOGIN`` and its
sessions terminated, then ``LOGIN`` again); the machine's PostgreSQL and Redis keep running.
Every wait is a bounded poll on state.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import DATA

from api import create_app
from dispatch.scenario import read_document
from dispatch.service.jobs import RQRunner
from dispatch.service.keys import create_key
from dispatch.service.liveness import HEARTBEAT_S, SILENT_S
from dispatch.service.runner import JobSpec
from dispatch.service.store import Store

POSTGRES = os.environ.get("DISPATCH_TEST_DATABASE_URL")
REDIS = os.environ.get("DISPATCH_TEST_QUEUE_URL")
REPO = DATA.parents[1]
# A job on a dead worker is failed within this long of its last heartbeat (liveness.py).
DEAD_WORKER_BOUND_S = SILENT_S + 2 * HEARTBEAT_S


def poll(check: Callable[[], Any], timeout_s: float, what: str) -> Any:
    """``check()`` until it returns something true; fails after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not (value := check()):
        assert time.monotonic() < deadline, f"not within {timeout_s} s: {what}"
        time.sleep(0.1)
    return value


class FaultyDatabase:
    """A PostgreSQL role with its own schema, whose logins can be refused and sessions cut."""

    def __init__(self, admin_url: str) -> None:
        self.role = f"dispatch_fault_{uuid.uuid4().hex[:8]}"
        self.admin = sa.create_engine(admin_url)
        self._sql(
            f"CREATE ROLE {self.role} LOGIN", f"CREATE SCHEMA {self.role} AUTHORIZATION {self.role}"
        )
        url = sa.make_url(admin_url).set(username=self.role, password=None)
        self.url = url.update_query_dict({"options": f"-csearch_path={self.role}"})

    def _sql(self, *statements: str) -> None:
        with self.admin.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement))

    def refuse_logins(self) -> None:
        self._sql(
            f"ALTER ROLE {self.role} NOLOGIN",
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{self.role}'",
        )

    def allow_logins(self) -> None:
        self._sql(f"ALTER ROLE {self.role} LOGIN")

    def drop(self) -> None:
        self.allow_logins()
        self._sql(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{self.role}'",
            f"DROP SCHEMA {self.role} CASCADE",
            f"DROP ROLE {self.role}",
        )
        self.admin.dispose()


@pytest.fixture
def faulty_db() -> Iterator[FaultyDatabase]:
    if not POSTGRES:
        pytest.skip("DISPATCH_TEST_DATABASE_URL is not set (PostgreSQL tests)")
    database = FaultyDatabase(POSTGRES)
    yield database
    database.drop()


def test_database_outage_mid_job_gives_503_with_retry_after_and_the_runner_recovers(faulty_db):
    url = faulty_db.url.render_as_string(hide_password=False)
    app = create_app({"DATABASE_URL": url, "JOB_WORKERS": 1, "JOB_QUEUE_SIZE": 2})
    services = app.extensions["dispatch"]
    client = app.test_client()
    planner = {"Authorization": f"Bearer {create_key(services.store, 'planner').token}"}
    tiny = read_document(DATA / "tiny.yaml")
    try:
        answer = client.post("/v1/plans?time_limit_s=3", json=tiny, headers=planner)
        assert answer.status_code == 202
        plan_id = answer.get_json()["id"]

        def status() -> str:
            return str(client.get(f"/v1/plans/{plan_id}", headers=planner).get_json()["status"])

        poll(lambda: status() == "running", 60, "the job started")

        faulty_db.refuse_logins()
        try:
            during = {
                "read": client.get(f"/v1/plans/{plan_id}", headers=planner),
                "bad key": client.get("/v1/plans", headers={"Authorization": "Bearer nope"}),
                "submit": client.post("/v1/plans", json=tiny, headers=planner),
                "health": client.get("/v1/health"),
            }
            for name, response in during.items():
                assert response.status_code == 503, name
                assert int(response.headers["Retry-After"]) >= 1, name
            for name in ("read", "bad key", "submit"):
                error = during[name].get_json()["error"]
                assert error["type"] == "store_unavailable", name
                assert error["message"] and error["message_zh"], name
                assert tiny["clients"][0]["name"] not in str(error), name
            # The solve ends while the store is still gone: the runner must keep the plan.
            poll(lambda: not services.runner._running, 60, "the solve ended")
            assert services.runner.healthy()
        finally:
            faulty_db.allow_logins()

        poll(lambda: client.get("/v1/health").status_code == 200, 60, "health recovered")
        poll(lambda: status() in ("done", "failed"), 60, "the job finished")
        assert status() == "done"
        after = client.post("/v1/plans?time_limit_s=1&wait=60", json=tiny, headers=planner)
        assert after.get_json()["status"] == "done"
    finally:
        services.close()


@pytest.fixture
def rq_setup(tmp_path) -> Iterator[tuple[Store, RQRunner, Callable[[], subprocess.Popen[bytes]]]]:
    """A SQLite store shared with real ``dispatch worker`` processes on a queue of its own."""
    if not REDIS:
        pytest.skip("DISPATCH_TEST_QUEUE_URL is not set (Redis tests)")
    store = Store(f"sqlite:///{tmp_path / 'rq.sqlite'}")
    store.migrate()
    name = f"test-{uuid.uuid4().hex[:8]}"
    runner = RQRunner(store, REDIS, name=name)
    workers: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, "DISPATCH_QUEUE_URL": REDIS, "DISPATCH_DATABASE_URL": store.url}

    def start_worker() -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(
            [sys.executable, "-m", "dispatch.cli", "worker", "--queue", name],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        workers.append(worker)
        return worker

    yield store, runner, start_worker
    for worker in workers:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    runner.queue.empty()
    runner.queue.delete(delete_jobs=True)
    runner.close()
    store.close()


def _submit(store: Store, runner: RQRunner, time_limit_s: float) -> str:
    document = read_document(DATA / "tiny.yaml")
    plan_id = store.create_plan(
        document, time_limit_s=time_limit_s, seed=0, version="t", owner=None
    )
    runner.submit(JobSpec(plan_id, document, time_limit_s, 0))
    return plan_id


def _running_horse(store: Store, plan_id: str) -> int:
    """The pid of the work-horse solving ``plan_id``, once the job is running."""
    poll(lambda: store.get_plan(plan_id).status == "running", 90, "the job started")
    owner = store.get_plan(plan_id).owner
    assert owner is not None
    return int(owner.rsplit(":", 2)[1])


def test_rq_job_whose_work_horse_is_killed_fails_at_once_naming_the_signal(rq_setup):
    store, runner, start_worker = rq_setup
    start_worker()
    plan_id = _submit(store, runner, time_limit_s=20)
    os.kill(_running_horse(store, plan_id), signal.SIGKILL)
    killed = time.monotonic()
    poll(lambda: store.get_plan(plan_id).status == "failed", DEAD_WORKER_BOUND_S, "failed")
    assert time.monotonic() - killed < DEAD_WORKER_BOUND_S
    error = store.get_plan(plan_id).error
    assert "killed by signal 9 (SIGKILL)" in error["message"]
    assert "信号 9" in error["message_zh"]
    again = _submit(store, runner, time_limit_s=1)
    poll(lambda: store.get_plan(again).status in ("done", "failed"), 90, "resubmitted job ran")
    assert store.get_plan(again).status == "done"


def test_rq_job_on_a_lost_worker_machine_fails_within_the_heartbeat_bound(rq_setup):
    store, runner, start_worker = rq_setup
    worker = start_worker()
    plan_id = _submit(store, runner, time_limit_s=20)
    horse = _running_horse(store, plan_id)
    os.kill(worker.pid, signal.SIGKILL)  # the worker first, so nobody sees the horse die
    worker.wait(10)
    os.kill(horse, signal.SIGKILL)
    killed = time.monotonic()
    poll(lambda: store.get_plan(plan_id).status == "failed", DEAD_WORKER_BOUND_S + 5, "failed")
    assert "no heartbeat" in store.get_plan(plan_id).error["message"]
    assert time.monotonic() - killed < DEAD_WORKER_BOUND_S + 5
    start_worker()
    again = _submit(store, runner, time_limit_s=1)
    poll(lambda: store.get_plan(again).status in ("done", "failed"), 90, "resubmitted job ran")
    assert store.get_plan(again).status == "done"
