"""The client template: the reader's own columns, an example row it reads, checks on cells."""

from __future__ import annotations

import io

import openpyxl
from conftest import REPO

from dispatch.scenario.client_import import CSV_COLUMNS, header_column
from dispatch.scenario.client_rows import read_client_rows
from dispatch.scenario.client_template import client_template_xlsx

COMMITTED = REPO / "scenarios" / "clients-template.xlsx"


def cells(data: bytes) -> list[list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


def test_the_template_reads_back_as_its_example_client():
    rows = read_client_rows(client_template_xlsx(), "clients-template.xlsx")
    assert rows.errors == () and rows.columns == CSV_COLUMNS
    (example,) = rows.clients
    assert example["window"] == ["11:00", "12:30"] and example["lift"] is False


def test_the_header_is_chinese_and_english_and_names_the_csv_columns():
    header = cells(client_template_xlsx())[0][0]
    assert header[0] == "编号 id" and header[7] == "楼层 floor"
    assert tuple(header_column(str(h)) for h in header) == CSV_COLUMNS


def test_lift_and_floor_cells_are_checked_by_excel():
    book = openpyxl.load_workbook(io.BytesIO(client_template_xlsx()))
    checks = {
        str(v.sqref): (v.type, v.formula1)
        for v in book.worksheets[0].data_validations.dataValidation
    }
    assert checks["I2:I501"] == ("list", '"是,否"')
    assert checks["H2:H501"] == ("whole", "1")


def test_the_committed_template_is_what_the_script_makes():
    assert cells(COMMITTED.read_bytes()) == cells(client_template_xlsx())
