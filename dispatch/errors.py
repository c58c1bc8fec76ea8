"""The error tree: one root, each class also the built-in it resembles."""

from __future__ import annotations

from dispatch.messages import Text


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


class PlanFormatError(InputError):
    """A plan document (for ``verify``) that is not shaped like our plan output."""

    kind = "invalid_plan"


class NotFoundError(DispatchError, LookupError):
    """A file, plan or record that does not exist."""

    kind = "not_found"
