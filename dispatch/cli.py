"""The ``dispatch`` command: plan a day, verify a plan, compare what-ifs; serve, workers, keys.

Bad input prints one line (field path, reason in Chinese and English) and exits 2 with
nothing written; so does a write that fails (disk full), leaving no half-written folder.
``--out`` only ever replaces a folder this command wrote (see ``dispatch.report.output``).
A plan that breaks a rule makes ``verify`` exit 1. When stdout is a pipe closed early
(``dispatch plan … | head``) the files are already complete and the command exits 141,
the status of a process ended by SIGPIPE, without a message.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from dispatch.errors import DispatchError, InputError, PlanFormatError
from dispatch.messages import text
from dispatch.model import clock
from dispatch.planning.batch import plan_columns
from dispatch.planning.day import plan_day
from dispatch.report.compare import comparison, comparison_files, comparison_table, read_keep
from dispatch.report.context import PlanContext
from dispatch.report.kpi import carried_clients, door_to_door_s, route_distance_m, summary
from dispatch.report.output import check_replaceable, render_files, write_folder
from dispatch.report.plan_json import plan_from_dict
from dispatch.report.sheets import LANGUAGES
from dispatch.scenario import load_scenario, read_document
from dispatch.scenario.costs import read_costs_file
from dispatch.scenario.schedule import read_date
from dispatch.scenario.whatif import load_comparison
from dispatch.service.commands import add_staff_commands, create_login, seed_demo
from dispatch.verify import verify

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE
MAX_CLIENTS = 2000  # clients per scenario, as the HTTP API's MAX_CLIENTS; --max-clients raises it


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dispatch", description="暖流 nuanliu-dispatch: community meal delivery routes"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="plan the routes of a scenario / 生成送餐路线")
    plan.add_argument("scenario", type=Path)
    plan.add_argument("--out", type=Path, required=True, help="output folder / 输出目录")
    plan.add_argument("--time-limit", type=float, help="solver seconds (default: scenario's)")
    plan.add_argument("--seed", type=int)
    plan.add_argument(
        "--iterations",
        type=int,
        metavar="N",
        help="stop each search after N iterations: the same plan on any machine",
    )
    plan.add_argument("--lang", choices=LANGUAGES, default="zh", help="sheet language")
    plan.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the day to plan (default: the scenario's date; a register without one: today "
        "in Asia/Shanghai) / 排线日期",
    )
    _keep_from_option(plan)
    _max_clients_option(plan)
    check = commands.add_parser("verify", help="check a plan against a scenario / 校验路线")
    check.add_argument("scenario", type=Path)
    check.add_argument("plan", type=Path)
    _compare_command(commands)
    _server_commands(commands)
    return parser


def _compare_command(commands: argparse._SubParsersAction) -> None:
    compare = commands.add_parser(
        "compare", help="plan a base day and what-ifs side by side / 假设情景对比"
    )
    compare.add_argument("base", type=Path, help="base scenario / 基准场景")
    compare.add_argument("whatifs", type=Path, nargs="+", help="what-if files / 假设情景文件")
    compare.add_argument("--out", type=Path, help="report folder / 报告目录")
    compare.add_argument("--time-limit", type=float, help="solver seconds per plan")
    compare.add_argument("--seed", type=int)
    compare.add_argument(
        "--iterations",
        type=int,
        metavar="N",
        help="stop each search after N iterations: the same plan on any machine",
    )
    compare.add_argument("--costs", type=Path, help="unit costs, YAML or JSON / 成本单价")
    _keep_from_option(compare)
    _max_clients_option(compare)


def _keep_from_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--keep-from", type=Path, help="keep client→courier of this plan.json / 尽量保留分配"
    )


def _iterations_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--iterations",
        type=int,
        metavar="N",
        help="stop each search after N iterations, not on the clock: the same plan on any "
        "machine / 按迭代次数停止，任何机器结果一致",
    )


def _max_clients_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--max-clients",
        type=int,
        default=MAX_CLIENTS,
        help=f"refuse scenarios with more clients (default {MAX_CLIENTS}) / 客户数上限",
    )


def _server_commands(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run the HTTP API (waitress) / 启动 HTTP 服务")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--threads", type=int, default=16, help="request threads")
    worker = commands.add_parser("worker", help="solve jobs from the Redis queue / 队列求解进程")
    worker.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    worker.add_argument("--queue", default="dispatch", help="the RQ queue's name / 队列名")
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
    revoke = key_commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    add_staff_commands(commands)


def _table(part: PlanContext) -> str:
    scenario, plan = part.scenario, part.plan
    figures = summary(part)
    lines = [
        f"{scenario.name} {scenario.date.isoformat()} · {scenario.canteen.name}",
        f"{'courier':<10}{'stops':>6}{'meals':>6}{'leave':>7}{'done':>7}{'km':>7}{'d2d min':>9}",
    ]
    for route in plan.routes:
        stops = len(route.deliveries) + len(route.handovers)
        meals = sum(c.meal_count for c in carried_clients(part.clients, plan, route))
        leave, done = route.steps[0].departure_s or 0, route.steps[-1].arrival_s or 0
        km = route_distance_m(route) / 1000
        lines.append(
            f"{route.courier:<10}{stops:>6}{meals:>6}{clock(leave):>7}"
            f"{clock(done):>7}{km:>7.1f}{door_to_door_s(plan, route) / 60:>9.0f}"
        )
    lines.append(
        f"served {figures['served']}/{figures['clients']} clients · "
        f"{figures['couriers_used']} couriers · meals {figures['meals']} · "
        f"violations {figures['violations']}"
    )
    for u in plan.unassigned:
        lines.append(f"  unassigned {u.client}: {u.reason_zh} / {u.reason_en}")
    for n in plan.not_used:
        lines.append(f"  not used {n.courier}: {n.reason_zh} / {n.reason_en}")
    if figures["kept_courier_of"]:
        lines.append(
            f"kept courier {figures['kept_courier']}/{figures['kept_courier_of']} clients "
            "(usual or earlier courier)"
        )
    if plan.not_scheduled:
        lines.append(f"not scheduled today: {len(plan.not_scheduled)} clients")
    for s in plan.not_scheduled:
        lines.append(f"  not scheduled {s.client}: {s.reason_zh} / {s.reason_en}")
    return "\n".join(lines)


def _say(line: str) -> None:
    """Print ``line`` to stdout now: a closed pipe propagates, any other failure is a
    write error naming stdout."""
    try:
        print(line, flush=True)
    except BrokenPipeError:
        raise
    except OSError as err:
        detail = err.strerror or type(err).__name__
        raise DispatchError("<stdout>", text("file_unwritable", detail=detail)) from err


def _check_client_cap(count: int, cap: int, field: str) -> None:
    """At most ``cap`` clients in one scenario, checked before any travel matrix is built."""
    if count > cap:
        raise InputError(field, text("too_many_clients", cap=cap, got=count))


def _plan(args: argparse.Namespace) -> int:
    check_replaceable(args.out)
    day = read_date(args.date, "--date") if args.date is not None else None
    scenario = load_scenario(args.scenario)
    _check_client_cap(len(scenario.clients), args.max_clients, f"{args.scenario}:clients")
    if day is not None:
        scenario = replace(scenario, date=day)
    if args.keep_from:
        scenario = replace(scenario, keep=MappingProxyType(read_keep(args.keep_from)))
    plan = plan_day(
        scenario, time_limit_s=args.time_limit, seed=args.seed, iterations=args.iterations
    )
    part = PlanContext.of(scenario, plan)
    files = render_files(part, args.lang)
    write_folder(files, args.out)
    _say(_table(part))
    _say(f"written: {args.out}/plan.json, kitchen.csv, index.html, sheets/ ({len(plan.routes)})")
    return EXIT_OK if not plan.violations else EXIT_VIOLATIONS


def _verify(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    document = read_document(args.plan)
    try:
        plan = plan_from_dict(document)
    except DispatchError as err:
        if isinstance(err, PlanFormatError) and not err.field.startswith(str(args.plan)):
            raise PlanFormatError(f"{args.plan}:{err.field}", err.reason) from err
        raise
    if isinstance(document, dict) and "date" in document:  # the day it was planned for
        scenario = replace(scenario, date=read_date(document["date"], f"{args.plan}:date"))
    violations = verify(scenario, plan)
    for v in violations:
        who = " ".join(x for x in (v.courier, v.client) if x)
        _say(f"{v.rule}: {who}: {v.message}")
    _say(json.dumps({"violations": len(violations)}))
    return EXIT_VIOLATIONS if violations else EXIT_OK


def _compare(args: argparse.Namespace) -> int:
    if args.out:
        check_replaceable(args.out)
    costs = read_costs_file(args.costs) if args.costs else None
    keep = read_keep(args.keep_from) if args.keep_from else None
    columns = load_comparison(args.base, args.whatifs)
    for column in columns:
        for document in column.parts:
            field = f"{column.source or column.name}:clients"
            _check_client_cap(len(document["clients"]), args.max_clients, field)
    planned = plan_columns(
        columns, time_limit_s=args.time_limit, seed=args.seed, keep=keep, iterations=args.iterations
    )
    data = comparison(columns, planned, costs)
    if args.out:
        write_folder(comparison_files(columns, planned, data), args.out)
    _say(comparison_table(data))
    if args.out:
        _say(f"written: {args.out}/compare.html, compare.json, <name>/plan.json ({len(columns)})")
    broken = any(p["figures"]["violations"] for p in data["plans"])
    return EXIT_VIOLATIONS if broken else EXIT_OK


def _database_url() -> str:
    """``DISPATCH_DATABASE_URL``, else the server's default SQLite in its instance folder."""
    from api import instance_database_url

    return os.environ.get("DISPATCH_DATABASE_URL") or instance_database_url()


