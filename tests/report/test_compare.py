"""A comparison of planned what-ifs: figures and diffs, the compare command, POST /v1/compare."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import CSV_HEADER, TINY, client, write_whatif

from dispatch.cli import main
from dispatch.errors import PlanFormatError
from dispatch.model import Plan, Route, Step
from dispatch.report.compare import read_keep
from dispatch.report.context import PlanContext
from dispatch.report.kpi import cost_figures, plan_diff, plan_figures
from dispatch.scenario import read_document


def route(courier: str, *stops: tuple[tuple[str, ...], int]) -> Route:
    """A route leaving at 11:00; each stop (clients, arrival_s) takes 120 s."""
    steps = [Step("start", arrival_s=39600, departure_s=39600)]
    steps += [
        Step("delivery", clients=ids, arrival_s=t, departure_s=t + 120, distance_m=500)
        for ids, t in stops
    ]
    return Route(courier, (*steps, Step("end", arrival_s=steps[-1].departure_s)))


def test_diff_lists_exactly_the_clients_that_moved(make_scenario):
    scenario = make_scenario([client("a", 500), client("b", 800), client("c", -600)])
    base = Plan("x", (route("r1", (("a",), 40000), (("b",), 40300)), route("r2", (("c",), 40000))))
    other = Plan("x", (route("r1", (("a",), 40000)), route("r2", (("c",), 40000), (("b",), 40300))))
    diff = plan_diff([PlanContext.of(scenario, base)], [PlanContext.of(scenario, other)])
    assert diff["changed_courier"] == [{"client": "b", "from": "r1", "to": "r2"}]
    assert diff["newly_unassigned"] == []


def test_diff_names_newly_late_risk_clients(make_scenario):
    scenario = make_scenario([client("a", 500, window=["11:00", "11:30"])])
    calm = Plan("x", (route("r1", (("a",), 40000)),))
    tight = Plan("x", (route("r1", (("a",), 41280)),))  # 11:28, two minutes before the end
    diff = plan_diff([PlanContext.of(scenario, calm)], [PlanContext.of(scenario, tight)])
    assert diff["newly_late_risk"] == [{"client": "a", "slack_s": 120}]


def test_figures_count_couriers_distance_hours_and_cost_per_meal(make_scenario):
    scenario = make_scenario([client("a", 500), client("b", 800)])
    plan = Plan("x", (route("r1", (("a",), 39800), (("b",), 40400)),))
    figures = plan_figures([PlanContext.of(scenario, plan)])
    assert (figures["couriers_used"], figures["served"], figures["distance_m"]) == (1, 2, 1000)
    assert figures["door_to_door_max_s"] == 40520 - 39600
    assert figures["hours_s"] == 40520 - 39600
    costs = cost_figures(figures, per_courier_hour=36, per_km=1)
    assert costs["cost"] == pytest.approx(36 * 920 / 3600 + 1, abs=0.01)
    assert costs["cost_per_meal"] == pytest.approx(costs["cost"] / 2, abs=0.01)


def test_compare_writes_the_report_and_every_plan(tmp_path, capsys):
    path = write_whatif(
        tmp_path, {"base": str(TINY), "name": "sick", "changes": [{"courier_off": "rider-b"}]}
    )
    out = tmp_path / "out"
    assert main(["compare", str(TINY), str(path), "--out", str(out), "--time-limit", "0.5"]) == 0
    data = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert [p["name"] for p in data["plans"]] == ["base", "sick"]
    for name in ("base", "sick"):
        plan = json.loads((out / name / "plan.json").read_text(encoding="utf-8"))
        assert plan["violations"] == []
    assert "<svg" in (out / "compare.html").read_text(encoding="utf-8")
    assert "changed courier" in capsys.readouterr().out


def test_compare_bad_input_exits_2_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "new.csv").write_text(CSV_HEADER + "x,,22.57,113.1,0,no,,,regular:1\n")
    good = write_whatif(tmp_path, {"base": str(TINY), "changes": []}, "good.yaml")
    bad = write_whatif(tmp_path, {"base": str(TINY), "changes": [{"add_clients": "new.csv"}]})
    out = tmp_path / "out"
    assert main(["compare", str(TINY), str(good), str(bad), "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "row 2: floor" in err


def read_tiny() -> dict[str, Any]:
    return dict(read_document(TINY))


def test_keep_from_a_file_that_is_no_plan_names_the_file(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format": 1}), encoding="utf-8")
    with pytest.raises(PlanFormatError) as caught:
        read_keep(path)
    assert caught.value.field.startswith(f"{path}:")
