"""VRPTW plan quality: Solomon and Gehring–Homberger instances, ours against BKS and peers.

Each instance becomes our engine-neutral ``Problem`` (one depot, identical vehicles,
service times, hard windows, closed routes, fewest vehicles then distance) and is solved
through ``dispatch.routing.portfolio.solve``, the engine entry point for the planner (OR-Tools
and PyVRP, best checked plan; see docs/solver.md). Every solution, ours and the peers',
is then checked independently in double precision (every customer once, capacity,
windows and depot closing recomputed from the Euclidean distances) and scored against
the best-known solution (BKS): vehicles first, then distance. Peers (optional ``bench``
extra): PyVRP, VROOM (pyvroom) and a plain OR-Tools model (path cheapest arc + guided
local search), all given the same integer matrix and time budget, run one at a time in
this process.

Integer scaling: times and distances are multiplied by ``SCALE`` and travel is rounded
*up*, so a schedule feasible in integers is feasible in doubles (true arrivals are never
later); the reported distance is recomputed in doubles from the routes.

Usage::

    python benchmarks/vrptw.py --set solomon --time-limit 10 [--instances C101,R101] [--peers]
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np

from dispatch.routing import portfolio
from dispatch.routing.problem import Node, Problem, Solution, SolveParams, Vehicle

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
SETS = {"solomon": "solomon", "homberger200": "homberger200"}
SCALE = 10_000
# Slack for float noise when comparing double-precision times with integer windows.
EPSILON = 1e-6

Routes = list[list[int]]


@dataclass(frozen=True)
class Instance:
    """One VRPTW instance; index 0 of every array is the depot."""

    name: str
    fleet: int
    capacity: int
    x: np.ndarray
    y: np.ndarray
    demand: np.ndarray
    ready: np.ndarray
    due: np.ndarray
    service: np.ndarray

    @property
    def family(self) -> str:
        """``C1``, ``R2``, ``RC1``… from ``C101`` or ``c1_2_1``."""
        name = self.name.upper()
        return name.split("_")[0] if "_" in name else name.rstrip("0123456789") + name[-3]

    @property
    def customers(self) -> int:
        return len(self.x) - 1


@dataclass(frozen=True)
class Outcome:
    """One solver's answer on one instance, as checked in doubles."""

    vehicles: int | None
    distance: float | None
    wall_s: float
    problems: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        return self.vehicles is not None and not self.problems


def read_instance(path: Path) -> Instance:
    """Parse the classic Solomon/SINTEF text format."""
    lines = path.read_text().splitlines()
    fleet, capacity = (int(v) for v in lines[4].split())
    rows = [ln.split() for ln in lines[9:] if ln.strip()]
    table = np.array([[float(v) for v in row[:7]] for row in rows])
    return Instance(
        name=lines[0].strip(),
        fleet=fleet,
        capacity=capacity,
        x=table[:, 1],
        y=table[:, 2],
        demand=table[:, 3].astype(int),
        ready=table[:, 4],
        due=table[:, 5],
        service=table[:, 6],
    )


def read_bks(folder: Path) -> dict[str, tuple[int, float]]:
    """Best-known ``(vehicles, distance)`` per instance name (upper case)."""
    with (folder / "bks.csv").open() as f:
        return {
            r["instance"].upper(): (int(r["vehicles"]), float(r["distance"]))
            for r in csv.DictReader(f)
        }


def euclidean(inst: Instance) -> np.ndarray:
    return np.hypot(inst.x[:, None] - inst.x[None, :], inst.y[:, None] - inst.y[None, :])


def integer_travel(inst: Instance) -> np.ndarray:
    """Scaled travel rounded up (never shorter than the true distance)."""
    return np.ceil(euclidean(inst) * SCALE + EPSILON).astype(np.int64) * (
        1 - np.eye(len(inst.x), dtype=np.int64)
    )


def to_problem(inst: Instance, travel: np.ndarray) -> Problem:
    """The instance as our engine-neutral problem, in scaled integer units."""
    vehicle = Vehicle(
        profile=0, capacity=inst.capacity, earliest_start_s=0, latest_end_s=_s(inst.due[0])
    )
    nodes = tuple(
        Node(
            demand=int(inst.demand[i]),
            service_s=_s(inst.service[i]),
            window_start_s=_s(inst.ready[i]),
            window_end_s=_s(inst.due[i]),
        )
        for i in range(1, len(inst.x))
    )
    return Problem(time_s=(travel,), nodes=nodes, vehicles=(vehicle,) * inst.fleet)


