"""``dispatch serve``, ``worker`` and ``keys``: the HTTP API, queue workers, API keys."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from dispatch.cli.common import EXIT_BAD_INPUT, EXIT_OK, say
from dispatch.errors import DispatchError
from dispatch.messages import text


def add_commands(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser(
        "serve",
        help="the staff pages at / and the HTTP API at /v1 (waitress) / 启动网页和 HTTP 服务",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--threads", type=int, default=16, help="request threads")
    serve.set_defaults(run=run_serve)
    worker = commands.add_parser("worker", help="solve jobs from the Redis queue / 队列求解进程")
    worker.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    worker.add_argument("--queue", default="dispatch", help="the RQ queue's name / 队列名")
    worker.set_defaults(run=run_worker)
    keys = commands.add_parser("keys", help="API keys / API 密钥")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="create a key and print its token once")
    create.add_argument("--role", choices=("viewer", "planner", "admin"), required=True)
    create.add_argument("--name", default="")
    scope = create.add_mutually_exclusive_group(required=True)
    scope.add_argument("--canteen", help="the one canteen the key sees / 密钥所属饭堂")
    scope.add_argument(
        "--scope", choices=("street",), help="street: every canteen of the store / 街道级"
    )
    scope.add_argument("--team", help="one grid service team's register / 所属网格小分队")
    revoke = key_commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    keys.set_defaults(run=run_keys)


@contextmanager
def server_extra(command: str) -> Iterator[None]:
    """A server command's imports; without the ``server`` extra, one line and exit 2."""
    try:
        yield
    except ModuleNotFoundError as err:
        reason = text("needs_server_extra", module=err.name or "?")
        raise DispatchError(command, reason) from err


def database_url() -> str:
    """``DISPATCH_DATABASE_URL``, else the server's default SQLite in its instance folder."""
    from api import instance_database_url

    return os.environ.get("DISPATCH_DATABASE_URL") or instance_database_url()


def run_serve(args: argparse.Namespace) -> int:
    with server_extra("serve"):
        import waitress

        from api import create_app

    app = create_app()
    print(f"dispatch serve: http://{args.host}:{args.port}/ (API: /v1)", file=sys.stderr)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="dispatch")
    return EXIT_OK


def run_worker(args: argparse.Namespace) -> int:
    queue_url = os.environ.get("DISPATCH_QUEUE_URL")
    database_url = os.environ.get("DISPATCH_DATABASE_URL")
    if not queue_url or not database_url:
        missing = text("worker_needs_urls")
        print(f"错误 error: {missing.zh} / {missing.en}", file=sys.stderr)
        return EXIT_BAD_INPUT
    with server_extra("worker"):  # rq is imported as the worker starts
        from dispatch.service.jobs import run_worker

        run_worker(queue_url, database_url, name=args.queue, burst=args.burst)
    return EXIT_OK


def run_keys(args: argparse.Namespace) -> int:
    with server_extra("keys"):
        from dispatch.service.keys import create_key, revoke_key
        from dispatch.service.store import Store
        from dispatch.service.street_ledger import require_team

    store = Store(database_url())
    store.migrate()
    if args.keys_command == "revoke":
        revoked = revoke_key(store, args.key_id) is not None
        said = text("key_revoked" if revoked else "key_not_active", key_id=args.key_id)
        print(f"{said.zh} / {said.en}", file=sys.stderr)
        return EXIT_OK if revoked else EXIT_BAD_INPUT
    if args.team:
        require_team(store, args.team)
    key = create_key(store, args.role, args.name, canteen=args.canteen, team=args.team)
    scope = (
        text("key_scope_canteen", canteen=args.canteen)
        if args.canteen
        else text("key_scope_team", team=args.team)
        if args.team
        else text("key_scope_street")
    )
    made = text("key_created", key_id=key.info.id, role=key.info.role, scope=scope)
    print(f"{made.zh} / {made.en}", file=sys.stderr)
    say(key.token)
    return EXIT_OK
