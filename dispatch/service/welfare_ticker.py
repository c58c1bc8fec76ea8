"""The welfare ticker: a daemon thread in every server that runs the escalation each
``WELFARE_TICK_S`` seconds (0: never; tests tick by hand with their own clock), and the
reader of the ``WELFARE_STEPS`` setting.

Every server may tick: a step is recorded and sent once (``welfare.tick``). A store that does
not answer skips a tick; nothing a tick does can end the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from dispatch.errors import InputError, StoreUnavailableError
from dispatch.messages import text
from dispatch.scenario.fields import got
from dispatch.service.notify import Sender
from dispatch.service.store import Store, utcnow
from dispatch.service.welfare import ESCALATION_ACTIONS, tick

log = logging.getLogger("dispatch.welfare")

RECEIVERS = ("social_worker", "station")  # who a notice may be for; a step's default: station


def read_steps(raw: Any, where: str = "WELFARE_STEPS") -> tuple[dict[str, Any], ...]:
    """The escalation setting: a list of ``{after_min, action, to?}``, in time order."""
    if not isinstance(raw, list | tuple) or not raw:
        shown = got(raw, where)
        reason = text("wrong_type", expected="a list", expected_zh="列表", got=shown)
        raise InputError(where, reason)
    steps: list[dict[str, Any]] = []
    for k, step in enumerate(raw):
        path = f"{where}[{k}]"
        if not isinstance(step, Mapping):
            raise InputError(path, text("not_mapping"))
        after = step.get("after_min")
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            reason = text("not_nonnegative", got=got(after, "after_min"))
            raise InputError(f"{path}.after_min", reason)
        if step.get("action") not in ESCALATION_ACTIONS:
            allowed = ", ".join(ESCALATION_ACTIONS)
            shown = got(step.get("action"), "action")
            raise InputError(f"{path}.action", text("not_one_of", allowed=allowed, got=shown))
        to = step.get("to", list(RECEIVERS[1:]))
        if not isinstance(to, list) or not to or any(r not in RECEIVERS for r in to):
            shown = got(to, "to")
            reason = text("not_one_of", allowed=", ".join(RECEIVERS), got=shown)
            raise InputError(f"{path}.to", reason)
        steps.append({"after_min": after, "action": step["action"], "to": list(to)})
    return tuple(sorted(steps, key=lambda s: s["after_min"]))


class WelfareTicker:
    """Runs ``tick`` every ``interval_s`` seconds until closed."""

    def __init__(
        self,
        store: Store,
        sender: Sender,
        interval_s: float,
        steps: Sequence[Mapping[str, Any]],
    ) -> None:
        self.store, self.sender, self.interval_s, self.steps = store, sender, interval_s, steps
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="welfare-ticker", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                tick(self.store, utcnow(), self.sender, self.steps)
            except StoreUnavailableError:
                log.warning("welfare tick skipped: store not answering")
            except Exception:  # the ticker outlives any one bad tick
                log.exception("welfare tick failed")
