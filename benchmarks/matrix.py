"""Benchmark: road-network travel matrix (ours vs plain networkx) on a real OSM extract.

Builds the network (into a fresh cache directory unless ``--cache-dir`` is given), times the
second load from the cache, picks ``--points`` random nodes of the walking graph's largest
strongly connected component, and computes the walking time matrix twice: with
``RoadNetwork.matrix`` and with ``networkx.single_source_dijkstra_path_length`` per source
over ``to_networkx("walk")``. The two must agree to the second. Prints the peak memory on
the second-to-last line and the summary on the last line::

    python benchmarks/matrix.py [--points 1000] [--file path/to/extract.osm.pbf]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

from dispatch.model import DEFAULT_SPEED_KPH, Location
from dispatch.travel.roads import RoadNetwork, Snap, load_network

DEFAULT_FILE = (
    Path(__file__).resolve().parents[2] / "shared" / "roadnets" / "andorra-latest.osm.pbf"
)
MODE = "walk"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000, help="matrix size (default 1000)")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="OSM extract")
    parser.add_argument("--seed", type=int, default=0, help="random seed for the points")
    parser.add_argument("--cache-dir", type=Path, default=None, help="default: a fresh temp dir")
    return parser.parse_args()


def timed_load(path: Path, cache_dir: Path) -> tuple[RoadNetwork, float, float]:
    """The network, the first load's seconds and the cached load's seconds."""
    start = time.perf_counter()
    load_network(path, cache_dir=cache_dir)
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    network = load_network(path, cache_dir=cache_dir)
    return network, first_s, time.perf_counter() - start


def random_points(network: RoadNetwork, count: int, seed: int) -> list[Location]:
    """``count`` distinct random nodes of the walking graph's main component, as points."""
    nodes = np.random.default_rng(seed).choice(network.main_component(MODE), count, replace=False)
    return [Location(lat=float(network.lat[n]), lon=float(network.lon[n])) for n in nodes]


def networkx_matrix_s(graph: nx.DiGraph, snaps: list[Snap]) -> np.ndarray:
    """The same time matrix the plain way: one networkx Dijkstra per source point."""
    speed_mps = DEFAULT_SPEED_KPH[MODE] / 3.6
    access_s = np.array([s.access_m for s in snaps]) / speed_mps
    result = np.zeros((len(snaps), len(snaps)))
    for i, source in enumerate(snaps):
        lengths = nx.single_source_dijkstra_path_length(graph, source.node, weight="travel_time_s")
        result[i] = [lengths[target.node] for target in snaps]
    result += access_s[:, None] + access_s[None, :]
    np.fill_diagonal(result, 0.0)
    return np.rint(result).astype(np.int64)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    args = parse_args()
    cache_dir = args.cache_dir or Path(tempfile.mkdtemp(prefix="dispatch-bench-"))
    network, first_s, cached_s = timed_load(args.file, cache_dir)
    print(f"load {args.file.name}: first {first_s:.2f} s, from cache {cached_s:.3f} s")
    points = random_points(network, args.points, args.seed)

    start = time.perf_counter()
    matrix, snaps = network.matrix(points, MODE)
    ours_s = time.perf_counter() - start
    ours_mib = peak_mib()

    start = time.perf_counter()
    graph = network.to_networkx(MODE)
    print(f"to_networkx: {time.perf_counter() - start:.2f} s (not counted)")
    start = time.perf_counter()
    expected = networkx_matrix_s(graph, snaps)
    networkx_s = time.perf_counter() - start

    differ = np.abs(expected - matrix.time_s)
    worst_s = int(differ.max())
    print(
        f"agreement: {np.count_nonzero(differ)} of {differ.size} entries differ, by <= {worst_s} s"
    )
    print(
        f"peak memory (maxrss): {ours_mib:.0f} MiB after ours, {peak_mib():.0f} MiB after networkx"
    )
    print(
        f"matrix {args.points}x{args.points} nodes={graph.number_of_nodes()} ours={ours_s:.3f} "
        f"networkx={networkx_s:.1f} ratio={networkx_s / ours_s:.0f}"
    )
    return 0 if worst_s <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
