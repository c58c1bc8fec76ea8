"""Clients → stops: one stop per building, as few stops as windows and loads allow.

Clients in one building are one stop as long as their windows overlap and their meals
fit on one courier; otherwise the building is split into as few stops as that allows.
What a stop costs in time and who may serve it are the rules in ``dispatch.rules``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dispatch.model import Client, Location, Window
from dispatch.rules import stairs_floors


@dataclass(frozen=True, slots=True)
class Stop:
    """A place a courier stops at, serving one or more clients of one building."""

    id: str
    building: str
    location: Location
    clients: tuple[Client, ...]
    window: Window | None
    lift: bool

    @property
    def meals(self) -> int:
        return sum(c.meal_count for c in self.clients)

    @property
    def stairs_floors(self) -> int:
        """Storeys climbed by stairs at this stop (0 with a lift or a building helper)."""
        return stairs_floors(self.clients)


def _overlap(a: Window | None, b: Window | None) -> tuple[bool, Window | None]:
    """Whether two optional windows meet, and their intersection (``None`` = all day)."""
    if a is None or b is None:
        return True, a or b
    start, end = max(a.start_s, b.start_s), min(a.end_s, b.end_s)
    return (True, Window(start, end)) if start <= end else (False, None)


def _split_building(
    clients: list[Client], max_meals: int
) -> list[tuple[list[Client], Window | None]]:
    """Greedy by window end: start a new group when windows or meals stop fitting."""
    clients = sorted(clients, key=lambda c: (c.window.end_s if c.window else 86_400, c.id))
    groups: list[tuple[list[Client], Window | None]] = []
    for client in clients:
        if groups:
            members, window = groups[-1]
            meet, merged = _overlap(window, client.window)
            meals = sum(c.meal_count for c in members) + client.meal_count
            if meet and meals <= max_meals:
                groups[-1] = ([*members, client], merged)
                continue
        groups.append(([client], client.window))
    return groups


def build_stops(
    clients: Sequence[Client], max_meals: int, sites: Mapping[str, Location]
) -> list[Stop]:
    """Group ``clients`` (already known servable) into building stops of ≤ ``max_meals``.

    ``sites`` places each building (``building_sites`` of all the scenario's clients).
    """
    by_building: dict[str, list[Client]] = {}
    for client in clients:
        by_building.setdefault(client.building, []).append(client)
    stops: list[Stop] = []
    for building, members in by_building.items():
        groups = _split_building(members, max_meals)
        for k, (group, window) in enumerate(groups):
            stops.append(
                Stop(
                    id=building if len(groups) == 1 else f"{building}#{k + 1}",
                    building=building,
                    location=sites[building],
                    clients=tuple(group),
                    window=window,
                    lift=group[0].lift,
                )
            )
    return stops
