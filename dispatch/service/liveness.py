"""Keeping jobs honest through faults: store retries, heartbeats, the reaper, exit reasons.

- A runner that cannot reach the store retries with back-off (``patiently``) instead of
  dying; what it solved meanwhile is saved once the store answers again.
- The worker solving a job writes ``heartbeat_at`` on its row every ``HEARTBEAT_S``; a
  ``Reaper`` in every server marks failed each running job silent for ``SILENT_S``, so a
  job on a dead worker (killed, out of memory, machine gone) on any machine fails within
  ``SILENT_S + 2 × HEARTBEAT_S`` of its last heartbeat, whatever its time limit. Heartbeat
  times are the writer's UTC clock: the machines' clocks must agree to well within
  ``SILENT_S`` (NTP).
- A solver process that ends without an answer is described in words (``exit_reason``).
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from dispatch.errors import StoreUnavailableError
from dispatch.messages import Text, text
from dispatch.service.store import Store, utcnow

log = logging.getLogger("dispatch.service.jobs")

HEARTBEAT_S = 5.0
SILENT_S = 30.0
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 10.0

T = TypeVar("T")


def patiently(call: Callable[[], T], stop: threading.Event) -> T | None:
    """``call()``, retried with doubling waits (up to ``RETRY_MAX_S``) while the store does
    not answer; ``None`` if ``stop`` is set first (the runner is closing)."""
    delay = RETRY_FIRST_S
    while True:
        try:
            return call()
        except StoreUnavailableError:
            log.warning("store not answering; retrying in %.1f s", delay)
            if stop.wait(delay):
                return None
            delay = min(2 * delay, RETRY_MAX_S)


def beat(store: Store, plan_id: str) -> None:
    """One heartbeat; a store that does not answer only delays it (the reaper allows for that)."""
    try:
        store.heartbeat(plan_id)
    except StoreUnavailableError:
        log.warning("job %s: heartbeat not stored (store not answering)", plan_id)


SILENT = text("worker_silent", silent_s=SILENT_S)


class Reaper:
    """A thread that fails running jobs whose worker has gone silent, on any machine.

    It reaps only after the store has answered it for ``SILENT_S`` without a break, so
    heartbeats that an outage kept from being written are not mistaken for dead workers.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="reaper", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        up_since: float | None = None
        while not self._stop.wait(HEARTBEAT_S):
            if not self.store.ping():
                up_since = None
                continue
            up_since = up_since or time.monotonic()
            if time.monotonic() - up_since < SILENT_S:
                continue
            try:
                failed = self.store.fail_silent(utcnow() - dt.timedelta(seconds=SILENT_S), SILENT)
            except StoreUnavailableError:
                up_since = None
                continue
            for plan_id in failed:
                log.warning("job %s failed: its worker went silent", plan_id)


def exit_reason(exitcode: int | None) -> Text:
    """Why a solver process ended without an answer, from its exit code (``-N``: signal N)."""
    if exitcode is None:
        return text("solver_no_status")
    if exitcode >= 0:
        return text("solver_exit_code", exitcode=exitcode)
    number = -exitcode
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = "unknown"
    if number == signal.SIGKILL:
        return text("solver_killed", number=number, name=name)
    return text("solver_killed_unknown", number=number, name=name)
