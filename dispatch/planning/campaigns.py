"""A campaign (e.g. a gift pack to every special-group household of the street within three
days), planned as one job, shared fairly (docs/grid.md, "Campaigns"): ``plan_campaign``.

Each team delivers to the households of its own buildings from its own station. A team's
campaign is one problem on the rounds' engine: every member on every day of the campaign is
a worker of their own (``member@date``, their hours on that day), every household one task
(the items loaded at the station). The work is shared out by what a member-day costs: e
seconds out cost e² / 60 seconds of travel (``EXCESS_COST``), so two half days cost less
than one whole and the engine spreads the households over the members and days, even at
some more travel; the last pass then evens out each member's hours over the days
(``routing.balance``, the workers' ``person``). Every household not served gets its
reason, as on any round, and each team's campaign goes through the rounds' verifier. Teams
are planned side by side in up to two processes.

The hours are balanced when every member lies within ``TOLERANCE`` of the team's mean, but
for the members who already do all they can (``shares``): a member who does not climb
stairs, in a team whose households are mostly up the stairs of buildings without a lift,
may do every household they reach and still fall short. Such members are ``capped`` and
held to their own mean, the others to theirs; the verifier checks the cap
(``verify_shares``).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from dispatch.model import Location, Violation, Window
from dispatch.model.rounds import RoundDay, RoundPlan, RoundTask, Shares
from dispatch.planning.rounds import planned_rounds
from dispatch.rules import may_do
from dispatch.scenario.rounds import DAY_S, round_day, service_table
from dispatch.scenario.street_records import GROUPS
from dispatch.verify.rounds import verify_shares

EXCESS_COST = 20  # a member-day e seconds long costs e² / 60 seconds of travel: even shares
SEP = "@"
ROUNDS = 3  # passes: from no share, then each pass's mean share of the one before
PRIORITY = 100
TOLERANCE = 0.15  # each member's hours within ±15 % of the mean of their kind


@dataclass(frozen=True)
class TeamCampaign:
    """One team's campaign: its "day" (a worker per member and day), the plan, the
    verifier's findings, and how the work is shared."""

    day: RoundDay
    plan: RoundPlan
    violations: tuple[Violation, ...]
    shares: Shares


def member_of(worker: str) -> tuple[str, str]:
    """``member@date`` → ``(member, date)``."""
    member, _, date = worker.rpartition(SEP)
    return member, date


def campaign_day(
    document: Mapping[str, Any],
    team: str,
    days: int,
    *,
    kind: str = "gift_pack",
    items: int = 1,
    groups: Sequence[str] = GROUPS,
) -> RoundDay:
    """Team ``team``'s campaign as one round "day": a worker per member and day, a task per
    household with someone of ``groups`` (``<kind>-<household>``)."""
    first = dt.date.fromisoformat(str(document["date"]))
    base = round_day({**document, "team": team, "requests": [], "visits": False})
    seconds = service_table(document.get("settings") or {})[kind]
    buildings = {b["id"]: b for b in document["buildings"] if b["team"] == team}
    tasks = []
    for household in document["households"]:
        building = buildings.get(household["building"])
        wanted = {m.get("group") for m in household.get("members", ())} & set(groups)
        if building is None or not wanted:
            continue
        place = building["location"]
        tasks.append(
            RoundTask(
                id=f"{kind}-{household['id']}",
                kind=kind,
                household=str(household["id"]),
                building=str(building["id"]),
                location=Location(lat=float(place["lat"]), lon=float(place["lon"])),
                floor=int(household.get("floor", 1)),
                lift=bool(building.get("lift", False)),
                items=items,
                pickup=None,
                window=Window(0, DAY_S),
                service_s=seconds,
                priority=PRIORITY,
            )
        )
    workers = tuple(
        replace(m, id=f"{m.id}{SEP}{(first + dt.timedelta(days=k)).isoformat()}", person=m.id)
        for k in range(days)
        for m in base.members
    )
    return replace(base, members=workers, tasks=tuple(tasks))


def hours_of(day: RoundDay, plan: RoundPlan) -> dict[str, int]:
    """Each member's seconds out over the campaign (leaving to back), idle members at 0."""
    hours = {member_of(w.id)[0]: 0 for w in day.members}
    for member_round in plan.rounds:
        member = member_of(member_round.member)[0]
        hours[member] += member_round.return_s - member_round.departure_s
    return hours


def spread(hours: Mapping[str, int]) -> float:
    """How far the hours lie from their mean at most, as a share of it (0: all equal)."""
    mean = sum(hours.values()) / len(hours) if hours else 0
    return 0.0 if mean == 0 else max(abs(h - mean) for h in hours.values()) / mean


