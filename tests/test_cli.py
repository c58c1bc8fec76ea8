"""The ``dispatch`` command: files written, exit codes, bad input, what sheets show."""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, base_document, client, whatif_base, write_whatif

from api import DEFAULTS
from dispatch.cli import MAX_CLIENTS, main


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


def test_plan_writes_sheets_pdf_unless_told_not_to(scenario_file, tmp_path):
    out, bare = tmp_path / "out", tmp_path / "bare"
    assert main(["plan", str(scenario_file), "--out", str(out), "--iterations", "50"]) == 0
    assert (out / "sheets.pdf").read_bytes().startswith(b"%PDF")
    assert 'href="sheets.pdf"' in (out / "index.html").read_text(encoding="utf-8")
    args = ["plan", str(scenario_file), "--out", str(bare), "--iterations", "50", "--no-pdf"]
    assert main(args) == 0
    assert not (bare / "sheets.pdf").exists() and (bare / "sheets").is_dir()
    assert "sheets.pdf" not in (bare / "index.html").read_text(encoding="utf-8")
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
    rows = list(csv.DictReader((out / "kitchen.csv").open(encoding="utf-8-sig")))
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
    out = capsys.readouterr().out
    assert "missing" in out and "既未送达也未列为未送达 / neither served nor reported" in out


def test_verify_rejects_a_malformed_plan_with_its_field_path(scenario_file, tmp_path, capsys):
    path = tmp_path / "hand.json"
    path.write_text(json.dumps({"routes": [{"courier": 7, "steps": []}]}), encoding="utf-8")
    assert main(["verify", str(scenario_file), str(path)]) == 2
    assert "routes[0].courier" in capsys.readouterr().err


