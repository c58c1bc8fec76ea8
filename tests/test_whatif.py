"""What-if files: every change on a tiny scenario, CSV import, diffs, the compare command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, REPO, SHARED, base_document, client

from dispatch.cli import main
from dispatch.errors import NotFoundError, ScenarioError
from dispatch.model import Plan, Route, Step
from dispatch.planning.day import plan_day
from dispatch.report.kpi import cost_figures, plan_diff, plan_figures
from dispatch.scenario import whatif
from dispatch.scenario.gate import parse_scenario
from dispatch.travel import matrices as travel

TINY = DATA / "tiny.yaml"
ROAD_DEMO = REPO / "scenarios" / "aguascalientes-roads.yaml"
ROAD_EXTRACT = SHARED / "roadnets" / "aguascalientes.osm.pbf"
CSV_HEADER = "id,name,lat,lon,floor,lift,window_start,window_end,meals\n"


def doc() -> dict[str, Any]:
    document = base_document()
    document["couriers"].append(
        {"id": "r2", "mode": "ebike", "capacity": 10, "shift": ["10:30", "13:00"]}
    )
    document["clients"] = [
        client("a", 500, window=["11:00", "12:30"]),
        client("b", 800),
        client("c", -600, window=["11:00", "12:00"]),
    ]
    return document


def apply(*changes: Any, folder: Path | None = None) -> list[dict[str, Any]]:
    return whatif.apply_changes(doc(), list(changes), folder=folder)


def error_of(*changes: Any, folder: Path | None = None) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        apply(*changes, folder=folder)
    return caught.value


# --- each change ---------------------------------------------------------------------


def test_weather_change_sets_the_level():
    (part,) = apply({"weather": "rain"})
    assert parse_scenario(part).weather == "rain"


def test_unknown_weather_level_names_the_change():
    assert error_of({"weather": "snow"}).field == "changes[0].weather"


def test_courier_off_removes_one_or_a_list_of_couriers():
    (part,) = apply({"courier_off": "r2"})
    assert [c["id"] for c in part["couriers"]] == ["r1"]
    (part,) = apply({"courier_off": ["r2"]}, {"weather": "rain"})
    assert [c["id"] for c in part["couriers"]] == ["r1"]


def test_unknown_courier_names_the_change_and_the_item():
    err = error_of(
        {"weather": "rain"}, {"set": {"settings.seed": 3}}, {"courier_off": ["r1", "r9"]}
    )
    assert err.field == "changes[2].courier_off[1]"
    assert "r9" in err.reason.en


def test_the_last_courier_off_is_an_error_of_that_change():
    err = error_of({"courier_off": ["r1", "r2"]})
    assert err.field == "changes[0].courier_off"


def test_remove_clients_drops_them_and_unknown_clients_are_errors():
    (part,) = apply({"remove_clients": ["a", "c"]})
    assert [c["id"] for c in part["clients"]] == ["b"]
    assert error_of({"remove_clients": "zz"}).field == "changes[0].remove_clients"


def test_add_clients_inline_validates_like_scenario_clients():
    (part,) = apply({"add_clients": [client("d", 300)]})
    assert [c["id"] for c in part["clients"]][-1] == "d"
    err = error_of({"add_clients": [client("d", 300), client("e", 300, floor=0)]})
    assert err.field == "changes[0].add_clients[1].floor"


def test_add_clients_from_csv(tmp_path):
    (tmp_path / "new.csv").write_text(
        CSV_HEADER + "d,新客,22.5745,113.1,3,no,11:00,12:00,regular:1;soft:1\n", encoding="utf-8"
    )
    (part,) = apply({"add_clients": "new.csv"}, folder=tmp_path)
    added = parse_scenario(part).clients[-1]
    assert (added.id, added.floor, added.lift, dict(added.meals)) == (
        "d",
        3,
        False,
        {"regular": 1, "soft": 1},
    )


def test_csv_bad_row_names_the_row_and_the_column(tmp_path):
    rows = "".join(f"n{k},,22.57,113.1,2,no,,,regular:1\n" for k in range(5))
    bad = "n9,,22.57,113.1,0,no,,,regular:1\n"  # row 7: header + 5 rows + this one
    (tmp_path / "new-clients.csv").write_text(CSV_HEADER + rows + bad, encoding="utf-8")
    err = error_of({"add_clients": "new-clients.csv"}, folder=tmp_path)
    assert err.field == f"{tmp_path / 'new-clients.csv'}:row 7: floor"
    assert "at least 1" in err.reason.en


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("x,,22.57,113.1,2,maybe,,,regular:1", "lift"),
        ("x,,22.57,north,2,no,,,regular:1", "lon"),
        ("x,,22.57,113.1,2,no,11:00,,regular:1", "window_end"),
        ("x,,22.57,113.1,2,no,11:00,12:00,regular", "meals"),
        ("x,,22.57,113.1,2,no,12:00,11:00,regular:1", "window_end"),
        ("a,,22.57,113.1,2,no,,,regular:1", "id"),
    ],
)
def test_csv_cell_errors_name_their_column(tmp_path, cells, column):
    (tmp_path / "new.csv").write_text(CSV_HEADER + cells + "\n", encoding="utf-8")
    err = error_of({"add_clients": "new.csv"}, folder=tmp_path)
    assert err.field.endswith(f"new.csv:row 2: {column}")


def test_csv_over_http_is_refused():
    assert error_of({"add_clients": "new.csv"}).field == "changes[0].add_clients"


def test_shift_windows_moves_client_windows_only():
    (part,) = apply({"shift_windows": "-30min"})
    assert part["clients"][0]["window"] == ["10:30", "12:00"]
    assert "window" not in part["clients"][1]
    assert part["canteen"]["meals_ready"] == "10:40"


def test_shift_windows_mapping_also_moves_meals_ready_and_shifts():
    (part,) = apply(
        {"shift_windows": {"clients": -60, "meals_ready": "-30min", "shifts": "-15min"}}
    )
    assert part["clients"][2]["window"] == ["10:00", "11:00"]
    assert part["canteen"]["meals_ready"] == "10:10"
    assert part["couriers"][0]["shift"] == ["10:15", "12:45"]


def test_shift_windows_rejects_bad_offsets_and_leaving_the_day():
    assert error_of({"shift_windows": "half an hour"}).field == "changes[0].shift_windows"
    err = error_of({"shift_windows": "-700min"})
    assert err.field.startswith("changes[0].shift_windows: clients[0].window")


def test_set_writes_dotted_paths_and_items_by_id():
    (part,) = apply({"set": {"settings.max_door_to_door_min": 45, "couriers.r2.capacity": 3}})
    scenario = parse_scenario(part)
    assert scenario.settings.max_door_to_door_s == 45 * 60
    assert scenario.couriers[1].capacity == 3


def test_set_unknown_path_and_bad_value_name_the_path():
    err = error_of({"set": {"settings.max_door_to_door_mins": 45}})
    assert err.field == "changes[0].set.settings.max_door_to_door_mins"
    err = error_of({"set": {"settings.max_door_to_door_min": 4500}})
    assert err.field == "changes[0].set.settings.max_door_to_door_min"
    assert (
        error_of({"set": {"couriers.r7.capacity": 3}}).field
        == "changes[0].set.couriers.r7.capacity"
    )


def test_relay_points_and_walkers_can_be_added_for_a_rainstorm():
    point = {
        "id": "rp",
        "location": {"lat": 22.575, "lon": 113.1},
        "open": ["10:30", "13:00"],
        "capacity": 10,
    }
    walker = {"id": "g1", "relay_point": "rp", "capacity": 5, "shift": ["10:45", "13:00"]}
    (part,) = apply(
        {"weather": "rainstorm_orange"}, {"add_relay_point": point}, {"add_walkers": [walker]}
    )
    scenario = parse_scenario(part)
    assert [w.id for w in scenario.walkers] == ["g1"]
    err = error_of({"add_walkers": [dict(walker, relay_point="nowhere")]})
    assert err.field == "changes[0].add_walkers[0].relay_point"


def test_add_canteen_splits_clients_to_the_nearest_canteen():
    south = {"id": "c2", "location": {"lat": 22.5646, "lon": 113.1}, "meals_ready": "10:40"}
    main_part, second = apply({"add_canteen": {"canteen": south, "couriers": ["r2"]}})
    assert [c["id"] for c in main_part["clients"]] == ["a", "b"]
    assert [c["id"] for c in second["clients"]] == ["c"]
    assert [c["id"] for c in second["couriers"]] == ["r2"]
    assert [c["id"] for c in main_part["couriers"]] == ["r1"]


def test_add_canteen_with_an_unknown_courier_names_it():
    south = {"id": "c2", "location": {"lat": 22.5646, "lon": 113.1}, "meals_ready": "10:40"}
    err = error_of({"add_canteen": {"canteen": south, "couriers": ["r2", "r8"]}})
    assert err.field == "changes[0].add_canteen.couriers[1]"


def test_close_roads_is_refused_without_a_road_network():
    err = error_of({"close_roads": [{"lat": 22.57, "lon": 113.1}]})
    assert err.field == "changes[0].close_roads"
    assert "network" in err.reason.en


@pytest.mark.skipif(not ROAD_EXTRACT.is_file(), reason="../shared/roadnets is not beside the repo")
def test_close_roads_on_the_road_demo_plans_around_the_closure():
    base = whatif.read_base(ROAD_DEMO)
    spot = {"lat": 21.8685, "lon": -102.2715, "radius_m": 40}
    (part,) = whatif.apply_changes(base, [{"close_roads": [spot]}, {"close_roads": spot}])
    scenario = parse_scenario(part)
    network = scenario.network
    assert len(scenario.closed_roads) == 2 and scenario.closed_roads[0].radius_m == 40
    assert network is not None
    open_edges = travel.road_network(network).edge_count("ebike")
    assert travel.scenario_roads(scenario).edge_count("ebike") < open_edges
    plan = plan_day(scenario, time_limit_s=1)
    assert plan.violations == () and plan.unassigned == ()
    err_spot = {**spot, "radius_m": 0}
    with pytest.raises(ScenarioError) as caught:
        whatif.apply_changes(base, [{"close_roads": [spot, err_spot]}])
    assert caught.value.field == "changes[0].close_roads[1].radius_m"


def test_unknown_change_and_malformed_change_name_their_index():
    assert error_of({"weather": "rain"}, {"fire_drill": True}).field == "changes[1]"
    assert error_of({"weather": "rain", "courier_off": "r1"}).field == "changes[0]"


# --- files -------------------------------------------------------------------------------


def write_whatif(folder: Path, body: dict[str, Any], name: str = "w.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return path


def test_base_is_relative_to_the_whatif_file(tmp_path):
    (tmp_path / "base.yaml").write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    path = write_whatif(tmp_path, {"base": "base.yaml", "changes": [{"courier_off": "rider-b"}]})
    column = whatif.read_whatif(path)
    assert column.name == "w"
    assert [c["id"] for c in column.parts[0]["couriers"]] == ["rider-a"]


def test_missing_base_is_not_found(tmp_path):
    path = write_whatif(tmp_path, {"base": "nowhere.yaml", "changes": []})
    with pytest.raises(NotFoundError):
        whatif.read_whatif(path)


def test_whatif_errors_name_the_file(tmp_path):
    path = write_whatif(tmp_path, {"base": str(TINY), "changes": [{"courier_off": "r9"}]})
    with pytest.raises(ScenarioError) as caught:
        whatif.read_whatif(path)
    assert caught.value.field == f"{path}:changes[0].courier_off"


def test_costs_must_be_non_negative_numbers():
    assert whatif.read_costs({"per_km": 1, "currency": "CNY"}).per_km == 1.0
    with pytest.raises(ScenarioError) as caught:
        whatif.read_costs({"per_km": -1})
    assert caught.value.field == "costs.per_km"


# --- figures and diffs -------------------------------------------------------------------


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
    diff = plan_diff([(scenario, base)], [(scenario, other)])
    assert diff["changed_courier"] == [{"client": "b", "from": "r1", "to": "r2"}]
    assert diff["newly_unassigned"] == []


def test_diff_names_newly_late_risk_clients(make_scenario):
    scenario = make_scenario([client("a", 500, window=["11:00", "11:30"])])
    calm = Plan("x", (route("r1", (("a",), 40000)),))
    tight = Plan("x", (route("r1", (("a",), 41280)),))  # 11:28, two minutes before the end
    diff = plan_diff([(scenario, calm)], [(scenario, tight)])
    assert diff["newly_late_risk"] == [{"client": "a", "slack_s": 120}]


def test_figures_and_cost_per_meal(make_scenario):
    scenario = make_scenario([client("a", 500), client("b", 800)])
    plan = Plan("x", (route("r1", (("a",), 39800), (("b",), 40400)),))
    figures = plan_figures([(scenario, plan)])
    assert (figures["couriers_used"], figures["served"], figures["distance_m"]) == (1, 2, 1000)
    assert figures["door_to_door_max_s"] == 40520 - 39600
    assert figures["hours_s"] == 40520 - 39600
    costs = cost_figures(figures, per_courier_hour=36, per_km=1)
    assert costs["cost"] == pytest.approx(36 * 920 / 3600 + 1, abs=0.01)
    assert costs["cost_per_meal"] == pytest.approx(costs["cost"] / 2, abs=0.01)


# --- the compare command -----------------------------------------------------------------


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


def test_keep_from_a_morning_plan_moves_few_clients(tmp_path):
    demo = DATA.parent.parent / "scenarios" / "jiangnan-lunch.yaml"
    assert main(["plan", str(demo), "--out", str(tmp_path / "morning"), "--time-limit", "1"]) == 0
    path = write_whatif(
        tmp_path,
        {"base": str(demo), "name": "slower", "changes": [{"set": {"settings.handover_s": 150}}]},
    )

    def moved(*extra: str) -> int:
        out = tmp_path / f"out{len(extra)}"
        args = ["compare", str(demo), str(path), "--out", str(out), "--time-limit", "1", *extra]
        assert main(args) == 0
        report = json.loads((out / "compare.json").read_text(encoding="utf-8"))
        return len(report["plans"][1]["diff"]["changed_courier"])

    kept = moved("--keep-from", str(tmp_path / "morning" / "plan.json"))
    assert kept <= 5 and kept < moved()
