"""Each reason names the rule that binds, with numbers that make it true.

Rides here: 1 m north costs 1.3 m × 0.24 s/m = 0.312 s at 15 km/h; a ground-floor stop
takes 180 s (setup 60 + hand-over 120). Meals are ready at 10:40.
"""

from __future__ import annotations

import dataclasses
import re

from conftest import client
from test_relay import relay_document

from dispatch.planning.day import plan_day
from dispatch.report.plan_json import plan_from_dict
from dispatch.scenario import parse_scenario
from dispatch.verify import verify

WALKER = {"id": "w1", "mode": "walk", "capacity": 5, "shift": ["10:30", "13:00"]}


def only_reason(scenario):
    plan = plan_day(scenario)
    assert plan.violations == ()
    (missing,) = plan.unassigned
    return missing


def times(reason: str) -> list[str]:
    return re.findall(r"\d\d:\d\d", reason)


def test_a_window_that_ends_before_anyone_arrives_names_the_window_end(make_scenario):
    # At 300 m the earliest arrival is 10:40 + 94 s = 10:41:34, shown rounded up as 10:42.
    missing = only_reason(make_scenario([client("a", 300, window=["10:00", "10:30"])]))
    assert missing.code == "window_unreachable"
    assert times(missing.reason_en) == ["10:42", "10:30"]
    assert "window ends at 10:30" in missing.reason_en and "时间窗结束 10:30" in missing.reason_zh


def test_an_earliest_arrival_in_the_last_minute_of_the_window_never_reads_as_equal(make_scenario):
    # Arrival 10:41:34, window ends 10:41:00: cut to the minute both would read 10:41.
    missing = only_reason(make_scenario([client("a", 300, window=["10:00", "10:41"])]))
    assert missing.code == "window_unreachable"
    earliest, end = times(missing.reason_en)
    assert (earliest, end) == ("10:42", "10:41")


def test_the_cooked_to_door_limit_is_named_for_a_client_without_a_window(make_scenario):
    # 5 km is 1,560 s of riding: leaving at 10:40 the hand-over ends 11:09, past 10:40 + 20 min.
    scenario = make_scenario([client("far", 5_000)], max_cooked_to_door_min=20)
    missing = only_reason(scenario)
    assert missing.code == "cooked_limit"
    assert "window" not in missing.reason_en and "时间窗" not in missing.reason_zh
    assert times(missing.reason_en) == ["11:09", "10:40", "11:00"]
    assert "20 min" in missing.reason_en and "20 分钟" in missing.reason_zh


def test_the_window_end_is_named_when_it_binds_before_the_cooked_limit(make_scenario):
    # Arrival 10:40 + 1,560 s = 11:06 misses a window ending 11:00; the cooked limit (12:40)
    # would hold.
    missing = only_reason(make_scenario([client("a", 5_000, window=["10:00", "11:00"])]))
    assert missing.code == "window_unreachable"
    assert times(missing.reason_en) == ["11:06", "11:00"]


def test_too_far_names_the_door_to_door_limit_and_the_direct_trip(make_scenario):
    # 12 km is 3,744 s of riding + 180 s of service: 65.4 min, rounded up to 66.
    missing = only_reason(make_scenario([client("far", 12_000)]))
    assert missing.code == "too_far"
    assert "direct trip from the canteen" in missing.reason_en
    assert "at least 66 min" in missing.reason_en and "60 min" in missing.reason_en
    assert "饭堂" in missing.reason_zh and "66 分钟" in missing.reason_zh


def test_at_red_the_reason_says_only_people_on_foot_carry_meals(make_scenario):
    # On foot at 4.3 km/h × 0.7 (red), 3 km takes 3,900 m / 0.836 m/s = 78 min.
    scenario = make_scenario([client("near", 300), client("far", 3_000)], couriers=[WALKER])
    missing = only_reason(dataclasses.replace(scenario, weather="typhoon_red"))
    assert (missing.client, missing.code) == ("far", "too_far")
    assert "only people on foot" in missing.reason_en and "只能步行" in missing.reason_zh
    assert "typhoon_red" in missing.reason_en