def _s(value: float) -> int:
    return round(value * SCALE)


def fixed_vehicle_cost(travel: np.ndarray) -> int:
    """A vehicle costs more than any total travel: fewest vehicles first."""
    return int(travel.max()) * len(travel) + 1


# --- the independent check, in double precision -------------------------------------


def check(inst: Instance, routes: Routes) -> list[str]:
    """Every broken rule of ``routes`` (customer numbers 1..n) recomputed in doubles."""
    found: list[str] = []
    seen = [c for r in routes for c in r]
    if sorted(seen) != list(range(1, inst.customers + 1)):
        found.append("customers not served exactly once")
    if len(routes) > inst.fleet:
        found.append(f"{len(routes)} routes, fleet {inst.fleet}")
    dist = euclidean(inst)
    for k, route in enumerate(routes):
        if sum(inst.demand[c] for c in route) > inst.capacity:
            found.append(f"route {k}: capacity")
        t, previous = inst.ready[0], 0
        for c in route:
            t = max(t + dist[previous, c], inst.ready[c])
            if t > inst.due[c] + EPSILON:
                found.append(f"route {k}: customer {c} starts at {t:.4f} > {inst.due[c]}")
            t += inst.service[c]
            previous = c
        if t + dist[previous, 0] > inst.due[0] + EPSILON:
            found.append(f"route {k}: back at depot after {inst.due[0]}")
    return found


def total_distance(inst: Instance, routes: Routes) -> float:
    dist = euclidean(inst)
    return float(sum(dist[a, b] for r in routes for a, b in zip([0, *r], [*r, 0], strict=True)))


def outcome(inst: Instance, routes: Routes | None, wall_s: float) -> Outcome:
    if routes is None:
        return Outcome(None, None, wall_s, ("no solution",))
    routes = [r for r in routes if r]
    return Outcome(len(routes), total_distance(inst, routes), wall_s, tuple(check(inst, routes)))


# --- solvers: each returns routes of customer numbers, or None ----------------------


def solve_ours(inst: Instance, travel: np.ndarray, limit_s: float, workers: int) -> Routes | None:
    params = SolveParams(time_limit_s=limit_s, workers=workers, stall_s=math.inf)
    solution = portfolio.solve(to_problem(inst, travel), params)
    return _routes_of(solution)


def _routes_of(solution: Solution) -> Routes | None:
    if not solution.found or solution.dropped:
        return None
    return [[v.node + 1 for v in r.visits] for r in solution.routes]


def solve_pyvrp(inst: Instance, travel: np.ndarray, limit_s: float, workers: int) -> Routes | None:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    locations = [
        pyvrp.Location(x=float(x), y=float(y)) for x, y in zip(inst.x, inst.y, strict=True)
    ]
    clients = [
        pyvrp.Client(
            location=i,
            delivery=[int(inst.demand[i])],
            service_duration=_s(inst.service[i]),
            tw_early=_s(inst.ready[i]),
            tw_late=_s(inst.due[i]),
        )
        for i in range(1, len(inst.x))
    ]
    depot = pyvrp.Depot(location=0, tw_early=0, tw_late=_s(inst.due[0]))
    vehicle = pyvrp.VehicleType(
        num_available=inst.fleet,
        capacity=[inst.capacity],
        fixed_cost=fixed_vehicle_cost(travel),
        tw_early=0,
        tw_late=_s(inst.due[0]),
    )
    data = pyvrp.ProblemData(locations, clients, [depot], [vehicle], [travel], [travel])
    result = pyvrp.solve(data, stop=MaxRuntime(limit_s), seed=0, collect_stats=False)
    if not result.is_feasible():
        return None
    return [[int(a.idx) + 1 for a in r if a.is_client()] for r in result.best.routes()]


