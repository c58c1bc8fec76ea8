"""The day to plan (``today`` in Asia/Shanghai, strict dates) and clients' schedule fields."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import base_document, client

from dispatch.errors import InputError
from dispatch.scenario import parse_scenario
from dispatch.scenario.schedule import read_date, today


def test_today_is_the_date_in_shanghai_not_on_the_servers_clock():
    late_utc = dt.datetime(2026, 12, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 on the 2nd in Shanghai
    assert today(late_utc) == dt.date(2026, 12, 2)
    assert today(dt.datetime(2026, 12, 1, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 1)


@pytest.mark.parametrize("value", ["2026-11-31", "20261125", "2026-W48-3", "tomorrow", ""])
def test_read_date_refuses_anything_but_an_existing_yyyy_mm_dd(value):
    with pytest.raises(InputError) as caught:
        read_date(value, "--date")
    assert caught.value.field == "--date"
    assert "YYYY-MM-DD" in caught.value.reason.en


def test_a_register_without_a_date_is_for_today_and_a_dated_scenario_for_its_date():
    document = base_document()
    assert parse_scenario(document).date == dt.date(2026, 11, 24)
    del document["date"]
    assert parse_scenario(document).date == today()


def test_schedule_fields_are_read_into_the_client():
    document = base_document()
    document["clients"] = [
        client(
            "a",
            300,
            days=["mon", "fri"],
            paused=[{"from": "2026-12-01", "to": "2026-12-05", "reason": "住院"}],
            usual_courier="r1",
        )
    ]
    document["keep"] = {"a": "r9"}
    scenario = parse_scenario(document)
    (a,) = scenario.clients
    assert a.days == frozenset({0, 4})
    assert (a.paused[0].start, a.paused[0].end, a.paused[0].reason) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 5),
        "住院",
    )
    assert a.usual_courier == "r1"
    assert dict(scenario.keep) == {"a": "r9"}
    assert [a.due_on(dt.date(2026, 11, d)) for d in (30, 27, 26)] == [True, True, False]
    assert not a.due_on(dt.date(2026, 12, 4))  # a Friday, but paused
