"""The store on SQLite and, when ``DISPATCH_TEST_DATABASE_URL`` is set, on PostgreSQL."""

from __future__ import annotations

import subprocess

import pytest
from conftest import DATA

from dispatch.errors import ConflictError, NotFoundError, ScenarioError
from dispatch.scenario import read_document
from dispatch.service.identity import process_owner

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


def test_ledger_changes_add_versions_and_lists_show_the_current_ones(store):
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


def test_ledger_client_of_an_unknown_canteen_is_refused_naming_canteen(store):
    client = {"canteen": "nowhere", "id": "a", "location": {"lat": 22.57, "lon": 113.1}}
    with pytest.raises(ScenarioError) as caught:
        store.create_record("clients", {**client, "meals": {"soft": 1}})
    assert caught.value.field == "canteen"
    assert store.list_records("clients", include_inactive=True) == []
