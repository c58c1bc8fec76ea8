"""API keys over HTTP, for admins: make one (its token shown once), list them, revoke one.

An admin of a canteen sees and makes keys of that canteen only; a street admin, any.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from dispatch.errors import InputError, NotFoundError
from dispatch.messages import text as message
from dispatch.service.http import iso, json_body, needs, request_key, scope, services
from dispatch.service.keys import ROLES, KeyInfo, create_key, list_keys, require_grant, revoke_key

bp = Blueprint("keys", __name__, url_prefix="/v1")

FIELDS = ("role", "canteen", "scope", "name")


@bp.post("/keys")
@needs("admin")
def post_key() -> Any:
    body = json_body()
    extra = next((k for k in body if k not in FIELDS), None)
    if extra is not None:
        raise InputError(extra, message("unknown_field", name=extra))
    role = body.get("role")
    if role not in ROLES:
        raise InputError("role", message("not_one_of", allowed=", ".join(ROLES), got=role))
    canteen = _canteen_of(body)
    name = body.get("name", "")
    if not isinstance(name, str) or len(name) > 200:
        raise InputError("name", message("key_name_too_long"))
    require_grant(request_key(), canteen)
    key = create_key(services().store, role, name, canteen=canteen)
    view = {**key_view(key.info), "token": key.token}
    return jsonify(view), 201, {"Location": f"/v1/keys/{key.info.id}"}


@bp.get("/keys")
@needs("admin")
def get_keys() -> Any:
    return jsonify({"keys": [key_view(k) for k in list_keys(services().store, scope())]})


@bp.delete("/keys/<key_id>")
@needs("admin")
def delete_key(key_id: str) -> Any:
    revoked = revoke_key(services().store, key_id, scope())
    if revoked is None:
        raise NotFoundError("id", message("key_not_active", key_id=key_id))
    return jsonify(key_view(revoked))


def key_view(key: KeyInfo) -> dict[str, Any]:
    """A key as the API shows it: never its token or its hash."""
    return {
        "id": key.id,
        "name": key.name,
        "role": key.role,
        "scope": "canteen" if key.canteen else "team" if key.team else "street",
        "canteen": key.canteen,
        "team": key.team,
        "created_at": iso(key.created_at),
        "revoked_at": iso(key.revoked_at),
    }


def _canteen_of(body: dict[str, Any]) -> str | None:
    """The key's canteen, or ``None`` for ``scope: street``: exactly one of the two."""
    canteen, street = body.get("canteen"), body.get("scope")
    if street is not None and street != "street":
        raise InputError("scope", message("not_one_of", allowed="street", got=street))
    valid = isinstance(canteen, str) and 0 < len(canteen) <= 64
    if (street is None) == (canteen is None) or (canteen is not None and not valid):
        reason = message("key_scope_needed")
        raise InputError("canteen", reason)
    return canteen if valid else None
