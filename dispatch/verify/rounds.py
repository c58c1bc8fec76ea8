"""The independent check of a team's rounds: ``verify_rounds``.

Nothing of the planner or the engines is used: travel is measured again from the travel
model, each round is timed again from its departure (every stop as early as possible:
travel, then the window's start, then its service), and every rule is checked: each task
done once or left out, inside its window and the member's hours, on floors the member
reaches, items fetched at their station before the household on the same round, never more
on board than the member carries; and each reason for a task left out holds (the rounds
are full only when no member's round takes it anywhere). For a week of visits,
``verify_coverage`` checks that the coverage it states is what its rounds do; for a
campaign, ``verify_shares`` checks each member's hours and each claim that a member already
does all they can.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from dispatch.messages import Text, text
from dispatch.model import Location, Violation, clock
from dispatch.model.rounds import (
    MemberRound,
    RoundDay,
    RoundLeftOut,
    RoundMember,
    RoundPlan,
    RoundTask,
    Shares,
    Week,
)
from dispatch.rules import may_do, task_service_s
from dispatch.travel.matrices import TravelModel
from dispatch.travel.matrix import TravelMatrix

Visit = tuple[str, str]  # ("pickup" | "task", task id)


@dataclass(frozen=True)
class _Times:
    """A sequence of visits timed again: per visit arrival, start, leaving, load; the load
    leaving the station, the return, the metres; and what breaks on the way."""

    arrivals: list[int]
    starts: list[int]
    leaves: list[int]
    loads: list[int]
    load: int
    return_s: int
    distance_m: int
    broken: list[Text]


class _Check:
    def __init__(self, day: RoundDay, travel: TravelModel) -> None:
        self.day = day
        self.tasks = {t.id: t for t in day.tasks}
        self.members = {m.id: m for m in day.members}
        points = [day.station.location, *(s.location for s in day.stations.values())]
        points += [t.location for t in day.tasks]
        self.index = {p: k for k, p in enumerate(dict.fromkeys(points))}
        profiles = [(m.mode, day.settings.speed_kph[m.mode]) for m in day.members]
        self.matrices = travel.matrices(list(self.index), profiles)

    def matrix(self, member: RoundMember) -> TravelMatrix:
        return self.matrices[(member.mode, self.day.settings.speed_kph[member.mode])]

    def where(self, visit: Visit) -> Location:
        task = self.tasks[visit[1]]
        if visit[0] == "pickup":
            return self.day.stations[str(task.pickup)].location
        return task.location

    def times(self, member: RoundMember, departure_s: int, visits: Sequence[Visit]) -> _Times:
        """``visits`` by ``member`` leaving at ``departure_s``, timed and checked again."""
        matrix, settings = self.matrix(member), self.day.settings
        broken: list[Text] = []
        load = sum(
            self.tasks[v[1]].items for v in visits if v[0] == "task" and not self.tasks[v[1]].pickup
        )
        t, here, metres, carried = departure_s, self.index[self.day.station.location], 0, load
        out = _Times([], [], [], [], load, 0, 0, broken)
        fetched: set[str] = set()
        for kind, task_id in visits:
            task = self.tasks[task_id]
            there = self.index[self.where((kind, task_id))]
            t += int(matrix.time_s[here, there])
            metres += int(matrix.distance_m[here, there])
            out.arrivals.append(t)
            if kind == "pickup":
                station = self.day.stations[str(task.pickup)]
                opens, closes, service = station.opens_s, station.closes_s, self.day.pickup_s
                what = text("round_what_pickup")
                fetched.add(task_id)
                carried += task.items
            else:
                opens, closes = task.window.start_s, task.window.end_s
                service, what = task_service_s(task, settings), text("round_what_task")
                if not may_do(member, task):
                    broken.append(text("round_check_climb", member=member.id, floor=task.floor))
                if task.pickup is not None and task_id not in fetched:
                    broken.append(text("round_check_pickup", task=task_id, station=task.pickup))
                carried -= task.items
            start = max(t, opens)
            if start > closes:
                window = f"{clock(opens)}–{clock(closes)}"
                broken.append(
                    text(
                        "round_check_window",
                        what=what,
                        task=task_id,
                        start=clock(start),
                        window=window,
                    )
                )
            if carried > member.capacity:
                broken.append(
                    text(
                        "round_check_load",
                        member=member.id,
                        load=carried,
                        task=task_id,
                        capacity=member.capacity,
                    )
                )
            t = start + service
            out.starts.append(start)
            out.leaves.append(t)
            out.loads.append(carried)
            here = there
        if load > member.capacity:
            broken.append(
                text(
                    "round_check_load",
                    member=member.id,
                    load=load,
                    task="—",
                    capacity=member.capacity,
                )
            )
        home = self.index[self.day.station.location]
        return_s = t + int(matrix.time_s[here, home])
        if departure_s < member.start_s or return_s > member.end_s:
            broken.append(
                text(
                    "round_check_shift",
                    member=member.id,
                    start=clock(member.start_s),
                    end=clock(member.end_s),
                    left=clock(departure_s),
                    back=clock(return_s),
                )
            )
        return replace(
            out, return_s=return_s, distance_m=metres + int(matrix.distance_m[here, home])
        )

    def fits(self, member: RoundMember, visits: Sequence[Visit]) -> bool:
        """Whether ``member`` can make ``visits``: leaving at the start of their hours gives
        every stop its earliest start and the earliest return, so if that breaks a rule, so
        does every later departure (loads and floors do not depend on the time)."""
        return not self.times(member, member.start_s, visits).broken


def verify_rounds(day: RoundDay, plan: RoundPlan, travel: TravelModel) -> list[Violation]:
    """Every rule ``plan`` breaks for ``day``, times recomputed with ``travel``; empty when
    the plan is right."""
    check = _Check(day, travel)
    found: list[Violation] = []
    found += _cover(check, plan)
    if found:
        return found
    for member_round in plan.rounds:
        found += _round(check, member_round)
    for left in plan.left_out:
        found += _reason(check, plan, left)
    return found


def _violation(
    rule: str, message: Text, member: str | None = None, task: str | None = None
) -> Violation:
    return Violation(
        rule=rule, message=message.en, message_zh=message.zh, courier=member, client=task
    )


def _cover(check: _Check, plan: RoundPlan) -> list[Violation]:
    found: list[Violation] = []
    members = Counter(r.member for r in plan.rounds)
    for member, times in members.items():
        if member not in check.members or times > 1:
            found.append(
                _violation(
                    "round_member", text("round_check_unknown", what="member", id=member), member
                )
            )
    done = Counter(s.task for r in plan.rounds for s in r.steps if s.type == "task")
    done.update(lo.task for lo in plan.left_out)
    for task, times in done.items():
        if task not in check.tasks:
            found.append(
                _violation(
                    "round_task", text("round_check_unknown", what="task", id=task), task=task
                )
            )
        elif times > 1:
            found.append(_violation("round_task", text("round_check_twice", task=task), task=task))
    for task in check.tasks:
        if task not in done:
            found.append(
                _violation("round_task", text("round_check_missing", task=task), task=task)
            )
    picked = Counter(s.task for r in plan.rounds for s in r.steps if s.type == "pickup")
    for task, times in picked.items():
        if task not in check.tasks or check.tasks[task].pickup is None or times > 1:
            station = check.tasks[task].pickup if task in check.tasks else None
            found.append(
                _violation(
                    "round_pickup",
                    text("round_check_pickup", task=task, station=station or "—"),
                    task=task,
                )
            )
    return found


def _round(check: _Check, member_round: MemberRound) -> list[Violation]:
    member = check.members[member_round.member]
    visits = [(s.type, s.task) for s in member_round.steps]
    times = check.times(member, member_round.departure_s, visits)
    found = [_violation("round_rule", b, member.id) for b in times.broken]
    stated = [
        ("load", member_round.load, times.load, "—"),
        ("return_s", member_round.return_s, times.return_s, "—"),
        ("distance_m", member_round.distance_m, times.distance_m, "—"),
    ]
    for k, step in enumerate(member_round.steps):
        stated += [
            ("arrival_s", step.arrival_s, times.arrivals[k], step.task),
            ("start_s", step.start_s, times.starts[k], step.task),
            ("departure_s", step.departure_s, times.leaves[k], step.task),
            ("load", step.load, times.loads[k], step.task),
        ]
        if step.location != check.where((step.type, step.task)):
            stated.append(("location", 0, 1, step.task))
    for field, got, want, task in stated:
        if got != want:
            message = text(
                "round_check_time", member=member.id, task=task, field=field, got=got, want=want
            )
            found.append(_violation("round_time", message, member.id, task))
    return found


def _reason(check: _Check, plan: RoundPlan, left: RoundLeftOut) -> list[Violation]:
    """Whether the reason ``left`` gives for leaving its task out holds."""
    task = check.tasks[left.task]
    able = [m for m in check.day.members if may_do(m, task)]
    strong = [m for m in able if m.capacity >= task.items]
    alone: list[Visit] = [*([("pickup", task.id)] if task.pickup else []), ("task", task.id)]
    why: Text | None = None
    if left.code == "no_climber" and able:
        why = (
            text("round_why_climber")
            if task.floor > 1 and not task.lift
            else text("round_why_needs_no_climb")
        )
    elif left.code == "too_many_items" and strong:
        why = text("round_why_carries", member=strong[0].id)
    elif left.code == "unreachable":
        fits = next((m for m in strong if check.fits(m, alone)), None)
        why = None if fits is None else text("round_why_alone", member=fits.id)
    elif left.code == "no_time":
        fits = _insertable(check, plan, task, strong)
        why = None if fits is None else text("round_why_fits", member=fits.id)
    if why is None:
        return []
    message = text("round_check_reason", task=task.id, reason=left.code, why=why)
    return [_violation("round_reason", message, task=task.id)]


def _insertable(
    check: _Check, plan: RoundPlan, task: RoundTask, members: Sequence[RoundMember]
) -> RoundMember | None:
    """A member whose round (or a round of their own) takes ``task`` somewhere."""
    rounds = {r.member: [(s.type, s.task) for s in r.steps] for r in plan.rounds}
    for member in members:
        visits = rounds.get(member.id, [])
        for j in range(len(visits) + 1):
            with_task = [*visits[:j], ("task", task.id), *visits[j:]]
            if task.pickup is None:
                if check.fits(member, with_task):
                    return member
                continue
            for i in range(j + 1):
                if check.fits(member, [*with_task[:i], ("pickup", task.id), *with_task[i:]]):
                    return member
    return None


def verify_coverage(week: Week) -> list[Violation]:
    """Whether the week's coverage says what its rounds do: each household's stated visit is
    the first day a round of the week serves it (a visit or a request at its door)."""
    served: dict[str, dt.date] = {}
    for day, plan, _found in week.days:
        for member_round in plan.rounds:
            for step in member_round.steps:
                if step.type == "task":
                    served.setdefault(day.task(step.task).household, day.date)
    found = []
    for covered in week.coverage:
        if served.get(covered.household) != covered.visited:
            stated = covered.visited.isoformat() if covered.visited else "—"
            actual = served.get(covered.household)
            message = text(
                "round_check_coverage",
                household=covered.household,
                stated=stated,
                actual=actual.isoformat() if actual else "—",
            )
            found.append(_violation("round_coverage", message, task=covered.household))
    return found


def verify_shares(day: RoundDay, plan: RoundPlan, shares: Shares) -> list[Violation]:
    """Whether a campaign's stated shares are what its rounds do: each member's hours (their
    days' rounds, leaving to back, workers named ``member@date``), the mean of the members
    not capped, that the capped members' mean lies under the band about it, and that every
    task a capped member may do is done by a capped member."""
    hours = {m.id.rpartition("@")[0]: 0 for m in day.members}
    holder: dict[str, str] = {}
    for member_round in plan.rounds:
        member = member_round.member.rpartition("@")[0]
        hours[member] += member_round.return_s - member_round.departure_s
        holder |= {s.task: member for s in member_round.steps if s.type == "task"}
    found = []
    for member, actual in hours.items():
        if shares.hours_s.get(member) != actual:
            stated = shares.hours_s.get(member, "—")
            message = text("round_check_hours", member=member, stated=stated, actual=actual)
            found.append(_violation("round_share", message, member))
    rest = [hours[m] for m in hours if m not in shares.capped]
    mean = sum(rest) / len(rest) if rest else 0.0
    if abs(mean - shares.mean_s) > 0.5:
        message = text("round_check_mean", stated=round(shares.mean_s), actual=round(mean))
        found.append(_violation("round_share", message))
    low = [hours[m] for m in shares.capped if m in hours]
    if low and sum(low) / len(low) >= (1 - shares.tolerance) * mean:
        message = text(
            "round_check_capped_band", hours=round(sum(low) / len(low)), mean=round(mean)
        )
        found.append(_violation("round_share", message))
    for member in sorted(shares.capped):
        workers = [m for m in day.members if m.id.rpartition("@")[0] == member]
        for task in day.tasks:
            owner = holder.get(task.id)
            if owner not in shares.capped and any(may_do(w, task) for w in workers):
                message = text(
                    "round_check_capped_task", member=member, task=task.id, holder=owner or "—"
                )
                found.append(_violation("round_share", message, member, task.id))
                break
    return found
