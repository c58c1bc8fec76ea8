"""Offline maps for the papers, drawn with matplotlib into SVG: one route, or the whole day.

No tile server: the streets come from the scenario's road network (when it has one), main
roads wider and named from the OSM extract, credited "© OpenStreetMap contributors"; without
a network the legs are straight lines and the map says so. Every map has the canteen marked,
the stops numbered in order, a scale bar and a north arrow. Text stays text in the SVG
(``svg.fonttype: none``), set in the first CJK font installed (``fonts.py``).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from contextlib import AbstractContextManager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from dispatch.messages import labels
from dispatch.model import Location, Mode, Route
from dispatch.report.context import PlanContext
from dispatch.report.fonts import map_font_families

# matplotlib and the OSM reader are imported where a map is drawn, not at the top: every
# command would otherwise pay their second of start-up, maps or not.
if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from dispatch.travel.roads import Street

MM_PER_IN = 25.4
WIDTH_IN = 190 / MM_PER_IN  # an A4 page inside 10 mm margins
ROUTE_HEIGHT_MM = 95.0
OVERVIEW_HEIGHT_MM = 150.0
MARGIN = 0.08  # of the larger span, around the points
ROUTE_COLOURS = "tab10"
SCALE_STEPS_M = (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)
METRES_PER_DEGREE = 111_320.0  # scale bar only: equirectangular at the map's latitude


class _Frame:
    """The map's extent around its points, widened to the figure's shape (north up)."""

    def __init__(self, points: Sequence[Location], width_in: float, height_in: float):
        lats = [p.lat for p in points]
        lons = [p.lon for p in points]
        self.kx = math.cos(math.radians(sum(lats) / len(lats)))
        span_x = max((max(lons) - min(lons)) * self.kx, 2e-3)
        span_y = max(max(lats) - min(lats), 2e-3)
        pad = MARGIN * max(span_x, span_y)
        span_x, span_y = span_x + 2 * pad, span_y + 2 * pad
        self.height_in = height_in
        shape = self.height_in / width_in
        span_x, span_y = max(span_x, span_y / shape), max(span_y, span_x * shape)
        mid_x = (max(lons) + min(lons)) / 2 * self.kx
        mid_y = (max(lats) + min(lats)) / 2
        self.x0, self.x1 = mid_x - span_x / 2, mid_x + span_x / 2
        self.y0, self.y1 = mid_y - span_y / 2, mid_y + span_y / 2
        self.width_m = span_x * METRES_PER_DEGREE

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return lon * self.kx, lat

    def inside(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        x = lon * self.kx
        return (x >= self.x0) & (x <= self.x1) & (lat >= self.y0) & (lat <= self.y1)


@cache
def _main_streets(path: str) -> list[Street]:
    from dispatch.travel.roads import read_main_streets

    return read_main_streets(Path(path))


def _draw_streets(ax: Axes, part: PlanContext, mode: str, frame: _Frame) -> bool:
    """Every street of ``mode`` in the frame, main roads wider and named; False without roads."""
    if part.travel.network is None:
        return False
    from matplotlib.collections import LineCollection

    roads = part.travel.roads()
    graph = roads.time_csr(cast(Mode, mode)).tocoo()
    inside = frame.inside(roads.lat, roads.lon)
    keep = inside[graph.row] | inside[graph.col]
    a, b = graph.row[keep], graph.col[keep]
    segments = np.stack(
        [
            np.column_stack([roads.lon[a] * frame.kx, roads.lat[a]]),
            np.column_stack([roads.lon[b] * frame.kx, roads.lat[b]]),
        ],
        axis=1,
    )
    ax.add_collection(LineCollection(list(segments), colors="#c8c8c8", linewidths=0.7, zorder=1))
    named: set[str] = set()
    for street in _main_streets(part.travel.network):
        lat, lon = np.array(street.lat), np.array(street.lon)
        if not frame.inside(lat, lon).any():
            continue
        ax.plot(lon * frame.kx, lat, color="#a0a0a0", linewidth=2.2, zorder=1.5)
        if street.name not in named:
            named.add(street.name)
            _street_name(ax, street.name, lat, lon, frame)
    return True


def _street_name(ax: Axes, name: str, lat: np.ndarray, lon: np.ndarray, frame: _Frame) -> None:
    """The name at the middle of the street's part inside the frame, along the street."""
    inside = np.flatnonzero(frame.inside(lat, lon))
    k = int(inside[len(inside) // 2])
    j = k + 1 if k + 1 < len(lat) else k - 1
    dx, dy = (lon[j] - lon[k]) * frame.kx, lat[j] - lat[k]
    angle = math.degrees(math.atan2(dy, dx))
    angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
    ax.text(
        lon[k] * frame.kx,
        lat[k],
        name,
        fontsize=6,
        color="#555",
        rotation=angle,
        rotation_mode="anchor",
        ha="center",
        va="center",
        zorder=2,
        clip_on=True,
    )


def _route_line(ax: Axes, legs: list[list[Location]], frame: _Frame, colour: str, gid: str) -> None:
    points = [p for leg in legs for p in leg]
    xs, ys = zip(*(frame.xy(p.lat, p.lon) for p in points), strict=True)
    (line,) = ax.plot(xs, ys, color=colour, linewidth=2.4, alpha=0.85, zorder=3)
    line.set_gid(gid)


def _stops(route: Route) -> list[Location]:
    return [s.location for s in route.steps if s.type in ("delivery", "handover") and s.location]


def _numbered_stops(ax: Axes, route: Route, frame: _Frame, colour: str, size: float) -> None:
    for order, point in enumerate(_stops(route), start=1):
        x, y = frame.xy(point.lat, point.lon)
        ax.scatter([x], [y], s=size, c="white", edgecolors=colour, linewidths=1.5, zorder=4)
        ax.text(x, y, str(order), fontsize=7, ha="center", va="center", zorder=5)


def _canteen(ax: Axes, part: PlanContext, frame: _Frame) -> None:
    canteen = part.scenario.canteen
    x, y = frame.xy(canteen.location.lat, canteen.location.lon)
    ax.scatter([x], [y], s=90, marker="s", c="black", zorder=6)
    right = x > (frame.x0 + frame.x1) / 2  # label towards the middle, never off the map
    ax.annotate(
        canteen.name,
        (x, y),
        xytext=(-7 if right else 7, 7),
        textcoords="offset points",
        ha="right" if right else "left",
        fontsize=8,
        weight="bold",
        zorder=6,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "black", "lw": 0.5},
    )


def _relay_points(ax: Axes, part: PlanContext, frame: _Frame, routes: Sequence[Route]) -> None:
    used = {s.relay_point for r in routes for s in r.handovers if s.relay_point}
    for point_id in sorted(used):
        point = part.relay_points[point_id]
        x, y = frame.xy(point.location.lat, point.location.lon)
        ax.scatter([x], [y], s=70, marker="^", c="#444", zorder=6)
        right = x > (frame.x0 + frame.x1) / 2
        ax.annotate(
            point.name,
            (x, y),
            xytext=(-6 if right else 6, -10),
            textcoords="offset points",
            ha="right" if right else "left",
            fontsize=7,
        )


def _scale_bar(ax: Axes, frame: _Frame) -> None:
    """A bar of a round length about a fifth of the map's width, bottom left."""
    target_m = frame.width_m / 5
    length_m = max((s for s in SCALE_STEPS_M if s <= target_m), default=SCALE_STEPS_M[0])
    length = length_m / METRES_PER_DEGREE
    x = frame.x0 + 0.04 * (frame.x1 - frame.x0)
    y = frame.y0 + 0.05 * (frame.y1 - frame.y0)
    ax.plot([x, x + length], [y, y], color="black", linewidth=3, solid_capstyle="butt", zorder=7)
    label = f"{length_m // 1000} km" if length_m >= 1000 else f"{length_m} m"
    ax.annotate(
        label,
        (x + length / 2, y),
        xytext=(0, 3),
        textcoords="offset points",
        fontsize=7,
        ha="center",
        va="bottom",
        zorder=7,
        gid="scale",
    )


def _north_arrow(ax: Axes, lang: str) -> None:
    ax.annotate(
        labels("paper.", lang)["north"],
        xy=(0.96, 0.95),
        xytext=(0.96, 0.80),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=8,
        weight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2},
        zorder=7,
        gid="north",
    )


