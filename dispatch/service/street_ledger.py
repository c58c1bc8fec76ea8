"""The grid register: streets, communities, grids, stations, teams (members embedded),
buildings and households as versioned, sealed records (``street_ledger``).

Records are checked by the street document's schema (``dispatch.scenario.street_records``),
then their references: a grid's community, a team's grid and station, a building's team, a
household's building, its responsible member (one of the team covering the building) and its
canteen client. Every record but a street names the ``street`` it belongs to, as a ledger
record names its canteen. As the ledger, rows are never updated in place.

Who sees what: the street office (a key or login of no canteen and no team) sees and changes
everything; a team's key or login (``team``) reads the street's communities, grids and
stations, its own team, its buildings and their households, and changes only those
households; a canteen's key sees nothing here (``street_scope``). A record out of sight is
"not found", exactly as a missing one is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.errors import (
    ConflictError,
    ForbiddenError,
    InputError,
    NotFoundError,
    ScenarioError,
)
from dispatch.messages import text
from dispatch.scenario.street_records import (
    StreetKind,
    validate_street_record,
    wgs84_locations,
)
from dispatch.service.street_tables import StreetRow

if TYPE_CHECKING:
    from dispatch.service.keys import KeyInfo
    from dispatch.service.store import Store

SINGULAR: dict[StreetKind, tuple[str, str]] = {
    "streets": ("street", "街道"),
    "communities": ("community", "社区"),
    "grids": ("grid", "网格"),
    "stations": ("station", "服务站"),
    "teams": ("team", "小分队"),
    "buildings": ("building", "楼栋"),
    "households": ("household", "住户"),
}
# What each kind's fields refer to: (field, kind referred to).
REFERENCES: dict[StreetKind, tuple[tuple[str, StreetKind], ...]] = {
    "grids": (("community", "communities"),),
    "teams": (("grid", "grids"), ("station", "stations")),
    "buildings": (("team", "teams"),),
    "households": (("building", "buildings"),),
}
OPEN_TO_TEAMS: frozenset[StreetKind] = frozenset({"streets", "communities", "grids", "stations"})


def street_scope(key: KeyInfo) -> str | None:
    """The team a key sees (``None``: the whole street office); a canteen's key sees none."""
    if key.canteen is not None:
        raise ForbiddenError("Authorization", text("street_no_canteen"))
    return key.team


def require_team(store: Store, team: str) -> None:
    """``team`` is a team of the register (any version), for a key or login made for it."""
    if StreetLedger(store).find("teams", team) is None:
        raise InputError("team", text("street_unknown_team", team=team))