def snapshot(folder):
    """Every file's bytes and every folder under ``folder``, to show nothing was touched."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in folder.rglob("*")
    }


def plan_args(scenario, out, *more):
    return ["plan", str(scenario), "--out", str(out), "--time-limit", "0.3", *more]


def test_out_dot_with_a_users_files_is_refused_and_nothing_changes(
    scenario_file, tmp_path, monkeypatch, capsys
):
    (tmp_path / "notes.txt").write_text("电话本 phone book\n", encoding="utf-8")
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"\xff\xd8\xff")
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(plan_args(scenario_file, ".")) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误 error: .: ") and err.count("\n") == 1
    assert ".nuanliu-dispatch" in err and "Traceback" not in err
    assert snapshot(tmp_path) == before


def test_out_at_the_scenarios_folder_keeps_the_other_scenarios(scenario_file, tmp_path):
    (tmp_path / "other.yaml").write_text(scenario_file.read_text(encoding="utf-8"))
    before = snapshot(tmp_path)
    assert main(plan_args(scenario_file, tmp_path)) == 2
    assert snapshot(tmp_path) == before


def test_out_naming_a_file_is_refused_and_the_file_stays_a_file(scenario_file, tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n", encoding="utf-8")
    before = snapshot(tmp_path)
    assert main(plan_args(scenario_file, notes)) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert snapshot(tmp_path) == before and notes.is_file()


def test_plan_writes_into_an_empty_folder_and_replaces_what_it_wrote(scenario_file, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert main(plan_args(scenario_file, out)) == 0
    listed = (out / ".nuanliu-dispatch").read_text(encoding="utf-8").split()
    assert "plan.json" in listed and set(listed) == {
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
    } - {".nuanliu-dispatch"}
    (out / "plan.json").write_text("stale", encoding="utf-8")
    assert main(plan_args(scenario_file, out, "--lang", "en")) == 0
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["summary"]["served"] == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_file_added_to_an_output_folder_is_never_deleted(scenario_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(plan_args(scenario_file, out)) == 0
    (out / "sheets" / "my-notes.txt").write_text("courier called in sick\n", encoding="utf-8")
    before = snapshot(out)
    assert main(plan_args(scenario_file, out)) == 2
    assert "sheets/my-notes.txt" in capsys.readouterr().err
    assert snapshot(out) == before


def test_compare_out_at_a_users_folder_is_refused_before_planning(tmp_path, monkeypatch, capsys):
    base = tmp_path / "base.yaml"
    base.write_text(yaml.safe_dump(whatif_base(), allow_unicode=True), encoding="utf-8")
    whatif = write_whatif(tmp_path, {"base": "base.yaml", "changes": [{"courier_off": "r2"}]})
    before = snapshot(tmp_path)
    monkeypatch.setattr("dispatch.cli.compare.plan_columns", lambda *a, **k: pytest.fail("planned"))
    assert main(["compare", str(base), str(whatif), "--out", str(tmp_path)]) == 2
    assert "错误 error:" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


def test_more_clients_than_the_cap_is_one_line_before_any_planning(tmp_path, monkeypatch, capsys):
    doc = base_document()
    doc["clients"] = [client(f"k{i}", 100 + i) for i in range(MAX_CLIENTS + 1)]
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    monkeypatch.setattr("dispatch.cli.day.plan_day", lambda *a, **k: pytest.fail("planned"))
    assert main(plan_args(path, tmp_path / "out")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "big.yaml:clients" in err and "--max-clients" in err
    assert not (tmp_path / "out").exists()


def test_max_clients_flag_sets_the_cap_both_ways(scenario_file, tmp_path):
    assert main(plan_args(scenario_file, tmp_path / "a", "--max-clients", "2")) == 2
    assert main(plan_args(scenario_file, tmp_path / "b", "--max-clients", "3")) == 0


def test_the_cli_client_cap_is_the_apis():
    assert DEFAULTS["MAX_CLIENTS"] == MAX_CLIENTS


def run_cli(*args, **popen):
    """``dispatch`` in a real child process."""
    command = [sys.executable, "-m", "dispatch.cli", *map(str, args)]
    return subprocess.run(command, cwd=REPO, capture_output="stdout" not in popen, **popen)


def test_disk_full_on_stdout_says_cannot_write_and_the_files_are_complete(scenario_file, tmp_path):
    out = tmp_path / "out"
    with open("/dev/full", "w") as full:
        done = run_cli(*plan_args(scenario_file, out), stdout=full, stderr=subprocess.PIPE)
    err = done.stderr.decode()
    assert done.returncode == 2 and err.count("\n") == 1
    assert "<stdout>" in err and "cannot write" in err and "cannot read" not in err
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["summary"]["served"] == 3


def _small_files():
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))


def test_a_write_that_fails_midway_leaves_the_old_folder_and_no_scraps(scenario_file, tmp_path):
    out = tmp_path / "out"
    assert main(plan_args(scenario_file, out)) == 0
    before, beside = snapshot(out), sorted(p.name for p in tmp_path.iterdir())
    done = run_cli(*plan_args(scenario_file, out, "--lang", "en"), preexec_fn=_small_files)
    err = done.stderr.decode()
    assert done.returncode == 2 and err.count("\n") == 1
    assert f"{out}/" in err and "cannot write" in err and "File too large" in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == beside


def test_a_write_that_fails_in_a_new_folder_leaves_nothing(scenario_file, tmp_path):
    done = run_cli(*plan_args(scenario_file, tmp_path / "a" / "b"), preexec_fn=_small_files)
    assert done.returncode == 2 and "cannot write" in done.stderr.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day.yaml"]


def test_a_pipe_closed_early_exits_141_quietly_after_writing_everything(scenario_file, tmp_path):
    read_end, write_end = os.pipe()
    reader = subprocess.Popen(["head", "-c", "0"], stdin=read_end)
    os.close(read_end)
    assert reader.wait(timeout=10) == 0  # the reader is gone: no one reads the pipe now
    out = tmp_path / "out"
    done = run_cli(*plan_args(scenario_file, out), stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    assert (done.returncode, done.stderr.decode()) == (141, "")
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["summary"]["served"] == 3
    assert main(["verify", str(scenario_file), str(out / "plan.json")]) == 0


def test_plan_prints_a_courier_off_shift_as_not_used_and_plans_the_rest(tmp_path, capsys):
    doc = base_document()
    doc["couriers"].append(
        {"id": "r0", "mode": "ebike", "capacity": 4, "shift": ["08:00", "10:00"]}
    )
    doc["clients"] = [client("k1", 300)]
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert main(plan_args(path, tmp_path / "out")) == 0
    table = capsys.readouterr().out
    assert "served 1/1" in table and "not used r0: 班次 10:00 结束" in table
    plan = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert [n["courier"] for n in plan["couriers_not_used"]] == ["r0"]
