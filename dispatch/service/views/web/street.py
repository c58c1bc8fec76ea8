"""The grid register's pages (网格台账): the street's grids → teams → buildings → households,
filtered by special group and team; a team's page with its members; the household import
(preview → confirm, as the clients' import page) and its template workbook.

The pages call what ``/v1/households`` calls (``StreetLedger``) with the login's scope: the
street office sees the whole street, a team's login only its team (``street_scope``), a
canteen's login gets the 403 page. A team's login may use only these pages.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from flask import Response, redirect, render_template, request, url_for

from dispatch.errors import NotFoundError
from dispatch.messages import text as message
from dispatch.report.workbooks import XLSX
from dispatch.scenario.household_template import households_template_xlsx
from dispatch.scenario.street_records import GROUPS, MEMBER_KINDS
from dispatch.service.household_import import Preview, apply, preview
from dispatch.service.http import services
from dispatch.service.register_import import RowError
from dispatch.service.street_ledger import StreetLedger, street_scope
from dispatch.service.views.web.common import needs_role, user, web_blueprint

bp = web_blueprint("web_street", teams=True)


def _team() -> str | None:
    info = user()
    assert info is not None  # every page here needs a login
    return street_scope(info)


@bp.get("/street")
@needs_role("viewer", teams=True)
def register() -> Any:
    team, ledger = _team(), StreetLedger(services().store)
    group, only = request.args.get("group", ""), request.args.get("team", "")
    teams = ledger.records("teams", team=team)
    buildings = ledger.records("buildings", team=team)
    households = ledger.records("households", team=team)
    team_of = {b.record_id: b.data["team"] for b in buildings}
    shown = [
        h
        for h in households
        if (not group or group in {m.get("group") for m in h.data["members"]})
        and (not only or team_of.get(h.data["building"]) == only)
    ]
    own = {t.data["grid"] for t in teams}
    grids = [g for g in ledger.records("grids") if team is None or g.record_id in own]
    return render_template(
        "street.html", grids=grids, teams=teams, buildings=buildings, households=shown,
        total=len(households), groups=GROUPS, group=group, only=only, team_of=team_of,
        communities={c.record_id: c.data["name"] for c in ledger.records("communities")},
    )  # fmt: skip


@bp.get("/street/teams/<team_id>")
@needs_role("viewer", teams=True)
def team_page(team_id: str) -> Any:
    ledger = StreetLedger(services().store)
    crew = ledger.get("teams", team_id, team=_team())
    buildings = [b for b in ledger.records("buildings") if b.data["team"] == team_id]
    counts = {b.record_id: 0 for b in buildings}
    for household in ledger.records("households"):
        if household.data["building"] in counts:
            counts[household.data["building"]] += 1
    return render_template(
        "street_team.html", team=crew, buildings=buildings, counts=counts, kinds=MEMBER_KINDS
    )


@bp.get("/street/import")
@needs_role("planner", teams=True)
def upload() -> Any:
    _team()
    return render_template("street_import.html", preview=None)


@bp.post("/street/import")
@needs_role("planner", teams=True)
def check() -> Any:
    file = request.files.get("file")
    if file is None or not file.filename:
        reason = message("web_import_no_file")
        return _page(Preview(errors=[RowError("file", reason.en, reason.zh)]), "", ""), 422
    data = file.read()
    checked = _checked(data, file.filename)
    payload = base64.b64encode(data).decode("ascii")
    return _page(checked, payload, file.filename), (200 if not checked.errors else 422)


@bp.post("/street/import/confirm")
@needs_role("planner", teams=True)
def confirm() -> Any:
    filename = request.form.get("filename", "households.csv")
    try:
        data = base64.b64decode(request.form.get("payload", ""), validate=True)
    except binascii.Error:
        data = b""
    checked = _checked(data, filename)
    if not checked.ready:
        return _page(checked, request.form.get("payload", ""), filename), 422
    saved = apply(services().store, checked, _team())
    return redirect(url_for("web_street.register", imported=saved))


@bp.get("/street/households-template.xlsx")
@needs_role("viewer", teams=True)
def template() -> Any:
    headers = {"Content-Disposition": "attachment; filename=households-template.xlsx"}
    return Response(households_template_xlsx(), mimetype=XLSX, headers=headers)


def _street() -> str:
    """The street households are imported into: the team's, else the register's first."""
    ledger, team = StreetLedger(services().store), _team()
    if team is not None:
        return ledger.get("teams", team, team=team).street
    streets = ledger.records("streets")
    if not streets:
        raise NotFoundError("street", message("street_missing", street="-"))
    return streets[0].record_id


def _checked(data: bytes, filename: str) -> Preview:
    name = Path(filename).name or "households.csv"
    return preview(services().store, data, name, street=_street(), team=_team())


def _page(checked: Preview, payload: str, filename: str) -> str:
    return render_template(
        "street_import.html", preview=checked, payload=payload, filename=filename
    )
