"""The ``dispatch`` command: files written, exit codes, bad input, what sheets show."""

from __future__ import annotations

import csv
import json

import pytest
import yaml
from conftest import base_document, client

from dispatch.cli import main


@pytest.fixture
def scenario_file(tmp_path):
    doc = base_document()
    doc["couriers"].append(
        {"id": "r2", "mode": "ebike", "capacity": 3, "shift": ["10:30", "13:00"]}
    )
    doc["clients"] = [
        client(
            "k1",
            300,
            name="钟伯伯",
            phone="13800000000",
            group="severely_disabled",
            address="江南路1号",
            notes="敲门后请稍等",
            meals={"low_salt": 1, "regular": 1},
        ),
        client("k2", 600, name="陈婆婆", floor=5, building="b2", meals={"soft": 1}),
        client("k3", 600, name="Li Hua", floor=3, building="b2"),
    ]
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_plan_writes_plan_sheets_and_kitchen_and_verify_agrees(scenario_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["plan", str(scenario_file), "--out", str(out), "--time-limit", "1"]) == 0
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["violations"] == [] and plan["unassigned"] == []
    assert plan["summary"]["served"] == 3
    assert plan["summary"]["meals"] == 4
    assert plan["summary"]["meals_by_variant"] == {"low_salt": 1, "regular": 2, "soft": 1}
    steps = plan["routes"][0]["steps"]
    assert (steps[0]["type"], steps[-1]["type"]) == ("start", "end")
    assert {"arrival_s", "arrival", "departure_s", "location", "clients"} <= steps[1].keys()
    assert (out / "index.html").is_file()
    assert {p.name for p in (out / "sheets").iterdir()} == {
        f"{r['courier']}.html" for r in plan["routes"]
    }
    assert "served 3/3" in capsys.readouterr().out
    assert main(["verify", str(scenario_file), str(out / "plan.json")]) == 0


def test_route_sheet_shows_what_a_courier_needs_and_no_personal_data(scenario_file, tmp_path):
    out = tmp_path / "out"
    main(["plan", str(scenario_file), "--out", str(out), "--time-limit", "1"])
    sheets = "".join(p.read_text(encoding="utf-8") for p in (out / "sheets").iterdir())
    for shown in ("江南路1号", "敲门后请稍等", "钟**", "低盐餐", "5F", "无电梯"):
        assert shown in sheets
    for hidden in ("13800000000", "severely_disabled", "钟伯伯", "陈婆婆"):
        assert hidden not in sheets


def test_english_sheets_on_request(scenario_file, tmp_path):
    out = tmp_path / "out"
    main(["plan", str(scenario_file), "--out", str(out), "--time-limit", "1", "--lang", "en"])
    sheet = next((out / "sheets").iterdir()).read_text(encoding="utf-8")
    assert "Route sheet" in sheet and "送餐路线单" not in sheet


def test_kitchen_counts_variants_per_route_in_loading_order(scenario_file, tmp_path):
    out = tmp_path / "out"
    main(["plan", str(scenario_file), "--out", str(out), "--time-limit", "1"])
    rows = list(csv.DictReader((out / "kitchen.csv").open(encoding="utf-8")))
    grand = rows[-1]
    assert (grand["route"], grand["low_salt"], grand["regular"], grand["soft"]) == (
        "ALL",
        "1",
        "2",
        "1",
    )
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    for route in plan["routes"]:
        delivered = [c for s in route["steps"] if s["type"] == "delivery" for c in s["clients"]]
        packed = [
            r["client"] for r in rows if r["route"] == route["courier"] and r["client"] != "TOTAL"
        ]
        stop_of = {c: i for i, s in enumerate(route["steps"]) for c in s.get("clients", [])}
        assert sorted(packed) == sorted(delivered)
        assert [stop_of[c] for c in packed] == sorted((stop_of[c] for c in packed), reverse=True)


def test_bad_scenario_prints_one_line_exits_2_and_writes_nothing(tmp_path, capsys):
    doc = base_document()
    doc["clients"] = [client("k1", 300, floor=-3)]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["plan", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "clients[0].floor" in err and "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.yaml"]


def test_bad_input_keeps_the_previous_output_intact(scenario_file, tmp_path):
    out = tmp_path / "out"
    main(["plan", str(scenario_file), "--out", str(out), "--time-limit", "1"])
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert main(["plan", str(tmp_path / "nope.yaml"), "--out", str(out)]) == 2
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_missing_scenario_file_exits_2(tmp_path, capsys):
    assert main(["plan", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o")]) == 2
    assert "nope.yaml" in capsys.readouterr().err


def test_verify_exits_1_and_names_the_broken_rule(scenario_file, tmp_path, capsys):
    plan = {"routes": [{"courier": "r1", "steps": [{"type": "delivery", "clients": ["k1"]}]}]}
    path = tmp_path / "hand.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    assert main(["verify", str(scenario_file), str(path)]) == 1
    assert "missing" in capsys.readouterr().out


def test_verify_rejects_a_malformed_plan_with_its_field_path(scenario_file, tmp_path, capsys):
    path = tmp_path / "hand.json"
    path.write_text(json.dumps({"routes": [{"courier": 7, "steps": []}]}), encoding="utf-8")
    assert main(["verify", str(scenario_file), str(path)]) == 2
    assert "routes[0].courier" in capsys.readouterr().err
