"""Who can be served, by whom, and in plain words why not.

Clients nobody can serve are screened out before solving with a specific reason
(nobody climbs that high, too many meals, too far for the food-safety limit, window
already over); what the solver leaves unvisited is reported as a capacity or time
shortage.
"""

from __future__ import annotations

from collections.abc import Sequence

from dispatch.messages import Text, text
from dispatch.model import Client, Courier, Scenario, Unassigned, clock
from dispatch.planning.echelon import Echelon, Target
from dispatch.planning.stops import Stop, may_serve, service_s


def unassigned(clients: Sequence[Client], code: str, reason: Text) -> list[Unassigned]:
    return [Unassigned(c.id, code, reason.en, reason.zh) for c in clients]


def screen_clients(
    scenario: Scenario, workers: Sequence[Courier], clients: Sequence[Client]
) -> tuple[list[Client], list[Unassigned]]:
    """Set aside clients none of ``workers`` could ever serve: too high, too many meals."""
    if not workers:
        return [], unassigned(clients, "no_worker", text("no_worker"))
    best_climb = max(w.max_floor_no_lift or 10**6 for w in workers)
    capacity = max(w.capacity for w in workers)
    servable: list[Client] = []
    out: list[Unassigned] = []
    for client in clients:
        if not any(may_serve(w, [client]) for w in workers):
            reason = text("no_climber", floor=client.floor, best=best_climb)
            out += unassigned([client], "no_climber", reason)
        elif client.meal_count > capacity:
            reason = text("over_capacity", meals=client.meal_count, capacity=capacity)
            out += unassigned([client], "over_capacity", reason)
        else:
            servable.append(client)
    return servable, out


def stop_target(
    echelon: Echelon, stop: Stop, column: int, not_before_s: int
) -> tuple[Target | None, list[Unassigned]]:
    """The stop as a target for the crews who can reach it in time, or why nobody can."""
    scenario = echelon.scenario
    settings = scenario.settings
    service = service_s(stop.clients, settings)
    start = max(not_before_s, stop.window.start_s if stop.window else 0)
    end = scenario.canteen.meals_ready_s + settings.max_cooked_to_door_s - service
    if stop.window:
        end = min(end, stop.window.end_s)
    able = []
    for i, crew in enumerate(echelon.crews):
        reach = echelon.reach_s(i, column, stop.stairs_floors)
        begin = max(crew.earliest_start_s + reach, start)
        if (
            may_serve(crew.worker, stop.clients)
            and reach + service <= settings.max_door_to_door_s
            and begin <= end
            and begin + service <= crew.latest_end_s
        ):
            able.append(i)
    if not able:
        return None, _unreachable(echelon, stop, column, service, end)
    target = Target(
        key=stop.id,
        column=column,
        location=stop.location,
        meals=stop.meals,
        service_s=service,
        window_start_s=start,
        window_end_s=end,
        stairs_floors=stop.stairs_floors,
        clients=tuple(c.id for c in sorted(stop.clients, key=lambda c: (c.floor, c.id))),
        building=stop.building,
        allowed=tuple(able),
        drop_penalty=len(stop.clients),
    )
    return target, []


def _unreachable(
    echelon: Echelon, stop: Stop, column: int, service: int, end_s: int
) -> list[Unassigned]:
    """The plain-words reason a stop cannot be reached by any crew who climbs there."""
    settings = echelon.scenario.settings
    climbers = [i for i, c in enumerate(echelon.crews) if may_serve(c.worker, stop.clients)]
    reach = {i: echelon.reach_s(i, column, stop.stairs_floors) for i in climbers}
    shortest = min(reach.values())
    if shortest + service > settings.max_door_to_door_s:
        minutes = -(-(shortest + service) // 60)
        reason = text("too_far", minutes=minutes, limit=settings.max_door_to_door_s // 60)
        return unassigned(stop.clients, "too_far", reason)
    earliest = min(echelon.crews[i].earliest_start_s + reach[i] for i in climbers)
    reason = text("window_unreachable", earliest=clock(earliest), end=clock(end_s))
    return unassigned(stop.clients, "window_unreachable", reason)


def dropped_reasons(
    scenario: Scenario, targets: Sequence[Target], dropped: Sequence[Target], capacity: int
) -> list[Unassigned]:
    """Stops the solver left out: short of capacity overall, or short of time."""
    by_id = {c.id: c for c in scenario.clients}
    demand = sum(t.meals for t in targets)
    out: list[Unassigned] = []
    for target in dropped:
        clients = [by_id[i] for i in target.clients]
        if demand > capacity:
            reason = text("no_capacity", demand=demand, capacity=capacity)
            out += unassigned(clients, "no_capacity", reason)
        else:
            out += unassigned(clients, "no_time", text("no_time"))
    return out


def stop_targets(
    echelon: Echelon, stops: Sequence[Stop], not_before_s: int
) -> tuple[list[Target], list[Unassigned]]:
    """Targets for ``stops`` (at columns 1…) and the reasons for those nobody can reach."""
    targets: list[Target] = []
    lost: list[Unassigned] = []
    for k, stop in enumerate(stops):
        target, reasons = stop_target(echelon, stop, k + 1, not_before_s)
        lost += reasons
        if target is not None:
            targets.append(target)
    return targets, lost
