"""The request board's rules: routing to the covering team, the state machine, who sees what,
overdue first, requests from welfare cases."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import REPO
from sqlalchemy import text

from dispatch.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from dispatch.service import requests as board
from dispatch.service.demo import seed
from dispatch.service.street_register import seed_street

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing
OFFICE = board.Viewer(by="街道办")
T1 = board.Viewer(by="吴志明", team="t1")
T2 = board.Viewer(by="t2 leader", team="t2")
JINGUI = board.Viewer(by="金桂社区", community="jingui")
HELE = board.Viewer(by="和乐社区", community="hele")


@pytest.fixture
def street(store):
    seed(store, REPO / "scenarios" / "jiangnan-rainstorm.yaml")
    seed_street(store, REPO / "scenarios" / "demo-street.yaml")
    return store


def new(store, viewer=T1, **fields):
    body = {
        "kind": "medicine",
        "household": "h01",
        "needed": "降压药",
        "by": "2026-12-07T12:00+08:00",
        "source": "phone",
        **fields,
    }
    return board.create_request(store, body, viewer=viewer, now=NOW)


def test_a_request_goes_to_the_team_covering_the_households_building(street):
    row = new(street, viewer=OFFICE, household="h16", pickup="s1", items=1)
    assert (row.team, row.grid, row.status, row.level) == ("t2", "g2", "open", "team")
    assert board.get_request(street, row.id, T2).id == row.id
    with pytest.raises(NotFoundError):
        board.get_request(street, row.id, T1)
    with pytest.raises(NotFoundError) as refused:  # not t1's household
        new(street, household="h16")
    assert refused.value.field == "household"
    steps = board.steps_of(street, row.id)
    assert [(s.action, s.by) for s in steps] == [("created", "街道办")]
    view = board.request_view(row, NOW)
    assert (view["by"], view["pickup"], view["items"]) == ("2026-12-07T12:00+08:00", "s1", 1)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "medicines"}, "kind"),
        ({"by": "2026-12-07T12:00"}, "by"),
        ({"needed": "  "}, "needed"),
        ({"source": None}, "source"),
        ({"pickup": "s9"}, "pickup"),
        ({"window": {"start": "11:00", "end": "09:00"}}, "window.end"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_requests_name_their_field_and_store_nothing(street, fields, field):
    with pytest.raises(InputError) as refused:
        new(street, **fields)
    assert refused.value.field == field
    assert board.list_requests(street, OFFICE, now=NOW) == []


def test_the_team_solves_one_at_once_and_reports_another_up_to_the_office(street):
    solved, hard = new(street).id, new(street, kind="repair", needed="屋顶漏水").id
    done = board.add_step(street, solved, "done", viewer=T1, note="已送达", now=NOW)
    assert done.status == "done"
    with pytest.raises(InputError) as no_reason:
        board.add_step(street, hard, "reported_up", viewer=T1, now=NOW)
    assert no_reason.value.field == "reason"
    up = board.add_step(street, hard, "reported_up", viewer=T1, reason="需要物业维修资金", now=NOW)
    assert (up.status, up.level) == ("reported_up", "community")
    with pytest.raises(ForbiddenError):  # a team closes nothing
        board.add_step(street, hard, "closed", viewer=T1, now=NOW)
    assert [r.id for r in board.list_requests(street, JINGUI, now=NOW)] == [hard]
    assert board.list_requests(street, HELE, now=NOW) == []
    board.add_step(street, hard, "assigned", viewer=JINGUI, note="物业公司张经理", now=NOW)
    esc = board.add_step(street, hard, "escalated", viewer=JINGUI, reason="资金超出社区", now=NOW)
    assert (esc.status, esc.level) == ("escalated", "street_office")
    closed = board.add_step(street, hard, "closed", viewer=OFFICE, note="已维修", now=NOW)
    assert closed.status == "closed" and closed.closed_at is not None
    actions = [s.action for s in board.steps_of(street, hard)]
    assert actions == ["created", "reported_up", "assigned", "escalated", "closed"]
    with pytest.raises(ConflictError) as again:
        board.add_step(street, hard, "note", viewer=OFFICE, note="再看", now=NOW)
    assert "closed" in again.value.reason.en


@pytest.mark.parametrize(
    ("path", "action", "viewer"),
    [
        ((), "escalated", OFFICE),  # an open request is the team's, not yet reported up
        ((), "closed", OFFICE),
        (("done",), "reported_up", T1),
        (("done",), "done", T1),
    ],
)
def test_steps_the_state_does_not_allow_are_conflicts(street, path, action, viewer):
    row = new(street)
    for step in path:
        board.add_step(street, row.id, step, viewer=T1, now=NOW)
    with pytest.raises(ConflictError):
        board.add_step(street, row.id, action, viewer=viewer, reason="因为", now=NOW)
    assert board.get_request(street, row.id, OFFICE).status == (path[-1] if path else "open")


def test_overdue_requests_come_first_then_by_deadline(street):
    late = new(street, by="2026-12-07T09:30+08:00").id
    later = new(street, by="2026-12-07T17:00+08:00").id
    soon = new(street, by="2026-12-07T11:00+08:00").id
    earlier_late = new(street, by="2026-12-07T08:00+08:00").id
    solved_late = new(street, by="2026-12-07T07:00+08:00").id
    board.add_step(street, solved_late, "done", viewer=T1, now=NOW)
    order = [r.id for r in board.list_requests(street, T1, now=NOW)]
    assert order == [earlier_late, late, solved_late, soon, later]
    overdue = board.list_requests(street, OFFICE, overdue=True, now=NOW)
    assert [r.id for r in overdue] == [earlier_late, late]
    assert [r.id for r in board.list_requests(street, OFFICE, status="done", now=NOW)] == [
        solved_late
    ]
    with pytest.raises(InputError):
        board.list_requests(street, OFFICE, status="finished")


def test_a_teams_viewer_never_lists_another_teams_requests(street):
    new(street)
    new(street, viewer=T2, household="h20")
    assert {r.team for r in board.list_requests(street, T2, now=NOW)} == {"t2"}
    assert board.list_requests(street, T2, team="t1", now=NOW) == []
    assert {r.team for r in board.list_requests(street, OFFICE, now=NOW)} == {"t1", "t2"}


def test_a_welfare_case_opens_one_request_for_the_covering_team(street):
    case = {"id": "wc1", "reason": "fall", "opened_at": "2026-12-07T09:40+08:00"}
    row = board.request_from_case(street, case, "h33", now=NOW)
    again = board.request_from_case(street, case, "h33", now=NOW)
    assert again.id == row.id == "case-wc1"
    assert (row.team, row.kind, row.source) == ("t3", "care", "welfare_case")
    assert board.request_view(row, NOW)["by"] == "2026-12-07T11:40+08:00"
    assert "wc1" in row.needed


def test_what_is_needed_and_the_notes_are_sealed_at_rest(street):
    row = new(street, needed="胰岛素")
    board.add_step(street, row.id, "reported_up", viewer=T1, reason="吴阿姨联系不上", now=NOW)
    with street.engine.connect() as connection:
        dump = " ".join(
            str(value)
            for table in ("requests", "request_steps")
            for found in connection.execute(text(f"SELECT * FROM {table}"))
            for value in found
        )
    assert "胰岛素" not in dump and "吴阿姨" not in dump
    assert row.id in dump
