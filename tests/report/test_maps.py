"""Maps a courier can read: numbered stops, the canteen, scale, north, streets or a note."""

from __future__ import annotations

import logging
import re

import pytest
from conftest import REPO, SHARED, base_document, client

from dispatch.planning.day import plan_day
from dispatch.report import fonts, pdf
from dispatch.report.context import PlanContext
from dispatch.report.geojson import routes_geojson
from dispatch.report.maps import overview_svg, route_colours, route_map_svg
from dispatch.report.output import render_files
from dispatch.scenario import load_scenario, parse_scenario

ROAD_DEMO = REPO / "scenarios" / "aguascalientes-roads.yaml"
EXTRACT = SHARED / "roadnets" / "aguascalientes.osm.pbf"
OSM = "© OpenStreetMap contributors"
STRAIGHT = "直线示意，非实际道路"


def svg_texts(svg: str) -> list[str]:
    """Every text the SVG prints (matplotlib keeps text as ``<text>`` here)."""
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<text[^>]*>.*?</text>", svg)]


def route_stroke(svg: str, courier: str) -> str:
    """The stroke colour of a route's line, from its ``route-<id>`` group."""
    group = re.search(rf'<g id="route-{re.escape(courier)}">(.*?)</g>', svg, re.S)
    assert group, f"no line for route {courier}"
    (colour,) = set(re.findall(r"stroke:\s*(#[0-9a-f]{6})", group.group(1)))
    return colour


@pytest.fixture(scope="module")
def straight():
    """Three riders of three meals, nine clients north and south: straight-line travel."""
    doc = base_document()
    doc["canteen"]["name"] = "测试饭堂"
    doc["couriers"] = [
        {"id": f"r{i}", "mode": "ebike", "capacity": 3, "shift": ["10:30", "13:00"]}
        for i in (1, 2, 3)
    ]
    doc["clients"] = [client(f"c{k}", (-1) ** k * (200 + 150 * k)) for k in range(9)]
    scenario = parse_scenario(doc)
    part = PlanContext.of(scenario, plan_day(scenario))
    assert part.plan.violations == () and len(part.plan.routes) == 3
    return part


@pytest.fixture(scope="module")
def streets():
    if not EXTRACT.is_file():
        pytest.skip("../shared/roadnets is not beside the repo")
    scenario = load_scenario(ROAD_DEMO)
    part = PlanContext.of(scenario, plan_day(scenario, iterations=200))
    assert part.plan.violations == ()
    return part


def test_a_route_map_numbers_the_stops_and_marks_canteen_scale_and_north(straight):
    route = straight.plan.routes[0]
    texts = svg_texts(route_map_svg(straight, route))
    stops = len(route.deliveries)
    assert [t for t in texts if t.isdigit()] == [str(k) for k in range(1, stops + 1)]
    assert "测试饭堂" in texts and "北" in texts
    assert any(re.fullmatch(r"\d+ k?m", t) for t in texts)
    assert "N" in svg_texts(route_map_svg(straight, route, "en"))


def test_without_a_network_the_map_says_its_lines_are_not_roads(straight):
    texts = svg_texts(route_map_svg(straight, straight.plan.routes[0]))
    assert STRAIGHT in texts and OSM not in " ".join(texts)
    assert "straight lines, not roads" in svg_texts(
        route_map_svg(straight, straight.plan.routes[0], "en")
    )
    assert "attribution" not in routes_geojson(straight)


def test_with_a_network_the_map_draws_named_streets_and_credits_osm(streets):
    texts = svg_texts(route_map_svg(streets, streets.plan.routes[0]))
    assert any(OSM in t for t in texts) and STRAIGHT not in texts
    assert any(t.startswith(("Avenida", "Calle")) for t in texts)  # main roads, by name
    assert routes_geojson(streets)["attribution"] == OSM


def test_the_sheets_and_index_credit_osm_when_streets_are_drawn(streets):
    files = render_files(streets)
    for name in ("index.html", *(f"sheets/{r.courier}.html" for r in streets.plan.routes)):
        assert OSM in str(files[name])


def test_the_overview_draws_every_route_in_its_own_colour(straight):
    svg = overview_svg(straight)
    colours = route_colours(straight)
    drawn = {r.courier: route_stroke(svg, r.courier) for r in straight.plan.routes}
    assert drawn == colours and len(set(drawn.values())) == len(drawn) == 3
    texts = svg_texts(svg)
    assert "测试饭堂" in texts and STRAIGHT in texts
    assert {"r1", "r2", "r3"} <= {t.split()[0] for t in texts if t}  # the legend


def test_the_index_page_holds_the_overview_map(straight):
    files = render_files(straight)
    assert 'id="route-r2"' in str(files["index.html"])


def test_a_missing_cjk_font_is_one_warning_naming_the_package(monkeypatch, caplog):
    monkeypatch.setattr(fonts, "installed_cjk_families", lambda: ())
    fonts.map_font_families.cache_clear()
    fonts.warn_no_cjk_font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            assert fonts.map_font_families() == ["DejaVu Sans"]
    finally:
        fonts.map_font_families.cache_clear()
        fonts.warn_no_cjk_font.cache_clear()
    (record,) = caplog.records
    assert "fonts-wqy-microhei" in record.getMessage() and "\n" not in record.getMessage()


def test_without_pango_the_files_are_written_without_the_pdf_and_one_warning(
    straight, monkeypatch, caplog
):
    def no_pango():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", no_pango)
    with caplog.at_level(logging.WARNING):
        files = render_files(straight)
    assert "sheets.pdf" not in files and "sheets.pdf" not in str(files["index.html"])
    assert {"plan.json", "index.html", "sheets/r1.html"} <= set(files)
    (record,) = [r for r in caplog.records if r.name == "dispatch.report.pdf"]
    assert "libpango" in record.getMessage() and "\n" not in record.getMessage()
