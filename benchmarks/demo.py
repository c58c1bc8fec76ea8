"""The demo day from the command line, run after run: wall time, CPU time, runs under 2 s.

Each run is a fresh ``python -m dispatch.cli plan scenarios/jiangnan-lunch.yaml --out DIR``
(start-up, reading, planning, verifying, writing), as a user starts it. ``--baseline PATH``
runs another checkout of the project (e.g. ``../main``) in turns with this one, on the same
machine at the same moments, so a busy machine slows both alike. The load average is
printed before and after: on a shared machine wall times say little alone.

Usage::

    python benchmarks/demo.py [--runs 20] [--baseline ../main] [--goal 2.0]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = Path("scenarios") / "jiangnan-lunch.yaml"


def one_run(checkout: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, children included) of one ``dispatch plan``."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dispatch.cli", "plan", str(DEMO), "--out", str(out)],
        cwd=checkout,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def report(name: str, runs: list[tuple[float, float]], goal_s: float) -> None:
    walls = sorted(w for w, _ in runs)
    cpus = [c for _, c in runs]
    under = sum(w < goal_s for w in walls)
    print(
        f"{name}: {under} of {len(walls)} under {goal_s:g} s; wall median "
        f"{statistics.median(walls):.2f} s, min {walls[0]:.2f}, max {walls[-1]:.2f}; "
        f"CPU median {statistics.median(cpus):.2f} s"
    )
    print("  wall s, sorted: " + " ".join(f"{w:.2f}" for w in walls))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--baseline", type=Path, help="another checkout, run in turns")
    parser.add_argument("--goal", type=float, default=2.0, help="seconds (default 2)")
    args = parser.parse_args(argv)
    checkouts = {"this": REPO}
    if args.baseline:
        checkouts["baseline"] = args.baseline.resolve()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory(prefix="demo-") as tmp:
        for k in range(args.runs):
            for name, checkout in checkouts.items():
                runs[name].append(one_run(checkout, Path(tmp) / f"{name}-{k}"))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, checkout in checkouts.items():
        report(f"{name} ({checkout})", runs[name], args.goal)
    return 0


if __name__ == "__main__":
    sys.exit(main())
