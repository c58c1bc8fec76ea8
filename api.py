"""The HTTP API: ``create_app(config)``, thin views over the ``dispatch`` package, JSON errors.

Conventions (docs/api.md): times are seconds after midnight of the scenario's date (``*_s``)
plus ``HH:MM`` copies, durations seconds, distances metres, locations ``{lat, lon}`` WGS-84;
timestamps of records are UTC ISO 8601. Every error is ``{"error": {type, message,
message_zh, field}}`` with the status from ``ERROR_STATUS``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any, cast

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from dispatch.errors import (
    AuthError,
    BodyError,
    ConflictError,
    DispatchError,
    ForbiddenError,
    InputError,
    NotFoundError,
    QueueFullError,
    ScenarioError,
)
from dispatch.messages import Text
from dispatch.messages import text as message
from dispatch.planning.batch import plan_columns
from dispatch.report.compare import comparison
from dispatch.report.context import PlanContext
from dispatch.report.geojson import routes_geojson
from dispatch.report.plan_json import plan_from_dict
from dispatch.report.sheets import LANGUAGES, kitchen_csv, route_sheet_html
from dispatch.scenario import parse_scenario
from dispatch.scenario.costs import read_costs
from dispatch.scenario.whatif import columns_from_body
from dispatch.service.jobs import JobSpec, ProcessPool, RQRunner, Runner
from dispatch.service.keys import Role, authenticate, require_role
from dispatch.service.store import (
    Kind,
    LedgerRow,
    PlanRow,
    Store,
    iso,
    process_owner,
)
from dispatch.verify import verify
from dispatch.version import __version__

log = logging.getLogger("dispatch.api")

DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # bytes of a request body
    "MAX_CLIENTS": 2000,  # clients per scenario
    "MAX_TIME_LIMIT_S": 60.0,  # solver seconds per plan
    "MAX_WAIT_S": 60.0,  # ?wait= seconds
    "MAX_WHATIFS": 8,  # what-ifs per POST /v1/compare
    "JOB_WORKERS": None,  # solver processes; None = one per core
    "JOB_QUEUE_SIZE": None,  # jobs waiting; None = 4 per worker
    "QUEUE_MAX": 100,  # jobs waiting in Redis
    "QUEUE_NAME": "dispatch",
}


# The one table from our errors to HTTP statuses; the first matching class wins.
ERROR_STATUS: tuple[tuple[type[DispatchError], int], ...] = (
    (BodyError, 400),
    (ForbiddenError, 403),
    (AuthError, 401),
    (NotFoundError, 404),
    (ConflictError, 409),
    (InputError, 422),
    (QueueFullError, 503),
)

# Flask's own errors, in both languages; the body-size text names the limit in bytes.
HTTP_ERRORS: dict[int, tuple[str, Text]] = {
    400: ("bad_request", Text("the request is malformed", "请求格式错误")),
    404: ("not_found", Text("no such URL", "找不到该网址")),
    405: ("method_not_allowed", Text("method not allowed for this URL", "该网址不支持此请求方法")),
    413: ("too_large", Text("the body is larger than {limit} bytes", "请求体超过 {limit} 字节")),
    415: ("unsupported_media_type", Text("unsupported media type", "不支持的内容类型")),
}
INTERNAL = Text("internal server error", "服务器内部错误")


@dataclass
class Services:
    store: Store
    runner: Runner

    def close(self) -> None:
        self.runner.close()
        self.store.close()


# --- the factory -------------------------------------------------------------------


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configure, migrate the store, fail orphaned jobs, start the runner."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(_environment())
    if config:
        app.config.from_mapping(config)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = instance_database_url(app)
    store = Store(app.config["DATABASE_URL"])
    store.migrate()
    orphans = store.fail_orphans()
    if orphans:
        log.warning("marked %d interrupted job(s) failed", len(orphans))
    app.extensions["dispatch"] = Services(store, _runner(app, store))
    _register_errors(app)
    _register_routes(app)
    return app


def instance_database_url(app: Flask | None = None) -> str:
    """The default store: SQLite in the Flask instance folder (created if missing)."""
    folder = Path((app or Flask(__name__, instance_relative_config=True)).instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'dispatch.sqlite'}"


def _environment() -> dict[str, Any]:
    names = {
        "DISPATCH_DATABASE_URL": "DATABASE_URL",
        "DISPATCH_QUEUE_URL": "QUEUE_URL",
        "DISPATCH_WORKERS": "JOB_WORKERS",
        "DISPATCH_QUEUE_SIZE": "JOB_QUEUE_SIZE",
    }
    out: dict[str, Any] = {}
    for env, key in names.items():
        if os.environ.get(env):
            value = os.environ[env]
            out[key] = int(value) if key.startswith("JOB_") else value
    return out


def _runner(app: Flask, store: Store) -> Runner:
    if app.config.get("QUEUE_URL"):
        return RQRunner(
            store,
            app.config["QUEUE_URL"],
            name=app.config["QUEUE_NAME"],
            max_queued=app.config["QUEUE_MAX"],
        )
    return ProcessPool(store, app.config["JOB_WORKERS"], app.config["JOB_QUEUE_SIZE"])


def services() -> Services:
    return cast(Services, current_app.extensions["dispatch"])


# --- errors --------------------------------------------------------------------------


def _error_body(kind: str, reason: Text, field: str = "") -> dict[str, Any]:
    return {"error": {"type": kind, "message": reason.en, "message_zh": reason.zh, "field": field}}


def _status_of(err: DispatchError) -> int:
    return next((status for cls, status in ERROR_STATUS if isinstance(err, cls)), 500)


def _register_errors(app: Flask) -> None:
    @app.errorhandler(DispatchError)
    def dispatch_error(err: DispatchError) -> tuple[Response, int, dict[str, str]]:
        status = _status_of(err)
        if status == 500:
            log.error("unmapped %s on %s %s", type(err).__name__, request.method, request.path)
        headers = {}
        if isinstance(err, QueueFullError):
            headers["Retry-After"] = str(err.retry_after_s)
        if isinstance(err, AuthError) and status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="dispatch"'
        return jsonify(_error_body(err.kind, err.reason, err.field)), status, headers

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> tuple[Response, int, dict[str, str]]:
        status = err.code or 500
        kind, reason = HTTP_ERRORS.get(status, ("http_error", Text(err.name, err.name)))
        if status == 413:
            limit = app.config["MAX_CONTENT_LENGTH"]
            reason = Text(reason.en.format(limit=limit), reason.zh.format(limit=limit))
        if status >= 500:
            cause = getattr(err, "original_exception", None)
            log.error("%s on %s %s", status, request.method, request.path, exc_info=cause)
            kind, reason = "internal_error", INTERNAL
        headers = {k: v for k, v in err.get_headers() if k.lower() == "allow"}
        return jsonify(_error_body(kind, reason)), status, headers


# --- auth and request helpers ------------------------------------------------------------


def needs(role: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view that needs a key of at least ``role``."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            key = authenticate(services().store, request.headers.get("Authorization"))
            require_role(key, role)
            g.key = key
            return view(*args, **kwargs)

        return wrapped

    return decorate


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True, force=True)
    if data is None:
        raise BodyError("", Text("the body must be JSON", "请求体必须是 JSON"))
    if not isinstance(data, dict):
        raise BodyError("", message("not_mapping"))
    return data


def number_arg(name: str, default: float) -> float:
    """A non-negative number from the query string, ``default`` when absent."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        got = json.dumps(raw)
        raise InputError(name, message("invalid_value", detail=f"not a number >= 0: {got}"))
    return value


