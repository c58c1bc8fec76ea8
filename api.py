"""The app factory: ``create_app(config)``: the HTTP API at ``/v1``, the staff pages at ``/``,
the one error table, JSON errors.

The API's views are blueprints in ``dispatch.service.views`` (plans, ledger, compare, meta);
what they share (services, the key check, request readers and caps) is
``dispatch.service.http``. The pages are blueprints in ``dispatch.service.views.web``
(docs/web.md), signed in with a login (``dispatch.service.users``) instead of a key.

Conventions (docs/api.md): times are seconds after midnight of the scenario's date (``*_s``)
plus ``HH:MM`` copies, durations seconds, distances metres, locations ``{lat, lon}`` WGS-84;
timestamps of records are UTC ISO 8601. Every error is ``{"error": {type, message,
message_zh, field}}`` with the status from ``ERROR_STATUS``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from dispatch.errors import (
    AuthError,
    BodyError,
    ConflictError,
    DispatchError,
    ForbiddenError,
    InputError,
    NotFoundError,
    RateLimitError,
    UnavailableError,
)
from dispatch.messages import Text, text
from dispatch.service.http import Services
from dispatch.service.jobs import ProcessPool, RQRunner
from dispatch.service.notify import sender_for
from dispatch.service.runner import Runner
from dispatch.service.store import Store
from dispatch.service.throttle import FailedAuthLimit
from dispatch.service.users import session_secret
from dispatch.service.views import (
    compare,
    keys,
    ledger,
    meta,
    outcomes,
    plans,
    reports,
    requests,
    rounds,
    street,
)
from dispatch.service.views.web import (
    auth,
    board,
    courier,
    imports,
    register,
    street_requests,
    today,
    whatif,
)
from dispatch.service.views.web import campaigns as campaign_pages
from dispatch.service.views.web import plans as plan_pages
from dispatch.service.views.web import (
    reports as report_pages,
)
from dispatch.service.views.web import rounds as round_pages
from dispatch.service.views.web import street as street_pages
from dispatch.service.views.web.common import init_pages
from dispatch.service.welfare import DEFAULT_STEPS
from dispatch.service.welfare_ticker import WelfareTicker, read_steps

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
    "MAPS_DIR": None,  # folder of the road networks a body may name (by file name)
    "AUTH_FAILURE_LIMIT": "10/minute",  # failed key checks per client address, then 429
    # The staff pages (docs/web.md): signed session cookies, CSRF tokens valid per session.
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,  # seconds a login stays signed in
    "WTF_CSRF_TIME_LIMIT": None,
    "PLAN_SETTINGS": None,  # settings of the days the Today page plans (e.g. iterations)
    "TILE_URL": None,  # a map tile URL template for the pages' maps; none: no tiles
    # Welfare cases (docs/api.md "Outcomes and welfare cases"): the escalation and its sender.
    "WELFARE_TICK_S": 60,  # seconds between escalation ticks; 0: no ticker in this server
    "WELFARE_STEPS": [dict(s) for s in DEFAULT_STEPS],  # [{after_min, action, to?}]
    "NOTIFY_WEBHOOK_URL": None,  # POST each escalation notice here; none: log them
    "NOTIFY_TIMEOUT_S": 5.0,  # seconds a webhook call may take
    "BOARD_POLL_S": 15.0,  # seconds between the station head's board's updates
}


# The one table from our errors to HTTP statuses; the first matching class wins.
ERROR_STATUS: tuple[tuple[type[DispatchError], int], ...] = (
    (BodyError, 400),
    (ForbiddenError, 403),
    (AuthError, 401),
    (NotFoundError, 404),
    (ConflictError, 409),
    (InputError, 422),
    (RateLimitError, 429),
    (UnavailableError, 503),  # queue full, store not answering: with Retry-After
)

# Flask's own errors, in both languages; the body-size text names the limit in bytes.
HTTP_ERRORS: dict[int, tuple[str, str]] = {  # status → (error type, message code)
    400: ("bad_request", "http_bad_request"),
    404: ("not_found", "http_not_found"),
    405: ("method_not_allowed", "http_method_not_allowed"),
    413: ("too_large", "http_too_large"),
    415: ("unsupported_media_type", "http_unsupported_media_type"),
}
INTERNAL = text("http_internal")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configure, migrate the store, fail orphaned jobs, start the runner,
    register the blueprints and the JSON error handlers."""
    app = Flask(__name__, instance_relative_config=True)
    # Chinese as UTF-8 on the wire, not \u escapes, and the charset said in the header.
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.mimetype = "application/json; charset=utf-8"  # type: ignore[attr-defined]
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(_environment())
    if config:
        app.config.from_mapping(config)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = instance_database_url(app)
    steps = read_steps(app.config["WELFARE_STEPS"])  # a bad setting stops the start, first
    store = Store(app.config["DATABASE_URL"])
    store.migrate()
    orphans = store.fail_orphans()
    if orphans:
        log.warning("marked %d interrupted job(s) failed", len(orphans))
    auth_failures = FailedAuthLimit(
        app.config["AUTH_FAILURE_LIMIT"], app.config.get("QUEUE_URL"), app.config["QUEUE_NAME"]
    )
    ticker = _welfare_ticker(app, store, steps)
    app.extensions["dispatch"] = Services(store, _runner(app, store), auth_failures, ticker)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = session_secret(app.config["DATABASE_URL"])
    _register_errors(app)
    api = [
        views.bp
        for views in (plans, ledger, keys, meta, compare, outcomes, street, requests, rounds)
    ]
    api.append(reports.bp)
    api.append(courier.api_bp)  # the courier's page posts here, with its link, not a cookie
    for bp in api:
        app.register_blueprint(bp)
    pages = [
        auth.bp,
        today.bp,
        board.bp,
        courier.bp,
        plan_pages.bp,
        whatif.bp,
        register.bp,
        imports.bp,
        street_pages.bp,
    ]
    pages += [
        street_requests.bp,
        report_pages.bp,
        round_pages.bp,
        round_pages.member_bp,
        campaign_pages.bp,
    ]
    init_pages(app, api, pages)
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
        "DISPATCH_MAPS_DIR": "MAPS_DIR",
        "DISPATCH_TILE_URL": "TILE_URL",
        "DISPATCH_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
        "DISPATCH_NOTIFY_WEBHOOK": "NOTIFY_WEBHOOK_URL",
        "DISPATCH_WELFARE_TICK_S": "WELFARE_TICK_S",
        "DISPATCH_WELFARE_STEPS": "WELFARE_STEPS",
    }
    out: dict[str, Any] = {}
    for env, key in names.items():
        if os.environ.get(env):
            value = os.environ[env]
            out[key] = int(value) if key.startswith("JOB_") else value
    if "WELFARE_TICK_S" in out:
        out["WELFARE_TICK_S"] = float(out["WELFARE_TICK_S"])
    if "WELFARE_STEPS" in out:  # JSON, as the setting
        out["WELFARE_STEPS"] = json.loads(out["WELFARE_STEPS"])
    if "SESSION_COOKIE_SECURE" in out:
        out["SESSION_COOKIE_SECURE"] = out["SESSION_COOKIE_SECURE"].lower() in ("1", "true", "yes")
    return out


