"""Plans: submit (from a body or the ledger), list, read, cancel; the papers of a finished plan
(route sheets, kitchen CSV, GeoJSON); and ``POST /v1/verify``."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from dispatch.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    ScenarioError,
    UnavailableError,
)
from dispatch.messages import text as message
from dispatch.report.context import PlanContext
from dispatch.report.geojson import routes_geojson
from dispatch.report.kpi import client_couriers
from dispatch.report.plan_json import plan_from_dict
from dispatch.report.sheets import LANGUAGES, kitchen_csv, route_sheet_html
from dispatch.scenario import parse_scenario
from dispatch.scenario.fields import got
from dispatch.scenario.schedule import read_date, today
from dispatch.service.day import add_relays
from dispatch.service.http import (
    check_client_cap,
    iso,
    json_body,
    listed_canteen,
    maps_network,
    needs,
    number_arg,
    prefixed,
    scope,
    seed_arg,
    services,
    time_limit_arg,
)
from dispatch.service.runner import JobSpec
from dispatch.service.store import record_not_found
from dispatch.service.tables import PlanRow
from dispatch.verify import verify
from dispatch.version import __version__

log = logging.getLogger("dispatch.api")

bp = Blueprint("plans", __name__, url_prefix="/v1")


@bp.post("/plans")
@needs("planner")
def post_plan() -> Any:
    document = maps_network(_plan_document(json_body()), "network")
    check_client_cap(document)
    scenario = parse_scenario(document)
    document = {**document, "date": scenario.date.isoformat()}  # a register's today, pinned now
    if scope() not in (None, scenario.canteen.id):
        reason = message("key_plans_only", scope=scope())
        raise ScenarioError("canteen.id", reason)
    time_limit_s = time_limit_arg(scenario.settings.time_limit_s, "settings.time_limit_s")
    seed = seed_arg(scenario.settings.seed, "settings.seed")
    wait_s = min(number_arg("wait", 0.0), current_app.config["MAX_WAIT_S"])
    row = submit_plan(document, time_limit_s, seed, wait_s)
    status = 202 if row.status in ("queued", "running") else 200
    return jsonify(plan_view(row)), status, {"Location": f"/v1/plans/{row.id}"}


@bp.get("/plans")
@needs("viewer")
def list_plans() -> Any:
    visible, canteen = listed_canteen()
    store = services().store
    rows = store.list_plans(date=request.args.get("date"), canteen=canteen) if visible else []
    return jsonify({"plans": [plan_view(r, with_plan=False) for r in rows]})


@bp.get("/plans/<plan_id>")
@needs("viewer")
def get_plan(plan_id: str) -> Any:
    return jsonify(plan_view(services().store.get_plan(plan_id, canteen=scope())))


@bp.delete("/plans/<plan_id>")
@needs("planner")
def cancel_plan(plan_id: str) -> Any:
    services().store.get_plan(plan_id, canteen=scope())
    services().runner.cancel(plan_id)
    log.info("plan %s cancelled", plan_id)
    return jsonify(plan_view(services().store.get_plan(plan_id)))


@bp.get("/plans/<plan_id>/sheets/<courier>")
@needs("viewer")
def route_sheet(plan_id: str, courier: str) -> Any:
    lang = request.args.get("lang", "zh")
    if lang not in LANGUAGES:
        raise InputError("lang", message("not_one_of", allowed=", ".join(LANGUAGES), got=lang))
    part = finished_plan(plan_id)
    route = next((r for r in part.plan.routes if r.courier == courier), None)
    if route is None:
        reason = message("route_missing", courier=courier)
        raise NotFoundError("courier", reason)
    return Response(route_sheet_html(part, route, lang), mimetype="text/html")


@bp.get("/plans/<plan_id>/kitchen")
@needs("viewer")
def kitchen(plan_id: str) -> Any:
    return Response(kitchen_csv(finished_plan(plan_id)), mimetype="text/csv")


@bp.get("/plans/<plan_id>/routes.geojson")
@needs("viewer")
def geojson(plan_id: str) -> Any:
    body = json.dumps(routes_geojson(finished_plan(plan_id)))
    return Response(body, mimetype="application/geo+json")


@bp.post("/verify")
@needs("viewer")
def post_verify() -> Any:
    body = json_body()
    for name in ("scenario", "plan"):
        if name not in body:
            raise InputError(name, message("missing_field", name=name))
    if isinstance(body["scenario"], dict):
        check_client_cap(body["scenario"], "scenario.clients")
    document = maps_network(body["scenario"], "scenario.network")
    scenario = prefixed(lambda: parse_scenario(document), "scenario")
    plan = prefixed(lambda: plan_from_dict(body["plan"]), "plan")
    violations = verify(scenario, plan)
    found = [{k: v for k, v in asdict(x).items() if v is not None} for x in violations]
    return jsonify({"valid": not violations, "violations": found})


def plan_view(row: PlanRow, with_plan: bool = True) -> dict[str, Any]:
    """A stored job as the API shows it; the plan itself only when asked and present."""
    out: dict[str, Any] = {
        "id": row.id,
        "status": row.status,
        "scenario": row.scenario_name,
        "date": row.date,
        "canteen": row.canteen,
        "time_limit_s": row.time_limit_s,
        "seed": row.seed,
        "version": row.version,
        "created_at": iso(row.created_at),
        "started_at": iso(row.started_at),
        "finished_at": iso(row.finished_at),
    }
    if row.error is not None:
        out["error"] = row.error
    if with_plan and row.plan is not None:
        out["plan"] = row.plan
    return out


def _plan_document(body: dict[str, Any]) -> dict[str, Any]:
    """The scenario to plan: the body itself, or built from the ledger for
    ``{canteen, date?, name?, settings?, keep_from?}``."""
    if "clients" in body or "couriers" in body or isinstance(body.get("canteen"), dict):
        return body
    if not isinstance(body.get("canteen"), str):
        raise ScenarioError("canteen", message("missing_field", name="canteen"))
    ledger_keys = {"date", "canteen", "name", "settings", "keep_from"}
    extra = next((k for k in body if k not in ledger_keys), None)
    if extra is not None:
        raise ScenarioError(extra, message("unknown_field", name=extra))
    if scope() not in (None, body["canteen"]):
        raise record_not_found("canteens", body["canteen"], "canteen")
    day = read_date(body["date"], "date") if "date" in body else today()
    document = services().store.ledger_document(
        day.isoformat(), body["canteen"], name=body.get("name"), settings=body.get("settings")
    )
    add_relays(services().store, document, body["canteen"])
    keep = _keep_from(body.get("keep_from", LAST_PLAN), body["canteen"])
    clients = {c["id"] for c in document["clients"]}
    document["keep"] = {c: w for c, w in keep.items() if c in clients}
    return document


LAST_PLAN = object()  # ``keep_from`` left out: the canteen's last done plan


def last_plan_keep(canteen: str) -> dict[str, str]:
    """Client → courier of the canteen's last done plan, kept where it can be (the staff
    pages' Today plans a ledger day as ``POST /v1/plans`` without ``keep_from`` does)."""
    return _keep_from(LAST_PLAN, canteen)


