"""A plan in its context: the scenario and its people and places by id, built once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dispatch.model import Client, Courier, Location, Plan, RelayPoint, Route, Scenario
from dispatch.travel.matrices import TravelModel


@dataclass(frozen=True)
class PlanContext:
    """What every report of one plan looks up, so each lookup is built once, not per step."""

    scenario: Scenario
    plan: Plan
    clients: Mapping[str, Client]
    workers: Mapping[str, Courier]
    walkers: frozenset[str]
    relay_points: Mapping[str, RelayPoint]
    travel: TravelModel

    @classmethod
    def of(cls, scenario: Scenario, plan: Plan) -> PlanContext:
        return cls(
            scenario=scenario,
            plan=plan,
            clients={c.id: c for c in scenario.clients},
            workers={w.id: w for w in (*scenario.couriers, *scenario.walkers)},
            walkers=frozenset(w.id for w in scenario.walkers),
            relay_points={p.id: p for p in scenario.relay_points},
            travel=TravelModel.of(scenario),
        )

    @property
    def variants(self) -> list[str]:
        """Every meal variant any client of the scenario orders, sorted."""
        return sorted({v for c in self.scenario.clients for v in c.meals})

    def legs(self, route: Route) -> list[list[Location]]:
        """The polyline of each leg of ``route`` between consecutive stops."""
        points = [s.location for s in route.steps if s.type != "end" and s.location is not None]
        return self.travel.leg_paths(self.workers[route.courier].mode, points)
