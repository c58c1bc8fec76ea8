"""Progress of a comparison on stderr: a bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dispatch.messages import text
from dispatch.planning.batch import Progress as Report


@contextmanager
def plan_progress() -> Iterator[Report]:
    """A ``progress(done, total, name)`` for ``plan_columns``, shown while planning."""
    label = text("progress_planned")
    if not sys.stderr.isatty():

        def line(done: int, total: int, name: str) -> None:
            print(f"{label.zh} {label.en} {done}/{total}: {name}", file=sys.stderr, flush=True)

        yield line
        return
    columns = (
        TextColumn(f"{label.zh} {label.en}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)

        def advance(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        yield advance
