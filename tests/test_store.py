"""The store on SQLite and, when ``DISPATCH_TEST_DATABASE_URL`` is set, on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest
import sqlalchemy as sa
from conftest import DATA

from dispatch.errors import ConflictError, NotFoundError, ScenarioError
from dispatch.scenario import read_document
from dispatch.service.keys import authenticate, create_key, require_role
from dispatch.service.store import Store, owner_is_dead, process_owner

POSTGRES = os.environ.get("DISPATCH_TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
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
    store = Store(f"{POSTGRES}{separator}options=-csearch_path%3D{schema}")
    store.migrate()
    yield store
    store.close()
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


CANTEEN = {"id": "jn", "location": {"lat": 22.57, "lon": 113.1}, "meals_ready": "10:40"}


def test_migrations_apply_twice_without_harm(store):
    store.migrate()
    assert store.ping()


def test_plan_rows_keep_scenario_parameters_version_and_plan(store):
    document = read_document(DATA / "tiny.yaml")
    plan_id = store.create_plan(document, time_limit_s=1.5, seed=7, version="0.1.0", owner=None)
    assert store.mark_running(plan_id, process_owner())
    assert store.finish(plan_id, {"routes": [], "summary": {"served": 0}})
    row = store.get_plan(plan_id)
    assert (row.status, row.time_limit_s, row.seed, row.version) == ("done", 1.5, 7, "0.1.0")
    assert row.scenario == document and row.plan == {"routes": [], "summary": {"served": 0}}
    assert not store.fail(plan_id, {"type": "late"})  # a finished job stays finished
    with pytest.raises(ConflictError):
        store.cancel(plan_id)
    with pytest.raises(NotFoundError):
        store.get_plan("nope")


def test_fail_orphans_fails_only_jobs_of_dead_processes(store):
    document = read_document(DATA / "tiny.yaml")
    dead = subprocess.Popen(["true"])
    dead.wait()
    host = process_owner().split(":")[0]
    orphan = store.create_plan(document, time_limit_s=1, seed=0, version="t", owner=None)
    store.mark_running(orphan, f"{host}:{dead.pid}:old")
    mine = store.create_plan(document, time_limit_s=1, seed=0, version="t", owner=process_owner())
    elsewhere = store.create_plan(document, time_limit_s=1, seed=0, version="t", owner=None)
    store.mark_running(elsewhere, "other-host:1:abc")
    assert store.fail_orphans() == [orphan]
    assert store.get_plan(orphan).error["type"] == "interrupted"
    assert [store.get_plan(i).status for i in (mine, elsewhere)] == ["queued", "running"]


def test_owner_of_a_previous_process_with_the_same_pid_is_dead():
    host, pid, _ = process_owner().split(":")
    assert owner_is_dead(f"{host}:{pid}:previous")
    assert not owner_is_dead(process_owner())


def test_ledger_versions_and_current_view(store):
    store.create_record("canteens", CANTEEN)
    client = {
        "canteen": "jn",
        "id": "a",
        "location": {"lat": 22.57, "lon": 113.1},
        "meals": {"soft": 1},
    }
    store.create_record("clients", client)
    store.update_record("clients", {**client, "floor": 4})
    store.deactivate_record("clients", "a")
    assert store.list_records("clients") == []
    current = store.list_records("clients", include_inactive=True)
    assert [(r.version, r.active, r.data["floor"]) for r in current] == [(3, False, 4)]
    assert [r.version for r in store.record_history("clients", "a")] == [1, 2, 3]
    document = store.ledger_document("2026-11-24", "jn")
    assert document["clients"] == [] and document["canteen"] == CANTEEN


def test_ledger_record_errors_name_the_field_inside_the_record(store):
    with pytest.raises(ScenarioError) as caught:
        store.create_record("canteens", {**CANTEEN, "location": {"lat": 91, "lon": 0}})
    assert caught.value.field == "location.lat"


def test_keys_authenticate_by_hash_and_roles_are_ordered(store):
    key = create_key(store, "planner")
    found = authenticate(store, f"Bearer {key.token}")
    assert (found.id, found.role) == (key.id, "planner")
    require_role(found, "viewer")
    with pytest.raises(PermissionError):
        require_role(found, "admin")
    with pytest.raises(PermissionError):
        authenticate(store, f"Basic {key.token}")
