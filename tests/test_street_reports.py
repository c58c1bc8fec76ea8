"""The street report's figures, each counted again from the raw records of the demo street."""

from __future__ import annotations

import datetime as dt

from conftest import REPO

from dispatch.report.street_reports import GROUPS, columns, report_workbook, row, street_report
from dispatch.scenario.documents import read_document

ON = dt.date(2026, 12, 7)
DOCUMENT = read_document(REPO / "scenarios" / "demo-street.yaml")
REQUESTS = [
    {"team": "t1", "kind": "gift_pack", "status": "done", "level": "team", "actions": ["done"]},
    {"team": "t1", "kind": "gift_pack", "status": "closed", "level": "community",
     "actions": ["reported_up", "done", "closed"]},
    {"team": "t1", "kind": "gift_pack", "status": "open", "level": "team", "actions": []},
    {"team": "t1", "kind": "repair", "status": "escalated", "level": "street_office",
     "actions": ["reported_up", "escalated"]},
    {"team": "t2", "kind": "medicine", "status": "reported_up", "level": "community",
     "actions": ["reported_up"]},
]  # fmt: skip


def test_households_groups_and_visit_coverage_match_a_count_of_the_raw_records():
    report = street_report(DOCUMENT, REQUESTS, ON)
    covering = {b["id"]: b["team"] for b in DOCUMENT["buildings"]}
    every = DOCUMENT["settings"]["visit_every_days"]
    for team in report.teams:
        mine = [h for h in DOCUMENT["households"] if covering[h["building"]] == team.id]
        assert team.households == len(mine)
        for group in GROUPS:
            assert team.by_group[group] == sum(
                any(m["group"] == group for m in h["members"]) for h in mine
            )
        special = [h for h in mine if any(m["group"] in GROUPS for m in h["members"])]
        visited = [
            h
            for h in special
            if h.get("last_contact")
            and (ON - dt.date.fromisoformat(h["last_contact"])).days
            <= min(every[m["group"]] for m in h["members"] if m["group"] in GROUPS)
        ]
        assert (team.due_visits, team.visited) == (len(special), len(visited))
    assert sum(g.households for g in report.grids) == len(DOCUMENT["households"])
    assert 0 < sum(t.visited for t in report.teams) < sum(t.due_visits for t in report.teams)


def test_requests_reported_up_resolved_and_gift_packs_delivered():
    report = street_report(DOCUMENT, REQUESTS, ON)
    t1, t2 = report.teams[0], report.teams[1]
    assert (t1.id, t2.id) == ("t1", "t2")
    assert t1.by_kind == {"gift_pack": 3, "repair": 1}
    assert t1.by_status == {"done": 1, "closed": 1, "open": 1, "escalated": 1}
    assert (t1.reported_up, t1.resolved_up, t1.gift_packs) == (2, 1, 2)
    assert (t2.reported_up, t2.resolved_up, t2.gift_packs) == (1, 0, 0)
    g1 = next(g for g in report.grids if g.id == "g1")
    assert (g1.households, g1.gift_packs) == (t1.households, 2)


def test_the_workbook_has_a_sheet_of_grids_and_one_of_teams():
    report = street_report(DOCUMENT, REQUESTS, ON)
    labels = {code: code for code in columns_codes()}
    book = report_workbook(report, labels)
    assert book.sheetnames == ["grids", "teams"]
    teams = list(book["teams"].iter_rows(values_only=True))
    assert list(teams[0]) == columns(labels)
    assert list(teams[1]) == row(report.teams[0])
    assert len(teams) == 1 + len(DOCUMENT["teams"])


def columns_codes():
    from dispatch.report.street_reports import KINDS, STATUSES

    fixed = ["id", "name", "households", "reported_up", "resolved_up", "coverage", "gift_packs"]
    return [
        *fixed,
        "grids",
        "teams",
        *(f"group_{g}" for g in GROUPS),
        *(f"kind_{k}" for k in KINDS),
        *(f"status_{s}" for s in STATUSES),
    ]
