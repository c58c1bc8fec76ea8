"""The ``dispatch`` command: plan a day, verify a plan, compare what-ifs; serve, workers, keys.

Bad input prints one line (field path, reason in Chinese and English) and exits 2 with
nothing written; so does a write that fails (disk full), leaving no half-written folder.
``--out`` only ever replaces a folder this command wrote (see ``dispatch.report.output``).
A plan that breaks a rule makes ``verify`` exit 1. When stdout is a pipe closed early
(``dispatch plan … | head``) the files are already complete and the command exits 141,
the status of a process ended by SIGPIPE, without a message.

Each command lives in its own module (``day``: plan and verify; ``compare``; ``imports``:
clients from a spreadsheet; ``server``: serve, worker and keys; ``staff``: the web pages'
logins and demo register), which adds its parser
and names its ``run`` function.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from dispatch.cli import compare, day, imports, server, staff
from dispatch.cli.common import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, MAX_CLIENTS
from dispatch.errors import DispatchError
from dispatch.messages import text
from dispatch.version import __version__

__all__ = ["MAX_CLIENTS", "main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dispatch", description="暖流 nuanliu-dispatch: community meal delivery routes"
    )
    parser.add_argument("--version", action="version", version=f"dispatch {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    day.add_commands(commands)
    compare.add_command(commands)
    imports.add_command(commands)
    server.add_commands(commands)
    staff.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except DispatchError as err:
        print(f"错误 error: {err.line()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as err:
        reason = text("file_unreadable", detail=err.strerror or err)
        print(f"错误 error: {err.filename or ''}: {reason.zh} / {reason.en}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush does not fail again."""
    with contextlib.suppress(OSError, ValueError):  # no file descriptor (e.g. captured)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
