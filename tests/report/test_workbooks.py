"""kitchen.csv for Excel (UTF-8 with BOM), kitchen.xlsx and plan.xlsx: the right rows."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from conftest import base_document, client

from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.sheets import kitchen_csv
from dispatch.report.workbooks import PLAN_COLUMNS, kitchen_xlsx, plan_xlsx
from dispatch.scenario import parse_scenario


@pytest.fixture(scope="module")
def part():
    doc = base_document()
    doc["clients"] = [
        client("k1", 300, name="钟伯伯", address="江南路1号", meals={"low_salt": 1, "regular": 1}),
        client("k2", 600, name="陈婆婆", floor=5, building="b2", meals={"soft": 1}),
        client("k3", 600, name="Li Hua", floor=3, building="b2", window=["11:00", "12:30"]),
    ]
    scenario = parse_scenario(doc)
    return PlanContext.of(scenario, plan_day(scenario))


def rows(data: bytes) -> list[tuple[object, ...]]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))


def test_kitchen_csv_starts_with_a_bom_and_reads_as_utf8_sig(part):
    raw = kitchen_csv(part).encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[0] == "route"


def test_kitchen_xlsx_holds_the_csvs_rows_with_numbers_as_numbers(part):
    table = list(csv.reader(io.StringIO(kitchen_csv(part).removeprefix("\ufeff"))))
    sheet = rows(kitchen_xlsx(part))
    assert list(sheet[0]) == table[0]
    assert [["" if v is None else str(v) for v in r] for r in sheet[1:]] == table[1:]
    grand = dict(zip(table[0], sheet[-1], strict=True))
    assert (grand["route"], grand["low_salt"], grand["regular"], grand["soft"]) == ("ALL", 1, 2, 1)


def test_plan_xlsx_has_one_row_a_client_at_each_stop_in_route_order(part):
    header, *body = rows(plan_xlsx(part))
    assert header[0] == "线路 route" and len(header) == len(PLAN_COLUMNS)
    columns = dict(enumerate(PLAN_COLUMNS))
    table = [{columns[k]: v for k, v in enumerate(r)} for r in body]
    assert sorted(r["client"] for r in table) == ["k1", "k2", "k3"]
    k2, k3 = (next(r for r in table if r["client"] == c) for c in ("k2", "k3"))
    assert k2["stop"] == k3["stop"] and (k2["floor"], k2["lift"]) == (5, "否")
    assert k3["window"] == "11:00–12:30" and k3["name"] == "Li Hua"
    for route in part.plan.routes:
        mine = [r for r in table if r["route"] == route.courier]
        assert [r["stop"] for r in mine] == sorted(r["stop"] for r in mine)
        arrivals = [r["arrival"] for r in mine]
        assert arrivals == sorted(arrivals)