def _check_client_cap(document: Mapping[str, Any], field: str = "clients") -> None:
    cap = current_app.config["MAX_CLIENTS"]
    clients = document.get("clients")
    if isinstance(clients, list) and len(clients) > cap:
        reason = Text(
            f"at most {cap} clients per request (MAX_CLIENTS; got {len(clients)})",
            f"每个请求最多 {cap} 位客户（MAX_CLIENTS；实际 {len(clients)}）",
        )
        raise InputError(field, reason)


def _check_time_cap(time_limit_s: float, field: str) -> None:
    cap = current_app.config["MAX_TIME_LIMIT_S"]
    if time_limit_s > cap:
        reason = Text(
            f"time limit at most {cap} s per plan (MAX_TIME_LIMIT_S; got {time_limit_s})",
            f"每次求解时限最多 {cap} 秒（MAX_TIME_LIMIT_S；实际 {time_limit_s}）",
        )
        raise InputError(field, reason)


# --- views: plans ------------------------------------------------------------------


def plan_view(row: PlanRow, with_plan: bool = True) -> dict[str, Any]:
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
    """The scenario to plan: the body itself, or built from the ledger for ``{date, canteen}``."""
    if "clients" in body or "couriers" in body or isinstance(body.get("canteen"), dict):
        return body
    for name in ("date", "canteen"):
        if not isinstance(body.get(name), str):
            raise ScenarioError(name, message("missing_field", name=name))
    ledger_keys = {"date", "canteen", "name", "settings"}
    extra = next((k for k in body if k not in ledger_keys), None)
    if extra is not None:
        raise ScenarioError(extra, message("unknown_field", name=extra))
    return services().store.ledger_document(
        body["date"], body["canteen"], name=body.get("name"), settings=body.get("settings")
    )


