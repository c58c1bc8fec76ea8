"""A city lunch day: 2,000 clients, 10 canteens, 150 couriers, planned canteen by canteen.

The day is generated with a fixed seed around real Jiangmen (江门) districts: ten canteens
a few kilometres apart, each with 200 clients in buildings within about 2.5 km (walk-ups
without lifts and towers with lifts, two or three clients per building) and 15 e-bike
couriers. Travel is geodesic (the scenario default). Each canteen's day is one scenario
(``dispatch.scenario.gate.parse_scenario``); the ten are planned in a process pool over the
machine's two cores with ``dispatch.planning.day.plan_day``, each plan is verified
(``dispatch.verify``) and written (``dispatch.report.output``) into a temporary folder.

Usage::

    python benchmarks/city.py [--time-limit S] [--workers 2] [--seed 6]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.output import render_files, write_folder
from dispatch.scenario import parse_scenario
from dispatch.verify import verify

# Canteen sites (WGS-84) spread over Pengjiang and Jianghai districts.
CANTEENS = [
    (22.5790, 113.0830),
    (22.5950, 113.0690),
    (22.6090, 113.0960),
    (22.5650, 113.1080),
    (22.5520, 113.0850),
    (22.5870, 113.1250),
    (22.5400, 113.1180),
    (22.6190, 113.0700),
    (22.5690, 113.0500),
    (22.5990, 113.1450),
]
CLIENTS_PER_CANTEEN = 200
COURIERS_PER_CANTEEN = 15
# 1° of latitude ≈ 110.75 km here; 1° of longitude ≈ 102.3 km at 22.6° N.
M_PER_DEG_LAT = 110_750
M_PER_DEG_LON = 102_300
VARIANTS = ["regular", "regular", "regular", "soft", "low_salt", "diabetic"]
WINDOWS = [None, ["11:00", "12:30"], ["11:30", "12:30"], ["11:00", "12:00"]]


def city_documents(seed: int, time_limit_s: float) -> list[dict[str, Any]]:
    """One scenario document per canteen, the same for the same seed."""
    rng = random.Random(seed)
    return [_canteen_day(rng, k, lat, lon, time_limit_s) for k, (lat, lon) in enumerate(CANTEENS)]


def _canteen_day(
    rng: random.Random, k: int, lat: float, lon: float, time_limit_s: float
) -> dict[str, Any]:
    return {
        "name": f"city-{k:02d}",
        "date": "2026-11-24",
        "canteen": {
            "id": f"canteen-{k:02d}",
            "name": f"长者饭堂{k + 1}号",
            "location": {"lat": lat, "lon": lon},
            "meals_ready": "10:40",
        },
        "settings": {"time_limit_s": time_limit_s, "seed": k},
        "couriers": [_courier(rng, k, j) for j in range(COURIERS_PER_CANTEEN)],
        "clients": _clients(rng, k, lat, lon),
    }


def _courier(rng: random.Random, k: int, j: int) -> dict[str, Any]:
    return {
        "id": f"c{k:02d}-r{j:02d}",
        "name": f"骑手{j + 1}",
        "mode": "ebike",
        "capacity": rng.choice([14, 16, 18, 20]),
        "shift": ["10:30", "13:00"],
        "max_floor_no_lift": rng.choice([5, 7, 8, 9]),
    }


def _clients(rng: random.Random, k: int, lat: float, lon: float) -> list[dict[str, Any]]:
    clients: list[dict[str, Any]] = []
    building = 0
    while len(clients) < CLIENTS_PER_CANTEEN:
        radius_m = 2_400 * rng.random() ** 0.7
        angle = rng.uniform(0, 2 * math.pi)
        site = {
            "lat": round(lat + radius_m * math.sin(angle) / M_PER_DEG_LAT, 6),
            "lon": round(lon + radius_m * math.cos(angle) / M_PER_DEG_LON, 6),
        }
        lift = rng.random() < 0.4
        window = rng.choice(WINDOWS)
        for _ in range(min(rng.choice([1, 2, 2, 3]), CLIENTS_PER_CANTEEN - len(clients))):
            client: dict[str, Any] = {
                "id": f"c{k:02d}-{len(clients):03d}",
                "name": f"长者{len(clients) + 1}",
                "location": site,
                "building": f"c{k:02d}-b{building:03d}",
                "floor": rng.randint(1, 18 if lift else 8),
                "lift": lift,
                "meals": {rng.choice(VARIANTS): 1},
            }
            if window:
                client["window"] = window
            clients.append(client)
        building += 1
    return clients


def plan_one(
    document: dict[str, Any], out_root: str
) -> tuple[str, int, int, int, int, float, float]:
    """Plan, verify and write one canteen's day; returns its figures (and the verify time)."""
    began = time.perf_counter()
    scenario = parse_scenario(document)
    plan = plan_day(scenario)
    checking = time.perf_counter()
    violations = verify(scenario, plan)
    verify_s = time.perf_counter() - checking
    write_folder(render_files(PlanContext.of(scenario, plan)), Path(out_root) / scenario.name)
    served = sum(len(s.clients) for r in plan.routes for s in r.deliveries)
    wall = time.perf_counter() - began
    return (
        scenario.name,
        len(plan.routes),
        served,
        len(plan.unassigned),
        len(violations),
        wall,
        verify_s,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=8.0, help="solver s per canteen")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    documents = city_documents(args.seed, args.time_limit)
    with tempfile.TemporaryDirectory(prefix="city-") as out_root:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            rows = list(pool.map(plan_one, documents, [out_root] * len(documents)))
        written = sum(1 for _ in Path(out_root).rglob("plan.json"))
    wall = time.perf_counter() - began
    print(
        f"{'scenario':10} {'couriers':>8} {'served':>6} {'unassigned':>10} "
        f"{'violations':>10} {'wall_s':>7} {'verify_s':>8}"
    )
    for name, couriers, served, unassigned, violations, seconds, verify_s in rows:
        print(
            f"{name:10} {couriers:>8} {served:>6} {unassigned:>10} {violations:>10} "
            f"{seconds:>7.2f} {verify_s:>8.3f}"
        )
    total = [sum(r[i] for r in rows) for i in (1, 2, 3, 4)]
    print(
        f"city clients={len(documents) * CLIENTS_PER_CANTEEN} canteens={len(rows)} "
        f"couriers_used={total[0]} "
        f"served={total[1]} unassigned={total[2]} violations={total[3]} "
        f"written={written} time={wall:.1f} verify={sum(r[6] for r in rows):.2f}"
    )
    return 0 if total[3] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
