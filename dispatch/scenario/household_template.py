"""The household sheet a street office or team fills in (``scenarios/households-template.xlsx``),
made here as the client sheet is (``client_template``)."""

from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dispatch.messages import text
from dispatch.scenario.household_rows import HOUSEHOLD_COLUMNS, MEMBERS, REQUIRED, column_label
from dispatch.scenario.street_records import GROUPS

EXAMPLE = {
    "id": "h101",
    "building": "jingui-8-1",
    "floor": 5,
    "unit": "3单元502",
    "member_1": "关阿婆",
    "group_1": "空巢独居老年人",
    "member_2": "",
    "group_2": "",
    "member_3": "",
    "group_3": "",
    "responsible": "t1-m1",
    "needs": "每周探访，代购日用品",
    "notes": "耳背，请大声敲门",
    "client_canteen": "",
    "client_id": "",
    "last_contact": "2026-11-28",
}
_ROWS = 1000  # rows that carry the drop-down lists and number checks


def households_template_xlsx() -> bytes:
    """The template workbook: the households sheet (header, example row, checks), then help."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "住户 households"
    sheet.append([column_label(c) for c in HOUSEHOLD_COLUMNS])
    sheet.append([EXAMPLE[c] for c in HOUSEHOLD_COLUMNS])
    for k, column in enumerate(HOUSEHOLD_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=k)
        cell.font = Font(bold=True)
        if column in REQUIRED:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        sheet.column_dimensions[get_column_letter(k)].width = 16
    sheet.freeze_panes = "A2"
    error = text("template_bad_cell")
    names = ",".join(text(f"street_group_{g}").zh for g in GROUPS)
    checks = [
        (DataValidation(type="list", formula1=f'"{names}"'), f"group_{k}")
        for k in range(1, MEMBERS + 1)
    ]
    checks.append(
        (DataValidation(type="whole", operator="between", formula1="1", formula2="200"), "floor")
    )
    for validation, column in checks:
        validation.allow_blank = True
        validation.error, validation.errorTitle = f"{error.zh} / {error.en}", "暖流 nuanliu"
        validation.showErrorMessage = True
        letter = get_column_letter(HOUSEHOLD_COLUMNS.index(column) + 1)
        validation.add(f"{letter}2:{letter}{_ROWS + 1}")
        sheet.add_data_validation(validation)
    help_sheet = book.create_sheet("说明 columns")
    help_sheet.append(["列 column", "中文", "English", "必填 required", "示例 example"])
    for column in HOUSEHOLD_COLUMNS:
        label = text(f"street_column_{column.rstrip('0123456789').rstrip('_')}")
        required = "是 yes" if column in REQUIRED else ""
        help_sheet.append([column, label.zh, label.en, required, EXAMPLE[column]])
    help_sheet.append([])
    note = text("street_template_note")
    help_sheet.append([note.zh])
    help_sheet.append([note.en])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
