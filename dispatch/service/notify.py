"""Notices of welfare-case escalation steps, and the senders that deliver them.

A ``Notice`` carries what its receiver needs to act and no more: the case id, the client id
(never a name or an address), the canteen, the plan, the step (its action and index), who it
is for (``to``: ``station``, ``social_worker``), the client's social worker id, when the step
fell due, and a phone number only on the call steps — the number to call: the client's on
``call_client``, the emergency contact's on ``call_emergency_contact``. The receivers are the
station and the social worker, staff who look the client up in the register by id.

Senders: ``LogSender`` (the default) logs the case id, the client id and the step;
``WebhookSender`` POSTs each notice as JSON to one URL (``NOTIFY_WEBHOOK_URL``,
``DISPATCH_NOTIFY_WEBHOOK``) and keeps what failed to retry at the next tick, in memory (a
restart forgets them; the steps themselves are recorded in the store either way).

An SMS or WeChat gateway is an adaptor with the same shape, a class with
``send(notice: Notice) -> None`` that never raises: it turns ``notice.to`` and
``notice.social_worker`` into the gateway's recipients (from the station's and the social
workers' own numbers, which the gateway's configuration holds), renders a short text from
``notice.as_dict()`` through ``dispatch.messages`` and calls the gateway's API; a failed call
is kept and tried again in ``retry()`` (the ``Retrying`` shape), called by every tick.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any, Protocol, runtime_checkable

log = logging.getLogger("dispatch.welfare")

CALL_STEPS = frozenset({"call_client", "call_emergency_contact"})
MAX_PENDING = 1000  # notices a webhook sender keeps for retrying; older ones are dropped


@dataclass(frozen=True)
class Notice:
    """One escalation step of one case, for its receivers (see the module's docstring)."""

    case: str
    client: str
    canteen: str
    plan: str
    step: str  # the escalation step's action
    index: int  # its place in the escalation steps
    to: tuple[str, ...]
    due: str  # ISO 8601, UTC
    social_worker: str | None = None
    phone: str | None = None  # only on the call steps

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["to"] = list(self.to)
        return out


class Sender(Protocol):
    """Delivers notices; must not raise (a failure is logged, and retried if it can be)."""

    def send(self, message: Notice) -> None: ...


@runtime_checkable
class Retrying(Protocol):
    """A sender that keeps failed notices and tries them again when asked (every tick)."""

    def retry(self) -> None: ...


class LogSender:
    """The default: one log line per notice, with ids only."""

    def send(self, message: Notice) -> None:
        log.info(
            "welfare case %s (client %s): step %d %s due %s",
            message.case,
            message.client,
            message.index,
            message.step,
            message.due,
        )


class WebhookSender:
    """POST each notice as JSON to ``url``; failures are logged and retried next tick."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.url = url
        self.timeout = timeout
        self._pending: deque[Notice] = deque(maxlen=MAX_PENDING)

    def send(self, message: Notice) -> None:
        if not self._post(message):
            self._pending.append(message)

    def retry(self) -> None:
        for _ in range(len(self._pending)):
            message = self._pending.popleft()
            if not self._post(message):
                self._pending.appendleft(message)
                return  # the receiver is still down: keep the order, try again next tick

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _post(self, message: Notice) -> bool:
        body = json.dumps(message.as_dict(), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        post = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(post, timeout=self.timeout) as answer:
                ok = 200 <= answer.status < 300
        except (OSError, ValueError) as err:  # refused, timed out, HTTP error, bad URL
            log.warning("welfare case %s: webhook failed (%s)", message.case, type(err).__name__)
            return False
        if not ok:
            log.warning("welfare case %s: webhook answered %s", message.case, answer.status)
        return ok


def sender_for(webhook_url: str | None, timeout: float = 5.0) -> Sender:
    """The webhook sender when a URL is set, else the log sender."""
    return WebhookSender(webhook_url, timeout) if webhook_url else LogSender()
