"""Fixtures of the service tests: apps on a fresh SQLite store, keys, stores, ledger records."""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from flask import Flask

from api import create_app
from dispatch.scenario import read_document
from dispatch.service.keys import create_key
from dispatch.service.store import Store

# Not ``from conftest import DATA``: this file is itself imported as ``conftest``.
TINY = Path(__file__).parents[1] / "data" / "tiny.yaml"
POSTGRES = os.environ.get("DISPATCH_TEST_DATABASE_URL")


@pytest.fixture(autouse=True)
def data_key(monkeypatch) -> str:
    """Every service test runs with a data key and a session key, as a server on PostgreSQL
    must; the tests of a missing key take it away themselves."""
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("DISPATCH_DATA_KEY", key)
    monkeypatch.setenv("DISPATCH_SECRET_KEY", secrets.token_urlsafe(32))
    return key


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'api.sqlite'}"


@pytest.fixture
def make_app(db_url) -> Iterator[Callable[..., Flask]]:
    """``make_app(**config)``: an app on the test's store, closed at the end of the test."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        app = create_app({"DATABASE_URL": db_url, "JOB_WORKERS": 1, "WELFARE_TICK_S": 0, **config})
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["dispatch"].close()


@pytest.fixture
def app(make_app) -> Flask:
    return make_app(JOB_QUEUE_SIZE=2)


@pytest.fixture
def client(app):
    return app.test_client()


def _headers_of(app: Flask, role: str) -> dict[str, str]:
    """The ``Authorization`` header of a new key of ``role`` on ``app``'s store."""
    return {"Authorization": f"Bearer {create_key(app.extensions['dispatch'].store, role).token}"}


@pytest.fixture
def keys(app) -> dict[str, dict[str, str]]:
    return {role: _headers_of(app, role) for role in ("viewer", "planner", "admin")}


@pytest.fixture
def tiny() -> dict[str, Any]:
    return read_document(TINY)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Iterator[Store]:
    """A migrated store on SQLite, and on PostgreSQL (in a schema of its own) when
    ``DISPATCH_TEST_DATABASE_URL`` is set."""
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
        store.migrate()
        yield store
        store.close()
        return
    if not POSTGRES:
        pytest.skip("DISPATCH_TEST_DATABASE_URL is not set (PostgreSQL tests)")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in POSTGRES else "?"
    key = Fernet.generate_key().decode()  # a shared database has no key file of its own
    store = Store(f"{POSTGRES}{separator}options=-csearch_path%3D{schema}", key)
    store.migrate()
    yield store
    store.close()
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def ledger_canteen() -> dict[str, Any]:
    return {
        "id": "jn",
        "name": "江南",
        "location": {"lat": 22.57, "lon": 113.1},
        "meals_ready": "10:40",
    }


@pytest.fixture
def ledger_courier() -> dict[str, Any]:
    return {
        "canteen": "jn",
        "id": "r1",
        "mode": "ebike",
        "capacity": 6,
        "shift": ["10:30", "13:00"],
    }


@pytest.fixture
def ledger_client() -> Callable[..., dict[str, Any]]:
    """``ledger_client(id, lat=…, **fields)``: a ledger client of canteen ``jn``."""

    def make(cid: str, lat: float = 22.5745, **fields: Any) -> dict[str, Any]:
        return {
            "canteen": "jn",
            "id": cid,
            "name": "陈婆婆",
            "location": {"lat": lat, "lon": 113.1},
            "meals": {"regular": 1},
            **fields,
        }

    return make