def _note(ax: Axes, streets: bool, lang: str) -> None:
    """The OSM credit where streets are drawn; otherwise the straight-lines warning."""
    t = labels("paper.", lang)
    ax.text(
        0.99,
        0.01,
        t["osm_credit"] if streets else t["straight_lines"],
        transform=ax.transAxes,
        fontsize=7,
        ha="right",
        va="bottom",
        zorder=7,
        bbox={"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
    )


def _figure(frame: _Frame) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, frame.height_in))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(frame.x0, frame.x1)
    ax.set_ylim(frame.y0, frame.y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#888")
    return figure, ax


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # inline in HTML: no XML declaration or doctype


def _style() -> AbstractContextManager[None]:
    """Text as text in the CJK font, and the same SVG ids on every run."""
    from matplotlib import rc_context

    return rc_context(
        {"font.family": map_font_families(), "svg.fonttype": "none", "svg.hashsalt": "nuanliu"}
    )


def route_map_svg(
    part: PlanContext, route: Route, lang: str = "zh", height_mm: float = ROUTE_HEIGHT_MM
) -> str:
    """An SVG map of one route, 190 mm wide and ``height_mm`` tall: streets around it, its
    legs, the canteen, numbered stops (a grid worker's last leg starts at its relay point).
    """
    legs = part.legs(route)
    points = [p for leg in legs for p in leg] or _stops(route) or [part.scenario.canteen.location]
    frame = _Frame(points, WIDTH_IN, height_mm / MM_PER_IN)
    with _style():
        figure, ax = _figure(frame)
        streets = _draw_streets(ax, part, part.workers[route.courier].mode, frame)
        if legs:
            _route_line(ax, legs, frame, "#c00000", f"route-{route.courier}")
        _numbered_stops(ax, route, frame, "#c00000", 170)
        _canteen(ax, part, frame)
        _relay_points(ax, part, frame, [route])
        _scale_bar(ax, frame)
        _north_arrow(ax, lang)
        _note(ax, streets, lang)
        return _svg(figure)


def route_colours(part: PlanContext) -> dict[str, str]:
    """One colour per route of the plan (courier id → ``#rrggbb``), as the overview draws them."""
    from matplotlib import colormaps, colors

    palette = colormaps["tab20" if len(part.plan.routes) > 10 else ROUTE_COLOURS]
    count = palette.N
    return {r.courier: colors.to_hex(palette(i % count)) for i, r in enumerate(part.plan.routes)}


def overview_svg(part: PlanContext, lang: str = "zh") -> str:
    """An SVG map of every route of the day, one colour a route, with a legend.

    For the index page and the web app: the canteen, relay points, each route's legs
    (along the streets with a road network) and its stops, numbered in order.
    """
    colours = route_colours(part)
    legs = {r.courier: part.legs(r) for r in part.plan.routes}
    points = [p for ls in legs.values() for leg in ls for p in leg]
    points += [p for r in part.plan.routes for p in _stops(r)] or [part.scenario.canteen.location]
    frame = _Frame(points, WIDTH_IN, OVERVIEW_HEIGHT_MM / MM_PER_IN)
    with _style():
        figure, ax = _figure(frame)
        streets = _draw_streets(ax, part, "ebike", frame)
        for route in part.plan.routes:
            colour = colours[route.courier]
            if legs[route.courier]:
                _route_line(ax, legs[route.courier], frame, colour, f"route-{route.courier}")
            _numbered_stops(ax, route, frame, colour, 120)
        _canteen(ax, part, frame)
        _relay_points(ax, part, frame, part.plan.routes)
        _legend(ax, part, colours)
        _scale_bar(ax, frame)
        _north_arrow(ax, lang)
        _note(ax, streets, lang)
        return _svg(figure)


def _legend(ax: Axes, part: PlanContext, colours: dict[str, str]) -> None:
    for courier, colour in colours.items():
        name = part.workers[courier].name
        ax.plot([], [], color=colour, linewidth=3, label=f"{courier} {name}".strip())
    if colours:
        ax.legend(loc="upper left", fontsize=7, framealpha=0.9, ncols=1 + len(colours) // 8)
