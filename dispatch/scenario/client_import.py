"""Client rows from a CSV file, and where a scenario error in them points in the file."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from dispatch.scenario.documents import read_text
from dispatch.scenario.fields import Locate, fail, got

CSV_COLUMNS = (
    "id",
    "name",
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
)
_CSV_REQUIRED = ("id", "lat", "lon", "meals")
_TRUE, _FALSE = {"true", "yes", "y", "1", "是", "有"}, {"false", "no", "n", "0", "否", "无"}

# Where a scenario path inside a CSV client points in the file (first prefix that matches).
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
)


def csv_locator(first: int, name: str, lines: Sequence[int]) -> Locate:
    """``clients[first + k]…`` → ``<file>:row <lines[k]>: <column>`` for the imported rows."""
    pattern = re.compile(r"^clients\[(\d+)\]\.?(.*)$")

    def locate(inner: str) -> str | None:
        match = pattern.match(inner)
        if match is None or not first <= int(match.group(1)) < first + len(lines):
            return None
        line, rest = lines[int(match.group(1)) - first], match.group(2)
        column = next(
            (
                col
                for prefix, col in _COLUMN_OF
                if rest == prefix or rest.startswith((f"{prefix}.", f"{prefix}["))
            ),
            re.split(r"[.\[]", rest)[0],
        )
        return f"{name}:row {line}: {column}" if column else f"{name}:row {line}"

    return locate


def read_clients_csv(path: Path) -> tuple[list[tuple[dict[str, Any], int]], str]:
    """Client mappings from a CSV file, each with its row number (the header is row 1)."""
    name = str(path)
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    try:
        return _rows(reader, name), name
    except csv.Error as err:  # a cell over the csv module's field limit
        # The reader counts a line once it is read whole: the failing row is the next one.
        raise fail(f"{name}:row {reader.line_num + 1}", "csv_format", detail=err) from err


def _rows(reader: csv.DictReader[str], name: str) -> list[tuple[dict[str, Any], int]]:
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    for column in header:
        if column not in CSV_COLUMNS:
            raise fail(f"{name}:row 1: {column}", "unknown_field", name=column)
    for column in _CSV_REQUIRED:
        if column not in header:
            raise fail(f"{name}:row 1", "missing_field", name=column)
    rows = []
    for row in reader:
        where = f"{name}:row {reader.line_num}"
        if None in row:
            raise fail(where, "bad_length", n=len(header), got=len(header) + len(row[None]))
        rows.append((_client_from_row(row, where), reader.line_num))
    return rows


def _client_from_row(row: Mapping[str, str | None], where: str) -> dict[str, Any]:
    cells = {k: (v or "").strip() for k, v in row.items() if (v or "").strip()}
    out: dict[str, Any] = {
        k: cells[k]
        for k in ("id", "name", "address", "building", "group", "notes", "usual_courier")
        if k in cells
    }
    out["location"] = {
        k: _cell(cells, k, where, float, "a number", "数字") for k in ("lat", "lon") if k in cells
    }
    if "floor" in cells:
        out["floor"] = _cell(cells, "floor", where, int, "an integer", "整数")
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
    if "days" in cells:  # mon;wed;fri
        out["days"] = [d.strip().lower() for d in cells["days"].split(";") if d.strip()]
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


def _boolean(cell: str) -> bool:
    if cell.lower() in _TRUE | _FALSE:
        return cell.lower() in _TRUE
    raise ValueError(cell)


def _meals(cell: str, where: str) -> dict[str, int]:
    """``regular:1;soft:1`` → ``{regular: 1, soft: 1}``."""
    meals: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        variant, _, count = part.partition(":")
        if not count.strip().isdigit():
            raise fail(where, "bad_meals", got=got(cell, where))
        meals[variant.strip()] = int(count)
    return meals
