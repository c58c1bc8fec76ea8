"""API keys: made on the server, kept only as a SHA-256, checked by role."""

from __future__ import annotations

import subprocess

import pytest

from dispatch.service.keys import authenticate, create_key, require_role


def test_keys_are_stored_hashed(app, db_url):
    key = create_key(app.extensions["dispatch"].store, "viewer")
    raw = (db_url.removeprefix("sqlite:///"),)
    dump = subprocess.run(["sqlite3", *raw, ".dump"], capture_output=True, text=True)
    if dump.returncode != 0:
        pytest.skip("sqlite3 command not available")
    assert key.token not in dump.stdout


def test_keys_authenticate_by_hash_and_roles_are_ordered(store):
    key = create_key(store, "planner")
    found = authenticate(store, f"Bearer {key.token}")
    assert (found.id, found.role) == (key.id, "planner")
    require_role(found, "viewer")
    with pytest.raises(PermissionError):
        require_role(found, "admin")
    with pytest.raises(PermissionError):
        authenticate(store, f"Basic {key.token}")
