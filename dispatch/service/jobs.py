"""Solve jobs off the request thread: a bounded in-process pool, or a Redis queue (RQ).

Both runners take a stored plan row (status ``queued``), solve it in a separate process
and write the outcome back through the store. The pool has ``workers`` processes at a
time and a bounded waiting line; when that line is full, ``submit`` raises
``QueueFullError`` (HTTP 503 with ``Retry-After``) instead of letting requests pile up.
With ``DISPATCH_QUEUE_URL=redis://…`` jobs go to RQ and ``dispatch worker`` processes on
any machine sharing the database solve them. Neither dies of a store outage, and a job whose
worker dies fails within a stated bound (``dispatch.service.liveness``).
"""

from __future__ import annotations

import functools
import logging
import math
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from dispatch.errors import (
    DispatchError,
    QueueFullError,
    QueueUnavailableError,
    StoreUnavailableError,
)
from dispatch.messages import Text, text
from dispatch.planning.batch import load_engines
from dispatch.planning.day import plan_day
from dispatch.report.compare import comparison
from dispatch.report.context import PlanContext
from dispatch.report.plan_json import plan_to_dict
from dispatch.scenario import parse_scenario
from dispatch.scenario.costs import read_costs
from dispatch.scenario.whatif import columns_from_body
from dispatch.service.identity import process_owner
from dispatch.service.liveness import HEARTBEAT_S, Reaper, beat, exit_reason, patiently
from dispatch.service.rounds import solve_campaign, solve_round, solve_week
from dispatch.service.runner import JobSpec
from dispatch.service.store import Store

log = logging.getLogger("dispatch.service.jobs")

# Beyond its time limit a solve gets this long (matrices, read-back) before it is killed.
GRACE_S = 120
POLL_S = 0.1
QUEUE_NAME = "dispatch"


def solve_document(
    document: Mapping[str, Any], time_limit_s: float, seed: int | None
) -> dict[str, Any]:
    """Validate, plan and serialise one scenario document (runs in a worker process)."""
    scenario = parse_scenario(document)
    plan = plan_day(scenario, time_limit_s=time_limit_s, seed=seed)
    return plan_to_dict(PlanContext.of(scenario, plan))


def compare_document(
    body: Mapping[str, Any], time_limit_s: float, seed: int | None
) -> dict[str, Any]:
    """``compare.json`` of a ``{base, whatifs, costs?}`` body (runs in a worker process): its
    plans one after another in this process, no pool of its own, each with ``time_limit_s``."""
    columns = columns_from_body(body["base"], body["whatifs"])
    costs = read_costs(body["costs"]) if "costs" in body else None
    planned = []
    for column in columns:
        scenarios = [parse_scenario(part) for part in column.parts]
        planned.append([(s, plan_day(s, time_limit_s=time_limit_s, seed=seed)) for s in scenarios])
    return comparison(columns, planned, costs)


SOLVERS = {
    "plan": solve_document,
    "compare": compare_document,
    "round": solve_round,
    "week": solve_week,
    "campaign": solve_campaign,
}


def error_dict(err: DispatchError) -> dict[str, Any]:
    return {
        "type": err.kind,
        "message": err.reason.en,
        "message_zh": err.reason.zh,
        "field": err.field,
    }


def _solver_error(reason: Text) -> dict[str, Any]:
    return {"type": "solver_error", "message": reason.en, "message_zh": reason.zh, "field": ""}


def _internal_error(detail: str) -> dict[str, Any]:
    return _solver_error(text("solver_failed", detail=detail))


_TOO_LONG = text("solve_too_long", grace_s=GRACE_S)


def _outcome(
    kind: str, document: Mapping[str, Any], time_limit_s: float, seed: int | None
) -> tuple[str, Any]:
    try:
        return "done", SOLVERS[kind](document, time_limit_s, seed)
    except DispatchError as err:
        return "failed", error_dict(err)
    except Exception as err:  # reported as a failed job; the traceback stays in the log
        log.exception("solver crashed")
        return "failed", _internal_error(type(err).__name__)


def _child(
    conn: Connection, kind: str, document: Mapping[str, Any], time_limit_s: float, seed: int | None
) -> None:
    conn.send(_outcome(kind, document, time_limit_s, seed))
    conn.close()


