"""What the verifier builds once per plan: lookups, the day's conditions and travel, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dispatch.messages import Text
from dispatch.model import Client, Courier, Location, RelayPoint, Scenario, Violation
from dispatch.rules import building_sites
from dispatch.travel.conditions import Conditions
from dispatch.travel.matrices import TravelModel

if TYPE_CHECKING:  # the timed hand-overs collected for the walkers
    from dispatch.verify.timing import Timed

# Claimed times may differ from the recomputed ones by rounding only.
TIME_TOLERANCE_S = 1


@dataclass
class Context:
    """The scenario with its lookups, conditions and travel model; ``riders`` collects each
    checked rider's departure and timed hand-overs, in route order, for the walkers."""

    scenario: Scenario
    conditions: Conditions
    travel: TravelModel
    clients: dict[str, Client]
    workers: dict[str, Courier]
    sites: dict[str, Location]
    relays: dict[str, RelayPoint]
    riders: dict[str, tuple[int, list[Timed]]] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario) -> Context:
        return cls(
            scenario=scenario,
            conditions=Conditions.of(scenario.weather, scenario.settings),
            travel=TravelModel.of(scenario),
            clients={c.id: c for c in scenario.clients},
            workers={w.id: w for w in (*scenario.couriers, *scenario.walkers)},
            sites=building_sites(scenario.clients),
            relays={p.id: p for p in scenario.relay_points},
        )

    @property
    def relaying(self) -> bool:
        """Grid workers take meals over at relay points (else they walk from the canteen)."""
        return self.conditions.operation == "relay"

    def from_canteen(self) -> list[Courier]:
        """Who may carry meals from the canteen to a door today, on shift once meals are ready:
        the couriers; at red only people on foot (couriers and grid workers); on a relay day
        the riders (grid workers start at their relay points)."""
        ready = self.scenario.canteen.meals_ready_s
        if self.conditions.operation == "walk_only":
            workers = [w for w in self.workers.values() if w.mode == "walk"]
        else:
            workers = list(self.scenario.couriers)
        return [w for w in workers if w.shift.end_s > ready]


def finding(
    rule: str, message: Text, courier: str | None = None, client: str | None = None
) -> Violation:
    """A violation of ``rule`` with its message in both languages."""
    return Violation(rule, message.en, courier, client, message.zh)
