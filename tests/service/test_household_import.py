"""The household sheet: its template, reading it, preview → confirm into the grid register,
errors by row and column, nothing saved on error, a team's import kept to its buildings."""

from __future__ import annotations

import io

import openpyxl
import pytest
from conftest import REPO

from dispatch.scenario.household_rows import HOUSEHOLD_COLUMNS, header_column, read_household_rows
from dispatch.scenario.household_template import households_template_xlsx
from dispatch.service.demo import seed
from dispatch.service.household_import import apply, preview
from dispatch.service.street_ledger import StreetLedger
from dispatch.service.street_register import seed_street

COMMITTED = REPO / "scenarios" / "households-template.xlsx"
HEADER = "id,building,floor,member_1,group_1,member_2,group_2,responsible,client_canteen,client_id"


@pytest.fixture
def street(store):
    seed(store, REPO / "scenarios" / "jiangnan-rainstorm.yaml")
    seed_street(store, REPO / "scenarios" / "demo-street.yaml")
    return store


def sheet(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode("utf-8")


def cells(data: bytes) -> list[list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(s.iter_rows(values_only=True)) for s in book.worksheets]


def test_the_template_reads_back_as_its_example_household():
    rows = read_household_rows(households_template_xlsx(), "households-template.xlsx")
    assert rows.errors == () and rows.columns == HOUSEHOLD_COLUMNS
    (example,) = rows.households
    assert example["members"] == [{"name": "关阿婆", "group": "empty_nest_elderly"}]
    assert example["floor"] == 5 and "client" not in example
    header = cells(households_template_xlsx())[0][0]
    assert header[2] == "楼层 floor"
    assert tuple(header_column(str(h)) for h in header) == HOUSEHOLD_COLUMNS


def test_the_committed_template_is_what_the_script_makes():
    assert cells(COMMITTED.read_bytes()) == cells(households_template_xlsx())


def test_a_bad_sheet_saves_nothing_and_names_row_and_column_then_the_fixed_one_saves(street):
    bad = sheet(
        "h101,jingui-8-2,4,关阿婆,空巢老人,,,t1-m2,,",
        "h102,jingui-9-9,2,何伯,重病患者,何妹,困境儿童,t1-m1,,",
        "h103,hele-3,3,梁姨,孕产妇,,,t1-m1,,",
        "h104,hele-3,3,陈伯,,,,,jiangnan,jn-001",
        "h01,jingui-8-1,three,刘伯,,,,,,",
    )
    checked = preview(street, bad, "households.csv", street="jiangnan")
    wheres = [e.where for e in checked.errors]
    assert wheres == [
        "households.csv:row 2: group_1",
        "households.csv:row 6: floor",
        "households.csv:row 3: building",
        "households.csv:row 4: responsible",
        "households.csv:row 5: client_id",
    ]
    assert "空巢独居老年人" in checked.errors[0].reason_zh
    assert not checked.ready
    assert StreetLedger(street).find("households", "h101") is None
    good = sheet(
        "h101,jingui-8-2,4,关阿婆,空巢独居老年人,,,t1-m2,,",
        "h102,jingui-8-3,2,何伯,seriously_ill,何妹,children_in_difficulty,t1-m1,jiangnan,jn-006",
    )
    checked = preview(street, good, "households.csv", street="jiangnan")
    assert checked.errors == [] and [r["id"] for r in checked.added] == ["h101", "h102"]
    assert apply(street, checked) == 2
    stored = StreetLedger(street).get("households", "h102").data
    assert stored["members"][1] == {"name": "何妹", "group": "children_in_difficulty"}
    again = preview(street, good, "households.csv", street="jiangnan")
    assert (again.added, again.changed, again.unchanged) == ([], [], 2)


def test_a_known_household_keeps_the_fields_the_sheet_has_no_column_for(street):
    before = StreetLedger(street).get("households", "h01").data
    data = "id,building,floor,member_1,group_1\nh01,jingui-8-1,6,刘伯,empty_nest_elderly\n"
    checked = preview(street, data.encode(), "fix.csv", street="jiangnan")
    ((record, changed),) = checked.changed
    assert changed == ["floor", "members"]
    assert record["client"] == before["client"] and record["responsible"] == before["responsible"]


def test_a_teams_import_stays_in_its_buildings(street):
    data = sheet("h105,hele-5,2,罗伯,,,,t2-m1,,", "h01,jingui-8-1,3,刘伯,,,,t1-m1,,")
    checked = preview(street, data, "t2.csv", street="jiangnan", team="t2")
    assert [e.where for e in checked.errors] == ["t2.csv:row 3: id"]
    assert [r["id"] for r in checked.added] == ["h105"]


def test_one_client_linked_twice_in_a_sheet_is_an_error(street):
    data = sheet("h106,hele-5,2,罗伯,,,,,jiangnan,jn-014", "h107,hele-5,3,罗姨,,,,,jiangnan,jn-014")
    checked = preview(street, data, "twice.csv", street="jiangnan")
    assert [e.where for e in checked.errors] == ["twice.csv:row 3: client_id"]
