"""Welfare cases: opened by a no-answer or an urgent concern, one open per client, steps
recorded by whom and when, closed only with an outcome, escalated on a clock of the test's."""

from __future__ import annotations

import datetime as dt

import pytest
from outcome_fixtures import DAY, Collect, done_plan, local, outcome

from dispatch.errors import ConflictError, InputError, NotFoundError
from dispatch.service.outcomes import record_outcomes
from dispatch.service.welfare import (
    add_step,
    close_case,
    get_case,
    list_cases,
    open_cases,
    tick,
)

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def plan_id(store, tiny) -> str:
    tiny["clients"][3]["phone"] = "13800000003"  # t-south
    tiny["clients"][3]["social_worker"] = "sw1"
    tiny["contacts"] = {"social_workers": [{"id": "sw1", "name": "王社工", "phone": "13900000001"}]}
    return done_plan(store, tiny)


def no_answer(store, plan_id, oid="n1", client="t-south", at="11:05", **extra):
    batch = [outcome(oid, client, "no_answer", at, **extra)]
    return record_outcomes(store, plan_id, batch, recorded_by="key:r", now=local(at))


def test_a_no_answer_opens_a_case_and_a_second_one_adds_a_step(store, plan_id):
    first = no_answer(store, plan_id)
    (case,) = open_cases(store, "canteen")
    assert first.cases == [case.id]
    assert (case.client, case.reason, case.status, case.plan) == (
        "t-south",
        "no_answer",
        "open",
        plan_id,
    )
    assert case.opened_at == local("11:05")
    again = no_answer(store, plan_id, "n2", at="11:12")
    assert again.cases == [case.id]
    (still,) = open_cases(store, "canteen")
    assert [(s.by, s.action) for s in still.steps] == [("key:r", "open"), ("key:r", "no_answer")]


@pytest.mark.parametrize("concern", ["fall", "unwell", "confused", "no_heating"])
def test_an_urgent_concern_opens_a_case_even_when_delivered(store, plan_id, concern):
    batch = [outcome("c1", "t-tower", "delivered", concern=concern, note="看起来不太好")]
    done = record_outcomes(store, plan_id, batch, recorded_by="k")
    (case,) = open_cases(store, None)
    assert done.cases == [case.id] and case.reason == concern
    assert [(s.action, s.note) for s in case.steps] == [("open", "看起来不太好")]


def test_other_outcomes_open_no_case_but_are_steps_of_an_open_one(store, plan_id):
    batch = [outcome("d1", "t-tower"), outcome("h1", "t-temp", concern="hazard")]
    assert record_outcomes(store, plan_id, batch, recorded_by="k").cases == []
    assert open_cases(store, None) == []
    no_answer(store, plan_id)
    record_outcomes(store, plan_id, [outcome("d2", "t-south", at="11:30")], recorded_by="k")
    (case,) = open_cases(store, None)
    assert [s.action for s in case.steps] == ["open", "delivered"]  # still open: closed by hand


def test_a_case_is_closed_only_with_an_outcome_and_only_once(store, plan_id):
    no_answer(store, plan_id)
    (case,) = open_cases(store, None)
    add_step(store, case.id, "user:zhang", "call_client", "没人接", local("11:20"))
    with pytest.raises(InputError) as caught:
        close_case(store, case.id, "user:zhang", None)
    assert caught.value.field == "closed_with"
    with pytest.raises(InputError):
        add_step(store, case.id, "user:zhang", "close")
    closed = close_case(store, case.id, "user:zhang", "found_well", "在邻居家", local("11:40"))
    assert (closed.status, closed.closed_with, closed.closed_at) == (
        "closed",
        "found_well",
        local("11:40"),
    )
    assert [(s.action, s.note) for s in closed.steps] == [
        ("open", None),
        ("call_client", "没人接"),
        ("close", "在邻居家"),
    ]
    with pytest.raises(ConflictError):
        close_case(store, case.id, "user:zhang", "other")
    with pytest.raises(ConflictError):
        add_step(store, case.id, "user:zhang", "note", "again")
    assert open_cases(store, None) == []
    assert [c.id for c in list_cases(store, "canteen", status="closed")] == [case.id]
    # Closed, the client's next no-answer opens a new case.
    no_answer(store, plan_id, "n2", at="11:50")
    assert len(open_cases(store, None)) == 1


def test_a_case_of_another_canteen_is_not_found(store, plan_id):
    no_answer(store, plan_id)
    (case,) = open_cases(store, None)
    assert get_case(store, case.id, canteen="canteen").id == case.id
    assert open_cases(store, "elsewhere") == []
    for call in (
        lambda: get_case(store, case.id, canteen="elsewhere"),
        lambda: add_step(store, case.id, "k", "note", canteen="elsewhere"),
        lambda: close_case(store, case.id, "k", "other", canteen="elsewhere"),
    ):
        with pytest.raises(NotFoundError):
            call()


def test_an_open_case_stays_open_the_next_day(store, plan_id, tiny):
    no_answer(store, plan_id)
    tomorrow = {**tiny, "date": (DAY + dt.timedelta(days=1)).isoformat()}
    done_plan(store, tomorrow)
    (case,) = open_cases(store, "canteen")
    assert case.date == DAY.isoformat()


def test_escalation_runs_its_steps_in_order_once_each(store, plan_id):
    no_answer(store, plan_id)
    (case,) = open_cases(store, None)
    sender = Collect()
    for minutes in (0, 0, 5, 10, 10, 20, 39, 40, 40, 90):
        tick(store, case.opened_at + minutes * MINUTE, sender)
    assert [(n.index, n.step) for n in sender.notices] == [
        (0, "notify"),
        (1, "call_client"),
        (2, "call_emergency_contact"),
        (3, "community_or_110_120"),
    ]
    steps = get_case(store, case.id).steps
    system = [(s.action, s.at - case.opened_at) for s in steps if s.by == "system"]
    assert system == [
        ("notify", 0 * MINUTE),
        ("call_client", 10 * MINUTE),
        ("call_emergency_contact", 20 * MINUTE),
        ("community_or_110_120", 40 * MINUTE),
    ]
    first = sender.notices[0]
    assert first.to == ("social_worker", "station")
    assert (first.social_worker, first.phone) == ("sw1", None)
    assert sender.notices[1].phone == "13800000003"  # the number the station is to call


def test_a_late_first_tick_records_every_due_step_and_a_closed_case_none(store, plan_id):
    no_answer(store, plan_id)
    no_answer(store, plan_id, "t1", client="t-tower")
    south, tower = sorted(open_cases(store, None), key=lambda c: c.client != "t-south")
    close_case(store, tower.id, "user:li", "family_took_out")
    sender = Collect()
    tick(store, south.opened_at + 25 * MINUTE, sender)
    assert [(n.case, n.step) for n in sender.notices] == [
        (south.id, "notify"),
        (south.id, "call_client"),
        (south.id, "call_emergency_contact"),
    ]
    assert all(s.at == south.opened_at + 25 * MINUTE for s in get_case(store, south.id).steps[1:])


def test_custom_steps_are_run_as_given(store, plan_id):
    no_answer(store, plan_id)
    (case,) = open_cases(store, None)
    sender = Collect()
    steps = [{"after_min": 3, "action": "call_client", "to": ["station"]}]
    assert tick(store, case.opened_at + 2 * MINUTE, sender, steps) == []
    (notice,) = tick(store, case.opened_at + 3 * MINUTE, sender, steps)
    assert (notice.step, notice.to) == ("call_client", ("station",))
    assert notice.due == "2026-11-24T03:08:00Z"  # 11:05 + 3 min, Shanghai
