"""Clients → stops: one stop per building, its service time, and who may serve it.

Clients in one building are one stop as long as their windows overlap and their meals
fit on one courier; otherwise the building is split into as few stops as that allows.
Service time at a stop = setup (park, find the entrance) + a hand-over per client +
the vertical time to the highest floor served there and back down: stairs
(``climb_s_per_floor`` up, ``descend_s_per_floor`` down, per floor above the ground)
or a lift (one wait, then ``lift_s_per_floor`` each way). A building with a helper
(a neighbour or volunteer who takes the meals up) costs one hand-over at the entrance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dispatch.model import Client, Courier, Location, Scenario, Settings, Window


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
    def top_floor(self) -> int:
        return max(c.floor for c in self.clients)

    @property
    def stairs_floors(self) -> int:
        """Storeys climbed by stairs at this stop (0 with a lift or a building helper)."""
        return stairs_floors(self.clients)


def stairs_floors(clients: Sequence[Client]) -> int:
    """Storeys climbed by stairs to serve ``clients`` of one building."""
    first = clients[0]
    if first.lift or first.helper:
        return 0
    return max(c.floor for c in clients) - 1


def vertical_s(top_floor: int, lift: bool, settings: Settings) -> int:
    """Seconds to get from the entrance up to ``top_floor`` and back down."""
    floors = top_floor - 1
    if floors <= 0:
        return 0
    if lift:
        return settings.lift_wait_s + 2 * floors * settings.lift_s_per_floor
    return floors * (settings.climb_s_per_floor + settings.descend_s_per_floor)


def service_s(clients: Sequence[Client], settings: Settings) -> int:
    """Seconds spent at a stop serving ``clients`` (all of one building).

    With a building helper, every meal is handed over once at the entrance.
    """
    if clients[0].helper:
        return settings.stop_setup_s + settings.handover_s
    top = max(c.floor for c in clients)
    lift = clients[0].lift
    return (
        settings.stop_setup_s + settings.handover_s * len(clients) + vertical_s(top, lift, settings)
    )


def building_sites(clients: Sequence[Client]) -> dict[str, Location]:
    """Each building's location: that of its first client in scenario order."""
    sites: dict[str, Location] = {}
    for client in clients:
        sites.setdefault(client.building, client.location)
    return sites


def may_serve(courier: Courier, clients: Sequence[Client]) -> bool:
    """Whether ``courier`` climbs high enough for every client of a stop."""
    return all(c.lift or c.helper or courier.climbs_to(c.floor) for c in clients)


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


def build_stops(scenario: Scenario, clients: Sequence[Client], max_meals: int) -> list[Stop]:
    """Group ``clients`` (already known servable) into building stops of ≤ ``max_meals``."""
    sites = building_sites(scenario.clients)
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
