"""Delivery reports (issue 17): what the programme counts, read from the outcome records.

A **delivery** is a client's day whose outcome is 已送达 ``delivered`` or 交给护工/邻居
``left_with_helper``: the client's latest outcome over that day's plans, so a day planned
twice still counts once. Its meals are the client's meals on that plan, by variant. The
subsidy sheet is the deliveries and meals per client per month; a sponsor (认捐) pays its fee
for each delivery to its paired clients between its dates. Rows carry ids, never names:
a page that shows names adds them itself.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dispatch.errors import InputError
from dispatch.messages import text
from dispatch.report.workbooks import workbook
from dispatch.scenario.fields import got
from dispatch.service.outcomes import OutcomeRecord, outcomes_of
from dispatch.service.store import Store
from dispatch.service.welfare import Case

DELIVERED = frozenset({"delivered", "left_with_helper"})
GROUPS = ("client", "courier", "sponsor", "variant", "subsidy", "case")
MAX_DAYS = 366  # the longest range one report covers
NAMED = ("client", "subsidy", "case")  # the groups whose rows a staff page names


@dataclass(frozen=True)
class DayOutcome:
    """A client's outcome of one day, with the meals the plan carried to them."""

    date: str
    client: str
    courier: str
    outcome: str
    meals: Mapping[str, int]

    @property
    def delivered(self) -> bool:
        return self.outcome in DELIVERED


def check_range(date_from: dt.date, date_to: dt.date) -> None:
    """A report's range: ``from`` on or before ``to``, at most ``MAX_DAYS`` days."""
    if date_to < date_from:
        raise InputError("to", text("report_range_backwards", start=date_from, end=date_to))
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise InputError("to", text("report_range_too_long", cap=MAX_DAYS))


def day_outcomes(
    store: Store, canteen: str | None, date_from: dt.date, date_to: dt.date
) -> list[DayOutcome]:
    """Each client's outcome per day in the range (of ``canteen``; ``None``: every one)."""
    records = outcomes_of(store, canteen=canteen, date_from=date_from, date_to=date_to, per="day")
    meals = _meals(store, {r.plan for r in records})
    return [
        DayOutcome(r.date, r.client, r.route, r.outcome, meals[r.plan].get(r.client, {}))
        for r in sorted(records, key=lambda r: (r.date, r.client))
    ]


def programme_totals(
    store: Store, canteen: str | None, since: dt.date, until: dt.date
) -> dict[str, int]:
    """Deliveries, clients, couriers and days served from the programme's start ``since`` to
    ``until``: any length, since no meal is counted and so no plan is read."""
    if until < since:
        raise InputError("since", text("report_since_future", since=since, until=until))
    return totals_of(outcomes_of(store, canteen=canteen, date_from=since, date_to=until, per="day"))


def totals_of(records: Sequence[OutcomeRecord]) -> dict[str, int]:
    """Deliveries, clients, couriers and days of each (date, client)'s outcome ``records``."""
    done = [r for r in records if r.outcome in DELIVERED]
    return {
        "deliveries": len(done),
        "clients": len({r.client for r in done}),
        "couriers": len({r.route for r in done}),
        "days": len({r.date for r in done}),
    }


def _meals(store: Store, plans: Iterable[str]) -> dict[str, dict[str, dict[str, int]]]:
    """Plan id → client → meals by variant, from each plan's scenario."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for plan_id in plans:
        clients = store.get_plan(plan_id).scenario.get("clients", [])
        out[plan_id] = {str(c["id"]): dict(c.get("meals", {})) for c in clients}
    return out


def report(
    days: list[DayOutcome],
    by: str,
    sponsors: Sequence[Mapping[str, Any]] = (),
    cases: Sequence[Case] = (),
) -> dict[str, Any]:
    """``{"by", "rows", "total"}`` of ``days`` grouped ``by`` one of ``GROUPS``; by sponsor,
    ``sponsors`` are the register's sponsor records; ``cases`` are the welfare cases of the
    range's days (by case: one row each, with how it ended)."""
    if by not in GROUPS:
        raise InputError("by", text("report_by", allowed=", ".join(GROUPS), got=got(by, "by")))
    done = [d for d in days if d.delivered]
    total = {
        "deliveries": len(done),
        "meals": sum(sum(d.meals.values()) for d in done),
        "clients": len({d.client for d in done}),
        "couriers": len({d.courier for d in done}),
        "no_answers": sum(d.outcome == "no_answer" for d in days),
        "outcomes": len(days),
        "cases": len(cases),
        "cases_open": sum(c.status == "open" for c in cases),
    }
    if by == "case":
        rows = [_case_row(c) for c in sorted(cases, key=lambda c: (c.date, c.opened_at))]
    else:
        rows = _by_sponsor(days, sponsors) if by == "sponsor" else _ROWS[by](days)
    return {"by": by, "rows": rows, "total": total}


