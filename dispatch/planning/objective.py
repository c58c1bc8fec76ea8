"""What a leg's plan is worth past its couriers: who comes first, and how soon lunch arrives.

Priorities (1 = served first) decide who is left out when not everyone can be served: the
drop weight of a priority outweighs every client of lower priority together, in both
engines. Time costs ask for lunch soon after cooking, or at a client's preferred time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from dispatch.messages import text
from dispatch.model import Client, Settings, Unassigned
from dispatch.routing.problem import TimeCost

# The default priority of a group (docs/scenario.md); other groups get LOWEST_PRIORITY.
GROUP_PRIORITY: Mapping[str, int] = {
    "severely_disabled": 1,
    "living_alone": 2,
    "low_income_disabled": 2,
}
LOWEST_PRIORITY = 3
# Living alone at this age or older: priority 1, as the severely disabled.
OLDEST_ALONE_AGE = 80


def priority(client: Client) -> int:
    """The client's priority as given, else the default of their group and age."""
    if client.priority is not None:
        return client.priority
    if client.group == "living_alone" and (client.age or 0) >= OLDEST_ALONE_AGE:
        return 1
    return GROUP_PRIORITY.get(client.group, LOWEST_PRIORITY)


def drop_weights(clients: Iterable[Client]) -> dict[int, int]:
    """Priority → drop weight of one client: more than all clients of lower priority.

    The lowest priority present weighs 1; each higher one weighs one more than every
    client below it together, so one client of priority 1 outweighs any number of others.
    Only the priorities present count, which keeps the weights small.
    """
    counts = Counter(priority(c) for c in clients)
    weights: dict[int, int] = {}
    below = 0
    for level in sorted(counts, reverse=True):
        weights[level] = below + 1
        below += counts[level] * weights[level]
    return weights


def drop_penalty(clients: Sequence[Client], weights: Mapping[int, int]) -> int:
    """The drop penalty of a stop serving ``clients`` (in drop-penalty units)."""
    return sum(weights[priority(c)] for c in clients)


def time_costs(
    clients: Sequence[Client], settings: Settings, meals_ready_s: int
) -> tuple[TimeCost, ...]:
    """The soft targets of a stop's service start, per client.

    A client with a ``preferred_time`` costs ``preferred_early_s_per_min`` per minute before
    it and ``preferred_late_s_per_min`` per minute after it; every other client costs
    ``cooked_to_door_s_per_min`` per minute after ``meals_ready`` (seconds of travel).
    """
    early, late = settings.preferred_early_s_per_min, settings.preferred_late_s_per_min
    costs = [TimeCost(c.preferred_s, early, late) for c in clients if c.preferred_s is not None]
    plain = sum(1 for c in clients if c.preferred_s is None) * settings.cooked_to_door_s_per_min
    if plain:
        costs.append(TimeCost(meals_ready_s, late_per_min=plain))
    return tuple(c for c in costs if c.early_per_min or c.late_per_min)


def outranked(
    dropped: Sequence[Client], served: Iterable[Client]
) -> tuple[list[Client], list[Unassigned]]:
    """Of ``dropped``, who gave way to served clients of higher priority (with the reason),
    and the others."""
    best = min((priority(c) for c in served), default=None)
    others: list[Client] = []
    out: list[Unassigned] = []
    for client in dropped:
        level = priority(client)
        if best is not None and best < level:
            reason = text("higher_priority", served=best, priority=level)
            out.append(Unassigned(client.id, "higher_priority", reason.en, reason.zh))
        else:
            others.append(client)
    return others, out
