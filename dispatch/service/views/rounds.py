"""Grid teams' rounds over HTTP: ``POST /v1/rounds`` plans a team's day as a job on the same
runner as plans, ``POST /v1/visit_plans`` a week of visits, ``POST /v1/campaigns`` a
campaign of the street or of a team; ``GET /v1/rounds/{id}`` and
``GET /v1/visit_plans/{id}`` read them back (docs/api.md).

A team's key plans and reads its own team's rounds only (another team's job is "not found");
the street office's any; a canteen's key gets 403. A viewer may read, not plan.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, jsonify

from dispatch.errors import UnavailableError
from dispatch.service import requests as board
from dispatch.service.http import (
    json_body,
    needs,
    number_arg,
    request_key,
    services,
    time_limit_arg,
)
from dispatch.service.rounds import (
    campaign_about,
    campaign_document,
    round_about,
    round_document,
    week_document,
)
from dispatch.service.runner import JobSpec
from dispatch.service.street_ledger import street_scope
from dispatch.service.tables import PlanRow
from dispatch.service.views.plans import plan_view, wait_for
from dispatch.version import __version__

log = logging.getLogger("dispatch.api")

bp = Blueprint("rounds", __name__, url_prefix="/v1")
DEFAULT_TIME_LIMIT_S = 5.0


@bp.post("/rounds")
@needs("planner", teams=True)
def post_rounds() -> Any:
    viewer = board.viewer_of(request_key())
    document = round_document(services().store, json_body(), viewer)
    time_limit_s = time_limit_arg(DEFAULT_TIME_LIMIT_S, "time_limit_s")
    wait_s = min(number_arg("wait", 0.0), current_app.config["MAX_WAIT_S"])
    row = wait_for(submit_round(document, time_limit_s), wait_s, "round")
    return _answer(row, 202 if row.status in ("queued", "running") else 201)


@bp.get("/rounds/<job_id>")
@needs("viewer", teams=True)
def get_round(job_id: str) -> Any:
    return _answer(round_row(job_id), 200)


@bp.post("/visit_plans")
@needs("planner", teams=True)
def post_visit_plan() -> Any:
    viewer = board.viewer_of(request_key())
    document = week_document(services().store, json_body(), viewer)
    time_limit_s = time_limit_arg(DEFAULT_TIME_LIMIT_S * document["days"], "time_limit_s")
    wait_s = min(number_arg("wait", 0.0), current_app.config["MAX_WAIT_S"])
    row = wait_for(submit_round(document, time_limit_s, "week"), wait_s, "week")
    return _answer(row, 202 if row.status in ("queued", "running") else 201)


@bp.get("/visit_plans/<job_id>")
@needs("viewer", teams=True)
def get_visit_plan(job_id: str) -> Any:
    return _answer(round_row(job_id, "week"), 200)


@bp.post("/campaigns")
@needs("planner", teams=True)
def post_campaign() -> Any:
    viewer = board.viewer_of(request_key())
    document = campaign_document(services().store, json_body(), viewer)
    time_limit_s = time_limit_arg(DEFAULT_TIME_LIMIT_S, "time_limit_s")  # per team
    teams = 1 if document["campaign"]["team"] else len(document["teams"])
    wait_s = min(number_arg("wait", 0.0), current_app.config["MAX_WAIT_S"])
    job_id = submit_round(document, time_limit_s, "campaign", parts=teams)
    row = wait_for(job_id, wait_s, "campaign")
    return _answer(row, 202 if row.status in ("queued", "running") else 201)


@bp.get("/campaigns/<job_id>")
@needs("viewer", teams=True)
def get_campaign(job_id: str) -> Any:
    return _answer(round_row(job_id, "campaign"), 200)


def round_row(job_id: str, kind: str = "round") -> PlanRow:
    """The round (or ``week``) job ``job_id`` if the key sees its team ("not found" else)."""
    return services().store.get_plan(job_id, kind, canteen=street_scope(request_key()))


def submit_round(
    document: dict[str, Any], time_limit_s: float, kind: str = "round", parts: int = 1
) -> str:
    """Store a checked round, ``week`` or ``campaign`` document (``parts`` teams, each with
    ``time_limit_s``) and queue it; its job id."""
    store, runner = services().store, services().runner
    about = campaign_about(document) if kind == "campaign" else round_about(document)
    job_id = store.create_plan(
        document, time_limit_s=time_limit_s, seed=0, version=__version__, owner=runner.owner,
        kind=kind, about=about,
    )  # fmt: skip
    try:
        runner.submit(JobSpec(job_id, document, time_limit_s, 0, kind=kind, parts=parts))
    except UnavailableError:  # a full or silent queue: the job was never accepted
        store.delete_plan(job_id)
        raise
    log.info("%s %s queued (%d request(s))", kind, job_id, len(document["requests"]))
    return job_id


PATHS = {"round": "rounds", "week": "visit_plans", "campaign": "campaigns"}


def _answer(row: PlanRow, status: int) -> Any:
    """The job with its plan once done (``plan``), or as it stands."""
    body = plan_view(row)
    body["team"] = body.pop("canteen")
    return jsonify(body), status, {"Location": f"/v1/{PATHS[row.kind]}/{row.id}"}
