"""Clients from a spreadsheet: ``.xlsx``, or CSV in UTF-8 (a BOM too) or GBK/GB18030.

``read_client_rows(data, filename)`` is the one reader for every way clients come in
(``dispatch import``, the what-if ``add_clients``, the web app's import page). It reads
bytes already in memory, touches no file, and returns every row it could read together
with every error it found, each naming the sheet, the row and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import charset_normalizer
import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from dispatch.errors import NotFoundError, ScenarioError
from dispatch.messages import Text, text
from dispatch.scenario.client_import import (
    REQUIRED_COLUMNS,
    client_from_cells,
    column_of,
    header_column,
    rows_locator,
)
from dispatch.scenario.fields import Locate
from dispatch.scenario.json_schema import client_errors
from dispatch.scenario.limits import MAX_FILE_BYTES, MAX_FILE_MB, check_document

SHEET_SUFFIXES = (".csv", ".xlsx")
MAX_ROWS = 20_000  # rows read from one sheet, blank ones included; a scenario holds 2,000


@dataclass(frozen=True)
class RowError:
    """One thing wrong in a sheet: where (sheet, row, column) and why, in both languages.

    ``row`` counts as the spreadsheet does (the header is row 1; 0: the file as a whole);
    ``column`` is the column's name (``floor``), empty when a whole row or file is at fault.
    """

    filename: str
    sheet: str
    row: int
    column: str
    reason: Text

    def where(self) -> str:
        """``clients.xlsx:客户 clients:row 7: floor`` (a CSV has no sheet name)."""
        place = _place(self.filename, self.sheet, self.row) if self.row else self.filename
        return f"{place}: {self.column}" if self.column else place


@dataclass(frozen=True)
class ClientRows:
    """What a sheet holds: client mappings (scenario format) with their rows, and errors.

    ``columns`` are the columns the sheet has, so a merge updates only those fields.
    """

    filename: str
    sheet: str
    clients: tuple[dict[str, Any], ...]
    rows: tuple[int, ...]
    columns: tuple[str, ...]
    errors: tuple[RowError, ...]

    def place(self, k: int) -> str:
        """Where client ``k`` stands: ``clients.csv:row 3``."""
        return _place(self.filename, self.sheet, self.rows[k])

    def check(self) -> ClientRows:
        """These rows, or the first error raised as a ``ScenarioError``."""
        if self.errors:
            first = self.errors[0]
            raise ScenarioError(first.where(), first.reason)
        return self


def read_client_rows(data: bytes, filename: str) -> ClientRows:
    """The clients of ``data``, a ``.xlsx`` or ``.csv`` file's bytes (``filename`` says which)."""
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
        return _read_table(filename, sheet, table)
    except _FileError as err:
        return ClientRows(filename, "", (), (), (), (RowError(filename, "", 0, "", err.reason),))


def read_client_file(path: str | Path) -> ClientRows:
    """``read_client_rows`` of a file on disk (at most ``MAX_FILE_BYTES`` read)."""
    file = Path(path)
    if not file.is_file():
        raise NotFoundError(str(path), text("file_missing", path=str(path)))
    try:
        with file.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise ScenarioError(str(path), text("file_unreadable", detail=err.strerror)) from err
    return read_client_rows(data, str(path))


def append_locator(rows: ClientRows, first: int) -> Locate:
    """Where a gate error in clients appended at ``first`` points in the sheet."""
    return rows_locator({first + k: rows.place(k) for k in range(len(rows.clients))})


def merge_clients(document: Mapping[str, Any], rows: ClientRows) -> tuple[dict[str, Any], Locate]:
    """``document`` with the sheet's clients merged in by id, and where errors point.

    A new id is appended; a known one is updated: the fields of the sheet's columns come
    from the sheet (an empty cell removes the field), every other field stays as it was.
    """
    merged = dict(document)
    clients = [dict(c) for c in document.get("clients", [])]
    index = {c.get("id"): k for k, c in enumerate(clients)}
    fields = {_field_of(column) for column in rows.columns}
    positions: dict[int, str] = {}
    for k, client in enumerate(rows.clients):
        at = index.get(client["id"])
        if at is None:
            at = index[client["id"]] = len(clients)
            clients.append(client)
        else:
            kept = {f: v for f, v in clients[at].items() if f not in fields}
            clients[at] = {**kept, **client}
        positions[at] = rows.place(k)
    merged["clients"] = clients
    return merged, rows_locator(positions)


class _FileError(Exception):
    """The file as a whole cannot be read as a sheet."""

    def __init__(self, reason: Text) -> None:
        super().__init__(reason.en)
        self.reason = reason


def _place(filename: str, sheet: str, row: int) -> str:
    return f"{filename}:{sheet}:row {row}" if sheet else f"{filename}:row {row}"


