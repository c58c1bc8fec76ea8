"""Today: pick the date, the weather and who is off; "Plan" queues the day on the job runner."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, url_for

from dispatch.errors import DispatchError
from dispatch.scenario import parse_scenario
from dispatch.scenario.schedule import today as local_today
from dispatch.service.day import WEATHER_LEVELS, day_document
from dispatch.service.http import check_client_cap, check_time_cap, scope, services
from dispatch.service.views.plans import last_plan_keep, submit_plan
from dispatch.service.views.web.common import needs_role, said, web_blueprint

bp = web_blueprint("web_today")


def canteens() -> list[tuple[str, str]]:
    """``(id, name)`` of the canteens this login sees."""
    rows = services().store.list_records("canteens", canteen=scope())
    return [(r.record_id, str(r.data.get("name") or r.record_id)) for r in rows]


def chosen_canteen() -> str | None:
    """The canteen of the page: the login's own, else ``?canteen=`` or the first one."""
    seen = [c for c, _ in canteens()]
    asked = request.values.get("canteen")
    return asked if asked in seen else (seen[0] if seen else None)


@bp.get("/today")
def today() -> Any:
    return _page(error=None)


@bp.post("/today")
@needs_role("planner")
def plan_today() -> Any:
    canteen = chosen_canteen()
    if canteen is None:
        return _page(error=None)
    form = request.form
    try:
        document = day_document(
            services().store,
            canteen,
            form.get("date") or local_today().isoformat(),
            weather=form.get("weather", "clear"),
            off=form.getlist("off"),
            settings=current_app.config.get("PLAN_SETTINGS"),
        )
        keep = last_plan_keep(canteen)
        document["keep"] = {c["id"]: keep[c["id"]] for c in document["clients"] if c["id"] in keep}
        check_client_cap(document)
        settings = parse_scenario(document).settings
        check_time_cap(settings.time_limit_s, "settings.time_limit_s")
        row = submit_plan(document, settings.time_limit_s, settings.seed, 0.0)
    except DispatchError as err:
        return _page(error=f"{err.field}: {said(err.reason)}" if err.field else said(err.reason))
    return redirect(url_for("web_plans.plan", plan_id=row.id))


def _page(error: str | None) -> Any:
    canteen = chosen_canteen()
    store = services().store
    couriers = [
        row for kind in ("couriers", "walkers") if canteen
        for row in store.list_records(kind, canteen=canteen)
    ]  # fmt: skip
    recent = store.list_plans(canteen=canteen, limit=5) if canteen else []
    return render_template(
        "today.html",
        canteens=canteens(),
        canteen=canteen,
        couriers=couriers,
        recent=recent,
        levels=WEATHER_LEVELS,
        date=request.values.get("date") or local_today().isoformat(),
        weather=request.values.get("weather", "clear"),
        off=set(request.values.getlist("off")),
        error=error,
    ), (422 if error else 200)
