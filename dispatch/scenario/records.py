"""Ledger records: one client, courier, canteen, relay point, grid worker, sponsor or social
worker, checked by the scenario gate's own rules.

A record is placed into a minimal valid scenario and that scenario is parsed, so a ledger
record is checked by exactly the rules (and messages) a scenario file's record is; field paths
in the errors are relative to the record (``location.lat``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args

from dispatch.errors import ScenarioError
from dispatch.messages import text as message
from dispatch.scenario import parse_scenario

Kind = Literal[
    "clients", "couriers", "canteens", "relay_points", "walkers", "sponsors", "social_workers"
]
RECORD_KINDS: tuple[Kind, ...] = get_args(Kind)
# The URL rule of a ledger kind (``/v1/<kind>``, ``/register/<kind>``): one of ``Kind``.
KIND_RULE = f"<any({', '.join(RECORD_KINDS)}):kind>"

# A minimal valid scenario into which one ledger record is placed, so that a record is
# checked by exactly the rules a scenario file's record is checked by.
_FRAME: dict[str, Any] = {
    "name": "ledger",
    "date": "2000-01-01",
    "canteen": {"id": "frame", "location": {"lat": 0, "lon": 0}, "meals_ready": "00:00"},
    "couriers": [{"id": "frame", "mode": "walk", "capacity": 1, "shift": ["00:00", "23:59"]}],
    "clients": [],
}
_SLOT: dict[str, str] = {
    "clients": "clients[0]",
    "couriers": "couriers[0]",
    "canteens": "canteen",
    "relay_points": "relay_points[0]",
    "walkers": "walkers[0]",
    "sponsors": "sponsors[0]",
    "social_workers": "contacts.social_workers[0]",
}
# A canteen's ``station`` (its duty phone, the sheets' first call) is the scenario's
# ``contacts.station``: checked there, reported as ``station``.
_STATION = "contacts.station"


def validate_record(
    kind: Kind, data: Any, check_canteen: Callable[[str], None] | None = None
) -> None:
    """Check one ledger record with the scenario rules; field paths are relative to the record.

    Every record but a canteen also names the ``canteen`` (a ledger canteen id) they belong to;
    ``check_canteen(id)``, when given, raises if there is no such canteen. It runs before the
    record's other fields are checked, so an unknown canteen is the error reported first.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError("", message("not_mapping"))
    record = dict(data)
    if kind != "canteens":
        canteen = record.pop("canteen", None)
        if not isinstance(canteen, str) or not canteen:
            raise ScenarioError("canteen", message("missing_field", name="canteen"))
        if check_canteen is not None:
            check_canteen(canteen)
    frame: dict[str, Any] = {**_FRAME}
    if kind == "canteens":
        if "station" in record:
            frame["contacts"] = {"station": record.pop("station")}
        frame["canteen"] = record
    elif kind == "social_workers":
        frame["contacts"] = {"social_workers": [record]}
    else:
        frame = {**frame, kind: [record]}
    if kind == "clients" and isinstance(record.get("social_worker"), str):
        # The social worker a client names is another record; here it only has to exist.
        worker = {"id": record["social_worker"], "name": "frame", "phone": "000"}
        frame["contacts"] = {"social_workers": [worker]}
    if kind == "walkers" and isinstance(record.get("relay_point"), str):
        # The relay point a grid worker names is another record; here it only has to exist.
        place = {"id": record["relay_point"], "location": {"lat": 0, "lon": 0}}
        frame["relay_points"] = [{**place, "open": ["00:00", "23:59"], "capacity": 1}]
    try:
        parse_scenario(frame)
    except ScenarioError as err:
        if kind == "canteens" and err.field.startswith(_STATION):
            raise ScenarioError("station" + err.field[len(_STATION) :], err.reason) from err
        raise ScenarioError(_relative(err.field, _SLOT[kind]), err.reason) from err


def _relative(field: str, slot: str) -> str:
    if field == slot:
        return ""
    if field.startswith(slot + "."):
        return field[len(slot) + 1 :]
    return field