def _field_of(column: str) -> str:
    """The client field a column fills (``lat`` → ``location``, ``window_end`` → ``window``)."""
    return {"lat": "location", "lon": "location"}.get(column, column.split("_")[0])


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else GBK/GB18030 when the bytes read as such.

    charset-normalizer judges whether the bytes make sense as GB18030 text (a GBK superset).
    It is asked about GB18030 alone: on short Chinese text it ranks Korean and Japanese code
    pages as high, and a sheet from a Chinese office is GBK far more often than either.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    match = charset_normalizer.from_bytes(data, cp_isolation=["gb18030"]).best()
    if match is not None:
        return str(match)
    guess = charset_normalizer.from_bytes(data).best()
    raise _FileError(text("csv_encoding", guess=guess.encoding if guess else "?"))


def _csv_table(raw: str) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells)`` of a CSV text, the header first."""
    reader = csv.reader(io.StringIO(raw, newline=""))
    last = 0  # the line the last whole row ended on: a failing row starts on the next
    try:
        for cells in reader:
            yield last + 1, cells
            last = reader.line_num
    except csv.Error as err:  # a cell over the csv module's field limit
        raise _RowFailure(last + 1, text("csv_format", detail=err)) from err


def _xlsx_table(data: bytes) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """The first worksheet's name and its ``(row number, cells as text)``, at most
    ``MAX_ROWS + 1`` rows read (the one past the cap makes the error)."""
    try:
        with warnings.catch_warnings():  # "data validation extension is not supported"
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            values = itertools.islice(sheet.iter_rows(values_only=True), MAX_ROWS + 1)
            rows = [(n, [_cell_text(v) for v in row]) for n, row in enumerate(values, start=1)]
            title = str(sheet.title)
            book.close()
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        IndexError,
        SyntaxError,
        OSError,
    ) as err:  # SyntaxError: XML that does not parse
        raise _FileError(text("xlsx_format", detail=type(err).__name__)) from err
    return title, iter(rows)


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the CSV would hold it (``3``, ``11:30``, ``2026-12-01``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).strip()


class _RowFailure(Exception):
    """A row the table cannot even split into cells."""

    def __init__(self, row: int, reason: Text) -> None:
        super().__init__(reason.en)
        self.row, self.reason = row, reason


def _read_table(filename: str, sheet: str, table: Iterator[tuple[int, list[str]]]) -> ClientRows:
    errors: list[RowError] = []

    def error(row: int, column: str, reason: Text) -> None:
        errors.append(RowError(filename, sheet, row, column, reason))

    clients: list[dict[str, Any]] = []
    lines: list[int] = []
    header: list[str | None] | None = None
    first_row: dict[str, int] = {}
    try:
        for number, cells in table:
            if number > MAX_ROWS:
                error(number, "", text("too_many_rows", limit=MAX_ROWS))
                break
            if header is None:
                if not any(c.strip() for c in cells):
                    continue  # blank rows above the header
                header = _header(cells, number, error)
                if errors:
                    break
                continue
            read = _row(header, cells, _place(filename, sheet, number), number, error)
            if read is None:
                continue
            seen = first_row.setdefault(str(read["id"]), number)
            if seen != number:
                error(number, "id", text("duplicate_id", id=read["id"], first=f"row {seen}"))
                continue
            clients.append(read)
            lines.append(number)
    except _RowFailure as err:
        error(err.row, "", err.reason)
    if header is None and not errors:
        error(1, "", text("sheet_empty"))
    columns = tuple(c for c in header or () if c)
    return ClientRows(filename, sheet, tuple(clients), tuple(lines), columns, tuple(errors))


Report = Callable[[int, str, Text], None]
"""Told ``(row, column, reason)`` of each error found while reading a table."""


def _header(cells: Sequence[str], number: int, error: Report) -> list[str | None]:
    """The columns of a header row; an unknown or missing column is an error."""
    columns = [header_column(c) if c.strip() else None for c in cells]
    for cell, column in zip(cells, columns, strict=True):
        if column is None and cell.strip():
            error(number, cell.strip()[:40], text("unknown_field", name=cell.strip()[:40]))
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            error(number, "", text("missing_field", name=column))
    return columns


def _row(
    header: Sequence[str | None], cells: Sequence[str], place: str, number: int, error: Report
) -> dict[str, Any] | None:
    """One row's client, or ``None`` (blank, or its errors reported)."""
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        error(number, "", text("bad_length", n=len(header), got=len(cells)))
        return None
    values = {c: v.strip() for c, v in zip(header, cells, strict=False) if c and v.strip()}
    if not values:
        return None
    try:
        client = client_from_cells(values, place)
        check_document(client, ["clients", 0])
    except ScenarioError as err:
        error(number, _column_in(err.field, place), err.reason)
        return None
    found = client_errors(client)
    for inner, reason in found:
        error(number, column_of(inner), reason)
    return None if found else client


def _column_in(field: str, place: str) -> str:
    """The column of an error raised at ``<place>: column`` or at ``clients[0].…``."""
    if field.startswith(f"{place}: "):
        return field[len(place) + 2 :]
    return column_of(field.removeprefix("clients[0]").lstrip("."))
