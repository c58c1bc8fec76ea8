"""The grid register put to use: a street document from it (for rounds and campaigns), the
household and team behind a canteen's client, and the demo street's seed.

``street_document`` builds the street document (docs/grid.md) from the active records, in
WGS-84: what rounds are planned from (``dispatch.scenario.rounds``); ``household_of_client``
lets a no-answer welfare case of a canteen reach the team that covers the client's building;
``seed_street`` loads a street file (``scenarios/demo-street.yaml``) into the register
through the register's checks, and ``seed_requests`` its requests onto the request board.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dispatch.errors import NotFoundError
from dispatch.messages import text
from dispatch.scenario.documents import read_document
from dispatch.scenario.schedule import today
from dispatch.scenario.street_records import StreetKind
from dispatch.service import requests as board
from dispatch.service.street_ledger import StreetLedger
from dispatch.service.street_tables import StreetRow

if TYPE_CHECKING:
    from dispatch.service.store import Store

DEMO_STREET = Path("scenarios/demo-street.yaml")
# The order records go in, each after what it refers to.
SEED_ORDER: tuple[StreetKind, ...] = (
    "communities",
    "grids",
    "stations",
    "teams",
    "buildings",
    "households",
)


@dataclass(frozen=True)
class HouseholdLink:
    """A canteen client's household in the grid register and the team covering its building."""

    household: dict[str, Any]
    building: dict[str, Any]
    team: dict[str, Any]


def _entry(row: StreetRow) -> dict[str, Any]:
    return {k: v for k, v in row.data.items() if k != "street"}


def street_document(
    store: Store, street_id: str, team: str | None = None, *, date: str | None = None
) -> dict[str, Any]:
    """The street document of ``street_id`` on ``date`` (default: today in Asia/Shanghai)
    from the active register; with ``team``, only that team, its buildings and households
    (and its grid, community and station). Requests are the request board's to add."""
    ledger = StreetLedger(store)
    street = ledger.find("streets", street_id)
    if street is None or not street.active:
        raise NotFoundError("street", text("street_missing", street=street_id))

    def active(kind: StreetKind) -> list[dict[str, Any]]:
        return [_entry(r) for r in ledger.records(kind, team=team, street=street_id)]

    teams = active("teams")
    if team is not None and not teams:
        raise NotFoundError("team", text("street_unknown_team", team=team))
    grids = active("grids")
    stations = active("stations")
    if team is not None:
        grids = [g for g in grids if g["id"] in {t["grid"] for t in teams}]
        stations = [s for s in stations if s["id"] in {t.get("station") for t in teams}]
    communities = [c for c in active("communities") if c["id"] in {g["community"] for g in grids}]
    return {
        "street": {
            "id": street_id,
            "name": street.data["name"],
            "date": date or today().isoformat(),
        },
        "communities": communities,
        "grids": grids,
        "stations": stations,
        "teams": teams,
        "buildings": active("buildings"),
        "households": active("households"),
        "requests": [],
    }


def household_of_client(store: Store, canteen: str, client_id: str) -> HouseholdLink | None:
    """The active household linked to client ``client_id`` of ``canteen``, with its building
    and the team covering it; ``None`` when the client is in no team's register."""
    ledger = StreetLedger(store)
    wanted = {"canteen": canteen, "id": client_id}
    for row in ledger.records("households"):
        if row.data.get("client") == wanted:
            building = ledger.get("buildings", row.data["building"])
            crew = ledger.get("teams", building.data["team"])
            return HouseholdLink(_entry(row), _entry(building), _entry(crew))
    return None


def seed_street(store: Store, path: Path = DEMO_STREET) -> dict[str, int]:
    """Records added or changed per kind from the street file ``path``; seeding twice
    changes nothing. Every record goes through the register's checks."""
    document = read_document(path)
    system = document.get("coordinates")
    street = document["street"]
    ledger = StreetLedger(store)
    counts = {"streets": _put(ledger, "streets", {"id": street["id"], "name": street["name"]})}
    for kind in SEED_ORDER:
        records = [_located(r, system) for r in document.get(kind, [])]
        counts[kind] = sum(_put(ledger, kind, {**r, "street": street["id"]}) for r in records)
    return counts


def seed_requests(store: Store, path: Path = DEMO_STREET) -> dict[str, int]:
    """The street file's ``requests`` put on the request board (those not there yet), as
    the street office: ``{"requests": added}``; seeding twice adds nothing."""
    office = board.Viewer(by="seed-demo")
    added = 0
    for record in read_document(path).get("requests", []):
        try:
            board.get_request(store, str(record["id"]), office)
        except NotFoundError:
            board.create_request(store, record, viewer=office)
            added += 1
    return {"requests": added}


def _located(record: Mapping[str, Any], system: str | None) -> dict[str, Any]:
    out = dict(record)
    if system and isinstance(out.get("location"), Mapping):
        out["location"] = {"coordinates": system, **out["location"]}
    return out


def _put(ledger: StreetLedger, kind: StreetKind, record: dict[str, Any]) -> int:
    current = ledger.find(kind, str(record["id"]))
    if current is None:
        ledger.create(kind, record)
        return 1
    if current.active and current.data == ledger.check(kind, record):
        return 0
    ledger.update(kind, record)
    return 1