def _keep_from(keep_from: object, canteen: str) -> dict[str, str]:
    """Client → courier of the plan to keep assignments from: the plan ``keep_from``
    names, none for ``null``, else the canteen's last done plan (none if it has none)."""
    if keep_from is None:
        return {}
    if keep_from is LAST_PLAN:
        rows = services().store.list_plans(canteen=canteen, status="done", limit=1)
        return client_couriers(plan_from_dict(rows[0].plan)) if rows and rows[0].plan else {}
    if not isinstance(keep_from, str):
        shown = got(keep_from, "keep_from")
        reason = message("wrong_type", expected="a plan id", expected_zh="路线编号", got=shown)
        raise ScenarioError("keep_from", reason)
    try:
        row = services().store.get_plan(keep_from, canteen=canteen)
    except NotFoundError as err:
        raise NotFoundError("keep_from", err.reason) from err
    if row.status != "done" or row.plan is None:
        raise not_done(row, "keep_from")
    return client_couriers(plan_from_dict(row.plan))


def submit_plan(document: dict[str, Any], time_limit_s: float, seed: int, wait_s: float) -> PlanRow:
    """Store the job and hand it to the runner (forgotten again if the queue is full);
    the row after at most ``wait_s`` seconds of waiting for it to finish."""
    store, runner = services().store, services().runner
    owner = runner.owner
    plan_id = store.create_plan(
        document, time_limit_s=time_limit_s, seed=seed, version=__version__, owner=owner
    )
    try:
        runner.submit(JobSpec(plan_id, document, time_limit_s, seed))
    except UnavailableError:  # a full or silent queue: the job was never accepted
        store.delete_plan(plan_id)
        raise
    log.info("plan %s queued", plan_id)
    return wait_for(plan_id, wait_s)


def wait_for(job_id: str, wait_s: float, kind: str = "plan") -> PlanRow:
    """The job's row once it has finished, or as it is after ``wait_s`` seconds."""
    deadline = time.monotonic() + wait_s
    row = services().store.get_plan(job_id, kind)
    while row.status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        row = services().store.get_plan(job_id, kind)
    return row


def not_done(row: PlanRow, field: str) -> ConflictError:
    """409: the job has no finished plan (yet)."""
    return ConflictError(field, message("plan_not_done", status=row.status))


def finished_plan(plan_id: str) -> PlanContext:
    """The stored scenario and plan of a finished job (404 / 409 otherwise)."""
    row = services().store.get_plan(plan_id, canteen=scope())
    if row.status != "done" or row.plan is None:
        raise not_done(row, "status")
    return plan_context(row)


def plan_context(row: PlanRow) -> PlanContext:
    """A finished job's stored scenario and plan, read back."""
    return PlanContext.of(parse_scenario(row.scenario), plan_from_dict(row.plan))
