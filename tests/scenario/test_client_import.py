"""Clients from CSV (``add_clients: FILE.csv``): cells read, errors named by row and column."""

from __future__ import annotations

import pytest
from conftest import CSV_HEADER, apply_to_base, change_error

from dispatch.scenario import limits, parse_scenario


def test_add_clients_from_csv_reads_floor_lift_and_meals(tmp_path):
    (tmp_path / "new.csv").write_text(
        CSV_HEADER + "d,新客,22.5745,113.1,3,no,11:00,12:00,regular:1;soft:1\n", encoding="utf-8"
    )
    (part,) = apply_to_base({"add_clients": "new.csv"}, folder=tmp_path)
    added = parse_scenario(part).clients[-1]
    assert (added.id, added.floor, added.lift, dict(added.meals)) == (
        "d",
        3,
        False,
        {"regular": 1, "soft": 1},
    )


def test_add_clients_from_csv_reads_priority_preferred_time_and_age(tmp_path):
    header = "id,lat,lon,meals,priority,preferred_time,age\n"
    (tmp_path / "new.csv").write_text(header + "d,22.5745,113.1,regular:1,1,11:30,84\n")
    (part,) = apply_to_base({"add_clients": "new.csv"}, folder=tmp_path)
    added = parse_scenario(part).clients[-1]
    assert (added.priority, added.preferred_s, added.age) == (1, 11 * 3600 + 30 * 60, 84)


def test_an_impossible_age_is_refused_without_showing_it(tmp_path):
    (tmp_path / "new.csv").write_text("id,lat,lon,meals,age\nd,22.5745,113.1,regular:1,150\n")
    err = change_error({"add_clients": "new.csv"}, folder=tmp_path)
    assert err.field.endswith("new.csv:row 2: age")
    assert "150" not in err.reason.en and "150" not in err.reason.zh


def test_csv_bad_row_names_the_row_and_the_column(tmp_path):
    rows = "".join(f"n{k},,22.57,113.1,2,no,,,regular:1\n" for k in range(5))
    bad = "n9,,22.57,113.1,0,no,,,regular:1\n"  # row 7: header + 5 rows + this one
    (tmp_path / "new-clients.csv").write_text(CSV_HEADER + rows + bad, encoding="utf-8")
    err = change_error({"add_clients": "new-clients.csv"}, folder=tmp_path)
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
    err = change_error({"add_clients": "new.csv"}, folder=tmp_path)
    assert err.field.endswith(f"new.csv:row 2: {column}")


def test_csv_over_5_mb_is_refused_unread(tmp_path):
    (tmp_path / "big.csv").write_text(CSV_HEADER + "\n" * limits.MAX_FILE_BYTES, encoding="utf-8")
    err = change_error({"add_clients": "big.csv"}, folder=tmp_path)
    assert err.field == str(tmp_path / "big.csv")


def test_csv_cell_with_nul_is_refused_naming_the_row_and_column(tmp_path):
    row = "d,新\x00客,22.5745,113.1,3,no,11:00,12:00,regular:1\n"
    (tmp_path / "new.csv").write_text(CSV_HEADER + row, encoding="utf-8")
    err = change_error({"add_clients": "new.csv"}, folder=tmp_path)
    assert err.field == f"{tmp_path / 'new.csv'}:row 2: name"


def test_csv_cell_over_the_csv_field_limit_is_a_clear_error(tmp_path):
    row = "d," + "x" * 200_000 + ",22.5745,113.1,3,no,11:00,12:00,regular:1\n"
    (tmp_path / "new.csv").write_text(CSV_HEADER + row, encoding="utf-8")
    err = change_error({"add_clients": "new.csv"}, folder=tmp_path)
    assert err.field == f"{tmp_path / 'new.csv'}:row 2"
    assert "CSV" in err.reason.en


def test_csv_days_and_usual_courier_become_the_clients_schedule(tmp_path):
    header = CSV_HEADER.rstrip("\n") + ",days,usual_courier\n"
    rows = (
        "d,,22.5745,113.1,1,no,,,regular:1,Mon; wed;fri,r2\ne,,22.5745,113.1,1,no,,,regular:1,,\n"
    )
    (tmp_path / "new.csv").write_text(header + rows, encoding="utf-8")
    (part,) = apply_to_base({"add_clients": "new.csv"}, folder=tmp_path)
    d, e = parse_scenario(part).clients[-2:]
    assert (d.days, d.usual_courier) == (frozenset({0, 2, 4}), "r2")
    assert (e.days, e.usual_courier) == (None, None)


def test_csv_bad_weekday_names_the_row_and_the_days_column(tmp_path):
    header = CSV_HEADER.rstrip("\n") + ",days\n"
    (tmp_path / "new.csv").write_text(
        header + "d,,22.5745,113.1,1,no,,,regular:1,mon;weds\n", encoding="utf-8"
    )
    err = change_error({"add_clients": "new.csv"}, folder=tmp_path)
    assert err.field == f"{tmp_path / 'new.csv'}:row 2: days"


def test_add_clients_reads_an_xlsx_and_places_its_errors_by_sheet(tmp_path):
    from scenario.test_client_rows import ROWS, xlsx

    (tmp_path / "new.xlsx").write_bytes(xlsx([[f"n{r[0]}", *r[1:]] for r in ROWS]))
    (part,) = apply_to_base({"add_clients": "new.xlsx"}, folder=tmp_path)
    assert [c.id for c in parse_scenario(part).clients][-2:] == ["nk1", "nk2"]
    (tmp_path / "bad.xlsx").write_bytes(
        xlsx([["a", "", 22.57, 113.1, 2, "否", "", "", "regular:1"]])
    )
    err = change_error({"add_clients": "bad.xlsx"}, folder=tmp_path)
    assert err.field == f"{tmp_path / 'bad.xlsx'}:客户 clients:row 2: id"
