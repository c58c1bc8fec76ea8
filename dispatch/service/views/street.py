"""The grid register over HTTP: ``/v1/streets``, ``/v1/communities``, ``/v1/grids``,
``/v1/stations``, ``/v1/teams``, ``/v1/buildings``, ``/v1/households`` (docs/api.md).

Thin: the checks and the scoping are ``dispatch.service.street_ledger``'s. A key of the
street office sees and changes everything; a team's key (``dispatch keys create --team``)
sees its own team, buildings and households and changes only those households; a canteen's
key gets 403. A viewer reads households without their notes and teams without phones.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, jsonify, request

from dispatch.errors import ScenarioError
from dispatch.messages import text
from dispatch.scenario.street_records import STREET_KINDS, StreetKind
from dispatch.service.http import iso, json_body, needs, request_key, services
from dispatch.service.street_ledger import StreetLedger, street_scope
from dispatch.service.street_tables import StreetRow

bp = Blueprint("street", __name__, url_prefix="/v1")

# List filters: query parameter → what a record must have for it.
FILTERS = ("street", "team", "building", "group", "grid")


def _ledger() -> StreetLedger:
    return StreetLedger(services().store)


@needs("viewer", teams=True)
def list_records(kind: str) -> Any:
    team = street_scope(request_key())
    inactive = request.args.get("include_inactive", "false").lower() in ("1", "true", "yes")
    rows = _ledger().records(
        _kind(kind), team=team, street=request.args.get("street"), include_inactive=inactive
    )
    rows = [r for r in rows if _matches(r, team)]
    return jsonify({kind: [street_view(r) for r in rows]})


@needs("planner", teams=True)
def create_record(kind: str) -> Any:
    team = street_scope(request_key())
    row = _ledger().create(_kind(kind), json_body(), team=team)
    return jsonify(street_view(row)), 201, {"Location": f"/v1/{kind}/{row.record_id}"}


@needs("viewer", teams=True)
def get_record(kind: str, record_id: str) -> Any:
    team = street_scope(request_key())
    return jsonify(street_view(_ledger().get(_kind(kind), record_id, team=team)))


@needs("planner", teams=True)
def update_record(kind: str, record_id: str) -> Any:
    team = street_scope(request_key())
    body = json_body()
    body.setdefault("id", record_id)
    if body["id"] != record_id:
        raise ScenarioError("id", text("record_id_mismatch", record_id=record_id))
    return jsonify(street_view(_ledger().update(_kind(kind), body, team=team)))


# One rule per collection (not a converter), so each is a path of its own in openapi.json.
for _name in STREET_KINDS:
    _one = f"/{_name}/<record_id>"
    _defaults = {"kind": _name}
    bp.add_url_rule(f"/{_name}", f"list_{_name}", list_records, defaults=_defaults)
    bp.add_url_rule(
        f"/{_name}", f"create_{_name}", create_record, methods=["POST"], defaults=_defaults
    )
    bp.add_url_rule(_one, f"get_{_name}", get_record, defaults=_defaults)
    bp.add_url_rule(_one, f"update_{_name}", update_record, methods=["PUT"], defaults=_defaults)


def _matches(row: StreetRow, team: str | None) -> bool:
    """Whether a listed record passes the query's filters (``?team=`` of buildings and
    households is the covering team; ``?group=`` any member's special group)."""
    for name in FILTERS:
        wanted = request.args.get(name)
        if not wanted or name == "street":
            continue
        if name == "group":
            members = row.data.get("members", [])
            if row.kind != "households" or wanted not in {m.get("group") for m in members}:
                return False
        elif name == "team" and row.kind == "households":
            building = _ledger().find("buildings", str(row.data.get("building")))
            if building is None or building.data.get("team") != wanted:
                return False
        elif row.data.get(name) != wanted:
            return False
    return True


def street_view(row: StreetRow) -> dict[str, Any]:
    """One version of a record as the request's key may see it."""
    data = row.data
    if request_key().role == "viewer":
        if row.kind == "households":
            data = {k: v for k, v in data.items() if k != "notes"}
        if row.kind == "teams":
            members = [{k: v for k, v in m.items() if k != "phone"} for m in data["members"]]
            data = {**data, "members": members}
    return {
        "id": row.record_id,
        "version": row.version,
        "active": row.active,
        "updated_at": iso(row.created_at),
        "data": data,
    }


def _kind(kind: str) -> StreetKind:
    """The route converter admits only the register's collections."""
    return cast(StreetKind, kind)
