"""Loading extracts through the disk cache, and the errors for files that cannot be loaded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import extract

from dispatch.errors import NotFoundError, RoadNetworkError
from dispatch.model import MODES
from dispatch.travel.roads import cache, load_network


def test_second_load_comes_from_the_cache_with_identical_arrays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPATCH_CACHE_DIR", str(tmp_path))
    path = extract("West-Oakland.osm.bz2")
    first = load_network(path)
    assert [p.suffix for p in tmp_path.iterdir()] == [".npz"]

    def no_rebuild(*_: object) -> None:
        raise AssertionError("rebuilt instead of reading the cache")

    monkeypatch.setattr(cache, "_build", no_rebuild)
    second = load_network(path)
    assert second.key == first.key
    for name in ("osm_id", "lat", "lon"):
        np.testing.assert_array_equal(getattr(second, name), getattr(first, name))
    for mode in MODES:
        np.testing.assert_array_equal(second.main_component(mode), first.main_component(mode))
        assert (second.time_csr(mode) != first.time_csr(mode)).nnz == 0
        assert (second.length_csr(mode) != first.length_csr(mode)).nnz == 0


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path) -> None:
    path = extract("West-Oakland.osm.bz2")
    first = load_network(path, cache_dir=tmp_path)
    (cached,) = tmp_path.iterdir()
    cached.write_bytes(b"not a zip file")
    again = load_network(path, cache_dir=tmp_path)
    assert again.edge_count("walk") == first.edge_count("walk")


def test_missing_file_raises_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.osm.pbf"
    with pytest.raises(NotFoundError) as caught:
        load_network(missing, cache_dir=tmp_path)
    assert caught.value.field == str(missing)
    assert "file not found" in caught.value.reason.en
    assert isinstance(caught.value, LookupError)


def test_unsupported_file_type_raises_network_error(tmp_path: Path) -> None:
    path = tmp_path / "roads.txt"
    path.write_text("x")
    with pytest.raises(RoadNetworkError, match=r"expected \.osm"):
        load_network(path, cache_dir=tmp_path)
