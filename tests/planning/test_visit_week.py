"""A week of visits (docs/grid.md, "Visit coverage"): every household due within the week is
visited by its due day, the overdue first, the visits spread over the days; each day's rounds
pass the independent verifier and so does the coverage the week states."""

from __future__ import annotations

import dataclasses
import datetime as dt

from test_rounds import document, member, request

from dispatch.model.rounds import Covered
from dispatch.planning.visit_week import plan_week
from dispatch.report.rounds import week_to_dict
from dispatch.verify.rounds import verify_coverage

MONDAY = dt.date(2026, 12, 7)
GROUP = [{"name": "甲", "group": "empty_nest_elderly"}]  # N = 7 days


def street(last_contacts: list[str | None], end: str = "12:00") -> dict:
    """One member, a household per last contact, all on the ground floor of ``b1``."""
    doc = document([member("m1", end=end)], [request("r", "lift", kind="talk")])
    doc["households"] = [
        {"id": f"h{k}", "building": "b1", "floor": 1, "members": GROUP, "responsible": None,
         "last_contact": last}
        for k, last in enumerate(last_contacts)
    ]  # fmt: skip
    doc["households"].append({"id": "lift", "building": "b2", "floor": 9, "members": []})
    return doc


def week_of(doc: dict, days: int = 7):
    week = plan_week(doc, days, time_limit_s=5, seed=1, iterations=100)
    assert all(found == () for _day, _plan, found in week.days)
    assert verify_coverage(week) == []
    return week


def test_every_household_due_this_week_is_visited_by_its_day_and_the_visits_spread():
    # Due on Monday (overdue), and one each Tuesday to Sunday; one not due until next week.
    lasts = ["2026-11-20", *(f"2026-12-0{d}" for d in range(1, 7)), "2026-12-06"]
    lasts[-1] = "2026-12-07"  # contacted today: due next Monday, after the week
    week = week_of(street(lasts))
    visited = {c.household: c.visited for c in week.coverage}
    assert set(visited) == {f"h{k}" for k in range(7)}  # h7 is not due this week
    for covered in week.coverage:
        assert covered.visited is not None and covered.visited <= max(covered.due, MONDAY)
    per_day = [sum(1 for c in week.coverage if c.visited == MONDAY + dt.timedelta(days=k))
               for k in range(7)]  # fmt: skip
    assert max(per_day) <= 2 and sum(per_day) == 7  # spread, not all on Monday
    body = week_to_dict(week, [])
    assert body["coverage"] | {"households": None} == {
        "due": 7, "on_time": 7, "late": 0, "missed": 0, "households": None}  # fmt: skip
    assert [d["date"] for d in body["days"]][:2] == ["2026-12-07", "2026-12-08"]
    assert "r" in {s["task"] for s in body["days"][0]["rounds"][0]["steps"]}  # Monday's request


def test_never_contacted_and_overdue_households_come_first():
    lasts = [None, "2026-11-01", "2026-12-05", "2026-12-06"]
    week = week_of(street(lasts))
    first = {c.household for c in week.coverage if c.visited == MONDAY}
    assert {"h0", "h1"} <= first


def test_a_household_nobody_has_time_for_is_missed_and_said_so():
    week = week_of(street(["2026-11-20"] * 20, end="09:30"), days=1)
    body = week_to_dict(week, verify_coverage(week))
    assert body["coverage"]["missed"] > 0 and body["violations"] == []
    visits = [lo for lo in body["days"][0]["left_out"] if lo["task"].startswith("visit-")]
    assert len(visits) == body["coverage"]["missed"]
    assert {lo["code"] for lo in visits} == {"no_time"}


def test_the_verifier_catches_a_coverage_the_rounds_do_not_make():
    week = week_of(street(["2026-11-20", "2026-12-03"]))
    wrong = dataclasses.replace(
        week, coverage=(Covered("h0", MONDAY, MONDAY + dt.timedelta(days=3)), *week.coverage[1:])
    )
    assert [v.rule for v in verify_coverage(wrong)] == ["round_coverage"]
