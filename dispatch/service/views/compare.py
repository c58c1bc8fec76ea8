"""What-if comparisons: ``POST /v1/compare`` checks a base and its what-ifs and queues them
as one job on the same runner as plans; ``GET /v1/compare/{id}`` reads it back."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from dispatch.errors import InputError, ScenarioError, UnavailableError
from dispatch.messages import text as message
from dispatch.scenario import parse_scenario
from dispatch.scenario.costs import read_costs
from dispatch.scenario.schedule import today
from dispatch.scenario.whatif import columns_from_body
from dispatch.service.http import (
    check_client_cap,
    json_body,
    maps_network,
    needs,
    number_arg,
    scope,
    seed_arg,
    services,
    time_limit_arg,
)
from dispatch.service.runner import JobSpec
from dispatch.service.tables import PlanRow
from dispatch.service.views.plans import plan_view, wait_for
from dispatch.version import __version__

log = logging.getLogger("dispatch.api")

bp = Blueprint("compare", __name__, url_prefix="/v1")


@bp.post("/compare")
@needs("planner")
def post_compare() -> Any:
    body, parts, time_limit_s, seed = read_comparison(json_body())
    if scope() not in (None, body["base"]["canteen"]["id"]):
        reason = message("key_compares_only", scope=scope())
        raise ScenarioError("base.canteen.id", reason)
    body["base"].setdefault("date", today().isoformat())  # a register's today, pinned now
    wait_s = min(number_arg("wait", 0.0), current_app.config["MAX_WAIT_S"])
    row = wait_for(submit_comparison(body, parts, time_limit_s, seed), wait_s, "compare")
    return _answer(row, 202 if row.status in ("queued", "running") else 200)


@bp.get("/compare/<job_id>")
@needs("viewer")
def get_compare(job_id: str) -> Any:
    return _answer(services().store.get_plan(job_id, "compare", canteen=scope()), 200)


@bp.delete("/compare/<job_id>")
@needs("planner")
def cancel_compare(job_id: str) -> Any:
    services().store.get_plan(job_id, "compare", canteen=scope())
    services().runner.cancel(job_id)
    log.info("comparison %s cancelled", job_id)
    return _answer(services().store.get_plan(job_id, "compare"), 200)


def submit_comparison(
    body: dict[str, Any], parts: int, time_limit_s: float, seed: int | None
) -> str:
    """Store a checked comparison (``read_comparison``) and queue it; its job id."""
    store, runner = services().store, services().runner
    job_id = store.create_plan(
        body, time_limit_s=time_limit_s, seed=seed, version=__version__, owner=runner.owner,
        kind="compare", about=body["base"],
    )  # fmt: skip
    try:
        runner.submit(JobSpec(job_id, body, time_limit_s, seed, kind="compare", parts=parts))
    except UnavailableError:  # a full or silent queue: the job was never accepted
        store.delete_plan(job_id)
        raise
    log.info("comparison %s queued (%d what-if(s), %d plans)", job_id, len(body["whatifs"]), parts)
    return job_id


def _answer(row: PlanRow, status: int) -> Any:
    """A done comparison is its ``compare.json``; any other is the job (status, error)."""
    body = row.plan if row.status == "done" else plan_view(row, with_plan=False)
    return jsonify(body), status, {"Location": f"/v1/compare/{row.id}"}


def read_comparison(body: dict[str, Any]) -> tuple[dict[str, Any], int, float, int | None]:
    """``{base, whatifs, costs?}`` checked as the job will read it: the body (networks made
    server paths), its number of plans, the time limit of each and the seed (``None``: each
    scenario's own). Every plan gets ``?time_limit_s=`` or the base's setting, capped."""
    extra = next((k for k in body if k not in ("base", "whatifs", "costs")), None)
    if extra is not None:
        raise InputError(extra, message("unknown_field", name=extra))
    for name in ("base", "whatifs"):
        if name not in body:
            raise InputError(name, message("missing_field", name=name))
    body = {**body, "base": maps_network(body["base"], "base.network")}
    if isinstance(body["base"], dict):
        check_client_cap(body["base"], "base.clients")
    cap, whatifs = current_app.config["MAX_WHATIFS"], body["whatifs"]
    if isinstance(whatifs, list) and len(whatifs) > cap:
        raise InputError("whatifs", message("too_many_whatifs", cap=cap, got=len(whatifs)))
    if isinstance(whatifs, list):
        body["whatifs"] = [_whatif_networks(w, f"whatifs[{k}]") for k, w in enumerate(whatifs)]
    columns = columns_from_body(body["base"], body["whatifs"])
    for k, column in enumerate(columns[1:]):
        for part in column.parts:
            check_client_cap(part, f"whatifs[{k}].changes")
    if "costs" in body:
        read_costs(body["costs"])
    default_s = parse_scenario(columns[0].parts[0]).settings.time_limit_s
    time_limit_s = time_limit_arg(default_s, "base.settings.time_limit_s")
    seed = seed_arg(0, "seed") if "seed" in request.args else None
    return body, sum(len(c.parts) for c in columns), time_limit_s, seed


def _whatif_networks(whatif: Any, where: str) -> Any:
    """A what-if whose ``set`` changes may name a ``network``: each checked like the base's."""
    changes = whatif.get("changes") if isinstance(whatif, dict) else None
    if not isinstance(changes, list):
        return whatif
    checked = [
        {**c, "set": maps_network(c["set"], f"{where}.changes[{j}].set.network")}
        if isinstance(c, dict) and isinstance(c.get("set"), dict)
        else c
        for j, c in enumerate(changes)
    ]
    return {**whatif, "changes": checked}
