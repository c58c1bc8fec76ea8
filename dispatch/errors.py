"""The error tree: one root, each class also the built-in it resembles."""

from __future__ import annotations

from dispatch.messages import Text, text


class DispatchError(Exception):
    """Root of every error this package raises on purpose.

    Each error carries the dotted path of the offending field (``clients[3].floor``,
    or a file path) and a bilingual reason, so the CLI and the HTTP API can say exactly
    what is wrong without a traceback.
    """

    kind = "dispatch_error"

    def __init__(self, field: str, reason: Text) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason.en}" if field else reason.en)

    def line(self) -> str:
        """One line for a terminal: the field, then the reason in Chinese and English."""
        prefix = f"{self.field}: " if self.field else ""
        return f"{prefix}{self.reason.zh} / {self.reason.en}"


class InputError(DispatchError, ValueError):
    """Input (a scenario, a plan, a request) that breaks the documented format."""

    kind = "invalid_input"


class ScenarioError(InputError):
    """A scenario file or body with a missing, malformed or inconsistent field."""

    kind = "invalid_scenario"


class RoadNetworkError(InputError):
    """A road-network extract that cannot be read, or has no usable roads for a mode."""

    kind = "invalid_network"


class PlanFormatError(InputError):
    """A plan document (for ``verify``) that is not shaped like our plan output."""

    kind = "invalid_plan"


class NotFoundError(DispatchError, LookupError):
    """A file, plan or record that does not exist."""

    kind = "not_found"


class BodyError(InputError):
    """An HTTP body that is not JSON at all, or not the kind of JSON value expected."""

    kind = "bad_request"


class ConflictError(DispatchError, ValueError):
    """A request that contradicts the stored state (an id already taken, a finished job)."""

    kind = "conflict"


class AuthError(DispatchError, PermissionError):
    """A request without a valid key (401) or whose key's role is too low (403)."""

    kind = "unauthorized"


class ForbiddenError(AuthError):
    """A valid key whose role is too low for the request."""

    kind = "forbidden"


class UnavailableError(DispatchError, RuntimeError):
    """Something the request needs cannot serve it now; try again after ``retry_after_s``."""

    kind = "unavailable"

    def __init__(self, retry_after_s: int, reason: Text) -> None:
        self.retry_after_s = retry_after_s
        super().__init__("", reason)


class QueueFullError(UnavailableError):
    """Every worker is busy and the waiting line is full; try again after ``retry_after_s``."""

    kind = "queue_full"

    def __init__(self, retry_after_s: int) -> None:
        reason = text("queue_full", retry_after_s=retry_after_s)
        super().__init__(retry_after_s, reason)


# How long a client is asked to wait while the store does not answer (503 ``Retry-After``).
STORE_RETRY_AFTER_S = 5


class StoreUnavailableError(UnavailableError, ConnectionError):
    """The database does not answer (down, refusing logins, connection lost)."""

    kind = "store_unavailable"

    def __init__(self, retry_after_s: int = STORE_RETRY_AFTER_S) -> None:
        reason = text("store_unavailable", retry_after_s=retry_after_s)
        super().__init__(retry_after_s, reason)


class QueueUnavailableError(UnavailableError, ConnectionError):
    """The job queue (Redis) does not answer; nothing was queued."""

    kind = "queue_unavailable"

    def __init__(self, retry_after_s: int = STORE_RETRY_AFTER_S) -> None:
        reason = text("queue_unavailable", retry_after_s=retry_after_s)
        super().__init__(retry_after_s, reason)


class RateLimitError(DispatchError, PermissionError):
    """Too many failed key checks from one address; try again after ``retry_after_s``."""

    kind = "too_many_requests"

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        reason = text("auth_rate_limited", retry_after_s=retry_after_s)
        super().__init__("Authorization", reason)


class DataKeyError(DispatchError, RuntimeError):
    """The key that seals personal data at rest is missing, malformed or not this store's."""

    kind = "data_key"