def test_on_a_relay_day_without_riders_on_shift_grid_workers_on_shift_change_nothing():
    # Meals leave the canteen with riders only: with r1 gone at 10:30, nobody takes them out,
    # although grid worker g1 is on shift; the verifier agrees.
    doc = relay_document()
    doc["couriers"][0]["shift"] = ["08:00", "10:30"]
    plan = plan_day(parse_scenario(doc))
    assert {(u.client, u.code) for u in plan.unassigned} == {
        ("near", "no_courier_on_shift"),
        ("far", "no_courier_on_shift"),
    }
    assert plan.violations == ()


def test_at_red_a_client_left_out_for_time_also_hears_that_only_people_on_foot_carry(
    make_scenario,
):
    # 300 m and 2 km on foot each fit the 60 min alone (2 km: 56 min), not one after the other.
    scenario = make_scenario([client("near", 300), client("far", 2_000)], couriers=[WALKER])
    missing = only_reason(dataclasses.replace(scenario, weather="typhoon_red"))
    assert missing.code == "no_time"
    assert missing.reason_en.startswith("nobody rides at typhoon_red, only people on foot")


def test_a_grid_worker_whose_relay_point_is_closed_all_shift_climbs_for_nobody():
    # g1 climbs without a limit but works 10:45–11:00 while rp1 opens at 11:30: the far
    # client on floor 9 has nobody who climbs there (r1 climbs to 5), and the verifier agrees.
    doc = relay_document()
    doc["couriers"][0]["max_floor_no_lift"] = 5
    doc["walkers"][0]["shift"] = ["10:45", "11:00"]
    doc["relay_points"][0]["open"] = ["11:30", "13:00"]
    doc["clients"] = [client("near", 300), client("far", 1_800, floor=9)]
    plan = plan_day(parse_scenario(doc))
    assert [(u.client, u.code) for u in plan.unassigned] == [("far", "no_climber")]
    assert plan.violations == ()


def far_left_out_as_no_relay():
    """r1 serves the near client; the far one is reported "no grid worker can walk there"."""
    start, near = {"type": "start"}, {"type": "delivery", "clients": ["near"]}
    return plan_from_dict(
        {
            "routes": [{"courier": "r1", "steps": [start, near, {"type": "end"}]}],
            "unassigned": [{"client": "far", "code": "no_relay", "reason": "…", "reason_zh": "…"}],
        }
    )


def test_no_grid_worker_in_time_is_false_when_an_idle_rider_and_walker_chain_keeps_every_rule():
    # Rainstorm orange: idle r2 rides 1.5 km to rp1 (870 s with the stop extra), hands over
    # one meal (70 s), g1 walks 300 m to floor 3 (501 s) and serves (230 s): done 11:07:51,
    # 27.9 min after leaving at 10:40. A 28 min relay limit keeps it, 27 min does not.
    plan = far_left_out_as_no_relay()
    found = {}
    for minutes in (27, 28):
        doc = relay_document(relay_max_door_to_door_min=minutes)
        doc["couriers"].append({**doc["couriers"][0], "id": "r2"})
        found[minutes] = verify(parse_scenario(doc), plan)
    assert found[27] == []
    (lie,) = found[28]
    assert (lie.rule, lie.client) == ("reason_false", "far")
    assert "r2 can bring the meals to rp1 and g1 hand them over at 11:07" in lie.message


def test_no_grid_worker_in_time_is_not_judged_when_the_only_rider_is_busy():
    # r1 serves "near": whether it could also have gone by rp1 is the planner's choice.
    scenario = parse_scenario(relay_document(relay_max_door_to_door_min=28))
    assert verify(scenario, far_left_out_as_no_relay()) == []