def _serve(args: argparse.Namespace) -> int:
    import waitress

    from api import create_app

    app = create_app()
    print(f"dispatch serve: http://{args.host}:{args.port}/ (API: /v1)", file=sys.stderr)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="dispatch")
    return EXIT_OK


def _worker(args: argparse.Namespace) -> int:
    from dispatch.service.jobs import run_worker

    queue_url = os.environ.get("DISPATCH_QUEUE_URL")
    database_url = os.environ.get("DISPATCH_DATABASE_URL")
    if not queue_url or not database_url:
        print(
            "错误 error: 需要设置 DISPATCH_QUEUE_URL 和 DISPATCH_DATABASE_URL / "
            "DISPATCH_QUEUE_URL and DISPATCH_DATABASE_URL must be set",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    run_worker(queue_url, database_url, name=args.queue, burst=args.burst)
    return EXIT_OK


def _keys(args: argparse.Namespace) -> int:
    from dispatch.service.keys import create_key, revoke_key
    from dispatch.service.store import Store

    store = Store(_database_url())
    store.migrate()
    if args.keys_command == "revoke":
        revoked = revoke_key(store, args.key_id) is not None
        print(f"{'revoked' if revoked else 'no such active key'}: {args.key_id}", file=sys.stderr)
        return EXIT_OK if revoked else EXIT_BAD_INPUT
    key = create_key(store, args.role, args.name, canteen=args.canteen)
    scope = f"canteen {args.canteen}" if args.canteen else "street"
    print(
        f"key {key.info.id} ({key.info.role}, {scope}); the token is shown once:",
        file=sys.stderr,
    )
    _say(key.token)
    return EXIT_OK


def _users(args: argparse.Namespace) -> int:
    create_login(args, _database_url())
    return EXIT_OK


def _seed_demo(args: argparse.Namespace) -> int:
    _say(seed_demo(args, _database_url()))
    return EXIT_OK


COMMANDS = {
    "plan": _plan,
    "verify": _verify,
    "compare": _compare,
    "serve": _serve,
    "worker": _worker,
    "keys": _keys,
    "users": _users,
    "seed-demo": _seed_demo,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
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


if __name__ == "__main__":
    sys.exit(main())
