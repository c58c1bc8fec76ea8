"""What-if comparisons: ``POST /v1/compare`` plans a base and its what-ifs in the request."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from dispatch.errors import InputError
from dispatch.messages import text as message
from dispatch.planning.batch import plan_columns
from dispatch.report.compare import comparison
from dispatch.scenario import parse_scenario
from dispatch.scenario.costs import read_costs
from dispatch.scenario.whatif import columns_from_body
from dispatch.service.http import check_client_cap, json_body, needs, number_arg, time_limit_arg

log = logging.getLogger("dispatch.api")

bp = Blueprint("compare", __name__, url_prefix="/v1")


@bp.post("/compare")
@needs("planner")
def post_compare() -> Any:
    return jsonify(compare_whatifs(json_body()))


def compare_whatifs(body: dict[str, Any]) -> dict[str, Any]:
    """``{base, whatifs, costs?}`` → the comparison (``compare.json``), planned in this request.

    Every plan gets the same time limit (``?time_limit_s=`` or the base's setting, capped),
    and the plans run in a pool of ``JOB_WORKERS`` processes forked from a clean server.
    """
    extra = next((k for k in body if k not in ("base", "whatifs", "costs")), None)
    if extra is not None:
        raise InputError(extra, message("unknown_field", name=extra))
    for name in ("base", "whatifs"):
        if name not in body:
            raise InputError(name, message("missing_field", name=name))
    if isinstance(body["base"], dict):
        check_client_cap(body["base"], "base.clients")
    cap, whatifs = current_app.config["MAX_WHATIFS"], body["whatifs"]
    if isinstance(whatifs, list) and len(whatifs) > cap:
        raise InputError("whatifs", message("too_many_whatifs", cap=cap, got=len(whatifs)))
    columns = columns_from_body(body["base"], whatifs)
    for k, column in enumerate(columns[1:]):
        for part in column.parts:
            check_client_cap(part, f"whatifs[{k}].changes")
    costs = read_costs(body["costs"]) if "costs" in body else None
    default_s = parse_scenario(columns[0].parts[0]).settings.time_limit_s
    time_limit_s = time_limit_arg(default_s, "base.settings.time_limit_s")
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
