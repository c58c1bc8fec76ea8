"""Compare the demo day in clear weather, a rainstorm (orange) and a typhoon (red).

Run: python benchmarks/weather_days.py [--time-limit S]
Prints a Markdown table (the one in docs/relay.md): workers used, clients served,
latest hand-over, longest canteen-to-door time and floors climbed per person.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import cast

from dispatch import load_scenario, plan_day
from dispatch.model import clock
from dispatch.report.context import PlanContext
from dispatch.report.kpi import floors_climbed, summary

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
DAYS = ("jiangnan-lunch", "jiangnan-rainstorm", "jiangnan-typhoon-red")


def row(name: str, time_limit_s: float) -> str:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    started = time.perf_counter()
    plan = plan_day(scenario, time_limit_s=time_limit_s)
    wall_s = time.perf_counter() - started
    part = PlanContext.of(scenario, plan)
    figures = summary(part)
    climbed = [floors_climbed(part.clients, r) for r in plan.routes] or [0]
    return (
        f"| {name} | {scenario.weather} | {figures['couriers_used']} | {figures['walkers_used']} "
        f"| {figures['served']}/{figures['clients']} | {figures['handovers']} "
        f"| {clock(cast(int, figures['latest_delivery_s']))} "
        f"| {cast(int, figures['door_to_door_max_s']) / 60:.0f} "
        f"| {max(climbed)} / {statistics.mean(climbed):.1f} | {figures['violations']} "
        f"| {wall_s:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=5.0)
    args = parser.parse_args()
    print(
        "| scenario | weather | riders | grid workers | served | hand-overs | latest hand-over "
        "| max door-to-door min | floors climbed per person (max / mean) | violations | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in DAYS:
        print(row(name, args.time_limit))


if __name__ == "__main__":
    main()
