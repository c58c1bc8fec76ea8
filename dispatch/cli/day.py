"""``dispatch plan`` and ``dispatch verify``: one day's routes, and checking a plan."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dispatch.cli.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    check_client_cap,
    iterations_option,
    max_clients_option,
    say,
)
from dispatch.errors import DispatchError, PlanFormatError
from dispatch.model import clock
from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.kpi import carried_clients, door_to_door_s, route_distance_m, summary
from dispatch.report.output import check_replaceable, render_files, write_folder
from dispatch.report.plan_json import plan_from_dict
from dispatch.report.sheets import LANGUAGES
from dispatch.scenario import load_scenario, read_document
from dispatch.verify import verify


def add_commands(commands: argparse._SubParsersAction) -> None:
    plan = commands.add_parser("plan", help="plan the routes of a scenario / 生成送餐路线")
    plan.add_argument("scenario", type=Path)
    plan.add_argument("--out", type=Path, required=True, help="output folder / 输出目录")
    plan.add_argument("--time-limit", type=float, help="solver seconds (default: scenario's)")
    plan.add_argument("--seed", type=int)
    iterations_option(plan)
    plan.add_argument("--lang", choices=LANGUAGES, default="zh", help="sheet language")
    max_clients_option(plan)
    plan.set_defaults(run=run_plan)
    check = commands.add_parser("verify", help="check a plan against a scenario / 校验路线")
    check.add_argument("scenario", type=Path)
    check.add_argument("plan", type=Path)
    check.set_defaults(run=run_verify)


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
    return "\n".join(lines)


def run_plan(args: argparse.Namespace) -> int:
    check_replaceable(args.out)
    scenario = load_scenario(args.scenario)
    check_client_cap(len(scenario.clients), args.max_clients, f"{args.scenario}:clients")
    plan = plan_day(
        scenario, time_limit_s=args.time_limit, seed=args.seed, iterations=args.iterations
    )
    part = PlanContext.of(scenario, plan)
    files = render_files(part, args.lang)
    write_folder(files, args.out)
    say(_table(part))
    say(f"written: {args.out}/plan.json, kitchen.csv, index.html, sheets/ ({len(plan.routes)})")
    return EXIT_OK if not plan.violations else EXIT_VIOLATIONS


def run_verify(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    try:
        plan = plan_from_dict(read_document(args.plan))
    except DispatchError as err:
        if isinstance(err, PlanFormatError) and not err.field.startswith(str(args.plan)):
            raise PlanFormatError(f"{args.plan}:{err.field}", err.reason) from err
        raise
    violations = verify(scenario, plan)
    for v in violations:
        who = " ".join(x for x in (v.courier, v.client) if x)
        say(f"{v.rule}: {who}: {v.message}")
    say(json.dumps({"violations": len(violations)}))
    return EXIT_VIOLATIONS if violations else EXIT_OK
