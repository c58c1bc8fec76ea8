"""``dispatch import``: a sheet of clients merged into a scenario, all or nothing."""

from __future__ import annotations

import os

import pytest
import yaml
from conftest import base_document, client
from scenario.test_client_rows import HEADER, ROWS, csv_text, xlsx

from dispatch.cli import main
from dispatch.scenario import load_scenario


@pytest.fixture
def base(tmp_path):
    doc = base_document()
    doc["clients"] = [client("k1", 300, phone="13800000000", floor=9)]
    path = tmp_path / "base.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def run(sheet, base, out, *more):
    return main(["import", str(sheet), "--scenario", str(base), "--out", str(out), *more])


def test_xlsx_import_merges_by_id_and_writes_a_valid_scenario(base, tmp_path, capsys):
    sheet = tmp_path / "clients.xlsx"
    sheet.write_bytes(xlsx(ROWS))
    out = tmp_path / "day" / "day.yaml"
    out.parent.mkdir()
    assert run(sheet, base, out) == 0
    assert "新增 1 位，更新 1 位" in capsys.readouterr().out
    scenario = load_scenario(out)
    k1, k2 = scenario.clients
    assert (k1.floor, k1.phone, k2.id) == (3, "13800000000", "k2")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_csv_with_a_bad_row_names_row_and_column_exits_2_and_writes_nothing(
    base, tmp_path, capsys, encoding
):
    bad = [*ROWS, ["k3", "李伯", 22.57, 113.1, "三", "否", "", "", "regular:1"]]
    sheet = tmp_path / "clients.csv"
    sheet.write_bytes(csv_text(bad).encode(encoding))
    before = sorted(os.listdir(tmp_path))
    assert run(sheet, base, tmp_path / "day.yaml") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{sheet}:row 4: floor" in err and "整数" in err
    assert "李伯" not in err
    assert sorted(os.listdir(tmp_path)) == before


def test_xlsx_with_a_bad_row_names_the_sheet(base, tmp_path, capsys):
    sheet = tmp_path / "clients.xlsx"
    sheet.write_bytes(xlsx([*ROWS, ["k3", "", 95.0, 113.1, 2, "否", "", "", "regular:1"]]))
    assert run(sheet, base, tmp_path / "day.yaml") == 2
    assert f"{sheet}:客户 clients:row 4: lat" in capsys.readouterr().err
    assert not (tmp_path / "day.yaml").exists()


def test_a_gate_error_after_the_merge_points_at_the_row(base, tmp_path, capsys):
    rows = [["k5", "", 22.57, 113.1, 2, "否", "12:00", "11:00", "regular:1"]]
    sheet = tmp_path / "clients.csv"
    sheet.write_text(csv_text(rows), encoding="utf-8")
    assert run(sheet, base, tmp_path / "day.yaml") == 2
    assert f"{sheet}:row 2: window_end" in capsys.readouterr().err


def test_out_is_never_an_input_and_an_existing_file_needs_force(base, tmp_path, capsys):
    sheet = tmp_path / "clients.csv"
    sheet.write_text(csv_text(ROWS), encoding="utf-8")
    before = base.read_bytes()
    assert run(sheet, base, base, "--force") == 2
    assert base.read_bytes() == before
    out = tmp_path / "day.yaml"
    out.write_text("mine\n", encoding="utf-8")
    assert run(sheet, base, out) == 2 and "--force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert run(sheet, base, out, "--force") == 0
    assert len(load_scenario(out).clients) == 2


def test_the_written_file_respects_the_umask(base, tmp_path):
    sheet = tmp_path / "clients.csv"
    sheet.write_text(csv_text(ROWS), encoding="utf-8")
    old = os.umask(0o027)
    try:
        assert run(sheet, base, tmp_path / "day.yaml") == 0
    finally:
        os.umask(old)
    assert (tmp_path / "day.yaml").stat().st_mode & 0o777 == 0o640


def test_header_only_is_a_valid_empty_import(base, tmp_path):
    sheet = tmp_path / "clients.csv"
    sheet.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    assert run(sheet, base, tmp_path / "day.json") == 0
    assert len(load_scenario(tmp_path / "day.json").clients) == 1