def not_found(kind: StreetKind, record_id: str, field: str = "id") -> NotFoundError:
    return NotFoundError(
        field, text("record_missing", value=SINGULAR[kind][0], record_id=record_id)
    )


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StreetLedger:
    """The grid register's reads and changes, each under a ``team`` scope (``None``: all)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _current(self, session: Session, kind: StreetKind, record_id: str) -> StreetRow | None:
        query = (
            select(StreetRow)
            .where(StreetRow.kind == kind, StreetRow.record_id == record_id)
            .order_by(StreetRow.version.desc())
            .limit(1)
        )
        return session.scalars(query).first()

    def _latest(self, kind: StreetKind, street: str | None = None) -> list[StreetRow]:
        latest = (
            select(StreetRow.record_id, func.max(StreetRow.version).label("version"))
            .where(StreetRow.kind == kind)
            .group_by(StreetRow.record_id)
            .subquery()
        )
        query = (
            select(StreetRow)
            .join(
                latest,
                (StreetRow.record_id == latest.c.record_id)
                & (StreetRow.version == latest.c.version),
            )
            .where(StreetRow.kind == kind)
            .order_by(StreetRow.record_id)
        )
        if street:
            query = query.where(StreetRow.street == street)
        with self.store.session() as session:
            return list(session.scalars(query))

    def visible(self, row: StreetRow, team: str | None) -> bool:
        """Whether ``team`` (``None``: the street office) may see this version."""
        kind = row.kind
        if team is None or kind in OPEN_TO_TEAMS:
            return True
        if kind == "teams":
            return row.record_id == team
        if kind == "buildings":
            return row.data.get("team") == team
        building = self.find("buildings", str(row.data.get("building")))
        return building is not None and building.data.get("team") == team

    def find(self, kind: StreetKind, record_id: str) -> StreetRow | None:
        """The current version of a record, out of every scope; ``None`` if there is none."""
        with self.store.session() as session:
            return self._current(session, kind, record_id)

    def get(self, kind: StreetKind, record_id: str, *, team: str | None = None) -> StreetRow:
        row = self.find(kind, record_id)
        if row is None or not self.visible(row, team):
            raise not_found(kind, record_id)
        return row

    def records(
        self,
        kind: StreetKind,
        *,
        team: str | None = None,
        street: str | None = None,
        include_inactive: bool = False,
    ) -> list[StreetRow]:
        rows = [r for r in self._latest(kind, street) if include_inactive or r.active]
        if team is None or kind in OPEN_TO_TEAMS:
            return rows
        if kind == "households":
            buildings = {b.record_id for b in self.records("buildings", team=team)}
            return [r for r in rows if r.data.get("building") in buildings]
        return [r for r in rows if self.visible(r, team)]

    def history(
        self, kind: StreetKind, record_id: str, *, team: str | None = None
    ) -> list[StreetRow]:
        self.get(kind, record_id, team=team)
        query = (
            select(StreetRow)
            .where(StreetRow.kind == kind, StreetRow.record_id == record_id)
            .order_by(StreetRow.version)
        )
        with self.store.session() as session:
            return list(session.scalars(query))

    def create(
        self, kind: StreetKind, data: Mapping[str, Any], *, team: str | None = None
    ) -> StreetRow:
        record = self.check(kind, data, team=team)
        with self.store.session() as session:
            if self._current(session, kind, str(record["id"])) is not None:
                raise ConflictError("id", text("record_exists", value=record["id"]))
            return self._add(session, kind, record, True, 1)

    def update(
        self, kind: StreetKind, data: Mapping[str, Any], *, team: str | None = None
    ) -> StreetRow:
        """A new version of an existing record; it is active again if it was not."""
        record = self.check(kind, data, team=team)
        self.get(kind, str(record["id"]), team=team)
        with self.store.session() as session:
            current = self._current(session, kind, str(record["id"]))
            assert current is not None  # records are never deleted
            return self._add(session, kind, record, True, current.version + 1)

    def deactivate(self, kind: StreetKind, record_id: str, *, team: str | None = None) -> StreetRow:
        self._may_change(kind, team)
        current = self.get(kind, record_id, team=team)
        if not current.active:
            return current
        with self.store.session() as session:
            return self._add(session, kind, current.data, False, current.version + 1)

    def _add(
        self,
        session: Session,
        kind: StreetKind,
        record: Mapping[str, Any],
        active: bool,
        version: int,
    ) -> StreetRow:
        street = record["id"] if kind == "streets" else record["street"]
        row = StreetRow(
            kind=kind,
            record_id=str(record["id"]),
            version=version,
            active=active,
            street=str(street),
            data=dict(record),
            created_at=_utcnow(),
        )
        session.add(row)
        return row

    def _may_change(self, kind: StreetKind, team: str | None) -> None:
        if team is not None and kind != "households":
            what_zh = SINGULAR[kind][1]
            raise ForbiddenError(
                "Authorization", text("street_office_only", what=kind, what_zh=what_zh)
            )

    def check(
        self, kind: StreetKind, data: Mapping[str, Any], *, team: str | None = None
    ) -> dict[str, Any]:
        """The record as it would be stored (locations in WGS-84), or the first error in it:
        the scope, its street, its fields, then its references."""
        self._may_change(kind, team)
        if not isinstance(data, Mapping):
            raise ScenarioError("", text("not_mapping"))
        record = dict(data)
        street = record.pop("street", None) if kind != "streets" else None
        if kind != "streets":
            if not isinstance(street, str) or not street:
                raise ScenarioError("street", text("missing_field", name="street"))
            if self.find("streets", street) is None:
                raise ScenarioError("street", _unknown("streets", street))
        validate_street_record(kind, record)
        for field, target in REFERENCES.get(kind, ()):
            value = record.get(field)
            found = self.find(target, value) if isinstance(value, str) else None
            if value is not None and (found is None or found.street != street):
                raise ScenarioError(field, _unknown(target, str(value)))
        if kind == "households":
            self._check_household(record, team)
        record = wgs84_locations(record)
        return record if street is None else {**record, "street": street}

    def _check_household(self, household: dict[str, Any], team: str | None) -> None:
        building = self.find("buildings", household["building"])
        assert building is not None  # checked as a reference
        covering = str(building.data["team"])
        if team is not None:
            current = self.find("households", household["id"])
            if current is not None and not self.visible(current, team):
                raise not_found("households", household["id"])
            if covering != team:
                raise ScenarioError("building", text("street_not_your_team"))
        responsible = household.get("responsible")
        if responsible is not None:
            crew = self.find("teams", covering)
            members = {m["id"] for m in crew.data["members"]} if crew else set()
            if responsible not in members:
                reason = text("street_responsible_not_in_team", id=responsible, team=covering)
                raise ScenarioError("responsible", reason)
        link = household.get("client")
        if link is not None:
            self._check_client(household["id"], link)

    def _check_client(self, household_id: str, link: Mapping[str, str]) -> None:
        try:
            self.store.get_record("clients", link["id"], canteen=link["canteen"])
        except NotFoundError:
            reason = text("unknown_reference", what="client", what_zh="客户", id=link["id"])
            raise ScenarioError("client.id", reason) from None
        for other in self.records("households"):
            if other.record_id != household_id and other.data.get("client") == dict(link):
                reason = text("street_client_linked", id=link["id"], household=other.record_id)
                raise ConflictError("client.id", reason)


def _unknown(kind: StreetKind, record_id: str) -> Any:
    what, what_zh = SINGULAR[kind]
    return text("unknown_reference", what=what, what_zh=what_zh, id=record_id)
