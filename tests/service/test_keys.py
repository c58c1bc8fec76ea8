"""API keys: made on the server, kept only as a SHA-256, checked by role."""

from __future__ import annotations

import subprocess

import pytest

from dispatch import cli
from dispatch.service.keys import authenticate, create_key, require_role
from dispatch.service.store import Store


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
    assert (found.id, found.role, found.canteen) == (key.info.id, "planner", None)
    require_role(found, "viewer")
    with pytest.raises(PermissionError):
        require_role(found, "admin")
    with pytest.raises(PermissionError):
        authenticate(store, f"Basic {key.token}")


def test_keys_create_needs_a_canteen_or_the_street_and_the_key_keeps_it(
    tmp_path, monkeypatch, capsys
):
    url = f"sqlite:///{tmp_path / 'keys.sqlite'}"
    monkeypatch.setenv("DISPATCH_DATABASE_URL", url)
    with pytest.raises(SystemExit) as refused:
        cli.main(["keys", "create", "--role", "viewer"])
    assert refused.value.code == 2 and "--canteen" in capsys.readouterr().err
    assert cli.main(["keys", "create", "--role", "viewer", "--canteen", "jn"]) == 0
    canteen_token = capsys.readouterr().out.strip()
    assert cli.main(["keys", "create", "--role", "admin", "--scope", "street"]) == 0
    street_token = capsys.readouterr().out.strip()
    store = Store(url)
    found = [authenticate(store, f"Bearer {t}") for t in (canteen_token, street_token)]
    assert [(k.role, k.canteen) for k in found] == [("viewer", "jn"), ("admin", None)]
    store.close()