def solve_vroom(inst: Instance, travel: np.ndarray, limit_s: float, workers: int) -> Routes | None:
    import vroom

    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=travel.tolist())
    costs = vroom.VehicleCosts(fixed=fixed_vehicle_cost(travel))
    window = vroom.TimeWindow(0, _s(inst.due[0]))
    for v in range(inst.fleet):
        problem.add_vehicle(
            vroom.Vehicle(
                id=v, start=0, end=0, capacity=[inst.capacity], time_window=window, costs=costs
            )
        )
    for i in range(1, len(inst.x)):
        problem.add_job(
            vroom.Job(
                id=i,
                location=i,
                default_service=_s(inst.service[i]),
                delivery=[int(inst.demand[i])],
                time_windows=[vroom.TimeWindow(_s(inst.ready[i]), _s(inst.due[i]))],
            )
        )
    answer = problem.solve(
        exploration_level=5, nb_threads=1, timeout=timedelta(seconds=limit_s)
    ).to_dict()
    if answer.get("unassigned"):
        return None
    return [[s["id"] for s in r["steps"] if s["type"] == "job"] for r in answer["routes"]]


def solve_ortools(
    inst: Instance, travel: np.ndarray, limit_s: float, workers: int
) -> Routes | None:
    """A plain OR-Tools model: path cheapest arc, then guided local search."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(inst.x)
    manager = pywrapcp.RoutingIndexManager(n, inst.fleet, 0)
    routing = pywrapcp.RoutingModel(manager)
    service = np.array([_s(s) for s in inst.service], dtype=np.int64)
    cost = routing.RegisterTransitMatrix(travel.tolist())
    transit = routing.RegisterTransitMatrix((travel + service[:, None]).tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    routing.SetFixedCostOfAllVehicles(fixed_vehicle_cost(travel))
    horizon = _s(inst.due[0])
    routing.AddDimension(transit, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for i in range(1, n):
        time_dim.CumulVar(manager.NodeToIndex(i)).SetRange(_s(inst.ready[i]), _s(inst.due[i]))
    demand = routing.RegisterUnaryTransitVector([int(d) for d in inst.demand])
    routing.AddDimensionWithVehicleCapacity(demand, 0, [inst.capacity] * inst.fleet, True, "load")
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    search.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    search.time_limit.FromMilliseconds(round(limit_s * 1000))
    assignment = routing.SolveWithParameters(search)
    if assignment is None:
        return None
    routes = []
    for v in range(inst.fleet):
        index, route = assignment.Value(routing.NextVar(routing.Start(v))), []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = assignment.Value(routing.NextVar(index))
        routes.append(route)
    return routes


Solver = Callable[[Instance, np.ndarray, float, int], "Routes | None"]
PEERS: dict[str, tuple[str, Solver]] = {
    "pyvrp": ("pyvrp", solve_pyvrp),
    "vroom": ("vroom", solve_vroom),
    "ortools": ("ortools", solve_ortools),
}


def available_peers() -> dict[str, Solver]:
    """The peers whose package imports; a missing one is skipped with a note."""
    found: dict[str, Solver] = {}
    for name, (module, solver) in PEERS.items():
        try:
            __import__(module)
        except ImportError:
            print(f"# peer {name} skipped: `pip install -e .[bench]` for {module}")
            continue
        found[name] = solver
    return found


# --- the run and its tables --------------------------------------------------------


def run(
    instances: Sequence[Instance],
    solvers: dict[str, Solver],
    limit_s: float,
    workers: int,
    bks: dict[str, tuple[int, float]],
) -> dict[str, dict[str, Outcome]]:
    """``results[solver][instance]``; prints one line per instance and solver as it goes."""
    results: dict[str, dict[str, Outcome]] = {name: {} for name in solvers}
    print(
        f"{'instance':10} {'solver':8} {'veh':>4} {'bks':>4} {'distance':>10} "
        f"{'bks_dist':>10} {'gap%':>7} {'wall_s':>7} feasible"
    )
    for inst in instances:
        travel = integer_travel(inst)
        best_v, best_d = bks[inst.name.upper()]
        for name, solver in solvers.items():
            began = time.perf_counter()
            routes = solver(inst, travel, limit_s, workers)
            got = outcome(inst, routes, time.perf_counter() - began)
            results[name][inst.name] = got
            veh = "-" if got.vehicles is None else str(got.vehicles)
            dist = "-" if got.distance is None else f"{got.distance:.2f}"
            gap = "-" if got.distance is None else f"{100 * (got.distance / best_d - 1):.2f}"
            note = "yes" if got.feasible else "NO " + "; ".join(got.problems[:2])
            print(
                f"{inst.name:10} {name:8} {veh:>4} {best_v:>4} {dist:>10} {best_d:>10.2f} "
                f"{gap:>7} {got.wall_s:>7.2f} {note}",
                flush=True,
            )
    return results


@dataclass(frozen=True)
class Score:
    solved: int
    total: int
    extra_vehicles: float
    gap_pct: float
    matched: int

    def key(self) -> tuple[float, float, float]:
        """Better first: more solved, fewer extra vehicles, smaller gap."""
        return (-self.solved, self.extra_vehicles, self.gap_pct)


def score(outcomes: dict[str, Outcome], names: Sequence[str], bks) -> Score:
    """Mean extra vehicles over BKS (solved instances) and mean gap where vehicles match."""
    extra, gaps = [], []
    for name in names:
        got = outcomes[name]
        if not got.feasible or got.vehicles is None or got.distance is None:
            continue
        best_v, best_d = bks[name.upper()]
        extra.append(got.vehicles - best_v)
        if got.vehicles == best_v:
            gaps.append(100 * (got.distance / best_d - 1))
    return Score(
        solved=len(extra),
        total=len(names),
        extra_vehicles=statistics.fmean(extra) if extra else math.inf,
        gap_pct=statistics.fmean(gaps) if gaps else math.inf,
        matched=len(gaps),
    )


def print_families(results, instances: Sequence[Instance], bks) -> dict[str, Score]:
    families: dict[str, list[str]] = {}
    for inst in instances:
        families.setdefault(inst.family, []).append(inst.name)
    families["ALL"] = [inst.name for inst in instances]
    print(
        f"\n{'family':6} {'solver':8} {'solved':>7} {'veh+':>6} {'matched':>7} {'gap%':>7} "
        f"{'wall_s':>7}"
    )
    overall: dict[str, Score] = {}
    for family, names in families.items():
        for solver, outcomes in results.items():
            s = score(outcomes, names, bks)
            wall = statistics.fmean(outcomes[n].wall_s for n in names)
            print(
                f"{family:6} {solver:8} {s.solved:>3}/{s.total:<3} {s.extra_vehicles:>+6.2f} "
                f"{s.matched:>7} {s.gap_pct:>7.2f} {wall:>7.2f}"
            )
            if family == "ALL":
                overall[solver] = s
    return overall


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="solomon")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
    parser.add_argument("--instances", help="comma-separated subset, e.g. C101,R101")
    parser.add_argument("--peers", action="store_true", help="run PyVRP, VROOM, OR-Tools too")
    parser.add_argument("--workers", type=int, default=1, help="processes for ours (default 1)")
    args = parser.parse_args(argv)
    folder = BENCHMARKS / SETS[args.set]
    bks = read_bks(folder)
    wanted = {n.strip().upper() for n in args.instances.split(",")} if args.instances else None
    paths = sorted(p for p in folder.glob("*.txt") if wanted is None or p.stem.upper() in wanted)
    instances = sorted((read_instance(p) for p in paths), key=lambda i: _natural(i.name))
    if not instances:
        parser.error(f"no instances matched in {folder}")
    solvers: dict[str, Solver] = {"ours": solve_ours}
    if args.peers:
        solvers |= available_peers()
    print(
        f"# {args.set}: {len(instances)} instances, {args.time_limit:g} s each, "
        f"ours with {args.workers} worker(s), scale {SCALE}"
    )
    results = run(instances, solvers, args.time_limit, args.workers, bks)
    overall = print_families(results, instances, bks)
    ours = overall.pop("ours")
    peer_name, peer = min(overall.items(), key=lambda kv: kv[1].key()) if overall else ("-", None)
    peer_gap = f"{peer.gap_pct:.2f}" if peer else "-"
    print(
        f"vrptw {args.set} time={args.time_limit:g} ours_gap={ours.gap_pct:.2f} "
        f"ours_veh={ours.extra_vehicles:+.2f} best_peer={peer_name} peer_gap={peer_gap}"
    )
    return 0


def _natural(name: str) -> tuple[str, int]:
    """``c1_2_10`` after ``c1_2_9``."""
    head, _, tail = name.rpartition("_")
    return (head, int(tail)) if tail.isdigit() and head else (name, 0)


if __name__ == "__main__":
    sys.exit(main())
