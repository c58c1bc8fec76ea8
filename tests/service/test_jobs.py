"""Solve jobs: the bounded process pool, cancellation, and the RQ queue on real Redis."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
import uuid

import pytest
from conftest import DATA

from dispatch.errors import QueueFullError
from dispatch.scenario import read_document
from dispatch.service.jobs import ProcessPool, RQRunner, run_worker
from dispatch.service.liveness import SILENT
from dispatch.service.runner import JobSpec
from dispatch.service.store import Store, utcnow

REDIS = os.environ.get("DISPATCH_TEST_QUEUE_URL")


@pytest.fixture
def store(tmp_path):
    """SQLite only (this overrides the SQLite-and-PostgreSQL ``store`` of conftest.py)."""
    store = Store(f"sqlite:///{tmp_path / 'jobs.sqlite'}")
    store.migrate()
    yield store
    store.close()


def submit(store: Store, runner, time_limit_s: float = 1.0) -> str:
    document = read_document(DATA / "tiny.yaml")
    plan_id = store.create_plan(
        document, time_limit_s=time_limit_s, seed=0, version="t", owner=None
    )
    runner.submit(JobSpec(plan_id, document, time_limit_s, 0))
    return plan_id


def wait_for(store: Store, plan_id: str, statuses: tuple[str, ...], timeout_s: float = 30) -> str:
    deadline = time.monotonic() + timeout_s
    while (status := store.get_plan(plan_id).status) not in statuses:
        assert time.monotonic() < deadline, status
        time.sleep(0.05)
    return status


def test_pool_solves_a_job_in_a_child_process_and_stores_the_plan(store):
    pool = ProcessPool(store, workers=1, queue_size=1)
    try:
        plan_id = submit(store, pool)
        assert wait_for(store, plan_id, ("done", "failed")) == "done"
        assert store.get_plan(plan_id).plan["violations"] == []
    finally:
        pool.close()


def test_pool_refuses_beyond_workers_plus_queue_with_a_retry_time(store):
    pool = ProcessPool(store, workers=1, queue_size=1)
    try:
        running = submit(store, pool, time_limit_s=20)
        wait_for(store, running, ("running",))
        queued = submit(store, pool, time_limit_s=20)
        with pytest.raises(QueueFullError) as caught:
            submit(store, pool, time_limit_s=20)
        assert caught.value.retry_after_s >= 20
        for plan_id in (queued, running):
            pool.cancel(plan_id)
    finally:
        pool.close()


def test_cancel_stops_a_running_solve_at_once(store):
    pool = ProcessPool(store, workers=1, queue_size=1)
    try:
        plan_id = submit(store, pool, time_limit_s=30)
        wait_for(store, plan_id, ("running",))
        started = time.monotonic()
        pool.cancel(plan_id)
        while pool._running:
            time.sleep(0.05)
        assert time.monotonic() - started < 5
        assert store.get_plan(plan_id).status == "cancelled"
        after = submit(store, pool)
        assert wait_for(store, after, ("done", "failed")) == "done"
    finally:
        pool.close()


def test_pool_says_in_both_languages_that_a_solver_was_killed_and_keeps_working(store):
    pool = ProcessPool(store, workers=1, queue_size=1)
    try:
        plan_id = submit(store, pool, time_limit_s=30)
        wait_for(store, plan_id, ("running",))
        deadline = time.monotonic() + 30
        while (child := pool._running.get(plan_id)) is None or child.pid is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        assert wait_for(store, plan_id, ("done", "failed")) == "failed"
        error = store.get_plan(plan_id).error
        assert "killed by signal 9 (SIGKILL)" in error["message"]
        assert "out of memory" in error["message"]
        assert "信号 9" in error["message_zh"] and "内存不足" in error["message_zh"]
        after = submit(store, pool)
        assert wait_for(store, after, ("done", "failed")) == "done"
    finally:
        pool.close()


def _later_than(moment: dt.datetime) -> dt.datetime:
    """The clock's first reading after ``moment``."""
    while (now := utcnow()) <= moment:
        time.sleep(0.001)
    return now


def test_only_running_jobs_silent_since_the_cutoff_are_failed_as_silent(store):
    document = read_document(DATA / "tiny.yaml")
    ids = [
        store.create_plan(document, time_limit_s=1, seed=0, version="t", owner=None)
        for _ in range(3)
    ]
    silent, beating, queued = ids
    for plan_id in (silent, beating):
        store.mark_running(plan_id, "elsewhere:1:t")
    cutoff = _later_than(utcnow())
    _later_than(cutoff)
    store.heartbeat(beating)
    assert store.fail_silent(cutoff, SILENT) == [silent]
    assert store.get_plan(silent).error["type"] == "interrupted"
    assert [store.get_plan(i).status for i in (beating, queued)] == ["running", "queued"]


@pytest.mark.skipif(not REDIS, reason="DISPATCH_TEST_QUEUE_URL is not set (Redis tests)")
def test_rq_queue_hands_jobs_to_a_worker_that_stores_the_plan(store):
    name = f"test-{uuid.uuid4().hex[:8]}"
    runner = RQRunner(store, REDIS, name=name, max_queued=1)
    try:
        assert runner.healthy()
        plan_id = submit(store, runner)
        with pytest.raises(QueueFullError):
            submit(store, runner)
        cancelled = None
        run_worker(REDIS, store.url, name=name, burst=True)
        assert store.get_plan(plan_id).status == "done"
        cancelled = submit(store, runner)
        runner.cancel(cancelled)
        run_worker(REDIS, store.url, name=name, burst=True)
        assert store.get_plan(cancelled).status == "cancelled"
    finally:
        runner.queue.empty()
        runner.queue.delete(delete_jobs=True)
        runner.close()
