"""About the service itself: health and the OpenAPI document; neither needs a key."""

from __future__ import annotations

from importlib import resources
from typing import Any

from flask import Blueprint, Response, jsonify

from dispatch.errors import STORE_RETRY_AFTER_S
from dispatch.service.http import services
from dispatch.version import __version__

bp = Blueprint("meta", __name__, url_prefix="/v1")


@bp.get("/health")
def health() -> Any:
    store_ok, queue_ok = services().store.ping(), services().runner.healthy()
    body = {
        "status": "ok" if store_ok and queue_ok else "degraded",
        "version": __version__,
        "store": store_ok,
        "queue": queue_ok,
    }
    if store_ok and queue_ok:
        return jsonify(body), 200
    return jsonify(body), 503, {"Retry-After": str(STORE_RETRY_AFTER_S)}


@bp.get("/openapi.json")
def openapi() -> Any:
    source = resources.files("dispatch.service").joinpath("openapi.json")
    return Response(source.read_text(encoding="utf-8"), mimetype="application/json")
