"""A district lunch day: 20,000 clients at 100 canteens, planned for one date on two cores.

The day is generated with a fixed seed around real Jiangmen (江门) districts: canteens
about 1.8 km apart over Pengjiang and Jianghai, each with 200 clients in buildings within
about 2.5 km (walk-ups without lifts and towers with lifts, one to three clients per
building) and 15 e-bike couriers. Travel is geodesic (the scenario default). Each canteen's
day is one scenario document; ``dispatch.planning.batch.plan_documents`` plans them all in a
process pool over the machine's cores (``plan_day``: stops, matrices, both engines in the
pool process, the independent verifier), and this process writes each plan
(``dispatch.report.output``) into a temporary folder while the pool solves the next ones.
``--canteens 10`` is the 2,000-client city of the earlier measurements (the same documents).

Usage::

    python benchmarks/city.py [--canteens 100] [--time-limit S] [--workers 2] [--seed 6]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from dispatch.model import Plan
from dispatch.planning.batch import plan_documents
from dispatch.report.context import PlanContext
from dispatch.report.output import render_files, write_folder
from dispatch.scenario import parse_scenario

# The first ten canteen sites (WGS-84), over Pengjiang and Jianghai districts; more come from
# a grid over the same area (``canteen_sites``).
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
GRID_SOUTH_WEST = (22.4900, 112.9900)  # the district's grid of further canteens, 11 × 11
GRID_STEP_M = 1_800
GRID_SIDE = 11
NEAR_M = 1_000  # a grid site this close to a named canteen is skipped
CLIENTS_PER_CANTEEN = 200
COURIERS_PER_CANTEEN = 15
# 1° of latitude ≈ 110.75 km here; 1° of longitude ≈ 102.3 km at 22.6° N.
M_PER_DEG_LAT = 110_750
M_PER_DEG_LON = 102_300
VARIANTS = ["regular", "regular", "regular", "soft", "low_salt", "diabetic"]
WINDOWS = [None, ["11:00", "12:30"], ["11:30", "12:30"], ["11:00", "12:00"]]


def canteen_sites(count: int) -> list[tuple[float, float]]:
    """``count`` canteen sites: the named ten, then grid sites away from them, row by row."""
    sites = list(CANTEENS)
    south, west = GRID_SOUTH_WEST
    for row in range(GRID_SIDE):
        for column in range(GRID_SIDE):
            lat = round(south + row * GRID_STEP_M / M_PER_DEG_LAT, 4)
            lon = round(west + column * GRID_STEP_M / M_PER_DEG_LON, 4)
            if all(_apart_m((lat, lon), named) > NEAR_M for named in CANTEENS):
                sites.append((lat, lon))
    if count > len(sites):
        raise SystemExit(f"at most {len(sites)} canteens")
    return sites[:count]


def _apart_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot((a[0] - b[0]) * M_PER_DEG_LAT, (a[1] - b[1]) * M_PER_DEG_LON)


def city_documents(seed: int, time_limit_s: float, canteens: int = 100) -> list[dict[str, Any]]:
    """One scenario document per canteen, the same for the same seed (and the first
    ``canteens`` of a larger district are the same documents)."""
    rng = random.Random(seed)
    sites = canteen_sites(canteens)
    return [_canteen_day(rng, k, lat, lon, time_limit_s) for k, (lat, lon) in enumerate(sites)]


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


def write_plan(document: dict[str, Any], plan: Plan, out_root: Path) -> tuple[int, int, int]:
    """Write one canteen's plan; its couriers used, clients served and clients left out."""
    scenario = parse_scenario(document)
    files = render_files(PlanContext.of(scenario, plan), pdf=False)  # the sheets, not typeset
    write_folder(files, out_root / scenario.name)
    served = sum(len(s.clients) for r in plan.routes for s in r.deliveries)
    return len(plan.routes), served, len(plan.unassigned)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--canteens", type=int, default=100, help="canteens (default 100)")
    parser.add_argument("--time-limit", type=float, default=2.0, help="solver s per canteen")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--rows", action="store_true", help="one line per canteen")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    documents = city_documents(args.seed, args.time_limit, args.canteens)
    generated = time.perf_counter()
    rows, writing_s, violations = [], 0.0, 0
    with tempfile.TemporaryDirectory(prefix="city-") as out_root:
        plans = plan_documents(documents, workers=args.workers)
        for document, plan in zip(documents, plans, strict=True):
            started = time.perf_counter()
            rows.append((document["name"], *write_plan(document, plan, Path(out_root))))
            writing_s += time.perf_counter() - started
            violations += len(plan.violations)
        written = sum(1 for _ in Path(out_root).rglob("plan.json"))
    wall = time.perf_counter() - began
    if args.rows:
        print(f"{'scenario':10} {'couriers':>8} {'served':>6} {'unassigned':>10}")
        for name, couriers, served, unassigned in rows:
            print(f"{name:10} {couriers:>8} {served:>6} {unassigned:>10}")
    total = [sum(r[i] for r in rows) for i in (1, 2, 3)]
    print(
        f"city clients={len(documents) * CLIENTS_PER_CANTEEN} canteens={len(rows)} "
        f"couriers_used={total[0]} served={total[1]} unassigned={total[2]} "
        f"violations={violations} written={written} time={wall:.1f} "
        f"(generate {generated - began:.1f}, writing in this process {writing_s:.1f})"
    )
    return 0 if violations == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
