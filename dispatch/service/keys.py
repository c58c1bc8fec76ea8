"""API keys: random bearer tokens with a role, stored only as their SHA-256.

Roles are ordered: a ``viewer`` reads plans, sheets and the ledger; a ``planner`` also
submits and cancels plans and writes the ledger; an ``admin`` may do everything. A token
is 32 random bytes from ``secrets``, so a plain SHA-256 (no salt, no stretching) is
enough to make the stored hash useless to a thief.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dispatch.errors import AuthError, ForbiddenError
from dispatch.messages import Text

if TYPE_CHECKING:
    from dispatch.service.store import KeyInfo, Store

Role = Literal["viewer", "planner", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "planner", "admin")
TOKEN_PREFIX = "nl_"


@dataclass(frozen=True)
class NewKey:
    """A freshly created key; ``token`` is shown once and never stored."""

    id: str
    role: str
    token: str


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_key(store: Store, role: Role, name: str = "") -> NewKey:
    key_id = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{secrets.token_urlsafe(32)}"
    store.add_key(key_id, name or key_id, role, token_sha256(token))
    return NewKey(key_id, role, token)


def authenticate(store: Store, header: str | None) -> KeyInfo:
    """The key behind an ``Authorization: Bearer …`` header, or ``AuthError``."""
    if not header:
        raise AuthError(
            "Authorization",
            Text("an API key is required: Authorization: Bearer <key>", "需要 API 密钥"),
        )
    scheme, _, token = header.partition(" ")
    key = store.find_key(token_sha256(token.strip())) if scheme.lower() == "bearer" else None
    if key is None:
        raise AuthError("Authorization", Text("unknown or revoked API key", "API 密钥无效或已吊销"))
    return key


def require_role(key: KeyInfo, role: Role) -> None:
    if ROLES.index(key.role) < ROLES.index(role):
        raise ForbiddenError(
            "Authorization",
            Text(
                f"this needs the '{role}' role; the key has '{key.role}'",
                f"此操作需要“{role}”角色，该密钥为“{key.role}”",
            ),
        )
