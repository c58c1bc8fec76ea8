"""A client's emergency contact: a register field checked by the scenario's schema, sealed
like the rest of the record, and the number the welfare check's "call the emergency
contact" step gives the station, for the demo register's first client."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import error_of
from outcome_fixtures import Collect, done_plan, local

from dispatch.scenario import read_document
from dispatch.service.demo import DEMO, DEMO_CANTEEN, seed
from dispatch.service.outcomes import record_outcomes
from dispatch.service.welfare import DEFAULT_STEPS, list_cases, tick

CONTACT = {"name": "伍女士", "relation": "女儿", "phone": "13900000001"}


def test_the_register_keeps_a_clients_emergency_contact(client, keys, ledger_canteen,
                                                        ledger_client):  # fmt: skip
    planner = keys["planner"]
    client.post("/v1/canteens", json=ledger_canteen, headers=planner)
    made = client.post("/v1/clients", json=ledger_client("a", emergency_contact=CONTACT),
                       headers=planner)  # fmt: skip
    assert made.status_code == 201
    read = client.get("/v1/clients/a", headers=planner).json
    assert read["data"]["emergency_contact"] == CONTACT


@pytest.mark.parametrize(
    ("contact", "field"),
    [({"name": "伍女士"}, "emergency_contact.phone"),
     ({"phone": 13900000001}, "emergency_contact.phone"),
     ({"phone": "139", "email": "x@y"}, "emergency_contact.email"),
     ("13900000001", "emergency_contact")],
    ids=["no-phone", "phone-a-number", "unknown-key", "not-a-mapping"],
)  # fmt: skip
def test_a_malformed_emergency_contact_is_422_at_its_field_and_shows_no_number(
    client, keys, ledger_canteen, ledger_client, contact, field
):
    planner = keys["planner"]
    client.post("/v1/canteens", json=ledger_canteen, headers=planner)
    answer = client.post("/v1/clients", json=ledger_client("a", emergency_contact=contact),
                         headers=planner)  # fmt: skip
    assert answer.status_code == 422
    assert error_of(answer)["field"] == field
    assert "13900000001" not in answer.text


def test_the_escalation_calls_the_demo_clients_emergency_contact(app):
    store = app.extensions["dispatch"].store
    seed(store)
    document = read_document(DEMO)
    document["canteen"]["id"] = DEMO_CANTEEN
    day = dt.date.fromisoformat(str(document["date"]))
    route = {"courier": document["couriers"][0]["id"], "steps": [
        {"type": "start"}, {"type": "delivery", "clients": ["jn-001"], "arrival_s": 41400},
        {"type": "end"}]}  # fmt: skip
    plan_id = done_plan(store, document, {"format": 1, "routes": [route], "unassigned": []})
    item = {"id": "e1", "client": "jn-001", "outcome": "no_answer",
            "at": local("11:30", day).isoformat()}  # fmt: skip
    record_outcomes(store, plan_id, [item], recorded_by="courier:test")
    (case,) = list_cases(store, DEMO_CANTEEN, status="open")
    sent = Collect()
    tick(store, case.opened_at + dt.timedelta(minutes=21), sent, DEFAULT_STEPS)
    calls = {n.step: n.phone for n in sent.notices}
    assert calls["call_emergency_contact"] == CONTACT["phone"]
