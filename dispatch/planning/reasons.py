"""Who is left out and why: the plain-words reasons shared by every leg and way of delivering.

A reason names the rule that binds, with numbers that make it true: earliest times are
rounded up to the minute and deadlines down (``clock_up`` / ``clock``), so "the earliest
… is after …" never reads as two equal times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dispatch.messages import Text, text
from dispatch.model import Client, Courier, Unassigned, clock, clock_up
from dispatch.rules import may_serve


@dataclass(frozen=True)
class Reach:
    """How one worker who climbs high enough gets to a stop: free to leave the depot at
    ``leave_s``, ready to serve ``reach_s`` later, done by ``shift_end_s``."""

    leave_s: int
    reach_s: int
    shift_end_s: int


@dataclass(frozen=True)
class Limits:
    """The time rules a stop is held to: door-to-door from ``origin``, cooked-to-door, and
    the weather when only people on foot carry meals (``walk_only``)."""

    door_to_door_s: int
    meals_ready_s: int
    cooked_to_door_s: int
    origin: Text
    walk_only: str | None = None

    @property
    def cooked_by_s(self) -> int:
        return self.meals_ready_s + self.cooked_to_door_s


def unassigned(clients: Sequence[Client], code: str, reason: Text) -> list[Unassigned]:
    """The same reason for each of ``clients``."""
    return [Unassigned(c.id, code, reason.en, reason.zh) for c in clients]


def screen_clients(
    workers: Sequence[Courier], clients: Sequence[Client]
) -> tuple[list[Client], list[Unassigned]]:
    """Set aside clients none of ``workers`` could ever serve: too high, too many meals."""
    if not workers:
        return [], unassigned(clients, "no_worker", text("no_worker"))
    capacity = max(w.capacity for w in workers)
    servable: list[Client] = []
    out: list[Unassigned] = []
    for client in clients:
        if not any(may_serve(w, [client]) for w in workers):
            out += unassigned([client], "no_climber", no_climber(workers, client.floor))
        elif client.meal_count > capacity:
            reason = text("over_capacity", meals=client.meal_count, capacity=capacity)
            out += unassigned([client], "over_capacity", reason)
        else:
            servable.append(client)
    return servable, out


def no_climber(workers: Sequence[Courier], floor: int) -> Text:
    """Why nobody of ``workers`` climbs to ``floor`` without a lift."""
    return text("no_climber", floor=floor, best=max(w.max_floor_no_lift or 10**6 for w in workers))


def unreachable(
    reaches: Sequence[Reach],
    service_s: int,
    window_start_s: int,
    window_end_s: int | None,
    limits: Limits,
) -> tuple[str, Text]:
    """The rule that keeps every worker in ``reaches`` (at least one) from serving a stop in
    time, checked in this order: door-to-door, window end, cooked-to-door, shift end."""
    code, reason = _binding(reaches, service_s, window_start_s, window_end_s, limits)
    return code, on_foot(reason, limits.walk_only)


def on_foot(reason: Text, walk_only: str | None) -> Text:
    """``reason``, saying first that only people on foot carry meals at ``walk_only``."""
    if walk_only is None:
        return reason
    return text("on_foot_only", weather=walk_only, reason=reason)


def _binding(
    reaches: Sequence[Reach],
    service_s: int,
    window_start_s: int,
    window_end_s: int | None,
    limits: Limits,
) -> tuple[str, Text]:
    inside = [r for r in reaches if r.reach_s + service_s <= limits.door_to_door_s]
    if not inside:
        shortest = min(r.reach_s for r in reaches) + service_s
        minutes = -(-shortest // 60)
        limit = limits.door_to_door_s // 60
        return "too_far", text("too_far", origin=limits.origin, minutes=minutes, limit=limit)
    begins = [(max(r.leave_s + r.reach_s, window_start_s), r) for r in inside]
    earliest = min(b for b, _ in begins)
    if window_end_s is not None and earliest > window_end_s:
        reason = text("window_unreachable", earliest=clock_up(earliest), end=clock(window_end_s))
        return "window_unreachable", reason
    if earliest + service_s > limits.cooked_by_s:
        reason = text(
            "cooked_limit",
            done=clock_up(earliest + service_s),
            ready=clock(limits.meals_ready_s),
            limit=limits.cooked_to_door_s // 60,
            deadline=clock(limits.cooked_by_s),
        )
        return "cooked_limit", reason
    in_time = [
        (b + service_s, r)
        for b, r in begins
        if (window_end_s is None or b <= window_end_s) and b + service_s <= limits.cooked_by_s
    ]
    done, soonest = min(in_time, key=lambda pair: pair[0])
    return "shift_over", text("shift_over", done=clock_up(done), end=clock(soonest.shift_end_s))
