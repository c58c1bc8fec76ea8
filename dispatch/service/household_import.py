"""Importing households into the grid register: a preview of what a sheet adds and changes,
then the same rows saved once confirmed (as ``register_import`` does for clients).

The sheet is read by ``dispatch.scenario.household_rows``; a known household id gets the
fields of the sheet's columns and keeps the others (members come from the sheet when it has
member columns). Each record is checked by the register itself (``StreetLedger.check``: the
schema, the building, the responsible member, the client link, the team's scope), and an
error names the sheet, row and column. Nothing is saved while any row has an error.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from dispatch.errors import DispatchError
from dispatch.messages import text
from dispatch.scenario.household_rows import read_household_rows
from dispatch.service.register_import import Preview, RowError
from dispatch.service.street_ledger import StreetLedger

if TYPE_CHECKING:
    from dispatch.service.store import Store

# The record field each sheet column fills.
_FIELD = {"client_canteen": "client", "client_id": "client"}


def _field_of(column: str) -> str:
    return _FIELD.get(column, "members" if re.match(r"(member|group)_[0-9]$", column) else column)


def preview(
    store: Store, data: bytes, filename: str, *, street: str, team: str | None = None
) -> Preview:
    """Read the sheet, merge it into ``street``'s households and check every record as the
    login of ``team`` (``None``: the street office) would save it."""
    rows = read_household_rows(data, filename)
    out = Preview(errors=[RowError(e.where(), e.reason.en, e.reason.zh) for e in rows.errors])
    ledger = StreetLedger(store)
    fields = {_field_of(c) for c in rows.columns}
    linked: dict[str, str] = {}  # a client named twice in the sheet: the second is an error
    for k, household in enumerate(rows.households):
        link = household.get("client")
        if isinstance(link, dict) and "id" in link:
            first = linked.setdefault(f"{link.get('canteen')}/{link['id']}", household["id"])
            if first != household["id"]:
                reason = text("street_client_linked", id=link["id"], household=first)
                where = rows.error_at(k, "client.id", reason).where()
                out.errors.append(RowError(where, reason.en, reason.zh))
                continue
        current = ledger.find("households", household["id"])
        kept: dict[str, Any] = {}
        if current is not None:
            kept = {f: v for f, v in current.data.items() if f not in fields}
        record: dict[str, Any] = {**kept, **household, "street": street}
        try:
            stored = ledger.check("households", record, team=team)
            if current is not None:
                ledger.get("households", household["id"], team=team)
        except DispatchError as err:
            error = rows.error_at(k, err.field, err.reason)
            out.errors.append(RowError(error.where(), err.reason.en, err.reason.zh))
            continue
        if current is None:
            out.added.append(record)
            continue
        keys = stored.keys() | current.data.keys()
        changes = sorted(f for f in keys if stored.get(f) != current.data.get(f))
        if changes or not current.active:
            out.changed.append((record, changes or ["active"]))
        else:
            out.unchanged += 1
    return out


def apply(store: Store, checked: Preview, team: str | None = None) -> int:
    """Save a preview without errors; the number of households added or changed."""
    ledger = StreetLedger(store)
    for record in checked.added:
        ledger.create("households", record, team=team)
    for record, _ in checked.changed:
        ledger.update("households", record, team=team)
    return len(checked.added) + len(checked.changed)
