"""``dispatch users create`` and ``dispatch seed-demo``: the staff pages' logins and demo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dispatch.cli.common import EXIT_OK, say
from dispatch.cli.server import database_url, server_extra
from dispatch.errors import InputError
from dispatch.messages import text


def add_commands(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="staff logins of the web pages / 网页登录账号")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    create = user_commands.add_parser(
        "create", help="create a login; the password is asked for (or read from stdin)"
    )
    create.add_argument("name")
    create.add_argument("--role", choices=("viewer", "planner", "admin"), required=True)
    scope = create.add_mutually_exclusive_group(required=True)
    scope.add_argument("--canteen", help="the one canteen the login sees / 所属饭堂")
    scope.add_argument("--scope", choices=("street",), help="street: every canteen / 街道级")
    scope.add_argument("--team", help="one grid service team's register / 所属网格小分队")
    users.set_defaults(run=run_users)
    seed = commands.add_parser("seed-demo", help="load the demo register / 载入演示台账")
    seed.add_argument("--scenario", type=Path, default=Path("scenarios/jiangnan-rainstorm.yaml"))
    seed.add_argument("--canteen", default="jiangnan", help="the canteen's id in the register")
    seed.add_argument(
        "--street", type=Path, help="also a street of grid teams (scenarios/demo-street.yaml)"
    )
    seed.set_defaults(run=run_seed_demo)


def read_password() -> str:
    """The new password: asked twice on a terminal, else the first line of stdin."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password / 密码: ")
    if getpass.getpass("again / 再输一次: ") != first:
        raise InputError("password", text("web_password_mismatch"))
    return first


def run_users(args: argparse.Namespace) -> int:
    """A new login, said on stderr (nothing secret is printed)."""
    with server_extra("users"):
        from dispatch.service.store import Store
        from dispatch.service.street_ledger import require_team
        from dispatch.service.users import create_user

    store = Store(database_url())
    store.migrate()
    if args.team:
        require_team(store, args.team)
    password = read_password()
    info = create_user(store, args.name, password, args.role, canteen=args.canteen, team=args.team)
    where = (
        text("key_scope_canteen", canteen=info.canteen)
        if info.canteen
        else text("key_scope_team", team=info.team)
        if info.team
        else None
    )
    made = text("web_login_created", name=info.name, role=info.role,
                scope=where or text("key_scope_street"))  # fmt: skip
    print(f"{made.zh} / {made.en}", file=sys.stderr)
    return EXIT_OK


def run_seed_demo(args: argparse.Namespace) -> int:
    """The records added or changed per register, as one line."""
    with server_extra("seed-demo"):
        from dispatch.service.demo import seed
        from dispatch.service.store import Store
        from dispatch.service.street_register import seed_requests, seed_street

    store = Store(database_url())
    store.migrate()
    counts = seed(store, args.scenario, args.canteen)
    if args.street:
        counts |= seed_street(store, args.street) | seed_requests(store, args.street)
    say(" · ".join(f"{kind} {n}" for kind, n in counts.items()))
    return EXIT_OK
