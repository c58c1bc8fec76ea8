"""The ledger: clients, couriers and canteens as versioned records (``/v1/<kind>``)."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, jsonify, request

from dispatch.errors import ScenarioError
from dispatch.messages import Text
from dispatch.scenario.records import Kind
from dispatch.service.http import iso, json_body, needs, services
from dispatch.service.tables import LedgerRow

bp = Blueprint("ledger", __name__, url_prefix="/v1")

RECORDS = "/<any(clients, couriers, canteens):kind>"


@bp.post(RECORDS)
@needs("planner")
def create_record(kind: str) -> Any:
    row = services().store.create_record(_kind(kind), _record_body())
    return jsonify(record_view(row)), 201, {"Location": f"/v1/{kind}/{row.record_id}"}


@bp.get(RECORDS)
@needs("viewer")
def list_records(kind: str) -> Any:
    inactive = request.args.get("include_inactive", "false").lower() in ("1", "true", "yes")
    rows = services().store.list_records(
        _kind(kind), canteen=request.args.get("canteen"), include_inactive=inactive
    )
    return jsonify({kind: [record_view(r) for r in rows]})


@bp.get(f"{RECORDS}/<record_id>")
@needs("viewer")
def get_record(kind: str, record_id: str) -> Any:
    return jsonify(record_view(services().store.get_record(_kind(kind), record_id)))


@bp.put(f"{RECORDS}/<record_id>")
@needs("planner")
def update_record(kind: str, record_id: str) -> Any:
    row = services().store.update_record(_kind(kind), _record_body(record_id))
    return jsonify(record_view(row))


@bp.delete(f"{RECORDS}/<record_id>")
@needs("planner")
def deactivate_record(kind: str, record_id: str) -> Any:
    return jsonify(record_view(services().store.deactivate_record(_kind(kind), record_id)))


@bp.get(f"{RECORDS}/<record_id>/history")
@needs("viewer")
def record_history(kind: str, record_id: str) -> Any:
    rows = services().store.record_history(_kind(kind), record_id)
    return jsonify({"history": [record_view(r) for r in rows]})


def record_view(row: LedgerRow) -> dict[str, Any]:
    """One version of a record as the API shows it."""
    return {
        "id": row.record_id,
        "version": row.version,
        "active": row.active,
        "updated_at": iso(row.created_at),
        "data": row.data,
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
            reason = Text(
                f"the body's id must match the URL ('{record_id}')",
                f"请求体中的 id 必须与网址一致（“{record_id}”）",
            )
            raise ScenarioError("id", reason)
    return body
