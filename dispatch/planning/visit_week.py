"""A team's week of visits (docs/grid.md, "Visit coverage"): ``plan_week``.

Every special-group household whose next contact falls due within the week (N days after
its last one, N by group; never contacted: due at once) is visited by then. Day by day,
the households still to visit are taken in order of their due date (overdue first): every
one due that day or earlier, and at least an even share of the rest, so the visits spread
over the days; the day's rounds (``plan_rounds``, with the open requests on the first day
and those not yet planned after) decide who goes where. A household visited counts as
contacted that day; one left out goes on to the next day, and one never visited is missed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from dispatch.model.rounds import Covered, Week
from dispatch.planning.rounds import planned_rounds
from dispatch.scenario.rounds import round_day, visit_due, visit_every


def week_dues(document: Mapping[str, Any], last_day: dt.date) -> dict[str, dt.date]:
    """The team's households due a contact on or before ``last_day``, and when."""
    every = visit_every(document.get("settings") or {})
    first = dt.date.fromisoformat(str(document["date"]))
    team_buildings = {b["id"] for b in document["buildings"] if b["team"] == document["team"]}
    dues = {}
    for household in document["households"]:
        if household["building"] not in team_buildings:
            continue
        due = visit_due(household, every, first)
        if due is not None and due <= last_day:
            dues[str(household["id"])] = due
    return dues


def plan_week(
    document: Mapping[str, Any],
    days: int,
    *,
    time_limit_s: float,
    seed: int,
    iterations: int | None = None,
) -> Week:
    """``days`` days of rounds from ``document["date"]``, covering every household due."""
    first = dt.date.fromisoformat(str(document["date"]))
    dues = week_dues(document, first + dt.timedelta(days=days - 1))
    pending = dict(dues)
    visited: dict[str, dt.date] = {}
    requests = list(document["requests"])
    households = [dict(h) for h in document["households"]]
    planned = []
    for k in range(days):
        date = first + dt.timedelta(days=k)
        order = sorted(pending, key=lambda h: (pending[h], h))
        must = sum(1 for h in order if pending[h] <= date)
        chosen = order[: max(must, math.ceil(len(order) / (days - k)))]
        day = round_day({**document, "date": date.isoformat(), "requests": requests,
                         "households": households, "visits": chosen})  # fmt: skip
        plan, violations = planned_rounds(
            day, time_limit_s=time_limit_s / days, seed=seed, iterations=iterations
        )
        planned.append((day, plan, tuple(violations)))
        done = {s.task for r in plan.rounds for s in r.steps if s.type == "task"}
        for task in done:  # a request at the door is a contact too
            household = day.task(task).household
            if household in pending:
                visited[household] = date
                del pending[household]
        for record in households:
            if record["id"] in visited:
                record["last_contact"] = visited[record["id"]].isoformat()
        requests = [r for r in requests if r["id"] not in done]
    coverage = tuple(Covered(h, due, visited.get(h)) for h, due in sorted(dues.items()))
    return Week(days=tuple(planned), coverage=coverage)
