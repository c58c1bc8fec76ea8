"""Reading OSM extracts: every supported format gives the same graphs, broken files fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import extract

from dispatch.errors import InputError, RoadNetworkError
from dispatch.model import MODES
from dispatch.travel.roads import RoadNetwork, load_network


def test_bz2_and_pbf_of_the_same_extract_give_the_same_graphs(
    city: RoadNetwork, cache_dir: Path
) -> None:
    xml = load_network(extract("aguascalientes.osm.bz2"), cache_dir=cache_dir)
    assert xml.node_count == city.node_count
    for mode in MODES:
        assert xml.edge_count(mode) == city.edge_count(mode)
        assert (xml.time_csr(mode) != city.time_csr(mode)).nnz == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("junk.osm.pbf", b"hello"),
        ("junk.osm", b"this is not xml"),
        ("cut.osm.bz2", None),  # a truncated copy of a real extract
    ],
)
def test_corrupt_file_raises_network_error(
    tmp_path: Path, name: str, content: bytes | None
) -> None:
    path = tmp_path / name
    real = extract("aguascalientes.osm.bz2").read_bytes()
    path.write_bytes(content if content is not None else real[:5000])
    with pytest.raises(RoadNetworkError) as caught:
        load_network(path, cache_dir=tmp_path)
    assert isinstance(caught.value, InputError) and isinstance(caught.value, ValueError)
    assert "OpenStreetMap" in caught.value.reason.en
