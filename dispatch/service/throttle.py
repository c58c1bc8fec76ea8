"""Failed key checks per client address: past the limit (``AUTH_FAILURE_LIMIT``, 10 per
minute) a request with a bad or missing key is refused with 429 and ``Retry-After``.

Failures are counted in a moving window, in Redis when the job queue is Redis (``QUEUE_URL``:
every server on it counts together), else in this process's memory. Only failures count and
only failures are refused: a request with a valid key is never held back by this rule.
"""

from __future__ import annotations

import logging
import math
import time

from limits import parse
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from dispatch.errors import RateLimitError

log = logging.getLogger("dispatch.api")


class FailedAuthLimit:
    """At most ``rule`` (``"10/minute"``) failed key checks per client address."""

    def __init__(self, rule: str, redis_url: str | None = None, prefix: str = "dispatch") -> None:
        self.item = parse(rule)
        if redis_url:
            storage = storage_from_string(
                redis_url, key_prefix=f"{prefix}-auth", wrap_exceptions=True
            )
        else:
            storage = storage_from_string("memory://")
        self.limiter = MovingWindowRateLimiter(storage)

    def failed(self, address: str) -> None:
        """Count one failed key check from ``address``; ``RateLimitError`` past the limit."""
        try:
            if self.limiter.hit(self.item, "failed", address):
                return
            reset_at = self.limiter.get_window_stats(self.item, "failed", address).reset_time
        except StorageError:  # Redis does not answer: the key check alone still refuses
            log.warning("failed-key counter unavailable; not rate limiting")
            return
        raise RateLimitError(max(1, math.ceil(reset_at - time.time())))
