"""Service-time and climbing rules, shared by the planner, the verifier and the key figures.

Service time at a stop = setup (park, find the entrance) + a hand-over per client +
the vertical time to the highest floor served there and back down: stairs
(``climb_s_per_floor`` up, ``descend_s_per_floor`` down, per floor above the ground)
or a lift (one wait, then ``lift_s_per_floor`` each way). A building with a helper
(a neighbour or volunteer who takes the meals up) costs one hand-over at the entrance.
A building stands where its first client in the scenario does. At a relay point a rider
hands meals to grid workers: a fixed time plus a time per meal.

On a grid team's round each task is its own stop: setup, the kind's time at the door and
the vertical time to the household's floor; a member who does not climb serves only ground
floors and buildings with a lift.
"""

from __future__ import annotations

from collections.abc import Sequence

from dispatch.model import Client, Courier, Location, Settings
from dispatch.model.rounds import RoundMember, RoundTask


def building_sites(clients: Sequence[Client]) -> dict[str, Location]:
    """Each building's location: that of its first client in scenario order."""
    sites: dict[str, Location] = {}
    for client in clients:
        sites.setdefault(client.building, client.location)
    return sites


def stairs_floors(clients: Sequence[Client]) -> int:
    """Storeys climbed by stairs to serve ``clients`` of one building (0: lift or helper)."""
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


def relay_handover_s(meals: int, settings: Settings) -> int:
    """Seconds a rider spends handing ``meals`` to the grid workers at a relay point."""
    return settings.relay_handover_s + settings.relay_handover_s_per_meal * meals


def may_serve(courier: Courier, clients: Sequence[Client]) -> bool:
    """Whether ``courier`` climbs high enough for every client of a stop."""
    return all(c.lift or c.helper or courier.climbs_to(c.floor) for c in clients)


def task_service_s(task: RoundTask, settings: Settings) -> int:
    """Seconds at a round's task: setup, the kind's time at the door, up and down."""
    return settings.stop_setup_s + task.service_s + vertical_s(task.floor, task.lift, settings)


def may_do(member: RoundMember, task: RoundTask) -> bool:
    """Whether ``member`` reaches the household's floor (stairs only for a climber)."""
    return member.climbs or task.lift or task.floor <= 1
