"""Planning the columns of a comparison in a process pool, one plan per part."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dispatch.errors import DispatchError
from dispatch.messages import Text
from dispatch.model import Plan, Scenario
from dispatch.planning.day import plan_day
from dispatch.scenario import parse_scenario

if TYPE_CHECKING:
    from dispatch.scenario.whatif import WhatIf


@dataclass(frozen=True)
class _Failure:
    """A ``DispatchError`` from a worker process, carried back as plain data."""

    kind: type[DispatchError]
    where: str
    reason: Text


def _solve(
    document: dict[str, Any],
    time_limit_s: float | None,
    seed: int | None,
    iterations: int | None = None,
) -> Plan | _Failure:
    """Plan one document (runs in a pool process)."""
    try:
        scenario = parse_scenario(document)
        return plan_day(scenario, time_limit_s=time_limit_s, seed=seed, iterations=iterations)
    except DispatchError as err:
        return _Failure(type(err), err.field, err.reason)


def _keep_for(document: dict[str, Any], keep: Mapping[str, str] | None) -> dict[str, Any]:
    """The document with the assignments that still make sense in it (known client and
    courier) as its ``keep``, so the scenario read back carries them too."""
    if keep is None:
        return document
    clients = {c["id"] for c in document["clients"]}
    workers = {c["id"] for c in (*document["couriers"], *document.get("walkers", []))}
    return {**document, "keep": {c: w for c, w in keep.items() if c in clients and w in workers}}


def plan_columns(
    columns: Sequence[WhatIf],
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    keep: Mapping[str, str] | None = None,
    iterations: int | None = None,
    workers: int | None = None,
    start_method: str | None = None,
) -> list[list[tuple[Scenario, Plan]]]:
    """Plan every part of every column in a process pool (one process per core).

    ``keep`` (client → courier, from an earlier plan) becomes every document's ``keep``
    (what it still knows of it); ``start_method`` names the multiprocessing start method
    (``forkserver`` inside a threaded server; ``spawn`` where it does not exist).
    """
    jobs = [(c, _keep_for(doc, keep)) for c, column in enumerate(columns) for doc in column.parts]
    size = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if start_method not in (None, *multiprocessing.get_all_start_methods()):
        start_method = "spawn"
    context = multiprocessing.get_context(start_method) if start_method else None
    with ProcessPoolExecutor(max_workers=size, mp_context=context) as pool:
        futures = [pool.submit(_solve, doc, time_limit_s, seed, iterations) for _, doc in jobs]
        outcomes = [f.result() for f in futures]
    planned: list[list[tuple[Scenario, Plan]]] = [[] for _ in columns]
    for (c, doc), outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, _Failure):
            raise outcome.kind(outcome.where, outcome.reason)
        planned[c].append((parse_scenario(doc), outcome))
    return planned
