"""A grid team's rounds for a day on the routing engines: ``plan_rounds``.

Each member leaves the team's station (the depot) inside their hours, on foot or e-bike, and
comes back. A task is a stop of its own (its kind's time at the door, the stairs to the
household's floor); a task whose items are fetched at a station first is a pick-up and a
delivery for one member, pick-up first (the engine's pairs), so a member on foot may go back
to the station for more. A household's responsible member does its tasks when that costs
less than ``KEEP_S`` of travel more. A person on several days' rounds (a campaign's
member) gets their hours evened out with the others' (``routing.balance``). Every task left
out gets a reason that holds: nobody on the round climbs to that floor, nobody who could
carries that many, nobody could do it even alone inside its window and their hours, or the
rounds are full (no member's round takes it anywhere: the repair step puts in whatever
still fits).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from dispatch.messages import text
from dispatch.model import Location, Violation, clock
from dispatch.model.rounds import (
    MemberRound,
    RoundDay,
    RoundLeftOut,
    RoundPlan,
    RoundReason,
    RoundStep,
    RoundTask,
)
from dispatch.routing import portfolio
from dispatch.routing.balance import balance
from dispatch.routing.problem import (
    Node,
    Pair,
    Problem,
    Solution,
    SolveParams,
    Vehicle,
    VehicleRoute,
    check,
    schedule,
)
from dispatch.routing.repair import repair
from dispatch.rules import may_do, task_service_s
from dispatch.travel.matrices import TravelModel
from dispatch.verify.rounds import verify_rounds

KEEP_S = 300  # travel seconds a task is worth doing by the household's responsible member


@dataclass(frozen=True)
class _Stop:
    """A node of the problem: a task, or the pick-up of its items at a station."""

    task: RoundTask
    pickup: bool
    location: Location


def travel_model(day: RoundDay) -> TravelModel:
    """How a team's members travel: geodesics with the settings' detour and speeds."""
    return TravelModel(
        detour_factor=day.settings.detour_factor, base_speed_kph=day.settings.speed_kph
    )


def planned_rounds(
    day: RoundDay, *, time_limit_s: float, seed: int, iterations: int | None = None
) -> tuple[RoundPlan, list[Violation]]:
    """``day``'s rounds within the budget and what the independent verifier finds in them."""
    params = SolveParams(time_limit_s=time_limit_s, seed=seed, iterations=iterations)
    plan = plan_rounds(day, params)
    return plan, verify_rounds(day, plan, travel_model(day))


def plan_rounds(day: RoundDay, params: SolveParams) -> RoundPlan:
    """The members' rounds of ``day`` and every task left out with its reason."""
    stops: list[_Stop] = []
    for task in day.tasks:
        if task.pickup is not None:
            stops.append(_Stop(task, True, day.stations[task.pickup].location))
        stops.append(_Stop(task, False, task.location))
    profiles = [(m.mode, day.settings.speed_kph[m.mode]) for m in day.members]
    matrices = travel_model(day).matrices(
        [day.station.location, *(s.location for s in stops)], profiles
    )
    kinds = list(dict.fromkeys(profiles))
    everything = Problem(
        time_s=tuple(matrices[p].time_s for p in kinds),
        nodes=tuple(_node(day, s) for s in stops),
        vehicles=tuple(
            Vehicle(kinds.index(p), m.capacity, m.start_s, m.end_s, span_target_s=m.span_target_s)
            for m, p in zip(day.members, profiles, strict=True)
        ),
        pairs=tuple(Pair(k, k + 1, s.task.items) for k, s in enumerate(stops) if s.pickup),
        minimise_vehicles=False,
        keep_cost=KEEP_S,
        span_excess_cost=day.span_excess_cost,
    )
    kept, left_out = _screened(day, stops, everything)
    problem, used = _part(kept, everything), [stops[k] for k in kept]
    solution = repair(problem, portfolio.solve(problem, params))
    people = [m.person or m.id for m in day.members]
    if len(set(people)) < len(people):  # one person on several days: even out their hours
        groups = {p: [v for v, q in enumerate(people) if q == p] for p in dict.fromkeys(people)}
        solution = balance(problem, solution, list(groups.values()))
    screened = {lo.task for lo in left_out}
    for k in solution.dropped:
        task = used[k].task
        if task.id not in screened:
            screened.add(task.id)
            left_out.append(_left_out(task, "no_time"))
    columns = [0, *(k + 1 for k in kept)]
    rounds = tuple(
        _member_round(
            day,
            problem,
            used,
            matrices[profiles[r.vehicle]].distance_m[np.ix_(columns, columns)],
            r,
        )
        for r in solution.routes
    )
    order = {t.id: k for k, t in enumerate(day.tasks)}
    return RoundPlan(
        team=day.team,
        date=day.date,
        rounds=rounds,
        left_out=tuple(sorted(left_out, key=lambda lo: order[lo.task])),
    )


