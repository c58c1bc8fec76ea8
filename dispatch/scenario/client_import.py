"""Client columns of a sheet: header cells to columns, one row's cells to a client mapping."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from dispatch.messages import text
from dispatch.scenario.fields import Locate, fail, got

CSV_COLUMNS = (
    "id",
    "name",
    "phone",
    "lat",
    "lon",
    "address",
    "building",
    "floor",
    "lift",
    "window_start",
    "window_end",
    "meals",
    "group",
    "active_from",
    "active_to",
    "notes",
    "days",
    "usual_courier",
    "priority",
    "preferred_time",
    "age",
    "social_worker",
    "emergency_name",
    "emergency_relation",
    "emergency_phone",
)
REQUIRED_COLUMNS = ("id", "lat", "lon", "meals")
_TRUE, _FALSE = {"true", "yes", "y", "1", "是", "有"}, {"false", "no", "n", "0", "否", "无"}
_TEXT_FIELDS = (
    "id", "name", "phone", "address", "building", "group", "notes", "usual_courier",
    "social_worker",
)  # fmt: skip
_EMERGENCY = ("name", "relation", "phone")  # the emergency contact's columns: emergency_<key>

# Where a scenario path inside an imported client points in the sheet (first prefix that matches).
_COLUMN_OF = (
    ("location.lat", "lat"),
    ("location.lon", "lon"),
    ("location", "lat"),
    ("window[0]", "window_start"),
    ("window[1]", "window_end"),
    ("window", "window_end"),
    ("meals", "meals"),
    ("active.from", "active_from"),
    ("active.to", "active_to"),
    ("active", "active_to"),
    ("emergency_contact.name", "emergency_name"),
    ("emergency_contact.relation", "emergency_relation"),
    ("emergency_contact", "emergency_phone"),
)


def column_label(column: str) -> str:
    """The header cell of ``column`` in the template: its Chinese label, then its name."""
    return f"{text(f'column_{column}').zh} {column}"


def header_column(cell: str) -> str | None:
    """The column a header cell names: ``floor``, ``楼层`` or ``楼层 floor``; else ``None``."""
    cell = cell.strip()
    if cell in CSV_COLUMNS:
        return cell
    by_label = {text(f"column_{c}").zh: c for c in CSV_COLUMNS}
    if cell in by_label:
        return by_label[cell]
    tokens = re.split(r"[\s/()（）]+", cell)
    return next((t for t in reversed(tokens) if t in CSV_COLUMNS), None)


def column_of(inner: str) -> str:
    """The column an error path inside one client points at (``location.lat`` → ``lat``)."""
    return next(
        (
            column
            for prefix, column in _COLUMN_OF
            if inner == prefix or inner.startswith((f"{prefix}.", f"{prefix}["))
        ),
        re.split(r"[.\[]", inner)[0],
    )


def rows_locator(positions: Mapping[int, str]) -> Locate:
    """``clients[n]…`` → ``<positions[n]>: <column>`` for the clients a sheet gave."""
    pattern = re.compile(r"^clients\[(\d+)\]\.?(.*)$")

    def locate(inner: str) -> str | None:
        match = pattern.match(inner)
        if match is None or int(match.group(1)) not in positions:
            return None
        place, column = positions[int(match.group(1))], column_of(match.group(2))
        return f"{place}: {column}" if column else place

    return locate


def client_from_cells(cells: Mapping[str, str], where: str) -> dict[str, Any]:
    """One row's non-empty cells (column → text) → a client mapping; a bad cell raises."""
    out: dict[str, Any] = {k: cells[k] for k in _TEXT_FIELDS if k in cells}
    out["location"] = {
        k: _cell(cells, k, where, float, "a number", "数字") for k in ("lat", "lon") if k in cells
    }
    for column in ("floor", "priority", "age"):
        if column in cells:
            out[column] = _cell(cells, column, where, _integer, "an integer", "整数")
    if "preferred_time" in cells:
        out["preferred_time"] = cells["preferred_time"]
    if "lift" in cells:
        out["lift"] = _cell(
            cells, "lift", where, _boolean, "a boolean (true/false)", "布尔值（true/false）"
        )
    if "window_start" in cells or "window_end" in cells:
        for column in ("window_start", "window_end"):
            if column not in cells:
                raise fail(f"{where}: {column}", "missing_field", name=column)
        out["window"] = [cells["window_start"], cells["window_end"]]
    if "meals" in cells:
        out["meals"] = _meals(cells["meals"], f"{where}: meals")
    active = {k: cells[f"active_{k}"] for k in ("from", "to") if f"active_{k}" in cells}
    if active:
        out["active"] = active
    contact = {k: cells[f"emergency_{k}"] for k in _EMERGENCY if f"emergency_{k}" in cells}
    if contact:
        out["emergency_contact"] = contact
    if "days" in cells:  # mon;wed;fri
        out["days"] = [d.strip().lower() for d in re.split("[;；]", cells["days"]) if d.strip()]
    return out


def _cell(
    cells: Mapping[str, str], column: str, where: str, read: Callable[[str], Any], en: str, zh: str
) -> Any:
    try:
        return read(cells[column])
    except ValueError as err:
        value = got(cells[column], f"{where}: {column}")
        raise fail(
            f"{where}: {column}", "wrong_type", expected=en, expected_zh=zh, got=value
        ) from err


def _integer(cell: str) -> int:
    """``3``, or ``3.0`` as a spreadsheet stores a whole number."""
    number = float(cell) if re.fullmatch(r"[+-]?\d+(\.0*)?", cell) else None
    if number is None:
        raise ValueError(cell)
    return int(number)


def _boolean(cell: str) -> bool:
    if cell.lower() in _TRUE | _FALSE:
        return cell.lower() in _TRUE
    raise ValueError(cell)


def _meals(cell: str, where: str) -> dict[str, int]:
    """``regular:1;soft:1`` (or ``：`` and ``；`` as a Chinese keyboard types them)."""
    meals: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in re.split("[;；]", cell))):
        variant, _, count = part.replace("：", ":").partition(":")
        if not count.strip().isdigit():
            raise fail(where, "bad_meals", got=got(cell, where))
        meals[variant.strip()] = int(count)
    return meals