def submit_plan() -> tuple[Response, int, dict[str, str]]:
    document = _plan_document(json_body())
    _check_client_cap(document)
    scenario = parse_scenario(document)
    time_limit_s = number_arg("time_limit_s", scenario.settings.time_limit_s)
    in_query = "time_limit_s" in request.args
    _check_time_cap(time_limit_s, "time_limit_s" if in_query else "settings.time_limit_s")
    seed = int(number_arg("seed", scenario.settings.seed))
    wait_s = min(number_arg("wait", 0.0), current_app.config["MAX_WAIT_S"])
    store, runner = services().store, services().runner
    owner = process_owner() if isinstance(runner, ProcessPool) else None
    plan_id = store.create_plan(
        document, time_limit_s=time_limit_s, seed=seed, version=__version__, owner=owner
    )
    try:
        runner.submit(JobSpec(plan_id, document, time_limit_s, seed))
    except QueueFullError:
        store.delete_plan(plan_id)
        raise
    log.info("plan %s queued", plan_id)
    row = _wait_for(plan_id, wait_s)
    status = 202 if row.status in ("queued", "running") else 200
    return jsonify(plan_view(row)), status, {"Location": f"/v1/plans/{plan_id}"}


def _wait_for(plan_id: str, wait_s: float) -> PlanRow:
    deadline = time.monotonic() + wait_s
    row = services().store.get_plan(plan_id)
    while row.status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        row = services().store.get_plan(plan_id)
    return row


def finished_plan(plan_id: str) -> PlanContext:
    """The stored scenario and plan of a finished job (404 / 409 otherwise)."""
    row = services().store.get_plan(plan_id)
    if row.status != "done" or row.plan is None:
        raise ConflictError(
            "status",
            Text(f"the plan is {row.status}, not done", f"该路线状态为 {row.status}，尚未完成"),
        )
    return PlanContext.of(parse_scenario(row.scenario), plan_from_dict(row.plan))


# --- views: ledger -------------------------------------------------------------------


def record_view(row: LedgerRow) -> dict[str, Any]:
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


# --- routes --------------------------------------------------------------------------


def _register_routes(app: Flask) -> None:
    _plan_routes(app)
    _ledger_routes(app)
    _misc_routes(app)
    _compare_routes(app)


def _plan_routes(app: Flask) -> None:
    @app.post("/v1/plans")
    @needs("planner")
    def post_plan() -> Any:
        return submit_plan()

    @app.get("/v1/plans")
    @needs("viewer")
    def list_plans() -> Any:
        rows = services().store.list_plans(
            date=request.args.get("date"), canteen=request.args.get("canteen")
        )
        return jsonify({"plans": [plan_view(r, with_plan=False) for r in rows]})

    @app.get("/v1/plans/<plan_id>")
    @needs("viewer")
    def get_plan(plan_id: str) -> Any:
        return jsonify(plan_view(services().store.get_plan(plan_id)))

    @app.delete("/v1/plans/<plan_id>")
    @needs("planner")
    def cancel_plan(plan_id: str) -> Any:
        services().runner.cancel(plan_id)
        log.info("plan %s cancelled", plan_id)
        return jsonify(plan_view(services().store.get_plan(plan_id)))

    @app.get("/v1/plans/<plan_id>/sheets/<courier>")
    @needs("viewer")
    def route_sheet(plan_id: str, courier: str) -> Any:
        lang = request.args.get("lang", "zh")
        if lang not in LANGUAGES:
            raise InputError("lang", message("not_one_of", allowed=", ".join(LANGUAGES), got=lang))
        part = finished_plan(plan_id)
        route = next((r for r in part.plan.routes if r.courier == courier), None)
        if route is None:
            reason = Text(f"no route for courier '{courier}'", f"没有配送员“{courier}”的路线")
            raise NotFoundError("courier", reason)
        html = route_sheet_html(part, route, lang)
        return Response(html, mimetype="text/html")

    @app.get("/v1/plans/<plan_id>/kitchen")
    @needs("viewer")
    def kitchen(plan_id: str) -> Any:
        return Response(kitchen_csv(finished_plan(plan_id)), mimetype="text/csv")

    @app.get("/v1/plans/<plan_id>/routes.geojson")
    @needs("viewer")
    def geojson(plan_id: str) -> Any:
        body = json.dumps(routes_geojson(finished_plan(plan_id)))
        return Response(body, mimetype="application/geo+json")

    @app.post("/v1/verify")
    @needs("viewer")
    def post_verify() -> Any:
        body = json_body()
        for name in ("scenario", "plan"):
            if name not in body:
                raise InputError(name, message("missing_field", name=name))
        if isinstance(body["scenario"], dict):
            _check_client_cap(body["scenario"], "scenario.clients")
        scenario = _prefixed(lambda: parse_scenario(body["scenario"]), "scenario")
        plan = _prefixed(lambda: plan_from_dict(body["plan"]), "plan")
        violations = verify(scenario, plan)
        found = [{k: v for k, v in asdict(x).items() if v is not None} for x in violations]
        return jsonify({"valid": not violations, "violations": found})


