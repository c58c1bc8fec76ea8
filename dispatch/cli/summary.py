"""What ``dispatch plan`` prints: the day's routes as a table (rich: CJK widths), the files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from rich.table import Table

from dispatch.messages import Text, text
from dispatch.model import Route, clock
from dispatch.report.context import PlanContext
from dispatch.report.kpi import carried_clients, door_to_door_s, route_distance_m, summary
from dispatch.report.terminal import render


def plan_summary(part: PlanContext) -> str:
    """The title, one row a route (riders and grid workers), the totals, who is left out."""
    scenario, plan = part.scenario, part.plan
    figures = summary(part)
    title = f"{scenario.name} {scenario.date.isoformat()} · {scenario.canteen.name}"
    if scenario.weather != "clear":
        title += f" · {scenario.weather}"
    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    for code in ("courier", "mode", "stops", "meals", "leave", "done", "km", "d2d"):
        label = text(f"summary_{code}")
        justify: Literal["left", "right"] = "left" if code in ("courier", "mode") else "right"
        table.add_column(f"{label.zh}\n{label.en}", justify=justify)
    for route in plan.routes:
        table.add_row(*_row(part, route))
    totals = _totals(figures)
    cooked = text(
        "summary_cooked",
        mean=f"{_number(figures['cooked_to_door_mean_s']) / 60:.0f}",
        most=f"{_number(figures['cooked_to_door_max_s']) / 60:.0f}",
    )
    lines = [render(table), totals.zh, totals.en, cooked.zh, cooked.en]
    lines += [
        _left_out("summary_unassigned", u.client, u.reason_zh, u.reason_en) for u in plan.unassigned
    ]
    lines += [
        _left_out("summary_not_used", n.courier, n.reason_zh, n.reason_en) for n in plan.not_used
    ]
    if figures["kept_courier_of"]:
        kept = text("summary_kept", kept=figures["kept_courier"], of=figures["kept_courier_of"])
        lines += [kept.zh, kept.en]
    if plan.not_scheduled:
        count = text("summary_not_scheduled_count", n=len(plan.not_scheduled))
        lines += [count.zh, count.en]
    lines += [
        _left_out("summary_not_scheduled", s.client, s.reason_zh, s.reason_en)
        for s in plan.not_scheduled
    ]
    return "\n".join(lines)


def _left_out(code: str, ident: str, zh: str, en: str) -> str:
    label = text(code)
    return f"  {label.zh} {label.en} {ident}: {zh} / {en}"


def written(out: str, names: Iterable[str]) -> str:
    """Every file written, by its path inside ``out``."""
    label = text("summary_written")
    return f"{label.zh} {label.en} {out}: {', '.join(sorted(names))}"


def _row(part: PlanContext, route: Route) -> list[str]:
    walker = route.courier in part.walkers
    stops = len(route.deliveries) + len(route.handovers)
    meals = sum(c.meal_count for c in carried_clients(part.clients, part.plan, route))
    leave, done = route.steps[0].departure_s or 0, route.steps[-1].arrival_s or 0
    mode = text("summary_walker" if walker else "summary_rider")
    return [
        route.courier,
        f"{mode.zh} {mode.en}",
        str(stops),
        str(meals),
        clock(leave),
        clock(done),
        f"{route_distance_m(route) / 1000:.1f}",
        f"{door_to_door_s(part.plan, route) / 60:.0f}",
    ]


def _totals(figures: Mapping[str, object]) -> Text:
    variants = figures["meals_by_variant"]
    assert isinstance(variants, Mapping)
    return text(
        "summary_totals",
        served=figures["served"],
        clients=figures["clients"],
        riders=figures["couriers_used"],
        walkers=figures["walkers_used"],
        meals=figures["meals"],
        variants=", ".join(f"{v} {n}" for v, n in sorted(variants.items())),
        violations=figures["violations"],
    )


def _number(value: object) -> float:
    assert isinstance(value, int | float)
    return value
