"""Street register records: one community, grid, station, team, building or household, checked
by the street document's JSON Schema (``schema/street.schema.json``, one ``$defs`` entry per
kind), so a register record and a street file's entry obey the same rules.

Field paths in the errors are relative to the record (``members[0].kind``). Locations are
kept in WGS-84: ``wgs84_locations`` converts a record given in GCJ-02 or BD-09 before it is
stored. References between records (a household's building) are the register's to check.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, cast

from dispatch.errors import ScenarioError
from dispatch.messages import text
from dispatch.scenario.json_schema import _is_clock, _translate, is_date
from dispatch.travel import geo

if TYPE_CHECKING:
    import jsonschema

StreetKind = Literal[
    "streets", "communities", "grids", "stations", "teams", "buildings", "households"
]
STREET_KINDS: tuple[StreetKind, ...] = (
    "streets",
    "communities",
    "grids",
    "stations",
    "teams",
    "buildings",
    "households",
)
_DEFS: dict[StreetKind, str] = {
    "streets": "street",
    "communities": "community",
    "grids": "grid",
    "stations": "station",
    "teams": "team",
    "buildings": "building",
    "households": "household",
}
MEMBER_KINDS = (
    "grid_leader",
    "party_member",
    "residents_committee",
    "partner_unit",
    "grid_worker",
    "medical",
    "property",
    "volunteer",
)
GROUPS = (
    "empty_nest_elderly",
    "children_in_difficulty",
    "pregnant_postpartum",
    "severely_disabled",
    "seriously_ill",
)


@cache
def street_schema() -> dict[str, Any]:
    """The JSON Schema of the street document (shipped with the package)."""
    source = resources.files("dispatch.scenario").joinpath("schema/street.schema.json")
    return cast(dict[str, Any], json.loads(source.read_text(encoding="utf-8")))


@cache
def _validator(kind: StreetKind) -> jsonschema.protocols.Validator:
    import jsonschema

    schema = street_schema()
    entry = {"$defs": schema["$defs"], **schema["$defs"][_DEFS[kind]]}
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("clock")(lambda value: not isinstance(value, str) or _is_clock(value))
    checker.checks("date")(lambda value: not isinstance(value, str) or is_date(value))
    cls = jsonschema.validators.validator_for(schema)
    return cast(jsonschema.protocols.Validator, cls(entry, format_checker=checker))


def validate_street_record(kind: StreetKind, data: Any) -> None:
    """Raise the record's first schema error (a typo before a missing field) and the first
    repeated member id; paths are relative to the record."""
    if not isinstance(data, Mapping):
        raise ScenarioError("", text("not_mapping"))
    errors = list(_validator(kind).iter_errors(dict(data)))
    errors.sort(key=lambda e: (e.validator != "additionalProperties", list(e.absolute_path)))
    if errors:
        error = errors[0]
        if error.validator == "oneOf" and error.context:  # "null or …": say what the … lacks
            error = next(e for e in error.context if e.validator_value != "null")
        field, reason = _translate(error)
        raise ScenarioError(field, reason)
    if kind == "teams":
        _check_team(data)


def _check_team(team: Mapping[str, Any]) -> None:
    seen: set[str] = set()
    for index, member in enumerate(team["members"]):
        if member["id"] in seen:
            first = f"members[{[m['id'] for m in team['members']].index(member['id'])}].id"
            raise ScenarioError(
                f"members[{index}].id", text("duplicate_id", id=member["id"], first=first)
            )
        seen.add(member["id"])
        if "start" in member and "end" in member and member["end"] <= member["start"]:
            raise ScenarioError(f"members[{index}].end", text("street_end_before_start"))
    leader = team.get("leader")
    if leader is not None and leader not in seen:
        raise ScenarioError("leader", text("street_leader_not_member", id=leader))


def wgs84_locations(record: Mapping[str, Any], system: str | None = None) -> dict[str, Any]:
    """The record with its ``location`` in WGS-84 (given in ``coordinates``, else ``system``,
    else WGS-84), without the ``coordinates`` key."""
    out = dict(record)
    place = out.get("location")
    if isinstance(place, Mapping):
        given = cast(geo.CoordinateSystem, place.get("coordinates", system or "wgs84"))
        point = geo.to_wgs84(float(place["lat"]), float(place["lon"]), given)
        out["location"] = {"lat": round(point.lat, 7), "lon": round(point.lon, 7)}
    return out
