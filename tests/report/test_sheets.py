"""Route sheets print notes, but never a phone-like number written into them."""

from __future__ import annotations

import pytest
from conftest import base_document, client

from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.sheets import mask_numbers, route_sheet_html, same_building
from dispatch.scenario import parse_scenario


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        ("女儿电话13812345678", "女儿电话[号码已隐去]"),
        ("call 138 1234 5678 first", "call [号码已隐去] first"),
        ("138-1234-5678", "[号码已隐去]"),
        ("+86 139 0000 1111", "[号码已隐去]"),
        ("座机 0757-81234567 或 (020) 8123-4567", "座机 [号码已隐去] 或 [号码已隐去]"),
        ("（０２０）８１２３４５６７", "[号码已隐去]"),
        ("门禁 8123456", "门禁 [号码已隐去]"),
        ("3号楼2单元1201室，11:30 前送到", "3号楼2单元1201室，11:30 前送到"),
        ("耳背，请大声敲门", "耳背，请大声敲门"),
    ],
    ids=[
        "mobile",
        "mobile-spaces",
        "mobile-dashes",
        "plus-86",
        "landlines",
        "full-width",
        "seven-digits",
        "address-and-time-kept",
        "no-number",
    ],
)
def test_phone_like_numbers_in_notes_are_masked_and_the_rest_kept(note, shown):
    assert mask_numbers(note) == shown


def test_route_sheets_in_both_languages_print_notes_without_their_phone_numbers():
    document = base_document()
    document["clients"] = [client("a", 500, notes="先打 138 1234 5678 再敲门", name="陈婆婆")]
    scenario = parse_scenario(document)
    part = PlanContext.of(scenario, plan_day(scenario, time_limit_s=1))
    (route,) = part.plan.routes
    zh, en = (route_sheet_html(part, route, lang) for lang in ("zh", "en"))
    assert "先打 [号码已隐去] 再敲门" in zh and "[number hidden]" in en
    for sheet in (zh, en):
        assert "5678" not in sheet and "陈婆婆" not in sheet


@pytest.mark.parametrize(
    ("first", "other", "shown"),
    [
        ("金桂路8号1栋502房", "金桂路8号1栋1403房", "… 1403房"),  # the room number stays whole
        ("金桂路8号1栋502房", "金桂路8号2栋301房", "… 2栋301房"),
        ("金桂路8号1栋502房", "银湖大道88号", "银湖大道88号"),  # nothing shared: in full
        ("金桂路8号", "金桂路8号", "金桂路8号"),  # the same address: in full
    ],
)
def test_later_clients_of_a_stop_show_only_what_differs_in_their_address(first, other, shown):
    later = parse_scenario(base_document() | {"clients": [client("b", 300, address=other)]})
    assert same_building(first, later.clients[0]) == shown
