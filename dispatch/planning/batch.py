"""Planning many scenarios in a process pool: a district's canteens, a comparison's columns."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dispatch.errors import DispatchError
from dispatch.messages import Text
from dispatch.model import Plan, Scenario
from dispatch.planning.day import plan_day
from dispatch.routing.portfolio import load_engines
from dispatch.scenario import parse_scenario

if TYPE_CHECKING:
    from dispatch.scenario.whatif import WhatIf


# ``load_engines`` is handed on to the service: a worker that forks one process per job
# imports both engines once, before forking.
__all__ = ["load_engines", "plan_columns", "plan_documents"]


@dataclass(frozen=True)
class _Failure:
    """A ``DispatchError`` from a worker process, carried back as plain data."""

    kind: type[DispatchError]
    where: str
    reason: Text


def _solve(
    document: Mapping[str, Any],
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


def _keep_for(document: Mapping[str, Any], keep: Mapping[str, str] | None) -> dict[str, Any]:
    """The document with the assignments that still make sense in it (known client and
    courier) as its ``keep``, so the scenario read back carries them too."""
    if keep is None:
        return dict(document)
    clients = {c["id"] for c in document["clients"]}
    workers = {c["id"] for c in (*document["couriers"], *document.get("walkers", []))}
    return {**document, "keep": {c: w for c, w in keep.items() if c in clients and w in workers}}


Progress = Callable[[int, int, str], None]
"""Told ``(plans done, plans in all, the one just done)`` as a comparison goes on."""


def _job_name(columns: Sequence[WhatIf], column: int, document: Mapping[str, Any]) -> str:
    """A column's name, with the canteen's id when the column plans several canteens."""
    name = columns[column].name
    if len(columns[column].parts) > 1:
        return f"{name}+{document['canteen']['id']}"
    return name


def plan_documents(
    documents: Sequence[Mapping[str, Any]],
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    keep: Mapping[str, str] | None = None,
    iterations: int | None = None,
    workers: int | None = None,
    start_method: str | None = None,
) -> Iterator[Plan]:
    """Plan every document in a process pool (one process per core), each as ``plan_day``
    would alone, for a district's canteens on one date or a comparison's columns.

    Plans come back in the documents' order, each as soon as it is done, so the caller can
    write one while the pool solves the next; each plan's engines stay in its pool process
    (``portfolio``), so the cores are shared out once. ``keep`` (client → courier, from an
    earlier plan) becomes each document's ``keep``, for the clients and couriers it knows;
    ``start_method`` names the multiprocessing start method (``forkserver`` inside a
    threaded server; ``spawn`` where it does not exist). A document that fails raises its
    ``DispatchError`` when its turn comes.
    """
    size = max(1, min(workers or os.cpu_count() or 1, len(documents)))
    if start_method not in (None, *multiprocessing.get_all_start_methods()):
        start_method = "spawn"
    context = multiprocessing.get_context(start_method) if start_method else None
    with ProcessPoolExecutor(max_workers=size, mp_context=context) as pool:
        futures = [
            pool.submit(_solve, _keep_for(doc, keep), time_limit_s, seed, iterations)
            for doc in documents
        ]
        try:
            for future in futures:
                outcome = future.result()
                if isinstance(outcome, _Failure):
                    raise outcome.kind(outcome.where, outcome.reason)
                yield outcome
        finally:
            for future in futures:
                future.cancel()


def plan_columns(
    columns: Sequence[WhatIf],
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    keep: Mapping[str, str] | None = None,
    iterations: int | None = None,
    workers: int | None = None,
    start_method: str | None = None,
    progress: Progress | None = None,
) -> list[list[tuple[Scenario, Plan]]]:
    """Plan every part of every column of a comparison with ``plan_documents``.

    ``keep`` (client → courier, from an earlier plan) becomes every document's ``keep``
    (what it still knows of it), so the scenario read back carries it too.
    ``progress(done, total, name)`` is called as each plan comes back.
    """
    jobs = [(c, _keep_for(doc, keep)) for c, column in enumerate(columns) for doc in column.parts]
    plans = plan_documents(
        [doc for _, doc in jobs],
        time_limit_s=time_limit_s,
        seed=seed,
        iterations=iterations,
        workers=workers,
        start_method=start_method,
    )
    planned: list[list[tuple[Scenario, Plan]]] = [[] for _ in columns]
    for done, ((c, doc), plan) in enumerate(zip(jobs, plans, strict=True), start=1):
        planned[c].append((parse_scenario(doc), plan))
        if progress is not None:
            progress(done, len(jobs), _job_name(columns, c, doc))
    return planned
