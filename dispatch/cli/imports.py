"""``dispatch import``: a spreadsheet of clients merged into a scenario, written as a new file.

The sheet's clients are merged into the base scenario's by id (new ids added, known ones
updated in the sheet's columns). The result is checked by the gate before anything is
written, and written all or nothing. ``--out`` is never one of the inputs, and an existing
file is replaced only with ``--force``: a day's file is often edited by hand after import.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import yaml

from dispatch.cli.common import EXIT_OK, say
from dispatch.errors import InputError, ScenarioError
from dispatch.messages import text
from dispatch.report.output import write_file
from dispatch.scenario import read_document
from dispatch.scenario.changes import validate
from dispatch.scenario.client_rows import merge_clients, read_client_file


def add_command(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "import", help="merge clients from .xlsx or .csv into a scenario / 导入客户表"
    )
    command.add_argument("sheet", type=Path, help="clients, .xlsx or .csv / 客户表")
    command.add_argument("--scenario", type=Path, required=True, help="base scenario / 基准场景")
    command.add_argument("--out", type=Path, required=True, help="new scenario file / 输出场景")
    command.add_argument(
        "--force", action="store_true", help="replace an existing --out / 覆盖已有文件"
    )
    command.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    _check_out(args.out, (args.sheet, args.scenario), args.force)
    base = read_document(args.scenario)
    if not isinstance(base, dict):
        raise ScenarioError(str(args.scenario), text("not_mapping"))
    validate(base, lambda inner: None, str(args.scenario), joiner=":")
    rows = read_client_file(args.sheet).check()
    known = {c.get("id") for c in base["clients"]}
    merged, locate = merge_clients(base, rows)
    validate(merged, locate, str(args.scenario), joiner=":")
    _rebase_network(merged, args.scenario, args.out)
    write_file(_dump(merged, args.out), args.out)
    added = sum(1 for c in rows.clients if c["id"] not in known)
    done = text(
        "import_done",
        added=added,
        updated=len(rows.clients) - added,
        total=len(merged["clients"]),
        out=str(args.out),
    )
    say(f"{done.zh} / {done.en}")
    return EXIT_OK


def _check_out(out: Path, inputs: tuple[Path, ...], force: bool) -> None:
    """``--out`` is a new file (or an existing one with ``--force``), never an input."""
    if out.is_dir():
        raise InputError(str(out), text("out_is_folder"))
    for given in inputs:
        if out.resolve() == given.resolve():
            raise InputError(str(out), text("out_is_input"))
    if out.exists() and not force:
        raise InputError(str(out), text("out_exists"))


def _rebase_network(document: dict[str, Any], scenario: Path, out: Path) -> None:
    """A relative ``network`` path still names the same file from the new file's folder."""
    network = document.get("network")
    if isinstance(network, str) and not Path(network).is_absolute():
        where = (scenario.parent / network).resolve()
        document["network"] = os.path.relpath(where, out.resolve().parent)


def _dump(document: dict[str, Any], out: Path) -> bytes:
    if out.suffix.lower() == ".json":
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode("utf-8")
