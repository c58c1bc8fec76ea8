"""A generated street the size of Shengli (41 teams, 292 members, ~3,000 special-group
households in ~400 buildings): a 3-day gift-pack campaign and a week of visits.

The street is made here, fixed by ``--seed``: 41 grids on a 7 × 6 grid of 450 m cells
around Jiangmen's centre, one station and one team per grid (7 members, 8 in five teams;
half on e-bikes, a third not climbing; mornings 09:00–12:00 or afternoons 14:00–17:30),
~10 buildings per grid (a third with a lift, 3 to 18 floors), ~73 households per grid, each
with one to three people of a special group and a last contact within the last 2 to 14
days. Reports the wall time of each job, the households served, the verifier's findings,
and each team's hours per member against the team's mean (the campaign's fairness) and the
week's coverage.

    python benchmarks/shengli.py [--days 3] [--time-limit 2] [--workers 2] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from typing import Any

from dispatch.planning.campaigns import plan_campaign, spread
from dispatch.planning.visit_week import plan_week
from dispatch.scenario.street_records import GROUPS

CENTRE = (22.585, 113.085)
CELL_DEG = 0.0042  # ~450 m
COLUMNS, ROWS = 7, 6
TEAMS, MEMBERS, HOUSEHOLDS, BUILDINGS = 41, 292, 3000, 400
DATE = dt.date(2026, 12, 7)


def street(seed: int) -> dict[str, Any]:
    """The generated street document, in WGS-84."""
    rng = random.Random(seed)
    cells = [(c, r) for r in range(ROWS) for c in range(COLUMNS)][:TEAMS]
    extra_members = MEMBERS - 7 * TEAMS
    doc: dict[str, Any] = {
        "street": {"id": "shengli", "name": "胜利街道"},
        "date": DATE.isoformat(),
        "stations": [],
        "teams": [],
        "buildings": [],
        "households": [],
        "requests": [],
    }
    for k, (c, r) in enumerate(cells):
        lat0, lon0 = CENTRE[0] + (r - ROWS / 2) * CELL_DEG, CENTRE[1] + (c - COLUMNS / 2) * CELL_DEG
        team = f"t{k + 1}"
        station = {
            "id": f"s{k + 1}",
            "name": f"第{k + 1}网格党群服务站点",
            "location": {"lat": lat0 + CELL_DEG / 2, "lon": lon0 + CELL_DEG / 2},
            "opens": "08:30",
            "closes": "17:30",
        }
        doc["stations"].append(station)
        members = []
        for m in range(7 + (1 if k < extra_members else 0)):
            ebike = m % 2 == 1
            morning = m % 4 in (0, 3)
            members.append(
                {
                    "id": f"{team}-m{m + 1}",
                    "name": f"成员{k + 1}-{m + 1}",
                    "kind": "volunteer",
                    "phone": "13800000000",
                    "mode": "ebike" if ebike else "foot",
                    "capacity": 20 if ebike else 10,
                    "climbs": m % 3 != 2,
                    "start": "09:00" if morning else "14:00",
                    "end": "12:00" if morning else "17:30",
                }
            )
        doc["teams"].append(
            {
                "id": team,
                "name": f"第{k + 1}网格暖心服务小分队",
                "grid": f"g{k + 1}",
                "leader": members[0]["id"],
                "station": station["id"],
                "members": members,
            }
        )
        count = BUILDINGS // TEAMS + (1 if k < BUILDINGS % TEAMS else 0)
        for b in range(count):
            building = {
                "id": f"{team}-b{b + 1}",
                "team": team,
                "address": f"胜利路{k + 1}-{b + 1}号",
                "location": {
                    "lat": lat0 + rng.random() * CELL_DEG,
                    "lon": lon0 + rng.random() * CELL_DEG,
                },
                "floors": rng.randint(3, 18),
                "lift": rng.random() < 0.33,
            }
            doc["buildings"].append(building)
    per_building = HOUSEHOLDS / len(doc["buildings"])
    for n in range(HOUSEHOLDS):
        building = doc["buildings"][int(n / per_building)]
        people = [
            {"name": f"居民{n}-{p}", "group": rng.choice(GROUPS)} for p in range(rng.randint(1, 3))
        ]
        last = DATE - dt.timedelta(days=rng.randint(2, 14))
        doc["households"].append(
            {
                "id": f"h{n + 1}",
                "building": building["id"],
                "floor": rng.randint(1, building["floors"]),
                "members": people,
                "responsible": None,
                "last_contact": last.isoformat(),
            }
        )
    return doc


def campaign(doc: dict[str, Any], days: int, time_limit_s: float, workers: int) -> None:
    began = time.perf_counter()
    teams = plan_campaign(doc, days, time_limit_s=time_limit_s, seed=1, workers=workers)
    wall = time.perf_counter() - began
    served = sum(1 for t in teams for r in t.plan.rounds for s in r.steps if s.type == "task")
    tasks = sum(len(t.day.tasks) for t in teams)
    findings = sum(len(t.violations) for t in teams)
    strict = sum(1 for t in teams if spread(t.shares.hours_s) <= 0.15)
    balanced = sum(1 for t in teams if t.shares.balanced)
    capped = sum(len(t.shares.capped) for t in teams)
    worst = max(abs(t.shares.off_mean(m)) for t in teams for m in t.shares.hours_s
                if m not in t.shares.capped)  # fmt: skip
    hours = [h / 3600 for t in teams for h in t.shares.hours_s.values()]
    print(f"campaign: {days} days, {len(teams)} teams, {wall:.1f} s wall on {workers} worker(s)")
    print(f"  gift packs {served}/{tasks} delivered, verifier findings {findings}")
    print(
        f"  teams balanced (every member within ±15% of the team's mean, but for members "
        f"who already do every household they can reach): {balanced}/{len(teams)}; "
        f"worst member {worst:.0%} off"
    )
    print(
        f"  capped members (not climbing; every household they reach is done by one of them): "
        f"{capped} of {len(hours)}; teams with every member, capped or not, within ±15% of the "
        f"mean of all: {strict}/{len(teams)}"
    )
    print(
        f"  hours per member: min {min(hours):.2f}, median {statistics.median(hours):.2f}, "
        f"max {max(hours):.2f}"
    )


def week(doc: dict[str, Any], time_limit_s: float) -> None:
    began = time.perf_counter()
    due = on_time = findings = 0
    for team in doc["teams"]:
        plan = plan_week({**doc, "team": team["id"]}, 7, time_limit_s=time_limit_s, seed=1)
        due += len(plan.coverage)
        on_time += sum(
            1 for c in plan.coverage if c.visited is not None and c.visited <= max(c.due, DATE)
        )
        findings += sum(len(found) for _day, _plan, found in plan.days)
    wall = time.perf_counter() - began
    print(f"week of visits: {len(doc['teams'])} teams × 7 days, {wall:.1f} s wall (one process)")
    print(f"  households due {due}, visited by their day {on_time}, verifier findings {findings}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=2.0, help="seconds per team")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-week", action="store_true")
    args = parser.parse_args()
    doc = street(args.seed)
    print(
        f"street: {len(doc['teams'])} teams, {sum(len(t['members']) for t in doc['teams'])} "
        f"members, {len(doc['buildings'])} buildings, {len(doc['households'])} households"
    )
    campaign(doc, args.days, args.time_limit, args.workers)
    if not args.skip_week:
        week(doc, args.time_limit / 7)


if __name__ == "__main__":
    main()
