"""Delivery reports from a month of generated outcomes on the tiny register: the totals
and every grouping match what the generator decided, a day planned twice counts once, the
workbook holds the same numbers, and a bad range or grouping is a 422 with its field."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import Counter
from typing import Any

import openpyxl
import pytest
from conftest import error_of
from outcome_fixtures import HAND_PLAN, TINY, done_plan, local

from dispatch.scenario import read_document
from dispatch.service.demo import seed
from dispatch.service.keys import create_key
from dispatch.service.outcomes import record_outcomes
from dispatch.service.reports import DELIVERED, day_outcomes, report
from dispatch.service.welfare import close_case

MONTH = [dt.date(2026, 11, d) for d in range(1, 31)]
ROUTE_OF = {c: s["courier"] for s in HAND_PLAN["routes"] for st in s["steps"]
            for c in st.get("clients", [])}  # fmt: skip
MEALS = {"t-b1-low": 1, "t-b1-high": 1, "t-tower": 2, "t-south": 1, "t-temp": 1}
KINDS = ("delivered", "delivered", "delivered", "left_with_helper", "no_answer", "refused",
         "not_home")  # fmt: skip


def month_of_outcomes(store: Any) -> dict[tuple[str, str], tuple[str, str]]:
    """Canteen ``a``'s November: a plan a day (two on each 7th day: the second's outcomes
    are later and count), a random outcome per client; (date, client) → (outcome, courier)
    as the generator decided."""
    seed(store, TINY, "a")
    draw = random.Random(17)
    decided: dict[tuple[str, str], tuple[str, str]] = {}
    for day in MONTH:
        document = read_document(TINY)
        document["date"] = day.isoformat()
        document["canteen"]["id"] = "a"
        for attempt in range(2 if day.day % 7 == 0 else 1):
            plan_id = done_plan(store, document)
            items = []
            for n, client in enumerate(ROUTE_OF):
                kind = draw.choice(KINDS)
                at = local(f"11:{10 * attempt + n:02d}", day).isoformat()
                items.append({"id": f"{day}-{attempt}-{client}", "client": client,
                              "outcome": kind, "at": at})  # fmt: skip
                decided[(day.isoformat(), client)] = (kind, ROUTE_OF[client])
            record_outcomes(store, plan_id, items, recorded_by="test")
    return decided


@pytest.fixture
def month(make_app):
    app = make_app()
    store = app.extensions["dispatch"].store
    return app, store, month_of_outcomes(store)


def test_the_month_totals_match_what_happened(month):
    _, store, decided = month
    days = day_outcomes(store, "a", MONTH[0], MONTH[-1])
    assert len(days) == len(decided) == 30 * 5  # a day planned twice counts once
    body = report(days, "client")
    done = [(d, c) for (d, c), (kind, _) in decided.items() if kind in DELIVERED]
    assert body["total"]["deliveries"] == len(done)
    assert body["total"]["meals"] == sum(MEALS[c] for _, c in done)
    assert body["total"]["no_answers"] == sum(k == "no_answer" for k, _ in decided.values())
    per_client = Counter(c for _, c in done)
    assert {r["client"]: r["deliveries"] for r in body["rows"]} == dict(per_client)
    per_courier = Counter(decided[key][1] for key in done)
    couriers = report(days, "courier")["rows"]
    assert {r["courier"]: r["deliveries"] for r in couriers} == dict(per_courier)
    subsidy = report(days, "subsidy")["rows"]
    assert {r["month"] for r in subsidy} == {"2026-11"}
    assert sum(r["meals"] for r in subsidy) == body["total"]["meals"]
    variants = {r["variant"]: r["meals"] for r in report(days, "variant")["rows"]}
    assert sum(variants.values()) == body["total"]["meals"]
    assert variants.get("low_salt", 0) == per_client["t-tower"]


def test_the_api_answers_json_and_the_same_numbers_as_a_workbook(month):
    app, store, _ = month
    headers = {"Authorization": f"Bearer {create_key(store, 'viewer', canteen='a').token}"}
    client = app.test_client()
    query = "?from=2026-11-01&to=2026-11-30&by=courier"
    body = client.get("/v1/reports/deliveries" + query, headers=headers).json
    assert body["from"] == "2026-11-01" and body["canteen"] == "a"
    assert sum(r["deliveries"] for r in body["rows"]) == body["total"]["deliveries"]
    answer = client.get("/v1/reports/deliveries.xlsx" + query, headers=headers)
    assert answer.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("骑手 Courier", "送达次数 Deliveries")
    assert [r[1] for r in rows[1:-1]] == [r["deliveries"] for r in body["rows"]]
    assert rows[-1][1] == body["total"]["deliveries"]
    other = {"Authorization": f"Bearer {create_key(store, 'viewer', canteen='b').token}"}
    assert client.get("/v1/reports/deliveries" + query, headers=other).json["rows"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("?from=2026-11-30&to=2026-11-01", "to"), ("?from=2026-11-31", "from"),
     ("?from=2025-01-01&to=2026-11-30", "to"), ("?by=weather", "by")],
)  # fmt: skip
def test_a_bad_range_or_grouping_is_422_with_its_field(app, query, field):
    store = app.extensions["dispatch"].store
    headers = {"Authorization": f"Bearer {create_key(store, 'viewer').token}"}
    answer = app.test_client().get("/v1/reports/deliveries" + query, headers=headers)
    assert answer.status_code == 422 and answer.json["error"]["field"] == field


SPONSOR = {"canteen": "a", "id": "sp-1", "name": "示例药房", "kind": "company",
           "contact": {"name": "周经理", "phone": "0750-0000001"},
           "fee_per_delivery_fen": 1500, "clients": ["t-south", "t-tower"],
           "from": "2026-11-10", "to": "2026-11-20"}  # fmt: skip


def test_a_sponsor_pays_its_fee_for_each_delivery_to_its_clients_within_its_dates(month):
    app, store, decided = month
    headers = {"Authorization": f"Bearer {create_key(store, 'planner', canteen='a').token}"}
    client = app.test_client()
    assert client.post("/v1/sponsors", json=SPONSOR, headers=headers).status_code == 201
    query = "?from=2026-11-01&to=2026-11-30&by=sponsor"
    (row,) = client.get("/v1/reports/deliveries" + query, headers=headers).json["rows"]
    expected = sum(
        kind in DELIVERED and c in SPONSOR["clients"] and "2026-11-10" <= d <= "2026-11-20"
        for (d, c), (kind, _) in decided.items()
    )
    assert row["sponsor"] == "sp-1" and row["deliveries"] == expected > 0
    assert row["amount_fen"] == 1500 * expected


@pytest.mark.parametrize(
    ("change", "field"),
    [({"to": "2026-11-01"}, "to"), ({"name": None}, "name"),
     ({"fee_per_delivery_fen": -1}, "fee_per_delivery_fen"), ({"clients": "t-south"}, "clients")],
)  # fmt: skip
def test_a_bad_sponsor_is_422_at_its_field(app, change, field):
    store = app.extensions["dispatch"].store
    seed(store, TINY, "a")
    headers = {"Authorization": f"Bearer {create_key(store, 'planner', canteen='a').token}"}
    body = {k: v for k, v in (SPONSOR | change).items() if v is not None}
    answer = app.test_client().post("/v1/sponsors", json=body, headers=headers)
    assert answer.status_code == 422 and answer.json["error"]["field"] == field


def test_the_report_by_case_holds_each_clients_case_of_the_range_until_it_is_closed(month):
    app, store, decided = month
    headers = {"Authorization": f"Bearer {create_key(store, 'viewer', canteen='a').token}"}
    client = app.test_client()
    query = "/v1/reports/deliveries?from=2026-11-01&to=2026-11-30&by=case"
    body = client.get(query, headers=headers).json
    no_answer = {c for (_, c), (kind, _) in decided.items() if kind == "no_answer"}
    # One open case per client: a later no-answer is a step of it, not a second case.
    assert sorted(r["client"] for r in body["rows"]) == sorted(no_answer)
    assert {(r["reason"], r["status"], r["closed_with"]) for r in body["rows"]} == {
        ("no_answer", "open", "")}  # fmt: skip
    assert body["total"]["cases"] == body["total"]["cases_open"] == len(no_answer)
    first = body["rows"][0]
    close_case(store, first["case"], "test", "in_hospital")
    after = client.get(query, headers=headers).json
    assert after["rows"][0] | {"steps": 0} == first | {
        "status": "closed", "closed_with": "in_hospital", "steps": 0}  # fmt: skip
    assert after["rows"][0]["steps"] == first["steps"] + 1
    assert after["total"]["cases_open"] == len(no_answer) - 1
    december = client.get(query.replace("11-01", "12-01").replace("11-30", "12-31"),
                          headers=headers).json  # fmt: skip
    assert december["rows"] == [] and december["total"]["cases"] == 0


def test_the_programme_totals_run_from_its_start_for_any_length(month, monkeypatch):
    app, store, decided = month
    monkeypatch.setattr("dispatch.service.views.reports.local_today", lambda: dt.date(2028, 6, 1))
    headers = {"Authorization": f"Bearer {create_key(store, 'viewer', canteen='a').token}"}
    client = app.test_client()
    done = {(d, c): courier for (d, c), (kind, courier) in decided.items() if kind in DELIVERED}
    expected = {"deliveries": len(done), "clients": len({c for _, c in done}),
                "couriers": len(set(done.values())), "days": len({d for d, _ in done})}  # fmt: skip
    body = client.get("/v1/reports/totals?since=2024-01-01", headers=headers).json
    assert body == {"since": "2024-01-01", "to": "2028-06-01", "canteen": "a"} | expected
    later = client.get("/v1/reports/totals?since=2026-11-15", headers=headers).json
    assert later["deliveries"] == sum(d >= "2026-11-15" for d, _ in done)
    for query in ("", "?since=2028-06-02", "?since=November"):
        answer = client.get("/v1/reports/totals" + query, headers=headers)
        assert (answer.status_code, error_of(answer)["field"]) == (422, "since")
