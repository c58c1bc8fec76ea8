"""Who is left out and why: the plain-words reasons shared by every leg and way of delivering."""

from __future__ import annotations

from collections.abc import Sequence

from dispatch.messages import Text, text
from dispatch.model import Client, Courier, Unassigned
from dispatch.rules import may_serve


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
