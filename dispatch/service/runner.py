"""What a job runner is asked to do: the job's spec and the runner's interface."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class JobSpec:
    """What a worker needs to solve one stored job: a plan request (``kind`` "plan", the
    scenario document) or a comparison ("compare", the ``{base, whatifs, costs?}`` body,
    whose ``parts`` plans run one after another, each with ``time_limit_s``)."""

    plan_id: str
    document: Mapping[str, Any]
    time_limit_s: float
    seed: int | None
    kind: str = "plan"
    parts: int = 1

    @property
    def budget_s(self) -> float:
        """Solver seconds the whole job may take: every plan's time limit."""
        return self.parts * self.time_limit_s


class Runner(Protocol):
    """Solves stored plan requests off the request thread (``dispatch.service.jobs``).

    ``owner`` names the process that owns the jobs it runs (``None``: workers elsewhere),
    so a restarted server can tell its own interrupted jobs from others'.
    """

    @property
    def owner(self) -> str | None: ...

    def submit(self, spec: JobSpec) -> None: ...

    def cancel(self, plan_id: str) -> None: ...

    def healthy(self) -> bool: ...

    def close(self) -> None: ...
