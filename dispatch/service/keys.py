"""API keys: random bearer tokens with a role and a scope, stored only as their SHA-256.

Roles are ordered: a ``viewer`` reads plans, sheets and the ledger (without clients' phones,
groups and notes); a ``planner`` also submits and cancels plans and writes the ledger; an
``admin`` may do everything and manages keys. Every key belongs to one canteen, or to a
street office (``canteen`` is ``None``), which sees every canteen of the store; a street
office's key may be narrowed to one grid service ``team``, which sees only that team's part
of the grid register (``dispatch.service.street_ledger``) and no canteen's data. A token is 32
random bytes from ``secrets``, so a plain SHA-256 (no salt, no stretching) is enough to make
the stored hash useless to a thief.

The ``api_keys`` table is read and written here, in the store's sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

from sqlalchemy import select

from dispatch.errors import AuthError, ForbiddenError, InputError
from dispatch.messages import text
from dispatch.service.tables import KeyRow

if TYPE_CHECKING:
    from dispatch.service.store import Store

Role = Literal["viewer", "planner", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "planner", "admin")
TOKEN_PREFIX = "nl_"


@dataclass(frozen=True)
class KeyInfo:
    """A stored key, without its token."""

    id: str
    name: str
    role: Role
    canteen: str | None  # None: a street office's key, which sees every canteen
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None
    team: str | None = None  # a grid service team's: sees only its team's register

    @classmethod
    def of(cls, row: KeyRow) -> KeyInfo:
        role = cast(Role, row.role)
        return cls(row.id, row.name, role, row.canteen, row.created_at, row.revoked_at, row.team)

    def sees(self, canteen: str | None) -> bool:
        """Whether this key may see what belongs to ``canteen`` (a team's key: no canteen's)."""
        return self.team is None and (self.canteen is None or self.canteen == canteen)


@dataclass(frozen=True)
class NewKey:
    """A freshly created key; ``token`` is shown once and never stored."""

    info: KeyInfo
    token: str


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_key(
    store: Store,
    role: Role,
    name: str = "",
    *,
    canteen: str | None = None,
    team: str | None = None,
) -> NewKey:
    """A new key of ``role`` for ``canteen`` (``None``: the whole street office), or for one
    grid service ``team`` of the street office."""
    check_team_scope(canteen, team)
    key_id = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{secrets.token_urlsafe(32)}"
    row = KeyRow(
        id=key_id,
        name=name or key_id,
        role=role,
        canteen=canteen,
        team=team,
        token_sha256=token_sha256(token),
        created_at=dt.datetime.now(dt.UTC),
    )
    with store.session() as session:
        session.add(row)
    return NewKey(KeyInfo.of(row), token)


def list_keys(store: Store, canteen: str | None = None) -> list[KeyInfo]:
    """Every key, oldest first; only ``canteen``'s keys when one is given."""
    query = select(KeyRow).order_by(KeyRow.created_at, KeyRow.id)
    if canteen is not None:
        query = query.where(KeyRow.canteen == canteen)
    with store.session() as session:
        return [KeyInfo.of(row) for row in session.scalars(query)]


def revoke_key(store: Store, key_id: str, canteen: str | None = None) -> KeyInfo | None:
    """Revoke an active key (only one of ``canteen``'s when given); ``None`` if there is none."""
    with store.session() as session:
        row = session.get(KeyRow, key_id)
        if row is None or row.revoked_at is not None:
            return None
        if canteen is not None and row.canteen != canteen:
            return None
        row.revoked_at = dt.datetime.now(dt.UTC)
        return KeyInfo.of(row)


def authenticate(store: Store, header: str | None) -> KeyInfo:
    """The key behind an ``Authorization: Bearer …`` header, or ``AuthError``."""
    if not header:
        raise AuthError(
            "Authorization",
            text("key_required"),
        )
    scheme, _, token = header.partition(" ")
    row = None
    if scheme.lower() == "bearer":
        query = select(KeyRow).where(
            KeyRow.token_sha256 == token_sha256(token.strip()), KeyRow.revoked_at.is_(None)
        )
        with store.session() as session:
            row = session.scalars(query).first()
    if row is None:
        raise AuthError("Authorization", text("key_unknown"))
    return KeyInfo.of(row)


def check_team_scope(canteen: str | None, team: str | None) -> None:
    """A team belongs to the street office: its key or login names no canteen."""
    if team is not None and canteen is not None:
        raise InputError("team", text("street_team_key_scope"))


def require_role(key: KeyInfo, role: Role, *, teams: bool = False) -> None:
    """At least ``role``; a team's key only where ``teams`` (the grid register's views)."""
    if key.team is not None and not teams:
        raise ForbiddenError("Authorization", text("street_team_only"))
    if ROLES.index(key.role) < ROLES.index(role):
        raise ForbiddenError(
            "Authorization",
            text("key_role_needed", role=role, has=key.role),
        )


def require_grant(admin: KeyInfo, canteen: str | None) -> None:
    """An admin of a canteen makes keys for that canteen only; a street admin for any."""
    if not admin.sees(canteen):
        where = f"canteen '{canteen}'" if canteen else "the whole street"
        raise ForbiddenError(
            "canteen",
            text("key_admin_scope", canteen=admin.canteen, where=where),
        )
