"""A campaign (docs/grid.md, "Campaigns"): a gift pack to every special-group household of a
team within three days, the work shared so that each member's hours lie near the team's
mean; every member-day's round passes the independent verifier."""

from __future__ import annotations

from dataclasses import replace

from test_rounds import HOME, document, member

from dispatch.planning.campaigns import campaign_day, hours_of, plan_campaign, plan_team, spread
from dispatch.planning.rounds import planned_rounds
from dispatch.verify.rounds import verify_shares

GROUP = [{"name": "甲", "group": "severely_disabled"}]


def team_street() -> dict:
    """Four members (two on foot), 24 special-group households in four buildings around the
    station (ground floors and lifts), and a household in no special group."""
    crew = [member("m1"), member("m2", mode="ebike", capacity=20), member("m3"),
            member("m4", mode="ebike", capacity=20, start="14:00", end="17:30")]  # fmt: skip
    doc = document(crew, [])
    doc["buildings"] = [
        {"id": f"b{k}", "team": "t", "address": f"{k}号楼", "floors": 12, "lift": k % 2 == 0,
         "location": {"lat": HOME["lat"] + 0.002 * (k % 2), "lon": HOME["lon"] + 0.002 * (k // 2)}}
        for k in range(4)
    ]  # fmt: skip
    doc["households"] = [
        {"id": f"h{n}", "building": f"b{n % 4}", "floor": 1 if n % 4 % 2 else 1 + n % 9,
         "members": GROUP, "responsible": None}
        for n in range(24)
    ]  # fmt: skip
    doc["households"].append({"id": "none", "building": "b0", "floor": 1, "members": []})
    return doc


def test_every_household_gets_one_and_the_hours_are_shared():
    doc = team_street()
    campaign = plan_team(doc, "t", 3, time_limit_s=5, seed=1, iterations=100)
    assert campaign.violations == ()
    served = [s.task for r in campaign.plan.rounds for s in r.steps if s.type == "task"]
    assert sorted(served) == sorted(f"gift_pack-h{n}" for n in range(24))  # not "none"
    assert {r.member.rpartition("@")[2] for r in campaign.plan.rounds} <= {
        "2026-12-07", "2026-12-08", "2026-12-09"}  # fmt: skip
    assert spread(campaign.shares.hours_s) <= 0.15, campaign.shares.hours_s

    # On travel alone the e-bikes would do nearly everything.
    day = campaign_day(doc, "t", 3)
    alone, found = planned_rounds(day, time_limit_s=5, seed=1, iterations=100)
    assert found == []
    assert spread(hours_of(day, alone)) > spread(campaign.shares.hours_s)


def test_a_street_campaign_plans_each_team_and_the_same_in_one_process_or_two():
    doc = team_street()
    other = {**doc["teams"][0], "id": "u", "name": "另一队", "members": [member("n1")]}
    doc["teams"].append(other)
    doc["buildings"].append({**doc["buildings"][1], "id": "c1", "team": "u"})
    doc["households"].append({"id": "k1", "building": "c1", "floor": 1, "members": GROUP})
    one = plan_campaign(doc, 3, time_limit_s=5, seed=1, iterations=50, workers=1)
    two = plan_campaign(doc, 3, time_limit_s=5, seed=1, iterations=50, workers=2)
    assert [t.day.team for t in one] == ["t", "u"]
    assert [t.plan for t in one] == [t.plan for t in two]


def stairs_street() -> dict:
    """``team_street`` with no lift anywhere and ``m3`` not climbing: only the six
    ground-floor households are hers to take."""
    doc = team_street()
    doc["teams"][0]["members"][2]["climbs"] = False
    for building in doc["buildings"]:
        building["lift"] = False
    for n, household in enumerate(doc["households"][:24]):
        household["floor"] = 1 if n % 4 == 1 else 3 + n % 6
    return doc


def test_a_member_who_does_all_she_can_is_capped_and_the_others_balanced():
    doc = stairs_street()
    campaign = plan_team(doc, "t", 3, time_limit_s=5, seed=1, iterations=100)
    assert campaign.violations == ()
    shares = campaign.shares
    assert shares.capped == {"m3"}
    mine = {s.task for r in campaign.plan.rounds if r.member.startswith("m3@") for s in r.steps}
    assert mine == {f"gift_pack-h{n}" for n in range(24) if n % 4 == 1}
    assert shares.hours_s["m3"] < 0.85 * shares.mean_s  # no share of the stairs for her
    assert shares.balanced


def test_the_verifier_refuses_a_false_claim_of_hours_or_of_a_cap():
    doc = stairs_street()
    campaign = plan_team(doc, "t", 3, time_limit_s=5, seed=1, iterations=100)
    day, plan, shares = campaign.day, campaign.plan, campaign.shares
    wrong_hours = replace(shares, hours_s={**shares.hours_s, "m1": shares.hours_s["m1"] + 60})
    assert {v.rule for v in verify_shares(day, plan, wrong_hours)} == {"round_share"}
    climber = replace(shares, capped=frozenset({"m1"}))  # she could take any household
    found = verify_shares(day, plan, climber)
    assert any(v.courier == "m1" and v.client for v in found)
    assert verify_shares(day, plan, shares) == []
