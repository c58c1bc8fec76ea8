"""A no-answer at the door of a client who is also a household in a grid team's register
reaches that team: the welfare case opens a request (source ``welfare_case``) on the team's
board, once however often the outcome is sent; a client in no team's register opens none."""

from __future__ import annotations

from pathlib import Path

from outcome_fixtures import done_plan, outcome

from dispatch.scenario.documents import read_document
from dispatch.service.demo import DEMO_CANTEEN, seed
from dispatch.service.outcomes import record_outcomes
from dispatch.service.requests import Viewer, list_requests
from dispatch.service.street_register import seed_street

REPO = Path(__file__).parents[2]
JIANGNAN = REPO / "scenarios" / "jiangnan-rainstorm.yaml"
STREET = REPO / "scenarios" / "demo-street.yaml"


def _plan(store, clients: list[str]) -> str:
    document = read_document(JIANGNAN)
    document["canteen"]["id"] = DEMO_CANTEEN  # as the demo register and its street know it
    courier = document["couriers"][0]["id"]
    steps = [{"type": "delivery", "clients": [c], "arrival_s": 40000 + 600 * k}
             for k, c in enumerate(clients)]  # fmt: skip
    route = {"courier": courier, "steps": [{"type": "start"}, *steps, {"type": "end"}]}
    plan = {"format": 1, "unassigned": [], "routes": [route]}
    return done_plan(store, document, plan)


def test_a_no_answer_of_a_registered_household_opens_a_request_for_its_team(store):
    seed(store, JIANGNAN)
    seed_street(store, STREET)
    plan_id = _plan(store, ["jn-019", "jn-002"])
    batch = [outcome("o1", "jn-019", "no_answer"), outcome("o2", "jn-002", "no_answer")]
    recorded = record_outcomes(store, plan_id, batch, recorded_by="courier:a")
    record_outcomes(store, plan_id, batch, recorded_by="courier:a")  # a resend
    assert len(recorded.cases) == 2
    office = list_requests(store, Viewer(by="office"))
    assert [(r.team, r.source, r.id) for r in office] == [
        ("t3", "welfare_case", f"case-{c}") for c in recorded.cases[:1]
    ]  # jn-019 lives in t3's building; jn-002 is in no team's register
    assert list_requests(store, Viewer(by="t1", team="t1")) == []


def test_without_a_grid_register_a_case_opens_no_request(store):
    plan_id = _plan(store, ["jn-019"])
    recorded = record_outcomes(store, plan_id, [outcome("o1", "jn-019", "no_answer")],
                               recorded_by="courier:a")  # fmt: skip
    assert len(recorded.cases) == 1
    assert list_requests(store, Viewer(by="office")) == []
