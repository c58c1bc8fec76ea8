"""Outcomes at the door and welfare cases: ``POST /v1/plans/<id>/outcomes``, the day's
progress, and the cases with their steps (issue 17; docs/api.md "Outcomes and welfare cases").

A key sees the plans and cases of its canteen only (a street office's key: all); another
canteen's is "not found". Viewers read cases and progress without the notes, which may say
how someone was found.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from dispatch.errors import InputError
from dispatch.messages import text
from dispatch.scenario.fields import got
from dispatch.service.http import json_body, listed_canteen, needs, request_key, scope, services
from dispatch.service.outcome_items import read_time
from dispatch.service.outcomes import progress, record_outcomes
from dispatch.service.store import utcnow
from dispatch.service.welfare import add_step, close_case, get_case, list_cases

bp = Blueprint("outcomes", __name__, url_prefix="/v1")

STATUSES = ("open", "closed")
_STEP_FIELDS = ("action", "note", "at", "closed_with")


def recorder() -> str:
    """Who records: the login (``user:<id>``) or the API key (``key:<id>``) of the request."""
    key = request_key().id
    return key if key.startswith("user:") else f"key:{key}"


def batch_of(body: dict[str, Any]) -> tuple[list[Any], str]:
    """The outcomes of a body (one outcome, or ``{"outcomes": [...]}``) and their field."""
    if "outcomes" not in body:
        return [body], ""
    extra = next((k for k in body if k != "outcomes"), None)
    if extra is not None:
        raise InputError(extra, text("unknown_field", name=extra))
    items = body["outcomes"]
    if not isinstance(items, list):
        shown = got(items, "outcomes")
        reason = text("wrong_type", expected="a list", expected_zh="列表", got=shown)
        raise InputError("outcomes", reason)
    return items, "outcomes"


@bp.post("/plans/<plan_id>/outcomes")
@needs("planner")
def post_outcomes(plan_id: str) -> Any:
    items, field = batch_of(json_body())
    store = services().store
    store.get_plan(plan_id, canteen=scope())
    recorded = record_outcomes(store, plan_id, items, recorded_by=recorder(), field=field)
    return jsonify(recorded.as_dict())


@bp.get("/plans/<plan_id>/progress")
@needs("viewer")
def get_progress(plan_id: str) -> Any:
    store = services().store
    store.get_plan(plan_id, canteen=scope())
    day = progress(store, plan_id, utcnow())
    day["cases"] = [_shown(c) for c in day["cases"]]
    return jsonify(day)


@bp.get("/welfare-cases")
@needs("viewer")
def list_welfare_cases() -> Any:
    status = request.args.get("status")
    if status not in (None, *STATUSES):
        raise InputError("status", text("case_status_arg", got=got(status, "status")))
    visible, canteen = listed_canteen()
    cases = list_cases(services().store, canteen, status=status) if visible else []
    return jsonify({"cases": [_shown(c.as_dict()) for c in cases]})


@bp.get("/welfare-cases/<case_id>")
@needs("viewer")
def get_welfare_case(case_id: str) -> Any:
    return jsonify(_shown(get_case(services().store, case_id, canteen=scope()).as_dict()))


@bp.post("/welfare-cases/<case_id>/steps")
@needs("planner")
def post_step(case_id: str) -> Any:
    body = json_body()
    extra = next((k for k in body if k not in _STEP_FIELDS), None)
    if extra is not None:
        raise InputError(extra, text("unknown_field", name=extra))
    if "action" not in body:
        raise InputError("action", text("missing_field", name="action"))
    at = read_time(body["at"], "at") if body.get("at") is not None else None
    note = body.get("note")
    if note is not None and not isinstance(note, str):
        reason = text("wrong_type", expected="a text", expected_zh="文本", got=got(note, "note"))
        raise InputError("note", reason)
    store, by = services().store, recorder()
    if body["action"] == "close":
        case = close_case(store, case_id, by, body.get("closed_with"), note, at, canteen=scope())
    else:
        if "closed_with" in body:
            raise InputError("closed_with", text("unknown_field", name="closed_with"))
        case = add_step(store, case_id, by, body["action"], note, at, canteen=scope())
    return jsonify(_shown(case.as_dict()))


def _shown(case: dict[str, Any]) -> dict[str, Any]:
    """A case as the request's key may read it: a viewer's without the steps' notes."""
    if request_key().role != "viewer":
        return case
    return {**case, "steps": [{**s, "note": None} for s in case["steps"]]}