def compare_whatifs() -> dict[str, Any]:
    """``{base, whatifs, costs?}`` → the comparison (``compare.json``), planned in this request.

    Every plan gets the same time limit (``?time_limit_s=`` or the base's setting, capped),
    and the plans run in a pool of ``JOB_WORKERS`` processes forked from a clean server.
    """
    body = json_body()
    extra = next((k for k in body if k not in ("base", "whatifs", "costs")), None)
    if extra is not None:
        raise InputError(extra, message("unknown_field", name=extra))
    for name in ("base", "whatifs"):
        if name not in body:
            raise InputError(name, message("missing_field", name=name))
    if isinstance(body["base"], dict):
        _check_client_cap(body["base"], "base.clients")
    cap, whatifs = current_app.config["MAX_WHATIFS"], body["whatifs"]
    if isinstance(whatifs, list) and len(whatifs) > cap:
        raise InputError("whatifs", message("too_many_whatifs", cap=cap, got=len(whatifs)))
    columns = columns_from_body(body["base"], whatifs)
    for k, column in enumerate(columns[1:]):
        for part in column.parts:
            _check_client_cap(part, f"whatifs[{k}].changes")
    costs = read_costs(body["costs"]) if "costs" in body else None
    default_s = parse_scenario(columns[0].parts[0]).settings.time_limit_s
    time_limit_s = number_arg("time_limit_s", default_s)
    in_query = "time_limit_s" in request.args
    _check_time_cap(time_limit_s, "time_limit_s" if in_query else "base.settings.time_limit_s")
    seed = int(number_arg("seed", 0)) if "seed" in request.args else None
    planned = plan_columns(
        columns,
        time_limit_s=time_limit_s,
        seed=seed,
        workers=current_app.config["JOB_WORKERS"],
        start_method="forkserver",
    )
    log.info("compared %d what-if(s)", len(columns) - 1)
    return comparison(columns, planned, costs)


def _compare_routes(app: Flask) -> None:
    @app.post("/v1/compare")
    @needs("planner")
    def post_compare() -> Any:
        return jsonify(compare_whatifs())


def _prefixed(build: Callable[[], Any], prefix: str) -> Any:
    """Run a reader of part of the body; its field paths become relative to the body."""
    try:
        return build()
    except InputError as err:
        err.field = f"{prefix}.{err.field}" if err.field else prefix
        raise


def _ledger_routes(app: Flask) -> None:
    base = "/v1/<any(clients, couriers, canteens):kind>"

    @app.post(base)
    @needs("planner")
    def create_record(kind: str) -> Any:
        row = services().store.create_record(_kind(kind), _record_body())
        return jsonify(record_view(row)), 201, {"Location": f"/v1/{kind}/{row.record_id}"}

    @app.get(base)
    @needs("viewer")
    def list_records(kind: str) -> Any:
        inactive = request.args.get("include_inactive", "false").lower() in ("1", "true", "yes")
        rows = services().store.list_records(
            _kind(kind), canteen=request.args.get("canteen"), include_inactive=inactive
        )
        return jsonify({kind: [record_view(r) for r in rows]})

    @app.get(f"{base}/<record_id>")
    @needs("viewer")
    def get_record(kind: str, record_id: str) -> Any:
        return jsonify(record_view(services().store.get_record(_kind(kind), record_id)))

    @app.put(f"{base}/<record_id>")
    @needs("planner")
    def update_record(kind: str, record_id: str) -> Any:
        row = services().store.update_record(_kind(kind), _record_body(record_id))
        return jsonify(record_view(row))

    @app.delete(f"{base}/<record_id>")
    @needs("planner")
    def deactivate_record(kind: str, record_id: str) -> Any:
        return jsonify(record_view(services().store.deactivate_record(_kind(kind), record_id)))

    @app.get(f"{base}/<record_id>/history")
    @needs("viewer")
    def record_history(kind: str, record_id: str) -> Any:
        rows = services().store.record_history(_kind(kind), record_id)
        return jsonify({"history": [record_view(r) for r in rows]})


def _misc_routes(app: Flask) -> None:
    @app.get("/v1/health")
    def health() -> Any:
        store_ok, queue_ok = services().store.ping(), services().runner.healthy()
        body = {
            "status": "ok" if store_ok and queue_ok else "degraded",
            "version": __version__,
            "store": store_ok,
            "queue": queue_ok,
        }
        return jsonify(body), 200 if store_ok and queue_ok else 503

    @app.get("/v1/openapi.json")
    def openapi() -> Any:
        source = resources.files("dispatch.service").joinpath("openapi.json")
        return Response(source.read_text(encoding="utf-8"), mimetype="application/json")