def shares(day: RoundDay, plan: RoundPlan, tolerance: float = TOLERANCE) -> Shares:
    """Each member's hours, and who is capped: a group of members under the mean of the
    others, whose every possible task is done by one of them (and whose own mean lies under
    the others' band); found again against the new mean until no one more is."""
    hours = hours_of(day, plan)
    holder = {s.task: member_of(r.member)[0] for r in plan.rounds for s in r.steps}
    may: dict[str, set[str]] = {}
    for worker in day.members:
        member = member_of(worker.id)[0]
        may.setdefault(member, set()).update(t.id for t in day.tasks if may_do(worker, t))
    capped: set[str] = set()
    while True:
        rest = [m for m in hours if m not in capped]
        mean = sum(hours[m] for m in rest) / len(rest)
        group = {m for m in rest if hours[m] < mean}
        while True:  # those who could take nothing more from the members outside the group
            closed = {m for m in group if all(holder.get(t) in capped | group for t in may[m])}
            if closed == group:
                break
            group = closed
        others = [hours[m] for m in rest if m not in group]
        if not group or not others:
            return Shares(hours, frozenset(capped), mean, tolerance)
        below = sum(hours[m] for m in group) / len(group)
        if below >= (1 - tolerance) * sum(others) / len(others):
            return Shares(hours, frozenset(capped), mean, tolerance)
        capped |= group


def plan_team(
    document: Mapping[str, Any],
    team: str,
    days: int,
    *,
    time_limit_s: float,
    seed: int,
    iterations: int | None = None,
    kind: str = "gift_pack",
    items: int = 1,
    groups: Sequence[str] = GROUPS,
    tolerance: float = TOLERANCE,
) -> TeamCampaign:
    """One team's campaign, shared out over its members and days (``ROUNDS`` passes)."""
    day = campaign_day(document, team, days, kind=kind, items=items, groups=groups)
    members = len({w.person for w in day.members})
    share = 0
    for k in range(ROUNDS):
        last = k == ROUNDS - 1  # the passes before only find the share
        fair = replace(
            day,
            members=tuple(
                replace(w, span_target_s=share, person=w.person if last else None)
                for w in day.members
            ),
            span_excess_cost=EXCESS_COST,
        )
        plan, violations = planned_rounds(
            fair, time_limit_s=time_limit_s / ROUNDS, seed=seed, iterations=iterations
        )
        share = sum(hours_of(fair, plan).values()) // (members * days)
    shared = shares(fair, plan, tolerance)
    return TeamCampaign(fair, plan, (*violations, *verify_shares(fair, plan, shared)), shared)


def _team(
    args: tuple[Mapping[str, Any], str, int, dict[str, Any]],
) -> tuple[RoundPlan, tuple[Violation, ...], Shares]:
    """One team's plan, findings and shares (runs in a pool process; a ``RoundDay`` does not
    pickle, so the caller builds it again)."""
    document, team, days, options = args
    campaign = plan_team(document, team, days, **options)
    return campaign.plan, campaign.violations, campaign.shares


def plan_campaign(
    document: Mapping[str, Any],
    days: int,
    *,
    teams: Sequence[str] | None = None,
    time_limit_s: float,
    seed: int,
    iterations: int | None = None,
    kind: str = "gift_pack",
    items: int = 1,
    groups: Sequence[str] = GROUPS,
    tolerance: float = TOLERANCE,
    workers: int | None = None,
) -> list[TeamCampaign]:
    """Every team's campaign (or ``teams``'), each with ``time_limit_s``, in up to
    ``workers`` processes (default: up to two cores, one inside a worker process)."""
    chosen = list(teams) if teams is not None else [t["id"] for t in document["teams"]]
    options = {"time_limit_s": time_limit_s, "seed": seed, "iterations": iterations,
               "kind": kind, "items": items, "groups": tuple(groups),
               "tolerance": tolerance}  # fmt: skip
    jobs = [(document, team, days, options) for team in chosen]
    if workers is None:
        inside = multiprocessing.parent_process() is not None
        workers = 1 if inside else min(2, len(os.sched_getaffinity(0)))
    if workers <= 1 or len(jobs) <= 1:
        answers = [_team(job) for job in jobs]
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            answers = list(pool.map(_team, jobs))
    out = []
    for team, (plan, violations, shared) in zip(chosen, answers, strict=True):
        day = campaign_day(document, team, days, kind=kind, items=items, groups=groups)
        out.append(TeamCampaign(day, plan, violations, shared))
    return out
