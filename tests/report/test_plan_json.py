"""Plans to JSON and back."""

from __future__ import annotations

from conftest import client

from dispatch.model import Plan, Route, Step
from dispatch.report.context import PlanContext
from dispatch.report.kpi import plan_figures
from dispatch.report.plan_json import plan_from_dict, plan_to_dict


def test_a_plan_read_back_keeps_the_figures_of_its_legs(make_scenario):
    scenario = make_scenario([client("a", 500)])
    stop = Step(
        "delivery", clients=("a",), arrival_s=39800, departure_s=39980,
        travel_s=150, distance_m=648, waiting_s=20, service_s=180,
    )  # fmt: skip
    steps = (Step("start", arrival_s=39600, departure_s=39600), stop, Step("end", arrival_s=40200))
    plan = Plan("x", (Route("r1", steps),))
    back = plan_from_dict(plan_to_dict(PlanContext.of(scenario, plan)))
    figures = plan_figures([PlanContext.of(scenario, back)])
    assert (figures["distance_m"], figures["travel_s"]) == (648, 150)
    assert back.routes[0].steps[1].service_s == 180
