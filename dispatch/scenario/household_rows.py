"""Households from a spreadsheet (``.xlsx``, or CSV in UTF-8 or GBK), one row a household.

Read with the client sheet's own table readers (``dispatch.scenario.client_rows``), so a
file is opened, decoded and capped the same way, and every error names the sheet, the row
and the column. A row's members are ``member_1`` … ``member_3`` with their special groups
(``group_1`` …, by code or by the Chinese name: 空巢独居老年人); the link to a canteen's client
is ``client_canteen`` and ``client_id``. Each row is checked by the street schema's household
entry; the register checks the references (building, responsible member, client).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatch.errors import ScenarioError
from dispatch.messages import Text, text
from dispatch.scenario.client_rows import (
    MAX_ROWS,
    RowError,
    _csv_table,
    _decode,
    _FileError,
    _RowFailure,
    _xlsx_table,
)
from dispatch.scenario.limits import MAX_FILE_BYTES, MAX_FILE_MB
from dispatch.scenario.street_records import GROUPS, validate_street_record

MEMBERS = 3  # member columns of the sheet; more members are added on the register's page
HOUSEHOLD_COLUMNS: tuple[str, ...] = (
    "id",
    "building",
    "floor",
    "unit",
    *(f"{part}_{k}" for k in range(1, MEMBERS + 1) for part in ("member", "group")),
    "responsible",
    "needs",
    "notes",
    "client_canteen",
    "client_id",
    "last_contact",
)
REQUIRED = ("id", "building", "member_1")


def column_label(column: str) -> str:
    """The header cell of ``column``: its Chinese label, then its name (``楼层 floor``)."""
    return f"{text(_label_code(column)).zh} {column}"


def _label_code(column: str) -> str:
    return f"street_column_{re.sub(r'_[0-9]$', '', column)}"


def group_code(cell: str) -> str | None:
    """A group cell's code: the code itself or its Chinese name; ``None`` if it is neither."""
    if cell in GROUPS:
        return cell
    return next((g for g in GROUPS if text(f"street_group_{g}").zh == cell), None)


def header_column(cell: str) -> str | None:
    """The column a header cell names (``floor``, ``楼层`` or ``楼层 floor``); else ``None``."""
    cell = cell.strip()
    tokens = re.split(r"[\s/()（）]+", cell)
    named = next((t for t in reversed(tokens) if t in HOUSEHOLD_COLUMNS), None)
    if named is not None:
        return named
    singles = [c for c in HOUSEHOLD_COLUMNS if not re.search(r"_[0-9]$", c)]
    return next((c for c in singles if text(_label_code(c)).zh == cell), None)


@dataclass(frozen=True)
class HouseholdRows:
    """What a sheet holds: household mappings with their rows, its columns, and errors."""

    filename: str
    sheet: str
    households: tuple[dict[str, Any], ...]
    rows: tuple[int, ...]
    columns: tuple[str, ...]
    errors: tuple[RowError, ...]

    def error_at(self, k: int, field: str, reason: Text) -> RowError:
        """An error of the register in household ``k``'s ``field``, at its row and column."""
        return RowError(self.filename, self.sheet, self.rows[k], column_of(field), reason)


def column_of(field: str) -> str:
    """The column an error path inside a household points at (``members[1].group`` →
    ``group_2``, ``client.id`` → ``client_id``)."""
    member = re.match(r"members\[([0-9]+)\](?:\.(name|group))?", field)
    if member:
        part = "group" if member.group(2) == "group" else "member"
        return f"{part}_{int(member.group(1)) + 1}"
    if field.startswith("client"):
        return "client_canteen" if field == "client.canteen" else "client_id"
    return re.split(r"[.\[]", field)[0]


def read_household_rows(data: bytes, filename: str) -> HouseholdRows:
    """The households of ``data``, a ``.xlsx`` or ``.csv`` file's bytes."""
    suffix = Path(filename).suffix.lower()
    try:
        if len(data) > MAX_FILE_BYTES:
            raise _FileError(text("file_too_large", limit=MAX_FILE_MB))
        if suffix == ".xlsx":
            sheet, table = _xlsx_table(data)
        elif suffix == ".csv":
            sheet, table = "", _csv_table(_decode(data))
        else:
            raise _FileError(text("sheet_format", suffix=suffix or "-"))
        return _read(filename, sheet, table)
    except _FileError as err:
        failure = RowError(filename, "", 0, "", err.reason)
        return HouseholdRows(filename, "", (), (), (), (failure,))


