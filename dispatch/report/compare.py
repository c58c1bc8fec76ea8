"""A comparison of planned what-ifs: figures, diffs, the table and the HTML report."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from rich.table import Table

from dispatch.errors import PlanFormatError
from dispatch.model import Plan, Scenario, clock
from dispatch.report.context import PlanContext
from dispatch.report.kpi import LATE_RISK_S, client_couriers, cost_figures, plan_diff, plan_figures
from dispatch.report.plan_json import plan_from_dict, plan_to_dict
from dispatch.report.terminal import render
from dispatch.scenario import read_document
from dispatch.version import __version__

if TYPE_CHECKING:
    from dispatch.scenario.costs import Costs
    from dispatch.scenario.whatif import WhatIf


def read_keep(path: str | Path) -> dict[str, str]:
    """Client id → courier id from a plan document (``--keep-from PLAN.json``)."""
    document = read_document(path)
    try:
        plan = plan_from_dict(document)
    except PlanFormatError as err:
        raise PlanFormatError(f"{path}:{err.field}", err.reason) from err
    return client_couriers(plan)


Planned = Sequence[Sequence[tuple[Scenario, Plan]]]
"""Per column of a comparison, its plans: one ``(scenario, plan)`` per canteen."""


def _unassigned(parts: Sequence[PlanContext]) -> list[dict[str, str]]:
    return [
        {"client": u.client, "code": u.code, "reason": u.reason_en, "reason_zh": u.reason_zh}
        for part in parts
        for u in part.plan.unassigned
    ]


def _column_dict(
    column: WhatIf,
    parts: Sequence[PlanContext],
    base: Sequence[PlanContext] | None,
    costs: Costs | None,
) -> dict[str, Any]:
    figures: dict[str, Any] = plan_figures(parts)
    figures["latest_delivery"] = clock(figures["latest_delivery_s"])
    costs = column.costs or costs
    if costs is not None:
        units = {k: v for k, v in asdict(costs).items() if k != "currency"}
        figures |= cost_figures(figures, **units) | {"currency": costs.currency}
    return {
        "name": column.name,
        "description": column.description,
        "source": column.source,
        "scenarios": [part.scenario.name for part in parts],
        "canteens": [part.scenario.canteen.id for part in parts],
        "figures": figures,
        "costs": asdict(costs) if costs is not None else None,
        "unassigned": _unassigned(parts),
        "diff": plan_diff(base, parts) if base is not None else None,
    }


def comparison(
    columns: Sequence[WhatIf], planned: Planned, costs: Costs | None = None
) -> dict[str, Any]:
    """``compare.json``: figures per column, and for each what-if its diff against the base."""
    contexts = [[PlanContext.of(s, p) for s, p in parts] for parts in planned]
    base = contexts[0]
    return {
        "format": 1,
        "generator": f"nuanliu-dispatch {__version__}",
        "base": columns[0].name,
        "late_risk_s": LATE_RISK_S,
        "plans": [
            _column_dict(column, parts, None if k == 0 else base, costs)
            for k, (column, parts) in enumerate(zip(columns, contexts, strict=True))
        ],
    }


def comparison_files(
    columns: Sequence[WhatIf], planned: Planned, data: Mapping[str, Any]
) -> dict[str, str]:
    """``compare.json``, ``compare.html`` and every plan as ``<name>/plan.json``
    (an added canteen's share as ``<name>/<canteen id>/plan.json``)."""
    files = {
        "compare.json": json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        "compare.html": comparison_html(data),
    }
    for column, parts in zip(columns, planned, strict=True):
        for j, (scenario, plan) in enumerate(parts):
            folder = column.name if j == 0 else f"{column.name}/{scenario.canteen.id}"
            document = plan_to_dict(PlanContext.of(scenario, plan))
            body = json.dumps(document, ensure_ascii=False, indent=2)
            files[f"{folder}/plan.json"] = body + "\n"
    return files


# (key in the figures, English label, Chinese label), in table order.
ROWS = (
    ("served", "served / clients", "已送 / 客户"),
    ("couriers_used", "couriers", "骑手"),
    ("walkers_used", "grid workers", "网格员"),
    ("distance_m", "total km", "总里程 km"),
    ("hours_s", "total hours", "总工时 h"),
    ("latest_delivery_s", "latest delivery", "最晚送达"),
    ("door_to_door_mean_s", "door-to-door mean min", "平均在途 分"),
    ("door_to_door_max_s", "door-to-door max min", "最长在途 分"),
    ("unassigned", "unassigned", "未安排"),
    ("floors_per_person_max", "most floors by one person", "单人爬楼最多"),
    ("floors_per_person_spread", "floors/person spread", "爬楼差"),
    ("handovers", "hand-overs", "交接"),
    ("late_risk", "late-risk (<5 min)", "临界（<5 分）"),
    ("cost_per_meal", "cost per meal", "每餐成本"),
    ("violations", "violations", "校验问题"),
)


def _shown(key: str, figures: Mapping[str, Any]) -> str:
    """One figure as people read it: km, hours, HH:MM, minutes, money."""
    value = figures.get(key)
    if key == "served":
        return f"{figures['served']}/{figures['clients']}"
    if value is None:
        return "–"
    if key == "distance_m":
        return f"{value / 1000:.1f}"
    if key == "hours_s":
        return f"{value / 3600:.1f}"
    if key == "latest_delivery_s":
        return clock(value)
    if key.startswith("door_to_door"):
        return f"{value / 60:.0f}"
    if key == "cost_per_meal":
        return f"{value:.2f}"
    return str(value)


DIFF_ROWS = (
    ("changed_courier", "changed courier", "换配送员"),
    ("newly_unassigned", "newly unassigned", "新增未安排"),
    ("newly_late_risk", "newly late-risk", "新增临界"),
)


def table_rows(data: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """The side-by-side table: (English label, Chinese label, one cell per column)."""
    plans = data["plans"]
    show_cost = any("cost_per_meal" in p["figures"] for p in plans)
    rows = [
        (en, zh, [_shown(key, p["figures"]) for p in plans])
        for key, en, zh in ROWS
        if key != "cost_per_meal" or show_cost
    ]
    for key, en, zh in DIFF_ROWS:
        rows.append(
            (en, zh, ["–" if p["diff"] is None else str(len(p["diff"][key])) for p in plans])
        )
    return rows


def _ids_text(ids: Sequence[str], shown: int = 8) -> str:
    more = f" … (+{len(ids) - shown})" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def _notes(plan: Mapping[str, Any]) -> list[str]:
    """Unassigned clients grouped by reason, and who moved, under the table."""
    by_reason: dict[tuple[str, str], list[str]] = {}
    for u in plan["unassigned"]:
        by_reason.setdefault((u["reason_zh"], u["reason"]), []).append(u["client"])
    lines = [
        f"  {plan['name']}: unassigned {_ids_text(ids)}: {zh} / {en}"
        for (zh, en), ids in by_reason.items()
    ]
    moved = [m["client"] for m in (plan["diff"] or {}).get("changed_courier", [])]
    if moved:
        lines.append(f"  {plan['name']}: changed courier 换配送员 {len(moved)}: {_ids_text(moved)}")
    return lines


def comparison_table(data: Mapping[str, Any]) -> str:
    """The table for a terminal, then each what-if's unassigned clients and moves."""
    table = Table(box=None, pad_edge=False)
    table.add_column("")
    for plan in data["plans"]:
        table.add_column(plan["name"], justify="right")
    for en, zh, cells in table_rows(data):
        table.add_row(f"{en} {zh}", *cells)
    lines = [render(table)]
    for plan in data["plans"]:
        lines += _notes(plan)
    return "\n".join(lines)


# Bar charts in the report: (figure key, English title, Chinese title, unit divisor).
CHARTS = (
    ("couriers_used", "couriers", "骑手", 1),
    ("distance_m", "total km", "总里程 km", 1000),
    ("hours_s", "total hours", "总工时 h", 3600),
    ("door_to_door_max_s", "door-to-door max min", "最长在途 分", 60),
    ("unassigned", "unassigned", "未安排", 1),
    ("cost_per_meal", "cost per meal", "每餐成本", 1),
)


def _charts(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    charts = []
    for key, en, zh, unit in CHARTS:
        values = [p["figures"].get(key) for p in data["plans"]]
        if any(v is None for v in values):
            continue
        scaled = [float(v) / unit for v in values]
        top = max(scaled) or 1.0
        bars = [
            {
                "name": p["name"],
                "value": f"{v:.1f}" if unit > 1 or key == "cost_per_meal" else f"{v:.0f}",
                "width": round(300 * v / top, 1),
            }
            for p, v in zip(data["plans"], scaled, strict=True)
        ]
        charts.append({"en": en, "zh": zh, "bars": bars})
    return charts


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dispatch.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def comparison_html(data: Mapping[str, Any]) -> str:
    """``compare.html``: the table, the moves and bar charts as inline SVG (offline)."""
    template = _environment().get_template("compare.html")
    names = [p["name"] for p in data["plans"]]
    return template.render(data=data, names=names, rows=table_rows(data), charts=_charts(data))
