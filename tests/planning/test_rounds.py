"""A grid team's rounds (docs/grid.md, "Rounds"): planned on the engines, checked by the
independent verifier, every task done or left out with a reason that holds; the verifier
catches each broken rule on a plan changed by hand."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from dispatch.model.rounds import RoundLeftOut, RoundPlan
from dispatch.planning.rounds import plan_rounds, travel_model
from dispatch.routing.problem import SolveParams
from dispatch.scenario.rounds import round_day
from dispatch.verify.rounds import verify_rounds

PARAMS = SolveParams(iterations=200, seed=1)
HOME = {"lat": 22.5696, "lon": 113.1108}


def member(mid: str, **fields: Any) -> dict[str, Any]:
    base = {"id": mid, "name": mid, "kind": "volunteer", "phone": "13800000000", "mode": "foot"}
    return base | {"capacity": 10, "climbs": True, "start": "09:00", "end": "12:00"} | fields


def request(rid: str, household: str, **fields: Any) -> dict[str, Any]:
    base = {"id": rid, "kind": "visit", "household": household, "needed": "走访"}
    return base | {"by": "2026-12-07T17:00+08:00", "source": "visit", "items": 0} | fields


def document(members: list[dict], requests: list[dict], **extra: Any) -> dict[str, Any]:
    """A team ``t`` at station ``s1``, a second station ``s2`` 800 m east, buildings ``b1``
    (7 floors, no lift, 300 m north) and ``b2`` (a lift, 500 m west), a household on floors
    1 and 6 of ``b1`` and one on floor 9 of ``b2``."""
    buildings = [
        {"id": "b1", "team": "t", "address": "一号楼", "floors": 7, "lift": False,
         "location": {"lat": HOME["lat"] + 0.0027, "lon": HOME["lon"]}},
        {"id": "b2", "team": "t", "address": "二号楼", "floors": 12, "lift": True,
         "location": {"lat": HOME["lat"], "lon": HOME["lon"] - 0.0049}},
    ]  # fmt: skip
    households = [
        {"id": "low", "building": "b1", "floor": 1, "members": [], "responsible": None},
        {"id": "high", "building": "b1", "floor": 6, "members": [], "responsible": None},
        {"id": "lift", "building": "b2", "floor": 9, "members": [], "responsible": None},
    ]
    return {
        "street": {"id": "x", "name": "街道", "date": "2026-12-07"},
        "stations": [
            {"id": "s1", "name": "服务站", "location": HOME, "opens": "08:30", "closes": "17:30"},
            {
                "id": "s2",
                "name": "卫生站",
                "opens": "09:00",
                "closes": "11:00",
                "location": {"lat": HOME["lat"], "lon": HOME["lon"] + 0.0078},
            },
        ],
        "teams": [
            {
                "id": "t",
                "name": "小分队",
                "grid": "g",
                "leader": "m1",
                "station": "s1",
                "members": members,
            }
        ],
        "buildings": buildings,
        "households": households,
        "requests": requests,
        "team": "t",
        "date": "2026-12-07",
        "visits": False,
        **extra,
    }


def planned(doc: dict[str, Any]):
    day = round_day(doc)
    plan = plan_rounds(day, PARAMS)
    return day, plan, verify_rounds(day, plan, travel_model(day))


def steps(plan: RoundPlan) -> list[tuple[str, str, str]]:
    return [(r.member, s.type, s.task) for r in plan.rounds for s in r.steps]


def test_medicine_is_fetched_at_the_other_station_first_by_the_same_member():
    doc = document(
        [member("m1")],
        [request("med", "high", kind="medicine", items=1, pickup="s2",
                 window={"start": "09:00", "end": "11:30"})],
    )  # fmt: skip
    _day, plan, violations = planned(doc)
    assert violations == []
    assert steps(plan) == [("m1", "pickup", "med"), ("m1", "task", "med")]
    pickup, delivery = plan.rounds[0].steps
    assert pickup.start_s >= 9 * 3600  # the health station opens at nine
    assert (pickup.load, delivery.load, plan.rounds[0].load) == (1, 0, 0)
    assert delivery.start_s > pickup.departure_s


def test_a_member_on_foot_goes_back_to_the_station_for_more_than_they_carry():
    packs = [request(f"p{k}", h, kind="gift_pack", items=2, pickup="s1")
             for k, h in enumerate(("low", "high", "lift"))]  # fmt: skip
    _day, plan, violations = planned(document([member("m1", capacity=2)], packs))
    assert violations == []
    assert plan.left_out == ()
    (only,) = plan.rounds
    assert max(s.load for s in only.steps) == 2
    kinds = [s.type for s in only.steps]
    assert kinds.count("pickup") == 3 and kinds != ["pickup"] * 3 + ["task"] * 3


def test_each_task_left_out_has_a_reason_the_verifier_accepts():
    doc = document(
        [member("m1", climbs=False, capacity=5, end="10:45")],
        [
            request("stairs", "high"),  # floor 6 without a lift, nobody climbs
            request("heavy", "lift", kind="errand", items=8),  # more than 5
            request("early", "low", window={"start": "07:00", "end": "08:00"}),
            request("fits", "lift", kind="repair"),  # 30 minutes: fits
            request("also", "low", kind="repair"),  # another 30: fits too
            request("full", "low", kind="care", by="2026-12-09T17:00+08:00"),  # no time left
        ],
    )
    _day, plan, violations = planned(doc)
    assert violations == []
    reasons = {lo.task: lo.code for lo in plan.left_out}
    assert reasons == {
        "stairs": "no_climber",
        "heavy": "too_many_items",
        "early": "unreachable",
        "full": "no_time",
    }
    assert {s[2] for s in steps(plan)} == {"fits", "also"}
    assert all(lo.reason_zh and lo.reason_en for lo in plan.left_out)


def test_the_responsible_member_does_their_households_task():
    doc = document(
        [member("m1"), member("m2")],
        [request("v", "low")],
    )
    doc["households"][0]["responsible"] = "m2"
    _day, plan, violations = planned(doc)
    assert violations == []
    assert steps(plan) == [("m2", "task", "v")]


def test_due_visits_come_with_the_requests_overdue_first():
    doc = document([member("m1", end="09:40")], [request("r", "lift", kind="talk")], visits=True)
    groups = [{"name": "甲", "group": "empty_nest_elderly"}]
    doc["households"][0] |= {"members": groups, "last_contact": "2026-11-01"}  # long overdue
    doc["households"][1] |= {"members": groups, "last_contact": "2026-12-05"}  # not due
    day, _plan, violations = planned(doc)
    assert violations == []
    assert [t.id for t in day.tasks] == ["r", "visit-low"]
    assert day.task("visit-low").priority < day.task("r").priority


def test_a_late_request_weighs_less_than_one_due_today():
    doc = document([member("m1")], [
        request("today", "low", by="2026-12-07T11:00+08:00"),
        request("later", "high", by="2026-12-09T17:00+08:00"),
        request("overdue", "lift", by="2026-12-01T17:00+08:00"),
    ])  # fmt: skip
    day = round_day(doc)
    weights = {t.id: t.priority for t in day.tasks}
    assert weights["overdue"] > weights["today"] > weights["later"]
    assert day.task("today").window.end_s == 11 * 3600  # cut at the deadline


@pytest.fixture(scope="module")
def good():
    doc = document(
        [member("m1", capacity=2), member("m2", climbs=False, mode="ebike")],
        [
            request("med", "high", kind="medicine", items=1, pickup="s2"),
            request("pack", "low", kind="gift_pack", items=2),
            request("chat", "lift", kind="talk"),
        ],
    )
    day, plan, violations = planned(doc)
    assert violations == [] and plan.left_out == ()
    return day, plan


def rules_broken(day, plan) -> set[str]:
    return {v.rule for v in verify_rounds(day, plan, travel_model(day))}


def changed_step(plan: RoundPlan, task: str, **fields: Any) -> RoundPlan:
    rounds = []
    for r in plan.rounds:
        new = [dataclasses.replace(s, **fields) if s.task == task and s.type == "task" else s
               for s in r.steps]  # fmt: skip
        rounds.append(dataclasses.replace(r, steps=tuple(new)))
    return dataclasses.replace(plan, rounds=tuple(rounds))


def test_the_verifier_recomputes_every_time(good):
    day, plan = good
    late = changed_step(
        plan,
        "chat",
        start_s=next(s.start_s for r in plan.rounds for s in r.steps if s.task == "chat") + 60,
    )
    assert "round_time" in rules_broken(day, late)


def test_the_verifier_wants_the_pickup_before_the_household(good):
    day, plan = good
    r = next(r for r in plan.rounds if any(s.task == "med" for s in r.steps))
    order = [s for s in r.steps if s.task != "med"] + [s for s in r.steps if s.task == "med"][::-1]
    swapped = dataclasses.replace(
        plan,
        rounds=tuple(
            dataclasses.replace(x, steps=tuple(order)) if x is r else x for x in plan.rounds
        ),
    )
    assert "round_rule" in rules_broken(day, swapped)


def test_the_verifier_catches_a_non_climber_on_the_stairs_and_too_much_to_carry(good):
    day, plan = good
    climbers = {m.id: m for m in day.members}
    weak = dataclasses.replace(
        day,
        members=tuple(dataclasses.replace(m, climbs=False, capacity=0) for m in climbers.values()),
    )
    broken = [v.message for v in verify_rounds(weak, plan, travel_model(weak))]
    assert any("does not climb" in m for m in broken)
    assert any("over their 0" in m for m in broken)


def test_the_verifier_refuses_a_false_reason(good):
    day, plan = good
    r = next(r for r in plan.rounds if any(s.task == "chat" for s in r.steps))
    without = [s for s in r.steps if s.task != "chat"]
    dropped = dataclasses.replace(
        plan,
        rounds=tuple(dataclasses.replace(x, steps=tuple(without)) if x is r else x
                     for x in plan.rounds),
        left_out=(RoundLeftOut("chat", "no_time", "full", "满"),),
    )  # fmt: skip
    found = verify_rounds(day, dropped, travel_model(day))
    assert any(v.rule == "round_reason" and "fits into" in v.message for v in found)
    assert "round_time" in {v.rule for v in found}  # the round's times no longer add up
    for code in ("no_climber", "too_many_items", "unreachable"):
        lying = dataclasses.replace(dropped, left_out=(RoundLeftOut("chat", code, "x", "x"),))
        assert "round_reason" in rules_broken(day, lying), code


def test_a_task_neither_done_nor_left_out_is_found(good):
    day, plan = good
    assert "round_task" in rules_broken(day, dataclasses.replace(plan, rounds=()))
