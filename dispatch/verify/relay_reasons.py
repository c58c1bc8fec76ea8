"""On a relay day, whether "no relay point has a grid worker who can walk there in time" holds.

The claim (``no_relay``) is false when a rider and a grid worker who both have no route in
the plan could bring just this building's meals through a relay point with room left for
them inside every rule (busy workers' boxes and times are the plan's; their being full is
not this claim): the rider waits at most ``relay_max_wait_s`` and hands over while the
point is open and inside their shift, the meals fit the rider, the point and the grid
worker, who climbs there, and the door is served inside its window,
``relay_max_door_to_door_s`` after the rider left the canteen, by the cooked-to-door limit
and inside the grid worker's shift. The rider's departure is free from the earliest on:
leaving later only delays, leaving earlier only makes the rider wait and the meal travel
longer, so the earliest departure that keeps the wait and the door-to-door limit decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dispatch.messages import Text, text
from dispatch.model import Client, Courier, Location, Plan, RelayPoint, clock
from dispatch.rules import may_serve, relay_handover_s, service_s, stairs_floors
from dispatch.verify.context import Context


@dataclass(frozen=True)
class _Chain:
    """Rider to a relay point, grid worker to the door, for one building's meals."""

    rider: Courier
    walker: Courier
    point: RelayPoint
    ride_s: int
    walk_s: int

    def done_s(self, ctx: Context, clients: Sequence[Client]) -> int | None:
        """When the door's service ends if every rule holds, else ``None``."""
        settings = ctx.scenario.settings
        ready = ctx.scenario.canteen.meals_ready_s
        windows = [c.window for c in clients if c.window]
        opens = max((w.start_s for w in windows), default=0)
        closes = min((w.end_s for w in windows), default=None)
        present = max(self.walker.shift.start_s, self.point.open.start_s)
        handover = relay_handover_s(sum(c.meal_count for c in clients), settings)
        service = service_s(clients, settings)
        limit = settings.relay_max_door_to_door_s

        def run(departure_s: int) -> tuple[int, int, int]:
            handed = max(departure_s + self.ride_s, present)
            start = max(handed + handover + self.walk_s, opens)
            return handed, start, start + service

        earliest = max(
            ready, self.rider.shift.start_s, present - settings.relay_max_wait_s - self.ride_s
        )
        departure = max(earliest, run(earliest)[2] - limit)
        handed, start, done = run(departure)
        kept = (
            handed - (departure + self.ride_s) <= settings.relay_max_wait_s
            and handed <= self.point.open.end_s
            and handed + handover <= self.rider.shift.end_s
            and (closes is None or start <= closes)
            and done - departure <= limit
            and done <= ready + settings.max_cooked_to_door_s
            and done <= self.walker.shift.end_s
        )
        return done if kept else None


def relay_fact(ctx: Context, plan: Plan, clients: Sequence[Client]) -> Text | None:
    """An idle rider and an idle grid worker of ``plan`` who could bring ``clients`` (one
    building) their meals through a relay point that still has room for them."""
    meals = sum(c.meal_count for c in clients)
    site = ctx.sites[clients[0].building]
    floors = stairs_floors(clients)
    canteen = ctx.scenario.canteen.location
    busy = {r.courier for r in plan.routes}
    grid_workers = {w.id for w in ctx.scenario.walkers}
    handed: dict[str, int] = {}
    for step in (s for r in plan.routes if r.courier not in grid_workers for s in r.handovers):
        handed[step.relay_point or ""] = handed.get(step.relay_point or "", 0) + step.meals
    riders = [r for r in ctx.from_canteen() if r.id not in busy and r.capacity >= meals]
    for point in ctx.scenario.relay_points:
        if handed.get(point.id, 0) + meals > point.capacity:
            continue
        walkers = [
            w
            for w in ctx.scenario.walkers
            if w.relay_point == point.id
            and w.id not in busy
            and w.capacity >= meals
            and may_serve(w, clients)
        ]
        for rider in riders if walkers else []:
            ride = _time_s(ctx, rider, canteen, point.location, 0)
            for walker in walkers:
                walk = _time_s(ctx, walker, point.location, site, floors)
                done = _Chain(rider, walker, point, ride, walk).done_s(ctx, clients)
                if done is not None:
                    return text(
                        "v_fact_relay",
                        rider=rider.id,
                        relay=point.id,
                        walker=walker.id,
                        done=clock(done),
                    )
    return None


def _time_s(ctx: Context, worker: Courier, origin: Location, place: Location, floors: int) -> int:
    """Travel from ``origin`` to ``place`` and the weather's extra seconds on arrival."""
    profile = ctx.conditions.profile(worker)
    matrix = ctx.travel.matrices([origin, place], [profile])[profile]
    return int(matrix.time_s[0, 1]) + ctx.conditions.arrival_extra_s(worker.mode, floors)
