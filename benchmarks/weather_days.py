"""Compare the demo day in clear weather, a rainstorm (orange) and a typhoon (red), and the
planted relay days, now and (``--before``) with an earlier checkout of the planner.

Run: python benchmarks/weather_days.py [--time-limit S] [--iterations N] [--random N]
[--before DIR]
Prints a Markdown table (the ones in docs/relay.md): workers used, clients served, latest
hand-over, longest canteen-to-door time and floors climbed per person. ``--before DIR``
plans the same days with the code in DIR (a checkout, e.g. ``git worktree add /tmp/before
6c01cbb``) in a subprocess and prints served, grid workers and longest canteen-to-door
time side by side. The planted days are the hand-checkable cases of
tests/planning/test_relay_days.py; ``--random N`` adds one row for N random relay days
(seeds 0…N-1: 1–3 relay points, 1–5 grid workers, 1–3 riders, clients around the points,
some with windows, box limits of 45–90 min), summed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from dispatch import load_scenario, plan_day
from dispatch.model import Scenario, clock
from dispatch.report.context import PlanContext
from dispatch.report.kpi import floors_climbed, summary
from dispatch.scenario import parse_scenario

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
DAYS = ("jiangnan-lunch", "jiangnan-rainstorm", "jiangnan-typhoon-red")


def planted_days() -> dict[str, Callable[[], Scenario]]:
    """The planted relay days of the tests, by name."""
    sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "planning")]
    import test_relay_days as planted  # the tests' builders, imported on demand

    documents: dict[str, Callable[[], dict[str, Any]]] = {
        "planted: relay point first": lambda: planted.far_point_document(limit_min=40),
        "planted: hand-over of 1 meal": lambda: planted.far_point_document(35, 30),
        "planted: second trip": planted.second_trip_document,
        "planted: joint points": planted.joint_points_document,
        "planted: two offices": planted.two_offices_document,
    }
    return {name: lambda make=make: parse_scenario(make()) for name, make in documents.items()}


def random_relay_day(seed: int) -> dict[str, Any]:
    """A random relay day: clients within 700 m of 1–3 relay points, a few near the canteen."""
    sys.path[:0] = [str(REPO / "tests")]
    from conftest import base_document, north_m  # the tests' canteen and placing

    rng = random.Random(seed)

    def place(north: int, east: int) -> dict[str, float]:
        point = north_m(north)
        return point | {"lon": point["lon"] + east / 102_800}

    def hhmm(minute: int) -> str:
        return f"{minute // 60:02d}:{minute % 60:02d}"

    doc = base_document()
    doc["weather"] = rng.choice(["rainstorm_orange", "typhoon_yellow"])
    doc["couriers"] = [
        {
            "id": f"r{k}",
            "mode": "ebike",
            "capacity": rng.randint(4, 14),
            "shift": ["10:30", "13:00"],
        }
        for k in range(rng.randint(1, 3))
    ]
    points = [
        (rng.randint(-2500, 2500), rng.randint(-2500, 2500)) for _ in range(rng.randint(1, 3))
    ]
    doc["relay_points"] = [
        {
            "id": f"p{k}",
            "location": place(*where),
            "open": [rng.choice(["10:30", "10:50", "11:10"]), rng.choice(["12:30", "13:00"])],
            "capacity": rng.randint(4, 20),
        }
        for k, where in enumerate(points)
    ]
    doc["walkers"] = [
        {
            "id": f"w{k}",
            "relay_point": f"p{rng.randrange(len(points))}",
            "capacity": rng.randint(1, 6),
            "shift": [rng.choice(["10:30", "10:45", "11:15"]), "13:00"],
            "max_floor_no_lift": rng.choice([4, 8, 20]),
        }
        for k in range(rng.randint(1, 5))
    ]
    clients = []
    for k in range(rng.randint(3, 16)):
        north, east = rng.choice(points)
        around = place(north + rng.randint(-700, 700), east + rng.randint(-700, 700))
        one = {"id": f"c{k}", "location": around, "meals": {"regular": rng.randint(1, 2)}}
        one["floor"] = rng.randint(1, 9)
        if rng.random() < 0.3:
            start = rng.randint(11 * 60, 12 * 60 + 30)
            one["window"] = [hhmm(start), hhmm(start + rng.choice([20, 40, 90]))]
        clients.append(one)
    for k in range(rng.randint(0, 3)):
        near = place(rng.randint(-500, 500), rng.randint(-300, 300))
        clients.append({"id": f"n{k}", "location": near, "meals": {"regular": 1}})
    doc["clients"] = clients
    doc["settings"]["relay_max_door_to_door_min"] = rng.choice([45, 60, 90])
    return doc


def random_row(count: int, budget: dict[str, Any]) -> dict[str, Any]:
    """The ``count`` random relay days as one row: totals, and the longest door-to-door."""
    rows = [
        figures(f"random {seed}", parse_scenario(random_relay_day(seed)), budget)
        for seed in range(count)
    ]
    served = [tuple(map(int, r["served"].split("/"))) for r in rows]
    return {
        "scenario": f"random relay days (seeds 0–{count - 1})",
        "weather": "orange / typhoon yellow",
        "riders": sum(r["riders"] for r in rows),
        "walkers": sum(r["walkers"] for r in rows),
        "served": f"{sum(s for s, _ in served)}/{sum(c for _, c in served)}",
        "handovers": sum(r["handovers"] for r in rows),
        "latest": max(r["latest"] for r in rows),
        "door_to_door_min": max(r["door_to_door_min"] for r in rows),
        "floors": "",
        "violations": sum(r["violations"] for r in rows),
        "wall_s": round(sum(r["wall_s"] for r in rows), 1),
    }


def figures(name: str, scenario: Scenario, budget: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    plan = plan_day(scenario, **budget)
    wall_s = time.perf_counter() - started
    part = PlanContext.of(scenario, plan)
    numbers = summary(part)
    climbed = [floors_climbed(part.clients, r) for r in plan.routes] or [0]
    return {
        "scenario": name,
        "weather": scenario.weather,
        "riders": numbers["couriers_used"],
        "walkers": numbers["walkers_used"],
        "served": f"{numbers['served']}/{numbers['clients']}",
        "handovers": numbers["handovers"],
        "latest": clock(cast(int, numbers["latest_delivery_s"])),
        "door_to_door_min": round(cast(int, numbers["door_to_door_max_s"]) / 60),
        "floors": f"{max(climbed)} / {statistics.mean(climbed):.1f}",
        "violations": numbers["violations"],
        "wall_s": round(wall_s, 1),
    }


def all_days(budget: dict[str, Any], randoms: int) -> list[dict[str, Any]]:
    days = {name: lambda n=name: load_scenario(SCENARIOS / f"{n}.yaml") for name in DAYS}
    rows = [figures(n, make(), budget) for n, make in {**days, **planted_days()}.items()]
    return rows + ([random_row(randoms, budget)] if randoms else [])


def before(directory: Path, argv: list[str]) -> dict[str, dict[str, Any]]:
    """The same days planned by the code in ``directory``, by scenario name."""
    env = {**os.environ, "PYTHONPATH": str(directory)}
    run = subprocess.run(
        [sys.executable, __file__, "--json", *argv],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return {row["scenario"]: row for row in json.loads(run.stdout)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--iterations", type=int, default=None)
    parser.add_argument("--random", type=int, default=0, help="random relay days to add")
    parser.add_argument("--before", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    budget = {"time_limit_s": args.time_limit, "iterations": args.iterations}
    rows = all_days(budget, args.random)
    if args.json:
        print(json.dumps(rows))
        return
    if args.before is not None:
        argv = ["--time-limit", str(args.time_limit)]
        argv += ["--iterations", str(args.iterations)] if args.iterations else []
        argv += ["--random", str(args.random)]
        earlier = before(args.before, argv)
        print("| scenario | weather | served before → after | grid workers before → after "
              "| max door-to-door min before → after | violations after |")  # fmt: skip
        print("|---|---|---|---|---|---|")
        for row in rows:
            old = earlier[row["scenario"]]
            print(f"| {row['scenario']} | {row['weather']} | {old['served']} → {row['served']} "
                  f"| {old['walkers']} → {row['walkers']} "
                  f"| {old['door_to_door_min']} → {row['door_to_door_min']} "
                  f"| {row['violations']} |")  # fmt: skip
        return
    print(
        "| scenario | weather | riders | grid workers | served | hand-overs | latest hand-over "
        "| max door-to-door min | floors climbed per person (max / mean) | violations | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(v) for v in row.values()) + " |")


if __name__ == "__main__":
    main()