def _case_row(case: Case) -> dict[str, Any]:
    """A welfare case as a report row: why it opened, its steps, how (and whether) it ended."""
    return {
        "case": case.id,
        "date": case.date,
        "client": case.client,
        "reason": case.reason,
        "steps": len(case.steps),
        "status": case.status,
        "closed_with": case.closed_with or "",
    }


def _by_client(days: list[DayOutcome]) -> list[dict[str, Any]]:
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for d in days:
        row = rows[d.client]
        row["deliveries"] += d.delivered
        row["meals"] += sum(d.meals.values()) if d.delivered else 0
        row["no_answers"] += d.outcome == "no_answer"
        row["refused"] += d.outcome == "refused"
        row["not_home"] += d.outcome == "not_home"
    fields = ("deliveries", "meals", "no_answers", "refused", "not_home")
    return [{"client": c} | {f: rows[c][f] for f in fields} for c in sorted(rows)]


def _by_courier(days: list[DayOutcome]) -> list[dict[str, Any]]:
    done: dict[str, list[DayOutcome]] = defaultdict(list)
    for d in days:
        if d.delivered:
            done[d.courier].append(d)
    return [
        {
            "courier": courier,
            "deliveries": len(ds),
            "meals": sum(sum(d.meals.values()) for d in ds),
            "clients": len({d.client for d in ds}),
            "days": len({d.date for d in ds}),
        }
        for courier, ds in sorted(done.items())
    ]


def _by_sponsor(
    days: list[DayOutcome], sponsors: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Per sponsor: the deliveries to its paired clients within its dates, and what it pays
    for them (``fee_per_delivery_fen`` each)."""
    rows = []
    for sponsor in sorted(sponsors, key=lambda s: str(s["id"])):
        paired = set(sponsor.get("clients", []))
        start, end = sponsor.get("from", "0000-01-01"), sponsor.get("to", "9999-12-31")
        done = [d for d in days if d.delivered and d.client in paired and start <= d.date <= end]
        fee = int(sponsor.get("fee_per_delivery_fen", 0))
        rows.append(
            {
                "sponsor": str(sponsor["id"]),
                "deliveries": len(done),
                "meals": sum(sum(d.meals.values()) for d in done),
                "clients": len({d.client for d in done}),
                "fee_per_delivery_fen": fee,
                "amount_fen": fee * len(done),
            }
        )
    return rows


def _by_variant(days: list[DayOutcome]) -> list[dict[str, Any]]:
    meals: Counter[str] = Counter()
    for d in days:
        if d.delivered:
            meals.update(d.meals)
    return [{"variant": v, "meals": n} for v, n in sorted(meals.items())]


def _subsidy(days: list[DayOutcome]) -> list[dict[str, Any]]:
    """Deliveries and meals per month and client: what the subsidy is settled on."""
    rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for d in days:
        if d.delivered:
            row = rows[(d.date[:7], d.client)]
            row["deliveries"] += 1
            row["meals"] += sum(d.meals.values())
    return [
        {"month": month, "client": client} | dict(rows[(month, client)])
        for month, client in sorted(rows)
    ]


_ROWS = {"client": _by_client, "courier": _by_courier, "variant": _by_variant, "subsidy": _subsidy}


def report_xlsx(body: Mapping[str, Any], names: Mapping[str, str] | None = None) -> bytes:
    """The report as a workbook: its rows under bilingual headers, then the totals' row; a
    client's name beside the id when ``names`` has it (a staff page's download)."""
    rows: list[dict[str, Any]] = list(body["rows"])
    if names is not None and body["by"] in NAMED:
        rows = [_named(r, names) for r in rows]
    fields = list(rows[0]) if rows else [_key(body["by"]), "meals"]
    header = [f"{text(f'report_col.{f}').zh} {text(f'report_col.{f}').en}" for f in fields]
    table = [[r.get(f, "") for f in fields] for r in rows]
    first = text("report_totals")
    table.append([f"{first.zh} {first.en}"] + [body["total"].get(f, "") for f in fields[1:]])
    return workbook(text(f"report_by.{body['by']}").zh[:31], header, table)


def _key(by: str) -> str:
    return {"subsidy": "month"}.get(by, by)


def _named(row: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field, value in row.items():
        out[field] = value
        if field == "client":
            out["name"] = names.get(str(value), "")
    return out
