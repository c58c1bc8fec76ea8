"""The ledger: clients, couriers, canteens, relay points and grid workers (``walkers``) as
versioned records (``/v1/<kind>``).

A key sees and changes only its canteen's records (a street office's key: all of them);
another canteen's record is "not found", as a missing one is. A viewer reads clients
without their phone, emergency contact, group, notes and pauses (``WITHHELD``).
"""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, jsonify, request

from dispatch.errors import ForbiddenError, ScenarioError
from dispatch.messages import text
from dispatch.scenario.records import KIND_RULE, Kind
from dispatch.service.http import (
    iso,
    json_body,
    listed_canteen,
    needs,
    request_key,
    scope,
    services,
)
from dispatch.service.tables import LedgerRow

bp = Blueprint("ledger", __name__, url_prefix="/v1")

RECORDS = f"/{KIND_RULE}"
# Of clients, from viewers: numbers, groups, notes and pauses (which say why).
WITHHELD = ("phone", "emergency_contact", "group", "notes", "paused")


@bp.post(RECORDS)
@needs("planner")
def create_record(kind: str) -> Any:
    body = _record_body()
    if kind == "canteens" and scope() not in (None, body.get("id")):
        reason = text("key_adds_no_canteen", scope=scope())
        raise ForbiddenError("id", reason)
    row = services().store.create_record(_kind(kind), body, canteen=scope())
    return jsonify(record_view(row)), 201, {"Location": f"/v1/{kind}/{row.record_id}"}


@bp.get(RECORDS)
@needs("viewer")
def list_records(kind: str) -> Any:
    inactive = request.args.get("include_inactive", "false").lower() in ("1", "true", "yes")
    visible, canteen = listed_canteen()
    rows = (
        services().store.list_records(_kind(kind), canteen=canteen, include_inactive=inactive)
        if visible
        else []
    )
    return jsonify({kind: [record_view(r) for r in rows]})


@bp.get(f"{RECORDS}/<record_id>")
@needs("viewer")
def get_record(kind: str, record_id: str) -> Any:
    row = services().store.get_record(_kind(kind), record_id, canteen=scope())
    return jsonify(record_view(row))


@bp.put(f"{RECORDS}/<record_id>")
@needs("planner")
def update_record(kind: str, record_id: str) -> Any:
    row = services().store.update_record(_kind(kind), _record_body(record_id), canteen=scope())
    return jsonify(record_view(row))


@bp.delete(f"{RECORDS}/<record_id>")
@needs("planner")
def deactivate_record(kind: str, record_id: str) -> Any:
    row = services().store.deactivate_record(_kind(kind), record_id, canteen=scope())
    return jsonify(record_view(row))


@bp.get(f"{RECORDS}/<record_id>/history")
@needs("viewer")
def record_history(kind: str, record_id: str) -> Any:
    rows = services().store.record_history(_kind(kind), record_id, canteen=scope())
    return jsonify({"history": [record_view(r) for r in rows]})


def record_view(row: LedgerRow) -> dict[str, Any]:
    """One version of a record as the API shows it to the request's key."""
    data = row.data
    if row.kind == "clients" and request_key().role == "viewer":
        data = {k: v for k, v in data.items() if k not in WITHHELD}
    return {
        "id": row.record_id,
        "version": row.version,
        "active": row.active,
        "updated_at": iso(row.created_at),
        "data": data,
    }


def _kind(kind: str) -> Kind:
    """The route converter admits only the ledger's collections."""
    return cast(Kind, kind)


def _record_body(record_id: str | None = None) -> dict[str, Any]:
    """The record in the body; under a record's URL its ``id`` defaults to, and must match, it."""
    body = json_body()
    if record_id is not None:
        body.setdefault("id", record_id)
        if body["id"] != record_id:
            reason = text("record_id_mismatch", record_id=record_id)
            raise ScenarioError("id", reason)
    return body
