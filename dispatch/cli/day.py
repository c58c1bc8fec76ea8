"""``dispatch plan`` and ``dispatch verify``: one day's routes, and checking a plan."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dispatch.cli.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    check_client_cap,
    iterations_option,
    keep_from_option,
    max_clients_option,
    say,
)
from dispatch.cli.summary import plan_summary, written
from dispatch.errors import DispatchError, PlanFormatError
from dispatch.messages import text
from dispatch.model import Scenario
from dispatch.planning.day import plan_day
from dispatch.report.compare import read_keep
from dispatch.report.context import PlanContext
from dispatch.report.output import check_replaceable, render_files, write_folder
from dispatch.report.plan_json import plan_from_dict
from dispatch.report.sheets import LANGUAGES
from dispatch.scenario import load_scenario, read_document
from dispatch.scenario.schedule import read_date
from dispatch.verify import verify


def add_commands(commands: argparse._SubParsersAction) -> None:
    plan = commands.add_parser("plan", help="plan the routes of a scenario / 生成送餐路线")
    plan.add_argument("scenario", type=Path)
    plan.add_argument("--out", type=Path, required=True, help="output folder / 输出目录")
    plan.add_argument("--time-limit", type=float, help="solver seconds (default: scenario's)")
    plan.add_argument("--seed", type=int)
    iterations_option(plan)
    plan.add_argument("--lang", choices=LANGUAGES, default="zh", help="sheet language")
    plan.add_argument(
        "--no-pdf",
        dest="pdf",
        action="store_false",
        help="leave out sheets.pdf (about 2 s faster) / 不生成 sheets.pdf",
    )
    plan.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the day to plan (default: the scenario's date; a register without one: today "
        "in Asia/Shanghai) / 排线日期",
    )
    keep_from_option(plan)
    max_clients_option(plan)
    plan.set_defaults(run=run_plan)
    check = commands.add_parser("verify", help="check a plan against a scenario / 校验路线")
    check.add_argument("scenario", type=Path)
    check.add_argument("plan", type=Path)
    check.set_defaults(run=run_verify)


def run_plan(args: argparse.Namespace) -> int:
    check_replaceable(args.out)
    day = read_date(args.date, "--date") if args.date is not None else None
    scenario = load_scenario(args.scenario)
    check_client_cap(len(scenario.clients), args.max_clients, f"{args.scenario}:clients")
    if day is not None:
        scenario = replace(scenario, date=day)
    if args.keep_from:
        scenario = replace(scenario, keep=MappingProxyType(read_keep(args.keep_from)))
    plan = plan_day(
        scenario, time_limit_s=args.time_limit, seed=args.seed, iterations=args.iterations
    )
    part = PlanContext.of(scenario, plan)
    files = render_files(part, args.lang, pdf=args.pdf)
    write_folder(files, args.out)
    say(plan_summary(part))
    say(written(str(args.out), files))
    return EXIT_OK if not plan.violations else EXIT_VIOLATIONS


def run_verify(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    document = read_document(args.plan)
    _check_same_day(document, scenario, str(args.plan))
    try:
        plan = plan_from_dict(document)
    except DispatchError as err:
        if isinstance(err, PlanFormatError) and not err.field.startswith(str(args.plan)):
            raise PlanFormatError(f"{args.plan}:{err.field}", err.reason) from err
        raise
    if isinstance(document, Mapping) and "date" in document:  # the day it was planned for
        scenario = replace(scenario, date=read_date(document["date"], f"{args.plan}:date"))
    violations = verify(scenario, plan)
    for v in violations:
        rule = text(f"rule_{v.rule}")
        who = " ".join(x for x in (v.courier, v.client) if x)
        say(f"{rule.zh} {rule.en}: {who}: {v.message_zh} / {v.message}")
    count = text("verify_count", n=len(violations))
    say(f"{count.zh} / {count.en}")
    return EXIT_VIOLATIONS if violations else EXIT_OK


def _check_same_day(document: Any, scenario: Scenario, where: str) -> None:
    """A plan names its scenario and canteen: another scenario's plan is one line, exit 2.

    Its date may differ (``plan --date``, a register planned for today): it is verified for
    the day it was planned for."""
    if not isinstance(document, Mapping):
        return
    expected = {"scenario": scenario.name, "canteen": scenario.canteen.id}
    for field, value in expected.items():
        given = document.get(field)
        if isinstance(given, str) and given != value:
            label = text(f"field_{field}")
            reason = text(
                "plan_other_scenario",
                field=label.en,
                field_zh=label.zh,
                plan=given,
                scenario=value,
            )
            raise PlanFormatError(f"{where}:{field}", reason)
