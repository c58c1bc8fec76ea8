"""``dispatch users create`` and ``dispatch seed-demo``: the staff pages' commands.

The parser is built at every start of the command line, so this module imports nothing
heavy at the top; the store and the password hasher load only when a command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dispatch.errors import InputError
from dispatch.messages import text


def add_staff_commands(commands: argparse._SubParsersAction) -> None:
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
    seed = commands.add_parser("seed-demo", help="load the demo register / 载入演示台账")
    seed.add_argument("--scenario", type=Path, default=Path("scenarios/jiangnan-rainstorm.yaml"))
    seed.add_argument("--canteen", default="jiangnan", help="the canteen's id in the register")


def read_password() -> str:
    """The new password: asked twice on a terminal, else the first line of stdin."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password / 密码: ")
    if getpass.getpass("again / 再输一次: ") != first:
        raise InputError("password", text("web_password_mismatch"))
    return first


def create_login(args: argparse.Namespace, database_url: str) -> None:
    """``dispatch users create``: the login, said on stderr (nothing secret is printed)."""
    from dispatch.service.store import Store
    from dispatch.service.users import create_user

    store = Store(database_url)
    store.migrate()
    info = create_user(store, args.name, read_password(), args.role, canteen=args.canteen)
    where = f"canteen {info.canteen}" if info.canteen else "street"
    print(f"login {info.name} ({info.role}, {where}) created", file=sys.stderr)


def seed_demo(args: argparse.Namespace, database_url: str) -> str:
    """``dispatch seed-demo``: the records added or changed per register, as one line."""
    from dispatch.service.demo import seed
    from dispatch.service.store import Store

    store = Store(database_url)
    store.migrate()
    counts = seed(store, args.scenario, args.canteen)
    return " · ".join(f"{kind} {n}" for kind, n in counts.items())
