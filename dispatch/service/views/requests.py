"""The request board over HTTP: ``/v1/requests`` and ``/v1/requests/<id>/steps`` (docs/api.md).

Thin: the checks, the state machine and who sees what are ``dispatch.service.requests``'s. A
team's key sees its team's requests, the street office's every one; a canteen's key gets 403.
A viewer reads requests without what is needed and without the steps' reasons and notes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, jsonify, request

from dispatch.errors import InputError
from dispatch.messages import text
from dispatch.service import requests as board
from dispatch.service.http import json_body, needs, request_key, services

bp = Blueprint("requests", __name__, url_prefix="/v1")
PRIVATE = ("needed",)
PRIVATE_STEP = ("reason", "note")


def _view(row: board.RequestRow, *, steps: bool = False) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    history = board.steps_of(services().store, row.id) if steps else None
    out = board.request_view(row, now, history)
    if request_key().role == "viewer":
        out = {k: v for k, v in out.items() if k not in PRIVATE}
        if "steps" in out:
            shown = out["steps"]
            out["steps"] = [{k: v for k, v in s.items() if k not in PRIVATE_STEP} for s in shown]
    return out


def _overdue_arg() -> bool | None:
    raw = request.args.get("overdue")
    if raw is None or raw == "":
        return None
    if raw.lower() not in ("true", "false", "1", "0"):
        raise InputError("overdue", text("not_one_of", allowed="true, false", got=raw))
    return raw.lower() in ("true", "1")


@bp.get("/requests")
@needs("viewer", teams=True)
def list_requests() -> Any:
    viewer = board.viewer_of(request_key())
    rows = board.list_requests(
        services().store,
        viewer,
        status=request.args.get("status") or None,
        team=request.args.get("team") or None,
        overdue=_overdue_arg(),
    )
    return jsonify({"requests": [_view(r) for r in rows]})


@bp.post("/requests")
@needs("planner", teams=True)
def create_request() -> Any:
    viewer = board.viewer_of(request_key())
    row = board.create_request(services().store, json_body(), viewer=viewer)
    return jsonify(_view(row, steps=True)), 201, {"Location": f"/v1/requests/{row.id}"}


@bp.get("/requests/<request_id>")
@needs("viewer", teams=True)
def get_request(request_id: str) -> Any:
    viewer = board.viewer_of(request_key())
    return jsonify(_view(board.get_request(services().store, request_id, viewer), steps=True))


@bp.post("/requests/<request_id>/steps")
@needs("planner", teams=True)
def add_step(request_id: str) -> Any:
    viewer = board.viewer_of(request_key())
    body = json_body()
    action = body.get("action")
    if not isinstance(action, str):
        raise InputError("action", text("missing_field", name="action"))
    unknown = sorted(set(body) - {"action", "reason", "note"})
    if unknown:
        raise InputError(unknown[0], text("unknown_field", name=unknown[0]))
    row = board.add_step(
        services().store,
        request_id,
        action,
        viewer=viewer,
        reason=body.get("reason"),
        note=body.get("note"),
    )
    return jsonify(_view(row, steps=True)), 201