def _node(day: RoundDay, stop: _Stop) -> Node:
    task = stop.task
    if stop.pickup:
        station = day.stations[str(task.pickup)]
        return Node(
            demand=0,
            service_s=day.pickup_s,
            window_start_s=station.opens_s,
            window_end_s=station.closes_s,
            drop_penalty=task.priority,
        )
    responsible = [k for k, m in enumerate(day.members) if m.id == task.responsible]
    return Node(
        demand=task.items if task.pickup is None else 0,
        service_s=task_service_s(task, day.settings),
        window_start_s=task.window.start_s,
        window_end_s=task.window.end_s,
        drop_penalty=task.priority,
        preferred_vehicle=responsible[0] if responsible else None,
        keep_weight=1 if responsible else 0,
    )


def _screened(
    day: RoundDay, stops: Sequence[_Stop], problem: Problem
) -> tuple[dict[int, Node], list[RoundLeftOut]]:
    """The nodes some member could serve alone, each open only to those members, and the
    tasks nobody could serve, with the reason why."""
    kept: dict[int, Node] = {}
    left_out: list[RoundLeftOut] = []
    for k, stop in enumerate(stops):
        if stop.pickup:
            continue
        ends = [k - 1, k] if stop.task.pickup is not None else [k]
        able = [v for v, m in enumerate(day.members) if may_do(m, stop.task)]
        strong = [v for v in able if problem.vehicles[v].capacity >= stop.task.items]
        alone = tuple(v for v in strong if _fits_alone(problem, v, ends))
        if alone:
            kept |= {end: replace(problem.nodes[end], allowed_vehicles=alone) for end in ends}
            continue
        code: RoundReason = (
            "no_climber" if not able else "too_many_items" if not strong else "unreachable"
        )
        left_out.append(_left_out(stop.task, code))
    return kept, left_out


def _part(kept: Mapping[int, Node], problem: Problem) -> Problem:
    """``problem`` on the ``kept`` nodes only, as given (their pairs renumbered)."""
    columns = [0, *(k + 1 for k in kept)]
    position = {k: j for j, k in enumerate(kept)}
    return replace(
        problem,
        time_s=tuple(t[np.ix_(columns, columns)] for t in problem.time_s),
        nodes=tuple(kept.values()),
        pairs=tuple(
            Pair(position[p.pickup], position[p.delivery], p.amount)
            for p in problem.pairs
            if p.pickup in position
        ),
    )


def _fits_alone(problem: Problem, vehicle: int, nodes: list[int]) -> bool:
    """Whether ``vehicle`` serves ``nodes`` (a task, after its pick-up) and nothing else."""
    route = schedule(problem, vehicle, nodes)
    others = tuple(k for k in range(len(problem.nodes)) if k not in nodes)
    return not check(problem, Solution(routes=(route,), dropped=others))


def _left_out(task: RoundTask, code: RoundReason) -> RoundLeftOut:
    params: dict[str, object] = {
        "floor": task.floor,
        "items": task.items,
        "start": clock(task.window.start_s),
        "end": clock(task.window.end_s),
    }
    reason = text(f"round_{code}", **params)
    return RoundLeftOut(task=task.id, code=code, reason_en=reason.en, reason_zh=reason.zh)


def _member_round(
    day: RoundDay,
    problem: Problem,
    stops: Sequence[_Stop],
    distance_m: np.ndarray,
    route: VehicleRoute,
) -> MemberRound:
    """An engine's route as the member's steps, with arrival, start, leaving and load."""
    matrix = problem.time_s[problem.vehicles[route.vehicle].profile]
    load = sum(problem.nodes[v.node].demand for v in route.visits)
    t, previous, metres, carried = route.departure_s, 0, 0, load
    steps: list[RoundStep] = []
    for visit in route.visits:
        stop, node = stops[visit.node], problem.nodes[visit.node]
        arrival = t + int(matrix[previous, visit.node + 1])
        metres += int(distance_m[previous, visit.node + 1])
        carried += stop.task.items if stop.pickup else -stop.task.items
        t = visit.start_s + node.service_s
        steps.append(
            RoundStep(
                type="pickup" if stop.pickup else "task",
                task=stop.task.id,
                location=stop.location,
                arrival_s=arrival,
                start_s=visit.start_s,
                departure_s=t,
                load=carried,
            )
        )
        previous = visit.node + 1
    return MemberRound(
        member=day.members[route.vehicle].id,
        departure_s=route.departure_s,
        load=load,
        steps=tuple(steps),
        return_s=t + int(matrix[previous, 0]),
        distance_m=metres + int(distance_m[previous, 0]),
    )
