"""``dispatch compare``: a base day and what-ifs planned side by side."""

from __future__ import annotations

import argparse
from pathlib import Path

from dispatch.cli.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    check_client_cap,
    iterations_option,
    keep_from_option,
    max_clients_option,
    say,
)
from dispatch.cli.progress import plan_progress
from dispatch.planning.batch import plan_columns
from dispatch.report.compare import comparison, comparison_files, comparison_table, read_keep
from dispatch.report.output import check_replaceable, write_folder
from dispatch.scenario.costs import read_costs_file
from dispatch.scenario.whatif import load_comparison


def add_command(commands: argparse._SubParsersAction) -> None:
    compare = commands.add_parser(
        "compare", help="plan a base day and what-ifs side by side / 假设情景对比"
    )
    compare.add_argument("base", type=Path, help="base scenario / 基准场景")
    compare.add_argument("whatifs", type=Path, nargs="+", help="what-if files / 假设情景文件")
    compare.add_argument("--out", type=Path, help="report folder / 报告目录")
    compare.add_argument("--time-limit", type=float, help="solver seconds per plan")
    compare.add_argument("--seed", type=int)
    iterations_option(compare)
    compare.add_argument("--costs", type=Path, help="unit costs, YAML or JSON / 成本单价")
    keep_from_option(compare)
    max_clients_option(compare)
    compare.set_defaults(run=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    if args.out:
        check_replaceable(args.out)
    costs = read_costs_file(args.costs) if args.costs else None
    keep = read_keep(args.keep_from) if args.keep_from else None
    columns = load_comparison(args.base, args.whatifs)
    for column in columns:
        for document in column.parts:
            field = f"{column.source or column.name}:clients"
            check_client_cap(len(document["clients"]), args.max_clients, field)
    with plan_progress() as progress:
        planned = plan_columns(
            columns,
            time_limit_s=args.time_limit,
            seed=args.seed,
            keep=keep,
            iterations=args.iterations,
            progress=progress,
        )
    data = comparison(columns, planned, costs)
    if args.out:
        write_folder(comparison_files(columns, planned, data), args.out)
    say(comparison_table(data))
    if args.out:
        say(f"written: {args.out}/compare.html, compare.json, <name>/plan.json ({len(columns)})")
    broken = any(p["figures"]["violations"] for p in data["plans"])
    return EXIT_VIOLATIONS if broken else EXIT_OK
