"""What-if: start from a stored plan, pick changes from a menu, run them beside it on the job
runner, and read the comparison (``dispatch.report.compare``) with its charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import jsonify, redirect, render_template, request, url_for

from dispatch.errors import DispatchError, InputError
from dispatch.report.compare import table_rows
from dispatch.scenario.client_rows import read_client_rows
from dispatch.service.day import WEATHER_LEVELS
from dispatch.service.http import scope, services
from dispatch.service.views.compare import read_comparison, submit_comparison
from dispatch.service.views.web.common import needs_role, said, web_blueprint
from dispatch.service.views.web.plans import charts_of, status_body

bp = web_blueprint("web_whatif")


@bp.get("/whatif")
def whatif() -> Any:
    return _form(error=None)


@bp.post("/whatif")
@needs_role("planner")
def run() -> Any:
    base = services().store.get_plan(request.form.get("plan", ""), canteen=scope())
    try:
        changes = _changes()
        body = {"base": base.scenario, "whatifs": [{"name": "whatif", "changes": changes}]}
        body, parts, time_limit_s, seed = read_comparison(body)
        job_id = submit_comparison(body, parts, time_limit_s, seed)
    except DispatchError as err:
        return _form(error=f"{err.field}: {said(err.reason)}" if err.field else said(err.reason))
    return redirect(url_for("web_whatif.result", job_id=job_id))


def _changes() -> list[dict[str, Any]]:
    """The changes picked on the form, in the what-if files' format (docs/whatif.md)."""
    form = request.form
    changes: list[dict[str, Any]] = []
    if form.get("weather"):
        changes.append({"weather": form["weather"]})
    changes += [{"courier_off": c} for c in form.getlist("off")]
    minutes = form.get("shift_min", "").strip()
    if minutes:
        changes.append({"shift_windows": {"clients": f"{minutes}min"}})
    moved = form.getlist("moved")
    if form.get("second_lat") or form.get("second_lon") or moved:
        changes.append({"add_canteen": _second_canteen(moved)})
    upload = request.files.get("clients")
    if upload is not None and upload.filename:
        rows = read_client_rows(upload.read(), Path(upload.filename).name)
        if rows.errors:
            raise InputError(rows.errors[0].where(), rows.errors[0].reason)
        changes.append({"add_clients": list(rows.clients)})
    return changes


def _second_canteen(moved: list[str]) -> dict[str, Any]:
    """A second canteen where the form places it, its meals ready with the first's, and the
    couriers moved there; the gate checks it as a what-if file's ``add_canteen``."""
    form = request.form
    base = services().store.get_plan(form.get("plan", ""), canteen=scope()).scenario
    location = {k: _number(form.get(f"second_{k}", "")) for k in ("lat", "lon")}
    if "coordinates" in base.get("canteen", {}).get("location", {}):
        location["coordinates"] = base["canteen"]["location"]["coordinates"]
    canteen = {
        "id": "second-canteen",
        "name": form.get("second_name", "").strip() or "second-canteen",
        "location": location,
        "meals_ready": base.get("canteen", {}).get("meals_ready", "10:40"),
    }
    return {"canteen": canteen, "couriers": moved}


def _number(cell: str) -> Any:
    """A coordinate, or the text as typed for the gate to name."""
    try:
        return float(cell)
    except ValueError:
        return cell


def _form(error: str | None) -> Any:
    store = services().store
    plans = [r for r in store.list_plans(canteen=scope(), limit=50) if r.status == "done"]
    chosen = request.values.get("plan") or (plans[0].id if plans else "")
    base = next((r for r in plans if r.id == chosen), None)
    couriers = [c["id"] for c in base.scenario.get("couriers", [])] if base else []
    return render_template(
        "whatif.html",
        plans=plans,
        chosen=chosen,
        couriers=couriers,
        levels=WEATHER_LEVELS,
        error=error,
    ), (422 if error else 200)


@bp.get("/whatif/<job_id>/status")
def status(job_id: str) -> Any:
    return jsonify(status_body(services().store.get_plan(job_id, "compare", canteen=scope())))


@bp.get("/whatif/<job_id>")
def result(job_id: str) -> Any:
    row = services().store.get_plan(job_id, "compare", canteen=scope())
    if row.status != "done" or row.plan is None:
        unfinished = row.status in ("queued", "running")
        return render_template("progress.html", row=row, unfinished=unfinished, compare=True)
    data = row.plan
    return render_template(
        "compare.html", data=data, rows=table_rows(data), charts=charts_of(data), job=row
    )
