"""How long the papers of a day take: route sheets with their maps, the index, sheets.pdf.

Plans a demo scenario once (fixed seed and iteration budget), then times each part of
``render_files`` separately, best of ``--repeat`` runs.

Usage::

    python benchmarks/papers.py [--scenario scenarios/jiangnan-lunch.yaml] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.maps import overview_svg
from dispatch.report.output import render_files
from dispatch.report.pdf import sheets_pdf
from dispatch.report.sheets import route_sheet_html
from dispatch.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]


def best_s(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(REPO / "scenarios" / "jiangnan-lunch.yaml"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    part = PlanContext.of(scenario, plan_day(scenario, iterations=300, seed=0))
    routes = part.plan.routes
    print(f"{scenario.name}: {len(routes)} routes, {len(scenario.clients)} clients")
    sheets = best_s(lambda: [route_sheet_html(part, r) for r in routes], args.repeat)
    print(f"route sheets (HTML with maps) {sheets:6.2f} s")
    print(f"overview map                  {best_s(lambda: overview_svg(part), args.repeat):6.2f} s")
    print(f"sheets.pdf                    {best_s(lambda: sheets_pdf(part), args.repeat):6.2f} s")
    print(f"render_files (everything)     {best_s(lambda: render_files(part), args.repeat):6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