def _context() -> multiprocessing.context.BaseContext:
    """Fork from a clean, pre-imported server process, never from the threaded web server."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["dispatch.service.jobs"])
        return ctx
    return multiprocessing.get_context("spawn")


class ProcessPool:
    """``workers`` solver processes at a time, ``queue_size`` jobs waiting, one thread each."""

    def __init__(self, store: Store, workers: int | None = None, queue_size: int | None = None):
        self.store = store
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.queue_size = max(1, queue_size if queue_size is not None else 4 * self.workers)
        self._queue: queue.Queue[JobSpec | None] = queue.Queue(maxsize=self.queue_size)
        self._lock = threading.Lock()
        self._running: dict[str, BaseProcess] = {}
        self._cancelled: set[str] = set()
        self._closing = threading.Event()
        self._ctx = _context()
        self.owner = process_owner()
        self._reaper = Reaper(store)
        self._threads = [
            threading.Thread(target=self._work, name=f"solver-{i}", daemon=True)
            for i in range(self.workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, spec: JobSpec) -> None:
        try:
            self._queue.put_nowait(spec)
        except queue.Full:
            waiting = self._queue.qsize() + self.workers
            retry = math.ceil(waiting * (spec.budget_s + 1) / self.workers)
            raise QueueFullError(max(1, retry)) from None

    def cancel(self, plan_id: str) -> None:
        self.store.cancel(plan_id)
        with self._lock:
            self._cancelled.add(plan_id)
            process = self._running.get(plan_id)
        if process is not None:
            process.terminate()

    def healthy(self) -> bool:
        return all(thread.is_alive() for thread in self._threads)

    def close(self) -> None:
        self._closing.set()
        self._reaper.close()
        with self._lock:
            processes = list(self._running.values())
        for process in processes:
            process.kill()
        for _ in self._threads:
            try:
                self._queue.put_nowait(None)
            except queue.Full:
                break

    def _work(self) -> None:
        while (spec := self._queue.get()) is not None:
            try:
                self._run(spec)
            except Exception as err:  # one broken job must not kill the worker thread
                log.exception("job %s: runner error", spec.plan_id)
                with self._lock:
                    self._running.pop(spec.plan_id, None)
                error = _internal_error(type(err).__name__)
                self._patiently(functools.partial(self.store.fail, spec.plan_id, error))

    def _patiently(self, call: Callable[[], bool]) -> bool:
        """A store write, retried while the store does not answer; False if closing first."""
        return bool(patiently(call, self._closing))

    def _run(self, spec: JobSpec) -> None:
        with self._lock:
            if spec.plan_id in self._cancelled:
                self._cancelled.discard(spec.plan_id)
                return
        if not self._patiently(lambda: self.store.mark_running(spec.plan_id, self.owner)):
            return
        started = time.monotonic()
        outcome = self._solve_in_child(spec)
        with self._lock:
            self._running.pop(spec.plan_id, None)
            if spec.plan_id in self._cancelled:
                self._cancelled.discard(spec.plan_id)
                log.info("job %s cancelled", spec.plan_id)
                return
        status, value = outcome
        save = self.store.finish if status == "done" else self.store.fail
        self._patiently(lambda: save(spec.plan_id, value))
        log.info("job %s %s in %.1f s", spec.plan_id, status, time.monotonic() - started)

    def _solve_in_child(self, spec: JobSpec) -> tuple[str, Any]:
        receive, send = self._ctx.Pipe(duplex=False)
        args = (send, spec.kind, dict(spec.document), spec.time_limit_s, spec.seed)
        process = self._ctx.Process(target=_child, args=args, daemon=True)  # type: ignore[attr-defined]
        process.start()
        send.close()
        with self._lock:
            self._running[spec.plan_id] = process
            if spec.plan_id in self._cancelled:
                process.terminate()
        try:
            deadline = time.monotonic() + spec.budget_s + GRACE_S
            return self._await(spec.plan_id, process, receive, deadline)
        finally:
            receive.close()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()

    def _await(
        self, plan_id: str, process: BaseProcess, receive: Connection, deadline: float
    ) -> tuple[str, Any]:
        next_beat = time.monotonic() + HEARTBEAT_S
        while time.monotonic() < deadline:
            if time.monotonic() >= next_beat:
                beat(self.store, plan_id)
                next_beat += HEARTBEAT_S
            if receive.poll(POLL_S):
                try:
                    return tuple(receive.recv())
                except EOFError:
                    break
            if not process.is_alive() and not receive.poll(0):
                break
        else:
            process.kill()
            return "failed", _solver_error(_TOO_LONG)
        process.join(1)
        return "failed", _solver_error(exit_reason(process.exitcode))


class RQRunner:
    """Jobs go to a Redis list read by ``dispatch worker`` processes (RQ)."""

    def __init__(self, store: Store, url: str, *, name: str = QUEUE_NAME, max_queued: int = 100):
        from redis import Redis
        from rq import Queue

        self.store = store
        self.owner: str | None = None  # workers on any machine take the jobs
        self.redis = Redis.from_url(url, socket_timeout=5)
        self.queue = Queue(name, connection=self.redis)
        self.max_queued = max_queued
        self._reaper = Reaper(store)

    def submit(self, spec: JobSpec) -> None:
        """Queue the job; a full queue or a Redis that does not answer queues nothing (503)."""
        from redis.exceptions import RedisError

        try:
            if self.queue.count >= self.max_queued:
                raise QueueFullError(max(1, math.ceil(spec.budget_s)))
            self.queue.enqueue(
                run_queued_job,
                spec.plan_id,
                job_id=spec.plan_id,
                job_timeout=math.ceil(spec.budget_s) + GRACE_S,
                result_ttl=0,
                failure_ttl=24 * 3600,
            )
        except RedisError as err:
            raise QueueUnavailableError() from err

    def cancel(self, plan_id: str) -> None:
        from rq.command import send_stop_job_command
        from rq.exceptions import InvalidJobOperation, NoSuchJobError
        from rq.job import Job

        self.store.cancel(plan_id)
        try:
            job = Job.fetch(plan_id, connection=self.redis)
            if job.get_status() == "started":
                send_stop_job_command(self.redis, plan_id)
            else:
                job.cancel()
        except (NoSuchJobError, InvalidJobOperation):
            pass  # already gone from Redis; the store says cancelled

    def healthy(self) -> bool:
        try:
            return bool(self.redis.ping())
        except Exception:  # any Redis error means "does not answer"
            return False

    def close(self) -> None:
        self._reaper.close()
        self.redis.close()


_worker_store: Store | None = None


def run_queued_job(plan_id: str) -> str:
    """The RQ task: solve one stored job (plan or comparison) in this work-horse process; the
    store is retried while it does not answer (RQ's job timeout bounds the wait)."""
    store = _worker_store or Store(os.environ["DISPATCH_DATABASE_URL"])
    store.engine.dispose(close=False)  # the connections inherited from the worker stay its own
    never = threading.Event()
    row = patiently(lambda: store.get_plan(plan_id, kind=None), never)
    if row is None or not patiently(lambda: store.mark_running(plan_id, process_owner()), never):
        return "skipped"
    status, value = _outcome(row.kind, row.scenario, row.time_limit_s, row.seed)
    save = store.finish if status == "done" else store.fail
    patiently(lambda: save(plan_id, value), never)
    log.info("job %s %s", plan_id, status)
    return status


def _horse_killed(job: Any, _pid: int, status: int, _usage: Any) -> None:
    """RQ's work-horse died mid-job (killed, out of memory): fail the job now, saying how.
    If the store does not answer, the reaper fails it once the heartbeats have stopped."""
    assert _worker_store is not None
    error = _solver_error(exit_reason(os.waitstatus_to_exitcode(status)))
    try:
        _worker_store.fail(job.id, error)
    except StoreUnavailableError:
        log.warning("job %s: work-horse died; failure not stored (store not answering)", job.id)


def run_worker(
    queue_url: str, database_url: str, *, name: str = QUEUE_NAME, burst: bool = False
) -> None:
    """``dispatch worker``: migrate, fail this host's orphaned jobs, then take jobs from RQ,
    writing each job's heartbeat to the store every ``HEARTBEAT_S`` while it is solved."""
    from redis import Redis
    from rq import Queue, Worker

    class HeartbeatWorker(Worker):
        def maintain_heartbeats(self, job: Any, execution: Any) -> None:
            super().maintain_heartbeats(job, execution)
            assert _worker_store is not None
            beat(_worker_store, job.id)

    global _worker_store
    load_engines()  # every work-horse is forked from here, with both engines loaded
    _worker_store = Store(database_url)
    _worker_store.migrate()
    _worker_store.fail_orphans()
    connection = Redis.from_url(queue_url)
    HeartbeatWorker(
        [Queue(name, connection=connection)],
        connection=connection,
        job_monitoring_interval=int(HEARTBEAT_S),
        work_horse_killed_handler=_horse_killed,
    ).work(burst=burst)
