"""``dispatch plan --date`` and ``--keep-from``: who is planned on a day, who keeps a courier."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import base_document, client

from dispatch.cli import main


def rider(cid: str) -> dict:
    return {"id": cid, "mode": "ebike", "capacity": 3, "shift": ["10:30", "13:00"]}


def write(tmp_path, doc, name="day.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def week_file(tmp_path):
    """A Tuesday (2026-11-24): one client every day, one on Mon/Wed/Fri, one in hospital."""
    doc = base_document()
    doc["clients"] = [
        client("a", 300),
        client("m", 500, days=["mon", "wed", "fri"]),
        client("p", 700, paused=[{"from": "2026-11-24", "to": "2026-11-24", "reason": "复诊"}]),
    ]
    return write(tmp_path, doc)


def plan_json(folder):
    return json.loads((folder / "plan.json").read_text(encoding="utf-8"))


def test_plan_lists_clients_not_due_today_apart_from_unassigned(week_file, tmp_path, capsys):
    out = tmp_path / "tue"
    assert main(["plan", str(week_file), "--out", str(out)]) == 0
    plan = plan_json(out)
    assert plan["date"] == "2026-11-24"
    assert plan["unassigned"] == []
    assert [(n["client"], n["code"]) for n in plan["not_scheduled"]] == [
        ("m", "not_scheduled"),
        ("p", "paused"),
    ]
    assert (plan["summary"]["served"], plan["summary"]["not_scheduled"]) == (1, 2)
    printed = capsys.readouterr().out
    assert "not scheduled today: 2 clients" in printed
    assert "  今日不送 not scheduled m: 周二不在送餐日（送餐日：周一、周三、周五）" in printed
    assert "  今日不送 not scheduled p: 暂停送餐：2026-11-24 至 2026-11-24，复诊" in printed


def test_date_plans_another_day_and_verify_checks_the_plan_for_its_day(week_file, tmp_path):
    out = tmp_path / "wed"
    assert main(["plan", str(week_file), "--out", str(out), "--date", "2026-11-25"]) == 0
    plan = plan_json(out)
    assert plan["date"] == "2026-11-25"
    served = {c for r in plan["routes"] for s in r["steps"] for c in s.get("clients", [])}
    assert served == {"a", "m", "p"}
    assert plan["not_scheduled"] == [] and plan["violations"] == []
    assert main(["verify", str(week_file), str(out / "plan.json")]) == 0  # for the 25th


@pytest.mark.parametrize("value", ["2026-02-30", "25/11/2026", "20261125", "2026-W48-3"])
def test_a_bad_date_is_one_line_exit_2_and_nothing_written(week_file, tmp_path, capsys, value):
    out = tmp_path / "out"
    assert main(["plan", str(week_file), "--out", str(out), "--date", value]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("错误 error: --date: ")
    assert "YYYY-MM-DD" in err
    assert not out.exists()


def keep_day(tmp_path):
    """n1, n2 1500 m north; s1, s2 1500 m south; x 100 m north; couriers of 3 meals each."""
    doc = base_document()
    doc["couriers"] = [rider("r1"), rider("r2")]
    doc["clients"] = [
        client("n1", 1500),
        client("n2", 1500),
        client("s1", -1500),
        client("s2", -1500),
        client("x", 100),
    ]
    return write(tmp_path, doc)


def test_keep_from_on_plan_keeps_an_earlier_courier_that_costs_little(tmp_path, capsys):
    # Serving x with the south rider costs 2 × 100 m × 1.3 = 260 m, 62 s of riding: under
    # keep_courier_s (600 s), so x stays with r2 as in the earlier plan.
    scenario = keep_day(tmp_path)
    earlier = tmp_path / "earlier.json"
    routes = {"r1": [["n1"], ["n2"]], "r2": [["x"], ["s1"], ["s2"]]}
    steps = {r: [{"type": "delivery", "clients": c} for c in stops] for r, stops in routes.items()}
    earlier.write_text(
        json.dumps({"routes": [{"courier": r, "steps": s} for r, s in steps.items()]}),
        encoding="utf-8",
    )
    out = tmp_path / "kept"
    assert main(["plan", str(scenario), "--out", str(out), "--keep-from", str(earlier)]) == 0
    plan = plan_json(out)
    served = {
        c: r["courier"] for r in plan["routes"] for s in r["steps"] for c in s.get("clients", [])
    }
    assert served == {"n1": "r1", "n2": "r1", "s1": "r2", "s2": "r2", "x": "r2"}
    assert (plan["summary"]["kept_courier"], plan["summary"]["kept_courier_of"]) == (5, 5)
    assert "kept courier 5/5 clients" in capsys.readouterr().out
    plain = tmp_path / "plain"
    assert main(["plan", str(scenario), "--out", str(plain)]) == 0
    assert plan_json(plain)["summary"]["kept_courier_of"] == 0
    assert "kept courier" not in capsys.readouterr().out


def test_keep_from_a_file_that_is_no_plan_is_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"routes": "r1"}), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["plan", str(keep_day(tmp_path)), "--out", str(out), "--keep-from", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{bad}:routes" in err
    assert not out.exists()
