"""What every ``dispatch`` command shares: exit codes, options, printing, the client cap."""

from __future__ import annotations

import argparse
from pathlib import Path

from dispatch.errors import DispatchError, InputError
from dispatch.messages import text

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE
MAX_CLIENTS = 2000  # clients per scenario, as the HTTP API's MAX_CLIENTS; --max-clients raises it


def iterations_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--iterations",
        type=int,
        metavar="N",
        help="stop each search after N iterations, not on the clock: the same plan on any "
        "machine / 按迭代次数停止，任何机器结果一致",
    )


def keep_from_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--keep-from", type=Path, help="keep client→courier of this plan.json / 尽量保留分配"
    )


def max_clients_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--max-clients",
        type=int,
        default=MAX_CLIENTS,
        help=f"refuse scenarios with more clients (default {MAX_CLIENTS}) / 客户数上限",
    )


def say(line: str) -> None:
    """Print ``line`` to stdout now: a closed pipe propagates, any other failure is a
    write error naming stdout."""
    try:
        print(line, flush=True)
    except BrokenPipeError:
        raise
    except OSError as err:
        detail = err.strerror or type(err).__name__
        raise DispatchError("<stdout>", text("file_unwritable", detail=detail)) from err


def check_client_cap(count: int, cap: int, field: str) -> None:
    """At most ``cap`` clients in one scenario, checked before any travel matrix is built."""
    if count > cap:
        raise InputError(field, text("too_many_clients", cap=cap, got=count))
