"""Chain contraction of a road graph and the many-to-many road matrix over its core."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

_BATCH_CELLS = 1 << 23


@dataclass(frozen=True)
class Chains:
    """The main component as a list of edges, with degree-2 pass-through nodes marked.

    ``next_edge[e]`` continues edge ``e`` through its head when the head is a pass-through
    node (one in, one out to another node; or two-way to exactly two neighbours), else -1.
    """

    tail: np.ndarray
    head: np.ndarray
    weight: np.ndarray
    next_edge: np.ndarray
    junction: np.ndarray  # bool per node: in the main component and not pass-through


def find_chains(tail: np.ndarray, head: np.ndarray, weight: np.ndarray, main: np.ndarray) -> Chains:
    """The chains of the main component's edges ``tail → head``; ``main``: bool per node."""
    n = main.size
    out_deg = np.bincount(tail, minlength=n)
    in_deg = np.bincount(head, minlength=n)
    out_at = np.concatenate([[0], np.cumsum(out_deg)])
    by_head = np.lexsort((tail, head))
    in_at = np.concatenate([[0], np.cumsum(in_deg)])

    def out_nb(k: int) -> np.ndarray:
        return head[np.minimum(out_at[:-1] + k, head.size - 1)]

    def in_nb(k: int) -> np.ndarray:
        return tail[by_head[np.minimum(in_at[:-1] + k, head.size - 1)]]

    one_way = (out_deg == 1) & (in_deg == 1) & (out_nb(0) != in_nb(0))
    two_way = (out_deg == 2) & (in_deg == 2) & (out_nb(0) == in_nb(0)) & (out_nb(1) == in_nb(1))
    passing = one_way | two_way
    first_out = out_at[head]
    turn_back = (out_deg[head] == 2) & (head[np.minimum(first_out, head.size - 1)] == tail)
    next_edge = np.where(passing[head], first_out + turn_back, -1)
    return Chains(tail, head, weight, next_edge, main & ~passing)


def _follow_chains(
    next_edge: np.ndarray, weight: np.ndarray, head: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weight from each edge's tail to its chain's end node, and that node (-1: a loop).

    Pointer jumping: each round doubles the stretch every edge has summed up.
    """
    total = weight.copy()
    end = np.where(next_edge < 0, head, -1)
    nxt = next_edge.copy()
    active = np.flatnonzero(nxt >= 0)
    for _ in range(int(math.log2(max(weight.size, 2))) + 2):
        if active.size == 0:
            break
        hop = nxt[active]
        total[active] = total[active] + total[hop]
        end[active] = end[hop]
        nxt[active] = nxt[hop]
        active = active[nxt[active] >= 0]
    end[active] = -1  # closed loops of pass-through nodes: no junction, never routed
    return total, end


def _contract(chains: Chains, terminals: np.ndarray) -> tuple[csr_array, np.ndarray]:
    """Core graph over junctions and ``terminals``; returns it and the terminals' core ids."""
    keeper = chains.junction.copy()
    keeper[terminals] = True
    nxt = np.where(keeper[chains.head], -1, chains.next_edge)
    total, end = _follow_chains(nxt, chains.weight, chains.head)
    start = keeper[chains.tail] & (end >= 0) & (end != chains.tail)
    tail, head, weight = chains.tail[start], end[start], total[start]
    order = np.lexsort((weight, head, tail))
    tail, head, weight = tail[order], head[order], weight[order]
    first = np.ones(tail.size, dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    core_id = np.cumsum(keeper) - 1
    size = int(keeper.sum())
    core = csr_array(
        (weight[first].astype(float), (core_id[tail[first]], core_id[head[first]])),
        shape=(size, size),
    )
    return core, core_id[terminals]


def road_matrix(chains: Chains, scale: int, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Milliseconds and decimetres of the time-shortest paths between all ``nodes``.

    ``scale`` is the power of two in the chains' weights ``time_ms * scale + length_dm``.
    """
    core, ids = _contract(chains, nodes)
    batch = max(1, _BATCH_CELLS // max(core.shape[0], 1))
    combined = np.empty((nodes.size, nodes.size))
    for start in range(0, nodes.size, batch):
        rows = dijkstra(core, directed=True, indices=ids[start : start + batch])
        combined[start : start + batch] = rows[:, ids]
    if not np.isfinite(combined).all():
        raise RuntimeError("unreachable pair inside a strongly connected component")
    time_ms = np.floor(combined / scale)  # exact: the scale is a power of two
    return time_ms.astype(np.int64), (combined - time_ms * scale).astype(np.int64)
