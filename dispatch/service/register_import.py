"""Importing clients into the ledger: a preview of what a file adds and changes, then the
same rows saved once confirmed.

The rows come from the CSV reader of the what-ifs (``dispatch.scenario.client_import``);
each row, with the canteen it is imported into, is checked by the ledger's own rules
(``validate_record``), and an error names the row and the column of the file. Nothing is
saved while any row has an error.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dispatch.errors import DispatchError, NotFoundError
from dispatch.messages import Text, text
from dispatch.scenario.client_import import csv_locator, read_clients_csv
from dispatch.scenario.records import validate_record

if TYPE_CHECKING:
    from dispatch.service.store import Store


@dataclass(frozen=True)
class RowError:
    """Where in the file (``row N: column``) and why, in both languages."""

    where: str
    reason_en: str
    reason_zh: str


@dataclass
class Preview:
    """What confirming the import would do: rows to add, rows to change (with the fields
    that change), rows already as the file says, and errors."""

    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.errors and bool(self.added or self.changed)


def read_upload(data: bytes, filename: str) -> list[tuple[dict[str, Any], int]]:
    """Client rows of an uploaded CSV in UTF-8 or GB18030 (GBK); errors name the file by
    its bare name, never a path on the server."""
    name = Path(filename).name or "clients.csv"
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("gb18030", errors="replace")
    with tempfile.TemporaryDirectory(prefix="nl-import-") as folder:
        path = Path(folder) / "upload.csv"
        path.write_text(content, encoding="utf-8")
        try:
            rows, _ = read_clients_csv(path)
        except DispatchError as err:
            err.field = err.field.replace(str(path), name)
            err.reason = Text(
                err.reason.en.replace(str(path), name), err.reason.zh.replace(str(path), name)
            )
            raise
    return rows


def preview(
    store: Store, rows: list[tuple[dict[str, Any], int]], canteen: str, filename: str
) -> Preview:
    """Check every row as a client of ``canteen`` and compare it with the ledger."""
    out = Preview()
    lines = [line for _, line in rows]
    locate = csv_locator(0, Path(filename).name, lines)
    for k, (client, line) in enumerate(rows):
        record = {**client, "canteen": canteen}
        try:
            validate_record("clients", record)
        except DispatchError as err:
            inner = f"clients[{k}].{err.field}" if err.field else f"clients[{k}]"
            where = locate(inner) or f"{filename}:row {line}"
            out.errors.append(RowError(where, err.reason.en, err.reason.zh))
            continue
        try:
            current = store.get_record("clients", str(record["id"]))
        except NotFoundError:
            out.added.append(record)
            continue
        if current.canteen != canteen:
            out.errors.append(RowError(f"{filename}:row {line}: id", *_taken(record["id"])))
            continue
        keys = record.keys() | current.data.keys()
        changes = sorted(k for k in keys if record.get(k) != current.data.get(k))
        if changes or not current.active:
            out.changed.append((record, changes or ["active"]))
        else:
            out.unchanged += 1
    return out


def apply(store: Store, checked: Preview, canteen: str) -> int:
    """Save a preview without errors; the number of records added or changed."""
    for record in checked.added:
        store.create_record("clients", record, canteen=canteen)
    for record, _ in checked.changed:
        store.update_record("clients", record, canteen=canteen)
    return len(checked.added) + len(checked.changed)


def _taken(record_id: Any) -> tuple[str, str]:
    reason = text("web_import_foreign_id", id=record_id)
    return reason.en, reason.zh
