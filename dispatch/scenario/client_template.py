"""The client sheet a canteen fills in (``scenarios/clients-template.xlsx``), made here."""

from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dispatch.messages import text
from dispatch.scenario.client_import import CSV_COLUMNS, REQUIRED_COLUMNS, column_label

EXAMPLE = {
    "id": "jn-101",
    "name": "关阿婆",
    "phone": "13800000000",
    "lat": 22.574821,
    "lon": 113.113455,
    "address": "江南街道金桂社区金桂路27号3栋602房",
    "building": "jingui-27-3",
    "floor": 6,
    "lift": "否",
    "window_start": "11:00",
    "window_end": "12:30",
    "meals": "regular:1;soft:1",
    "group": "living_alone",
    "active_from": "2026-12-01",
    "active_to": "",
    "notes": "耳背，请大声敲门",
    "days": "mon;wed;fri",
    "usual_courier": "",
    "priority": "",
    "preferred_time": "",
    "age": 82,
    "social_worker": "",
    "emergency_name": "关先生",
    "emergency_relation": "儿子",
    "emergency_phone": "13900000000",
}
_ROWS = 500  # rows that carry the drop-down lists and number checks
_GROUPS = ("living_alone", "severely_disabled")


def client_template_xlsx() -> bytes:
    """The template workbook: the clients sheet (header, example row, checks), then help."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户 clients"
    sheet.append([column_label(c) for c in CSV_COLUMNS])
    sheet.append([EXAMPLE[c] for c in CSV_COLUMNS])
    for k, column in enumerate(CSV_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=k)
        cell.font = Font(bold=True)
        if column in REQUIRED_COLUMNS:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        sheet.column_dimensions[get_column_letter(k)].width = 12 if column != "address" else 30
    sheet.freeze_panes = "A2"
    for validation, column in _validations():
        letter = get_column_letter(CSV_COLUMNS.index(column) + 1)
        validation.add(f"{letter}2:{letter}{_ROWS + 1}")
        sheet.add_data_validation(validation)
    _help_sheet(book.create_sheet("说明 columns"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _validations() -> list[tuple[DataValidation, str]]:
    error = text("template_bad_cell")
    checks = [
        (DataValidation(type="list", formula1='"是,否"', allow_blank=True), "lift"),
        (DataValidation(type="list", formula1=f'"{",".join(_GROUPS)}"', allow_blank=True), "group"),
        (DataValidation(type="whole", operator="between", formula1="1", formula2="200"), "floor"),
        (DataValidation(type="decimal", operator="between", formula1="-90", formula2="90"), "lat"),
        (
            DataValidation(type="decimal", operator="between", formula1="-180", formula2="180"),
            "lon",
        ),
    ]
    for validation, column in checks:
        validation.allow_blank = True
        validation.error, validation.errorTitle = f"{error.zh} / {error.en}", "暖流 nuanliu"
        validation.showErrorMessage = True
        if column == "group":  # a free label: the list suggests, another value is allowed
            validation.errorStyle = "information"
    return checks


def _help_sheet(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    sheet.append(["列 column", "中文", "English", "必填 required", "示例 example"])
    for column in CSV_COLUMNS:
        label = text(f"column_{column}")
        required = "是 yes" if column in REQUIRED_COLUMNS else ""
        sheet.append([column, label.zh, label.en, required, EXAMPLE[column]])
    sheet.append([])
    for code in ("template_note_example", "template_note_meals", "template_note_docs"):
        note = text(code)
        sheet.append([note.zh])
        sheet.append([note.en])
    for k in range(1, 6):
        sheet.cell(row=1, column=k).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(k)].width = 18
