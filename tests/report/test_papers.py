"""What the papers say: one A4 page a sheet, sheets.pdf, labels a courier and a manager read."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from conftest import base_document, client, north_m

from dispatch.planning.day import plan_day
from dispatch.report.compare import ROWS
from dispatch.report.context import PlanContext
from dispatch.report.output import render_files
from dispatch.report.pdf import sheets_pdf
from dispatch.report.sheets import index_html, route_sheet_html
from dispatch.scenario import parse_scenario

A4_PT = (595, 842)
LONG_ADDRESS = "江南街道银湖社区银湖大道88号银湖花园{k}座{k}01房"
NOTE = "腿脚不便，请把饭盒放到桌上，敲门后请稍等"


def planned(document):
    scenario = parse_scenario(document)
    part = PlanContext.of(scenario, plan_day(scenario))
    assert part.plan.violations == ()
    return part


def pages(pdf: bytes) -> list[pypdf.PageObject]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == A4_PT
    return list(reader.pages)


def row(html: str, client_id: str) -> str:
    """The table row of the sheet that holds ``client_id``."""
    (found,) = [r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if f">{client_id}<" in r]
    return found


def twenty_stops():
    """One rider, 20 clients 150 m apart northwards, each with a long address and a note."""
    doc = base_document()
    doc["couriers"][0]["capacity"] = 20
    doc["contacts"] = {
        "station": {"name": "饭堂值班", "phone": "0750-0000000"},
        "social_workers": [{"id": "sw1", "name": "李社工", "phone": "13800000001"}],
    }
    doc["clients"] = [
        client(
            f"c{k:02d}",
            150 * (k + 1),
            name="陈婆婆",
            address=LONG_ADDRESS.format(k=k),
            notes=NOTE,
            floor=1 + k % 7,
            window=["11:00", "12:30"],
            social_worker="sw1",
        )
        for k in range(20)
    ]
    doc["settings"].update(handover_s=30, stop_setup_s=10, max_door_to_door_min=120)
    return doc


@pytest.fixture(scope="module")
def twenty():
    return planned(twenty_stops())


def test_a_twenty_stop_sheet_is_one_a4_page_with_every_stop(twenty):
    (route,) = twenty.plan.routes
    assert len(route.deliveries) == 20
    (page,) = pages(sheets_pdf(twenty))
    shown = page.extract_text()
    assert all(f"c{k:02d}" in shown for k in range(20))


def test_sheets_are_set_at_ten_points_or_more(twenty):
    (route,) = twenty.plan.routes
    html = route_sheet_html(twenty, route)
    sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)pt", html)]
    assert sizes and min(sizes) >= 10


def test_the_day_pdf_has_one_page_per_sheet_and_the_index_links_it():
    doc = base_document()
    doc["couriers"] = [
        {"id": f"r{i}", "mode": "ebike", "capacity": 3, "shift": ["10:30", "13:00"]}
        for i in (1, 2, 3)
    ]
    doc["clients"] = [client(f"c{k}", 200 + 150 * k) for k in range(9)]
    part = planned(doc)
    files = render_files(part)
    assert len(part.plan.routes) == 3
    assert len(pages(files["sheets.pdf"])) == 3
    assert 'href="sheets.pdf"' in files["index.html"]


def test_each_stop_shows_its_window_or_its_deliver_by_time():
    doc = base_document()
    doc["clients"] = [client("w", 300, window=["11:00", "12:30"]), client("free", 600)]
    part = planned(doc)
    (route,) = part.plan.routes
    zh, en = (route_sheet_html(part, route, lang) for lang in ("zh", "en"))
    assert "11:00–12:30" in row(zh, "w")
    # Without a window: the first food-safety limit, an hour after the rider leaves the
    # canteen or two hours after the meals were ready at 10:40.
    by_s = min((route.steps[0].departure_s or 0) + 3600, 10 * 3600 + 40 * 60 + 7200)
    by = f"{by_s // 3600:02d}:{by_s % 3600 // 60:02d}"
    assert f"{by} 前" in row(zh, "free") and f"by {by}" in row(en, "free")


def test_sheets_give_the_station_and_the_clients_social_workers_phones(twenty):
    (route,) = twenty.plan.routes
    html = route_sheet_html(twenty, route)
    assert "饭堂值班" in html and "0750-0000000" in html
    assert "李社工" in html and "13800000001" in html
    assert "陈婆婆" not in html  # the client's name stays masked


def test_only_the_route_clients_social_workers_are_printed():
    doc = base_document()
    doc["contacts"] = {
        "social_workers": [
            {"id": "sw1", "name": "李社工", "phone": "13800000001"},
            {"id": "sw2", "name": "王社工", "phone": "13800000002"},
        ]
    }
    doc["clients"] = [client("a", 300, social_worker="sw1"), client("b", 600)]
    part = planned(doc)
    html = route_sheet_html(part, part.plan.routes[0])
    assert "13800000001" in html and "王社工" not in html and "13800000002" not in html


def test_relay_hand_overs_name_who_takes_over():
    doc = base_document()
    doc["weather"] = "rainstorm_orange"
    doc["couriers"][0]["name"] = "黄师傅"
    doc["relay_points"] = [
        {"id": "rp1", "name": "金桂社区居委会", "location": north_m(1_500)}
        | {"open": ["10:30", "13:00"], "capacity": 10}
    ]
    doc["walkers"] = [
        {"id": "g1", "name": "王姐", "relay_point": "rp1", "capacity": 6}
        | {"shift": ["10:45", "13:00"]}
    ]
    doc["clients"] = [client("near", 300), client("far", 1_800)]
    part = planned(doc)
    rider, walker = (next(r for r in part.plan.routes if r.courier == w) for w in ("r1", "g1"))
    assert "王姐 (g1)" in route_sheet_html(part, rider)
    assert "黄师傅 (r1)" in route_sheet_html(part, walker)


def test_floor_labels_say_lift_helper_stairs_and_nothing_for_the_ground_floor():
    doc = base_document()
    doc["clients"] = [
        client("ground", 200),
        client("stairs", 400, floor=5),
        client("lift", 600, floor=12, lift=True),
        client("helped", 800, floor=6, helper=True),
        client("lobby", 1000, lift=True),
    ]
    part = planned(doc)
    html = route_sheet_html(part, part.plan.routes[0])
    ground, stairs, lift, helped = (row(html, c) for c in ("ground", "stairs", "lift", "helped"))
    for floor_one in (ground, row(html, "lobby")):
        assert "1F" in floor_one and "电梯" not in floor_one and "nolift" not in floor_one
    assert "无电梯" in stairs and "nolift" in stairs
    assert "电梯" in lift and "无电梯" not in lift
    assert "代送上楼" in helped and "电梯" not in helped


def test_weather_prints_by_its_name_not_its_code():
    doc = base_document()
    doc["weather"] = "rainstorm_orange"
    doc["clients"] = [client("a", 300)]
    part = planned(doc)
    sheet = route_sheet_html(part, part.plan.routes[0])
    index = index_html(part, [])
    for html in (sheet, index):
        assert "暴雨橙色预警" in html and "rainstorm_orange" not in html
    assert "rainstorm orange warning" in route_sheet_html(part, part.plan.routes[0], "en")


def test_custom_meal_variants_print_their_label():
    doc = base_document()
    doc["meal_labels"] = {"halal": {"zh": "清真餐", "en": "halal meal"}}
    doc["clients"] = [client("a", 300, meals={"halal": 1, "regular": 1})]
    part = planned(doc)
    route = part.plan.routes[0]
    zh, en = (route_sheet_html(part, route, lang) for lang in ("zh", "en"))
    assert "清真餐×1" in row(zh, "a") and "普通餐×1" in row(zh, "a") and "halal×" not in zh
    assert "halal meal×1" in row(en, "a")
    assert "清真餐" in index_html(part, [])


def test_the_index_counts_clients_and_meals_apart():
    doc = base_document()
    doc["clients"] = [client("a", 300, meals={"regular": 2}), client("b", 600)]
    html = index_html(planned(doc), [])
    assert "已送客户: 2 / 2" in html and "餐数: 3" in html


def test_the_comparison_calls_the_maximum_a_maximum():
    labels = {key: (en, zh) for key, en, zh in ROWS}
    assert labels["floors_per_person_max"] == ("most floors by one person", "单人爬楼最多")


def test_the_index_lists_who_is_not_served_with_name_phone_address_and_reason():
    doc = base_document()
    doc["couriers"][0]["max_floor_no_lift"] = 4
    doc["clients"] = [
        client("a", 300),
        client("high", 500, floor=9, name="钟伯伯", phone="13912345678", address="金桂路8号"),
    ]
    part = planned(doc)
    assert [u.client for u in part.plan.unassigned] == ["high"]
    index = index_html(part, [])
    (line,) = [r for r in re.findall(r"<tr>.*?</tr>", index, re.S) if ">high<" in r]
    assert "钟伯伯" in line and "13912345678" in line and "金桂路8号" in line
    assert "没有配送员能爬这么高" in line
    assert "钟伯伯" not in route_sheet_html(part, part.plan.routes[0])
