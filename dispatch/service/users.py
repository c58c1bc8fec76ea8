"""Staff logins of the web pages: names, argon2 password hashes, roles, canteens, lockout.

A login has the roles and the tenancy of an API key (``dispatch.service.keys``): a
``viewer``, ``planner`` or ``admin`` of one canteen, or of the street office (``canteen`` is
``None``). A signed-in login acts as a ``KeyInfo`` (id ``user:<id>``), so the web pages
call the same role and scope checks as the API. Passwords are hashed with argon2id
(argon2-cffi's defaults). After ``LOCKOUT_FAILURES`` wrong passwords in a row a login is
locked for ``LOCKOUT_S`` seconds, counted in the ``users`` table, so every server process
sharing the store sees the same count; a right password afterwards resets it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.engine import make_url

from dispatch.errors import AuthError, ConflictError, DataKeyError, InputError
from dispatch.messages import text
from dispatch.service.keys import ROLES, KeyInfo, Role, check_team_scope
from dispatch.service.sealing import key_file
from dispatch.service.tables import UserRow

if TYPE_CHECKING:
    from dispatch.service.store import Store

LOCKOUT_FAILURES = 5  # wrong passwords in a row, then locked
LOCKOUT_S = 15 * 60  # seconds a locked login stays locked
MIN_PASSWORD = 8  # characters
SECRET_ENV = "DISPATCH_SECRET_KEY"
_HASHER = PasswordHasher()
# Verified against when the name is unknown, so an unknown name takes as long as a known one.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class LockedError(AuthError):
    """A login locked after too many wrong passwords; try again after ``retry_after_s``."""

    kind = "locked"

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        minutes = max(1, math.ceil(retry_after_s / 60))
        super().__init__("password", text("web_login_locked", minutes=minutes))


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes, which are UTC here."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _info(row: UserRow) -> KeyInfo:
    role = cast(Role, row.role)
    return KeyInfo(f"user:{row.id}", row.name, role, row.canteen, row.created_at, team=row.team)


def create_user(
    store: Store,
    name: str,
    password: str,
    role: Role,
    *,
    canteen: str | None,
    team: str | None = None,
) -> KeyInfo:
    """A new login; the name is unique and the password at least ``MIN_PASSWORD`` long.
    A login of a grid service ``team`` belongs to the street office (no ``canteen``)."""
    check_team_scope(canteen, team)
    name = name.strip()
    if not name or len(name) > 64:
        raise InputError("name", text("web_user_name"))
    if role not in ROLES:
        raise InputError("role", text("not_one_of", allowed=", ".join(ROLES), got=role))
    if len(password) < MIN_PASSWORD:
        raise InputError("password", text("web_password_short", n=MIN_PASSWORD))
    with store.session() as session:
        if session.scalars(select(UserRow).where(UserRow.name == name)).first() is not None:
            raise ConflictError("name", text("web_user_exists", name=name))
        row = UserRow(
            id=secrets.token_hex(6),
            name=name,
            password_hash=_HASHER.hash(password),
            role=role,
            canteen=canteen,
            team=team,
            failed_logins=0,
            created_at=dt.datetime.now(dt.UTC),
        )
        session.add(row)
    return _info(row)


def sign_in(store: Store, name: str, password: str, now: dt.datetime | None = None) -> KeyInfo:
    """The login for ``name`` and ``password``; ``AuthError`` for a wrong pair (the same
    answer for an unknown name), ``LockedError`` while the login is locked."""
    now = now or dt.datetime.now(dt.UTC)
    with store.session() as session:
        query = select(UserRow).where(UserRow.name == name.strip(), UserRow.disabled_at.is_(None))
        row = session.scalars(query.with_for_update()).first()
        if row is None:
            _verify(_DUMMY_HASH, password)
            raise AuthError("password", text("web_login_wrong"))
        if row.locked_until is not None and _utc(row.locked_until) > now:
            raise LockedError(math.ceil((_utc(row.locked_until) - now).total_seconds()))
        if not _verify(row.password_hash, password):
            row.failed_logins += 1
            if row.failed_logins >= LOCKOUT_FAILURES:
                row.failed_logins, row.locked_until = 0, now + dt.timedelta(seconds=LOCKOUT_S)
            failed = True
        else:
            row.failed_logins, row.locked_until, failed = 0, None, False
            if _HASHER.check_needs_rehash(row.password_hash):
                row.password_hash = _HASHER.hash(password)
        info = _info(row)
    if failed:  # raised after the transaction, so the count is kept
        raise AuthError("password", text("web_login_wrong"))
    return info


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def signed_in(store: Store, user_id: str) -> KeyInfo | None:
    """The login ``user:<id>`` of a session, ``None`` once it is disabled or gone."""
    if not user_id.startswith("user:"):
        return None
    with store.session() as session:
        row = session.get(UserRow, user_id.removeprefix("user:"))
        if row is None or row.disabled_at is not None:
            return None
        return _info(row)


def session_secret(url: str) -> str:
    """The key that signs the pages' session cookies: ``DISPATCH_SECRET_KEY``, else (SQLite
    files only) a random key kept beside the database (``<file>.secret``, mode 0600). There
    is no built-in default: a server database shared by machines needs the variable."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return key_file(Path(f"{parsed.database}.secret"))
    raise DataKeyError(SECRET_ENV, text("web_secret_missing", env=SECRET_ENV))
