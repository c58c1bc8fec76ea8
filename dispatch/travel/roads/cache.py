"""Loading an extract into a RoadNetwork through an .npz disk cache keyed by its SHA-256."""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np

from dispatch.errors import NotFoundError, RoadNetworkError
from dispatch.messages import text
from dispatch.model import MODES
from dispatch.travel.roads.graph import ModeGraph, build_graphs
from dispatch.travel.roads.network import RoadNetwork

NETWORK_VERSION = 1
"""Bump whenever the access rules, speeds or array layout change: it invalidates the cache."""

SUFFIXES: tuple[str, ...] = (".osm", ".osm.bz2", ".osm.pbf")


def default_cache_dir() -> Path:
    """``$DISPATCH_CACHE_DIR``, else ``~/.cache/nuanliu-dispatch/networks``."""
    configured = os.environ.get("DISPATCH_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "nuanliu-dispatch" / "networks"


def _check_source(path: Path) -> None:
    if not path.exists():
        raise NotFoundError(str(path), text("file_missing", path=str(path)))
    if not path.name.lower().endswith(SUFFIXES):
        raise RoadNetworkError(str(path), text("network_format", name=path.name))


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as err:
        raise RoadNetworkError(str(path), text("file_unreadable", detail=err.strerror)) from err
    return digest.hexdigest()


_GRAPH_FIELDS = ("indptr", "indices", "time_ms", "length_dm", "main")


def _arrays(network: RoadNetwork) -> dict[str, np.ndarray]:
    arrays = {"osm_id": network.osm_id, "lat": network.lat, "lon": network.lon}
    for mode, graph in network.graphs.items():
        for name in _GRAPH_FIELDS:
            arrays[f"{mode}.{name}"] = getattr(graph, name)
    return arrays


def _write_cache(network: RoadNetwork, target: Path) -> None:
    """Store the arrays atomically (temp file + rename); failing only costs time later."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    except OSError as err:
        warnings.warn(f"road-network cache not written to {target}: {err}", stacklevel=3)
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, allow_pickle=False, **_arrays(network))
        os.replace(temporary, target)
    except OSError as err:
        Path(temporary).unlink(missing_ok=True)
        warnings.warn(f"road-network cache not written to {target}: {err}", stacklevel=3)


def _read_cache(source: Path, target: Path, key: str) -> RoadNetwork | None:
    """The cached network, or None when absent or unreadable (then it is rebuilt)."""
    try:
        with np.load(target, allow_pickle=False) as data:
            graphs = {
                mode: ModeGraph(*(data[f"{mode}.{name}"] for name in _GRAPH_FIELDS))
                for mode in MODES
            }
            return RoadNetwork(key, str(source), data["osm_id"], data["lat"], data["lon"], graphs)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None


def _build(path: Path, key: str) -> RoadNetwork:
    """The network built from the extract itself (no cache)."""
    return RoadNetwork(key, str(path), *build_graphs(path))


def load_network(
    path: str | os.PathLike[str], *, cache_dir: str | os.PathLike[str] | None = None
) -> RoadNetwork:
    """Read an OSM extract (``.osm``, ``.osm.bz2``, ``.osm.pbf``) into per-mode road graphs.

    The built arrays are cached in ``cache_dir`` (default :func:`default_cache_dir`) under
    the SHA-256 of the file and ``NETWORK_VERSION``, so a second load skips the parsing.

    Raises
    ------
    NotFoundError
        The file does not exist.
    RoadNetworkError
        The file is unreadable, not an OSM extract, or has no usable roads at all.
    """
    source = Path(path)
    _check_source(source)
    key = f"{_file_digest(source)}-v{NETWORK_VERSION}"
    target = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = target / f"{key}.npz"
    cached = _read_cache(source, target, key)
    if cached is not None:
        return cached
    network = _build(source, key)
    _write_cache(network, target)
    return network