def _welfare_ticker(
    app: Flask, store: Store, steps: Sequence[Mapping[str, Any]]
) -> WelfareTicker | None:
    """The escalation ticker of this server, unless ``WELFARE_TICK_S`` is 0."""
    if not app.config["WELFARE_TICK_S"]:
        return None
    sender = sender_for(app.config["NOTIFY_WEBHOOK_URL"], float(app.config["NOTIFY_TIMEOUT_S"]))
    return WelfareTicker(store, sender, float(app.config["WELFARE_TICK_S"]), steps)


def _runner(app: Flask, store: Store) -> Runner:
    if app.config.get("QUEUE_URL"):
        return RQRunner(
            store,
            app.config["QUEUE_URL"],
            name=app.config["QUEUE_NAME"],
            max_queued=app.config["QUEUE_MAX"],
        )
    return ProcessPool(store, app.config["JOB_WORKERS"], app.config["JOB_QUEUE_SIZE"])


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
        if isinstance(err, UnavailableError | RateLimitError):
            headers["Retry-After"] = str(err.retry_after_s)
        if isinstance(err, AuthError) and status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="dispatch"'
        return jsonify(_error_body(err.kind, err.reason, err.field)), status, headers

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> tuple[Response, int, dict[str, str]]:
        status = err.code or 500
        kind, code = HTTP_ERRORS.get(status, ("http_error", "http_other"))
        reason = text(code, limit=app.config["MAX_CONTENT_LENGTH"], status=status)
        if status >= 500:
            cause = getattr(err, "original_exception", None)
            log.error("%s on %s %s", status, request.method, request.path, exc_info=cause)
            kind, reason = "internal_error", INTERNAL
        headers = {k: v for k, v in err.get_headers() if k.lower() == "allow"}
        return jsonify(_error_body(kind, reason)), status, headers
