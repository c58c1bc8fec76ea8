"""Importing clients into the ledger: a preview of what a sheet adds and changes, then the
same rows saved once confirmed.

The sheet (``.xlsx``, or CSV in UTF-8 or GBK) is read by the one client reader
(``dispatch.scenario.client_rows``) and merged by id as ``dispatch import`` merges it: a new
id is added, a known one gets the fields of the sheet's columns and keeps the others. Each
resulting record, with the canteen it is imported into, is checked by the ledger's own rules
(``validate_record``); an error names the sheet, row and column. Nothing is saved while any
row has an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dispatch.errors import DispatchError, NotFoundError
from dispatch.messages import text
from dispatch.scenario.client_rows import merge_clients, read_client_rows
from dispatch.scenario.records import validate_record

if TYPE_CHECKING:
    from dispatch.service.store import Store
    from dispatch.service.tables import LedgerRow


@dataclass(frozen=True)
class RowError:
    """Where in the file (``clients.xlsx:客户 clients:row 7: floor``) and why."""

    where: str
    reason_en: str
    reason_zh: str


@dataclass
class Preview:
    """What confirming the import would do: records to add, records to change (with the
    fields that change), rows already as the sheet says, and errors."""

    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.errors and bool(self.added or self.changed)


def preview(store: Store, data: bytes, filename: str, canteen: str) -> Preview:
    """Read the sheet, merge it into ``canteen``'s clients and check every record."""
    rows = read_client_rows(data, filename)
    out = Preview(errors=[RowError(e.where(), e.reason.en, e.reason.zh) for e in rows.errors])
    current: dict[str, LedgerRow] = {}
    for client in rows.clients:
        try:
            current[client["id"]] = store.get_record("clients", str(client["id"]))
        except NotFoundError:
            continue
    foreign = [record_id for record_id, row in current.items() if row.canteen != canteen]
    for record_id in foreign:
        reason = text("web_import_foreign_id", id=record_id)
        out.errors.append(RowError(f"{filename}: id", reason.en, reason.zh))
    if foreign:  # another canteen's id: nothing of this sheet is compared with the ledger
        return out
    base = {
        "clients": [{k: v for k, v in r.data.items() if k != "canteen"} for r in current.values()]
    }
    merged, locate = merge_clients(base, rows)
    for k, client in enumerate(merged["clients"]):
        record = {**client, "canteen": canteen}
        try:
            validate_record("clients", record)
        except DispatchError as err:
            inner = f"clients[{k}].{err.field}" if err.field else f"clients[{k}]"
            out.errors.append(RowError(locate(inner) or filename, err.reason.en, err.reason.zh))
            continue
        _compare(out, record, current.get(str(record["id"])))
    return out


def _compare(out: Preview, record: dict[str, Any], row: LedgerRow | None) -> None:
    if row is None:
        out.added.append(record)
        return
    keys = record.keys() | row.data.keys()
    changes = sorted(k for k in keys if record.get(k) != row.data.get(k))
    if changes or not row.active:
        out.changed.append((record, changes or ["active"]))
    else:
        out.unchanged += 1


def apply(store: Store, checked: Preview, canteen: str) -> int:
    """Save a preview without errors; the number of records added or changed."""
    for record in checked.added:
        store.create_record("clients", record, canteen=canteen)
    for record, _ in checked.changed:
        store.update_record("clients", record, canteen=canteen)
    return len(checked.added) + len(checked.changed)
