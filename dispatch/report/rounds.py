"""A team's rounds as JSON (``round_to_dict``; a week of visits: ``week_to_dict``): what
``POST /v1/rounds`` and ``POST /v1/visit_plans`` answer and the sheets and pages read; times
as ``HH:MM`` beside the seconds, each step with what a member needs at the door (the
household's unit and floor, the request's kind, the items)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dispatch.model import Violation, clock
from dispatch.model.rounds import RoundDay, RoundPlan, RoundStep, Shares, Week
from dispatch.scenario.rounds import DAY_S


def round_to_dict(
    day: RoundDay, plan: RoundPlan, violations: Sequence[Violation]
) -> dict[str, Any]:
    """The plan of ``day`` with the verifier's findings (empty: every rule holds)."""
    members = {m.id: m for m in day.members}
    tasks = {t.id: t for t in day.tasks}
    rounds = []
    for member_round in plan.rounds:
        member = members[member_round.member]
        rounds.append(
            {
                "member": member.id,
                "name": member.name,
                "mode": member.mode,
                "capacity": member.capacity,
                "departure": clock(member_round.departure_s),
                "departure_s": member_round.departure_s,
                "load": member_round.load,
                "return": clock(member_round.return_s),
                "return_s": member_round.return_s,
                "distance_m": member_round.distance_m,
                "steps": [_step(day, s) for s in member_round.steps],
            }
        )
    return {
        "street": day.street,
        "team": day.team,
        "team_name": day.team_name,
        "date": day.date.isoformat(),
        "station": {"id": day.station.id, "name": day.station.name},
        "summary": {
            "tasks": len(day.tasks),
            "done": sum(1 for r in plan.rounds for s in r.steps if s.type == "task"),
            "left_out": len(plan.left_out),
            "members": len(plan.rounds),
            "pickups": sum(1 for r in plan.rounds for s in r.steps if s.type == "pickup"),
        },
        "rounds": rounds,
        "left_out": [
            {
                "task": lo.task,
                "kind": tasks[lo.task].kind,
                "household": tasks[lo.task].household,
                "code": lo.code,
                "reason": lo.reason_en,
                "reason_zh": lo.reason_zh,
            }
            for lo in plan.left_out
        ],
        "violations": [_finding(v) for v in violations],
    }


def _finding(violation: Violation) -> dict[str, Any]:
    return {
        "rule": violation.rule,
        "message": violation.message,
        "message_zh": violation.message_zh,
    }


def _step(day: RoundDay, step: RoundStep) -> dict[str, Any]:
    task = day.task(step.task)
    out: dict[str, Any] = {
        "type": step.type,
        "task": task.id,
        "kind": task.kind,
        "location": {"lat": step.location.lat, "lon": step.location.lon},
        "arrival": clock(step.arrival_s),
        "arrival_s": step.arrival_s,
        "start": clock(step.start_s),
        "start_s": step.start_s,
        "departure_s": step.departure_s,
        "load": step.load,
        "items": task.items,
    }
    if step.type == "pickup":
        out["station"] = day.stations[str(task.pickup)].name
    else:
        out |= {"household": task.household, "building": task.building, "floor": task.floor}
        window = task.window
        whole_day = window.start_s == 0 and window.end_s >= DAY_S
        out["window"] = None if whole_day else [clock(window.start_s), clock(window.end_s)]
    return out


def week_to_dict(week: Week, findings: Sequence[Violation]) -> dict[str, Any]:
    """A week of visits: each day as ``round_to_dict``, the coverage (each household due:
    when, the day it is visited, whether in time: by its due day, or on the first day for
    one already overdue) and the verifier's ``findings`` on the coverage."""
    first = week.days[0][0]
    households: list[dict[str, Any]] = []
    for covered in week.coverage:
        by = max(covered.due, first.date)
        in_time = covered.visited is not None and covered.visited <= by
        households.append(
            {
                "household": covered.household,
                "due": covered.due.isoformat(),
                "visited": covered.visited.isoformat() if covered.visited else None,
                "on_time": in_time,
            }
        )
    missed = sum(1 for h in households if h["visited"] is None)
    on_time = sum(1 for h in households if h["on_time"])
    return {
        "street": first.street,
        "team": first.team,
        "team_name": first.team_name,
        "date": first.date.isoformat(),
        "days": [round_to_dict(day, plan, found) for day, plan, found in week.days],
        "coverage": {
            "due": len(households),
            "on_time": on_time,
            "late": len(households) - on_time - missed,
            "missed": missed,
            "households": households,
        },
        "violations": [_finding(v) for v in findings],
    }


def campaign_to_dict(
    teams: Sequence[tuple[RoundDay, RoundPlan, Sequence[Violation], Shares]],
) -> dict[str, Any]:
    """A campaign: per team its rounds (workers ``member@date``), each member's hours,
    whether capped (already doing every household they can reach) and how far from the
    mean of their kind (capped or not), and who got one: per household the member and the day, or
    the reason it was left out."""
    out = []
    got: list[dict[str, Any]] = []
    tolerance = teams[0][3].tolerance if teams else 0.0
    for day, plan, violations, shares in teams:
        members: list[dict[str, Any]] = [
            {"member": m, "hours": round(h / 3600, 2), "off_mean": round(shares.off_mean(m), 3),
             "capped": m in shares.capped}
            for m, h in shares.hours_s.items()
        ]  # fmt: skip
        out.append(
            {
                "team": day.team,
                "team_name": day.team_name,
                "mean_hours": round(shares.mean_s / 3600, 2),
                "capped_mean_hours": round(shares.capped_mean_s / 3600, 2),
                "members": members,
                "balanced": shares.balanced,
                "plan": round_to_dict(day, plan, violations),
            }
        )
        for member_round in plan.rounds:
            member, _, date = member_round.member.rpartition("@")
            for step in member_round.steps:
                if step.type == "task":
                    household = day.task(step.task).household
                    got.append({"household": household, "team": day.team, "member": member,
                                "date": date})  # fmt: skip
        for left in plan.left_out:
            got.append({"household": day.task(left.task).household, "team": day.team,
                        "member": None, "date": None, "code": left.code,
                        "reason": left.reason_en, "reason_zh": left.reason_zh})  # fmt: skip
    return {
        "tolerance": tolerance,
        "teams": out,
        "coverage": {
            "households": len(got),
            "delivered": sum(1 for g in got if g["member"] is not None),
            "left_out": sum(1 for g in got if g["member"] is None),
            "teams_balanced": sum(1 for t in out if t["balanced"]),
            "who": sorted(got, key=lambda g: (g["team"], g["household"])),
        },
    }