def _read(filename: str, sheet: str, table: Iterator[tuple[int, list[str]]]) -> HouseholdRows:
    errors: list[RowError] = []
    households: list[dict[str, Any]] = []
    lines: list[int] = []
    header: list[str | None] | None = None
    first: dict[str, int] = {}
    try:
        for number, cells in table:
            if number > MAX_ROWS:
                reason = text("too_many_rows", limit=MAX_ROWS)
                errors.append(RowError(filename, sheet, number, "", reason))
                break
            if header is None:
                if any(c.strip() for c in cells):
                    header = [header_column(c) if c.strip() else None for c in cells]
                    errors += _header_errors(filename, sheet, number, cells, header)
                    if errors:
                        break
                continue
            values = {c: v.strip() for c, v in zip(header, cells, strict=False) if c and v.strip()}
            if not values:
                continue
            try:
                household = _household(values)
                validate_street_record("households", household)
            except ScenarioError as err:
                errors.append(RowError(filename, sheet, number, column_of(err.field), err.reason))
                continue
            seen = first.setdefault(household["id"], number)
            if seen != number:
                reason = text("duplicate_id", id=household["id"], first=f"row {seen}")
                errors.append(RowError(filename, sheet, number, "id", reason))
                continue
            households.append(household)
            lines.append(number)
    except _RowFailure as err:
        errors.append(RowError(filename, sheet, err.row, "", err.reason))
    if header is None and not errors:
        errors.append(RowError(filename, sheet, 1, "", text("sheet_empty")))
    columns = tuple(c for c in header or () if c)
    return HouseholdRows(filename, sheet, tuple(households), tuple(lines), columns, tuple(errors))


def _header_errors(
    filename: str, sheet: str, number: int, cells: list[str], header: list[str | None]
) -> list[RowError]:
    def error(column: str, reason: Text) -> RowError:
        return RowError(filename, sheet, number, column, reason)

    unknown = [c.strip()[:40] for c, column in zip(cells, header, strict=True) if column is None]
    out = [error(cell, text("unknown_field", name=cell)) for cell in unknown if cell]
    missing = [c for c in REQUIRED if c not in header]
    return out + [error("", text("missing_field", name=c)) for c in missing]


def _household(values: dict[str, str]) -> dict[str, Any]:
    """One row's household mapping (numbers and groups read, empty cells left out)."""
    out: dict[str, Any] = {}
    for column in ("id", "building", "unit", "responsible", "needs", "notes", "last_contact"):
        if column in values:
            out[column] = values[column]
    if "floor" in values:
        floor = values["floor"]
        if not re.fullmatch(r"-?[0-9]{1,4}", floor):
            got = text("kind_text", count=len(floor))
            reason = text("wrong_type", expected="a whole number", expected_zh="整数", got=got)
            raise ScenarioError("floor", reason)
        out["floor"] = int(floor)
    members: list[dict[str, Any]] = []
    for k in range(1, MEMBERS + 1):
        name, group = values.get(f"member_{k}"), values.get(f"group_{k}")
        if name is None and group is None:
            continue
        at = f"members[{len(members)}]"
        if name is None:
            raise ScenarioError(f"{at}.name", text("missing_field", name=f"member_{k}"))
        code = group_code(group) if group is not None else None
        if group is not None and code is None:
            allowed = "、".join(text(f"street_group_{g}").zh for g in GROUPS)
            got = text("kind_text", count=len(group))
            raise ScenarioError(f"{at}.group", text("not_one_of", allowed=allowed, got=got))
        members.append({"name": name, "group": code})
    out["members"] = members
    if "client_canteen" in values or "client_id" in values:
        out["client"] = {
            k: values[f"client_{k}"] for k in ("canteen", "id") if f"client_{k}" in values
        }
    return out
