"""Ledger plans over HTTP honour clients' schedules, take a date (default: today in
Shanghai) and keep couriers from the canteen's last plan by default."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import error_of

from dispatch.scenario.schedule import today

BUDGET = {"time_limit_s": 5, "iterations": 200}  # the same plans on any machine


@pytest.fixture
def ledger(client, keys, ledger_canteen, ledger_courier, ledger_client) -> dict[str, str]:
    """Canteen jn, riders r1 and r2, clients a (every day), m (Mon/Wed/Fri), p (paused)."""
    planner = keys["planner"]
    assert client.post("/v1/canteens", json=ledger_canteen, headers=planner).status_code == 201
    for rider in ("r1", "r2"):
        record = {**ledger_courier, "id": rider, "capacity": 2}
        assert client.post("/v1/couriers", json=record, headers=planner).status_code == 201
    records = [
        ledger_client("a", 22.5745),
        ledger_client("b", 22.5655),
        ledger_client("m", 22.5760, days=["mon", "wed", "fri"]),
        ledger_client("p", 22.5640, paused=[{"from": "2026-11-23", "to": "2026-11-27"}]),
    ]
    for record in records:
        assert client.post("/v1/clients", json=record, headers=planner).status_code == 201
    return planner


def plan(client, headers, **body: Any) -> dict[str, Any]:
    job = client.post(
        "/v1/plans?wait=30", json={"canteen": "jn", "settings": BUDGET, **body}, headers=headers
    ).get_json()
    assert job["status"] == "done", job
    return job


def served(job: dict[str, Any]) -> dict[str, str]:
    return {
        c: r["courier"]
        for r in job["plan"]["routes"]
        for s in r["steps"]
        for c in s.get("clients", [])
    }


def test_a_ledger_plan_for_a_tuesday_leaves_out_and_lists_who_is_not_due(client, ledger):
    job = plan(client, ledger, date="2026-11-24", keep_from=None)
    assert set(served(job)) == {"a", "b"}
    assert job["plan"]["unassigned"] == []
    assert [(n["client"], n["code"]) for n in job["plan"]["not_scheduled"]] == [
        ("m", "not_scheduled"),
        ("p", "paused"),
    ]
    assert job["plan"]["summary"]["not_scheduled"] == 2
    wednesday = plan(client, ledger, date="2026-11-25", keep_from=None)
    assert set(served(wednesday)) == {"a", "b", "m"}


def test_a_ledger_plan_without_a_date_is_for_today_in_shanghai(client, ledger):
    job = plan(client, ledger)
    assert job["date"] == today().isoformat()


@pytest.mark.parametrize("value", ["2026-11-31", "24.11.2026", 20261124])
def test_a_bad_date_is_422_naming_the_field(client, ledger, value):
    response = client.post("/v1/plans", json={"canteen": "jn", "date": value}, headers=ledger)
    assert (response.status_code, error_of(response)["field"]) == (422, "date")


def test_the_canteens_last_plan_is_the_default_keep_from(client, ledger):
    first = plan(client, ledger, date="2026-11-24")
    assert first["plan"]["summary"]["kept_courier_of"] == 0  # no plan before, no usual courier
    second = plan(client, ledger, date="2026-11-24")
    figures = second["plan"]["summary"]
    assert (figures["kept_courier"], figures["kept_courier_of"]) == (2, 2)
    assert served(second) == served(first)
    fresh = plan(client, ledger, date="2026-11-24", keep_from=None)
    assert fresh["plan"]["summary"]["kept_courier_of"] == 0
    named = plan(client, ledger, date="2026-11-24", keep_from=first["id"])
    assert named["plan"]["summary"]["kept_courier_of"] == 2


def test_keep_from_an_unknown_plan_is_404_and_not_a_plan_id_422(client, ledger):
    unknown = client.post("/v1/plans", json={"canteen": "jn", "keep_from": "nope"}, headers=ledger)
    assert (unknown.status_code, error_of(unknown)["field"]) == (404, "keep_from")
    wrong = client.post("/v1/plans", json={"canteen": "jn", "keep_from": 7}, headers=ledger)
    assert (wrong.status_code, error_of(wrong)["field"]) == (422, "keep_from")


def test_a_viewer_reads_a_clients_weekdays_but_not_the_pauses(client, keys, ledger):
    record = client.get("/v1/clients/p", headers=keys["viewer"]).get_json()["data"]
    assert "paused" not in record
    assert client.get("/v1/clients/m", headers=keys["viewer"]).get_json()["data"]["days"] == [
        "mon",
        "wed",
        "fri",
    ]


def test_a_register_body_without_a_date_is_planned_and_stored_for_today(client, keys, tiny):
    del tiny["date"]
    tiny["settings"] = BUDGET
    job = client.post("/v1/plans?wait=30", json=tiny, headers=keys["planner"]).get_json()
    assert job["status"] == "done", job
    assert job["date"] == job["plan"]["date"] == today().isoformat()
    body = {"base": tiny, "whatifs": [{"name": "same", "changes": []}]}
    compared = client.post("/v1/compare", json=body, headers=keys["planner"])
    assert compared.status_code in (200, 202), compared.get_json()


def test_the_last_done_plan_of_a_canteen_is_the_newest_done_one_on_every_store(store, tiny):
    def job(status: str) -> str:
        plan_id = store.create_plan(tiny, time_limit_s=1, seed=0, version="t", owner=None)
        if status == "done":
            assert store.finish(plan_id, {"routes": []})
        return plan_id

    older, newer = job("done"), job("done")
    job("queued")  # newest, but not done
    last = store.list_plans(canteen="canteen", status="done", limit=1)
    assert [r.id for r in last] == [newer]
    assert {r.id for r in store.list_plans(canteen="canteen", status="done")} == {older, newer}
    assert store.list_plans(canteen="elsewhere", status="done") == []
