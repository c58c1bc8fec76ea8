"""Clients from spreadsheets: .xlsx and CSV in UTF-8, UTF-8 with BOM, GBK; every error placed."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from conftest import base_document

from dispatch.scenario import parse_scenario
from dispatch.scenario.client_rows import merge_clients, read_client_rows

HEADER = ["id", "name", "lat", "lon", "floor", "lift", "window_start", "window_end", "meals"]
ROWS = [
    ["k1", "钟伯伯", 22.571, 113.1, 3, "否", "11:00", "12:00", "regular:1;soft:1"],
    ["k2", "陈婆婆", 22.572, 113.1, 5, "是", "", "", "diabetic：1"],
]


def xlsx(rows, header=HEADER, title="客户 clients"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(rows, header=HEADER):
    return "".join(",".join(map(str, r)) + "\n" for r in [header, *rows])


def test_gbk_utf8_bom_and_utf8_csv_read_the_same_clients():
    text = csv_text(ROWS)
    read = [
        read_client_rows(data, "clients.csv")
        for data in (text.encode("gbk"), text.encode("utf-8-sig"), text.encode("utf-8"))
    ]
    assert all(r.errors == () for r in read)
    assert read[0].clients == read[1].clients == read[2].clients
    first = read[0].clients[0]
    assert (first["name"], first["floor"], first["lift"]) == ("钟伯伯", 3, False)
    assert first["meals"] == {"regular": 1, "soft": 1}
    assert read[0].clients[1]["meals"] == {"diabetic": 1}  # a Chinese colon is read too


def test_xlsx_reads_typed_cells_times_and_chinese_headers():
    header = [
        "编号",
        "姓名",
        "纬度 lat",
        "经度 lon",
        "楼层 floor",
        "电梯",
        "送达最早",
        "送达最晚",
        "餐食",
    ]
    row = ["k1", "钟伯伯", 22.571, 113.1, 3.0, True, dt.time(11, 0), dt.time(12, 30), "regular:1"]
    rows = read_client_rows(xlsx([row], header), "clients.xlsx")
    assert rows.errors == () and rows.sheet == "客户 clients"
    (client,) = rows.clients
    assert client["floor"] == 3 and client["lift"] is True
    assert client["window"] == ["11:00", "12:30"]
    assert client["location"] == {"lat": 22.571, "lon": 113.1}


def test_xlsx_bad_rows_name_the_sheet_row_and_column_and_keep_the_good_rows():
    bad = [
        ROWS[0],
        ["k3", "", 22.57, 113.1, "三楼", "否", "", "", "regular:1"],  # row 3: floor
        ["k4", "", 22.57, 113.1, 0, "否", "", "", "regular:1"],  # row 4: floor below 1
        ["k1", "", 22.57, 113.1, 2, "否", "", "", "regular:1"],  # row 5: k1 again
    ]
    rows = read_client_rows(xlsx(bad), "clients.xlsx")
    assert [c["id"] for c in rows.clients] == ["k1"]
    assert [(e.sheet, e.row, e.column) for e in rows.errors] == [
        ("客户 clients", 3, "floor"),
        ("客户 clients", 4, "floor"),
        ("客户 clients", 5, "id"),
    ]
    assert rows.errors[0].where() == "clients.xlsx:客户 clients:row 3: floor"
    assert "三楼" not in rows.errors[0].where() + rows.errors[0].reason.zh  # no cell echoed


def test_a_name_never_appears_in_an_error():
    rows = read_client_rows(
        csv_text([["k1", "钟伯伯\x00", 22.5, 113.1, 1, "否", "", "", "regular:1"]]).encode(),
        "c.csv",
    )
    (error,) = rows.errors
    assert (error.row, error.column) == (2, "name")
    assert "钟" not in error.reason.zh + error.reason.en


@pytest.mark.parametrize(
    ("data", "name", "code_word"),
    [
        (b"\x00\x01garbage", "clients.xlsx", "xlsx"),
        (b"id;name", "clients.xls", ".xls"),
        (b"id,name\nk1,\x80\xff\n", "clients.csv", "UTF-8"),
    ],
)
def test_unreadable_files_are_one_error_for_the_file(data, name, code_word):
    rows = read_client_rows(data, name)
    (error,) = rows.errors
    assert (error.row, error.where()) == (0, name)
    assert code_word in error.reason.en and rows.clients == ()


def test_unknown_and_missing_header_columns_are_errors_of_row_1():
    rows = read_client_rows(b"id,lat,lon,colour\nk1,22.5,113.1,red\n", "c.csv")
    assert [(e.row, e.column, e.reason.en) for e in rows.errors] == [
        (1, "colour", "unknown field 'colour'"),
        (1, "", "missing required field 'meals'"),
    ]


def test_merge_adds_new_ids_and_updates_only_the_sheets_columns():
    base = base_document()
    base["clients"] = [
        {
            "id": "k1",
            "phone": "13800000000",
            "floor": 9,
            "location": {"lat": 22.5, "lon": 113.1},
            "meals": {"regular": 2},
        },
    ]
    rows = read_client_rows(csv_text(ROWS).encode(), "c.csv")
    merged, _ = merge_clients(base, rows)
    k1, k2 = merged["clients"]
    assert (k1["phone"], k1["floor"], k1["meals"]) == ("13800000000", 3, {"regular": 1, "soft": 1})
    assert k2["id"] == "k2" and "window" not in k2
    assert [c.id for c in parse_scenario(merged).clients] == ["k1", "k2"]


def test_an_xlsx_with_a_broken_sheet_is_one_error_not_a_traceback():
    source = zipfile.ZipFile(io.BytesIO(xlsx(ROWS)))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # cut off mid-XML
            target.writestr(item, data)
    rows = read_client_rows(broken.getvalue(), "cut.xlsx")
    (error,) = rows.errors
    assert error.where() == "cut.xlsx" and "xlsx" in error.reason.en


def test_more_rows_than_the_cap_is_an_error_at_the_first_row_past_it(monkeypatch):
    from dispatch.scenario import client_rows

    monkeypatch.setattr(client_rows, "MAX_ROWS", 3)
    rows = read_client_rows(xlsx([[f"k{n}", *ROWS[0][1:]] for n in range(6)]), "c.xlsx")
    assert [(e.row, e.column) for e in rows.errors] == [(4, "")]
    assert [c["id"] for c in rows.clients] == ["k0", "k1"]
