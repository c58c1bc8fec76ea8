"""The grid register: street records checked, referring to each other, scoped to a team,
sealed at rest; the demo street seeded; a street document and a client's household from it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa
from conftest import REPO

from dispatch.errors import ConflictError, ForbiddenError, NotFoundError, ScenarioError
from dispatch.scenario.documents import read_document
from dispatch.scenario.street_records import street_schema
from dispatch.service.demo import seed
from dispatch.service.keys import KeyInfo
from dispatch.service.street_ledger import StreetLedger, street_scope
from dispatch.service.street_register import household_of_client, seed_street, street_document

DEMO_STREET = REPO / "scenarios" / "demo-street.yaml"
DEMO = REPO / "scenarios" / "jiangnan-rainstorm.yaml"


@pytest.fixture
def seeded(store):
    seed(store, DEMO)
    seed_street(store, DEMO_STREET)
    return store


def household(**fields):
    return {
        "street": "jiangnan",
        "id": "h99",
        "building": "jingui-8-1",
        "floor": 2,
        "members": [{"name": "何婆婆", "group": "empty_nest_elderly"}],
        "responsible": "t1-m2",
        **fields,
    }


def test_the_demo_street_seeds_every_record_once(store):
    seed(store, DEMO)
    counts = seed_street(store, DEMO_STREET)
    assert counts == {
        "streets": 1,
        "communities": 4,
        "grids": 4,
        "stations": 2,
        "teams": 4,
        "buildings": 12,
        "households": 60,
    }
    assert set(seed_street(store, DEMO_STREET).values()) == {0}


def test_locations_are_kept_in_wgs84(seeded):
    given = read_document(DEMO_STREET)["buildings"][0]["location"]
    stored = StreetLedger(seeded).get("buildings", "jingui-8-1").data["location"]
    assert set(stored) == {"lat", "lon"}
    # GCJ-02 lies a few hundred metres off WGS-84 in Guangdong.
    assert 0.001 < abs(stored["lat"] - given["lat"]) + abs(stored["lon"] - given["lon"]) < 0.01


def test_the_street_document_is_a_valid_street_file(seeded):
    document = street_document(seeded, "jiangnan", date="2026-12-07")
    jsonschema.validate(document, street_schema())
    assert document["street"] == {"id": "jiangnan", "name": "江南街道", "date": "2026-12-07"}
    assert len(document["households"]) == 60 and len(document["teams"]) == 4


def test_a_teams_street_document_holds_only_its_part(seeded):
    document = street_document(seeded, "jiangnan", "t1", date="2026-12-07")
    assert [t["id"] for t in document["teams"]] == ["t1"]
    assert [g["id"] for g in document["grids"]] == ["g1"]
    assert [c["id"] for c in document["communities"]] == ["jingui"]
    assert [s["id"] for s in document["stations"]] == ["s1"]
    assert {b["id"] for b in document["buildings"]} == {"jingui-8-1", "jingui-8-2", "jingui-8-3"}
    assert len(document["households"]) == 15
    with pytest.raises(NotFoundError) as err:
        street_document(seeded, "jiangnan", "t9")
    assert err.value.field == "team"
    with pytest.raises(NotFoundError):
        street_document(seeded, "nowhere")


def test_a_canteen_client_leads_to_its_household_and_team(seeded):
    link = household_of_client(seeded, "jiangnan", "jn-019")
    assert link is not None
    assert link.household["client"] == {"canteen": "jiangnan", "id": "jn-019"}
    assert link.building["id"] == "yinhu-t1"
    assert link.team["id"] == "t3" and link.team["leader"] == "t3-m1"
    assert household_of_client(seeded, "jiangnan", "jn-002") is None
    assert household_of_client(seeded, "other", "jn-019") is None


JN = "jiangnan"


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"members": [{"name": "何", "group": "elderly"}]}, "members[0].group", ScenarioError),
        ({"building": "nowhere"}, "building", ScenarioError),
        ({"responsible": "t2-m1"}, "responsible", ScenarioError),
        ({"client": {"canteen": JN, "id": "jn-999"}}, "client.id", ScenarioError),
        ({"client": {"canteen": JN}}, "client.id", ScenarioError),
        ({"client": {"canteen": JN, "id": "jn-001"}}, "client.id", ConflictError),
        ({"last_contact": "2026-02-30"}, "last_contact", ScenarioError),
        ({"street": "other"}, "street", ScenarioError),
        ({"flor": 2}, "flor", ScenarioError),
    ],
)
def test_a_bad_household_is_refused_with_its_field(seeded, change, field, error):
    with pytest.raises(error) as err:
        StreetLedger(seeded).create("households", household(**change))
    assert err.value.field == field
    assert StreetLedger(seeded).find("households", "h99") is None


def test_a_team_is_checked_member_by_member(seeded):
    team = {**StreetLedger(seeded).get("teams", "t1").data}
    bad_kind = [{**team["members"][0], "kind": "captain"}, *team["members"][1:]]
    twice = [*team["members"], team["members"][0]]
    for members, field in ((bad_kind, "members[0].kind"), (twice, "members[5].id")):
        with pytest.raises(ScenarioError) as err:
            StreetLedger(seeded).update("teams", {**team, "members": members})
        assert err.value.field == field
    with pytest.raises(ScenarioError) as err:
        StreetLedger(seeded).update("teams", {**team, "leader": "t2-m1"})
    assert err.value.field == "leader"


def test_a_team_sees_and_changes_only_its_own_part(seeded):
    ledger = StreetLedger(seeded)
    buildings = {r.record_id for r in ledger.records("buildings", team="t2")}
    assert buildings == {"hele-3", "hele-5", "hele-12"}
    households = ledger.records("households", team="t2")
    assert len(households) == 15
    assert {r.data["building"] for r in households} == buildings
    assert [r.record_id for r in ledger.records("teams", team="t2")] == ["t2"]
    assert len(ledger.records("grids", team="t2")) == 4  # the street's grids are no secret
    with pytest.raises(NotFoundError):
        ledger.get("households", "h01", team="t2")
    with pytest.raises(NotFoundError):
        ledger.update("households", household(id="h01"), team="t2")
    with pytest.raises(ScenarioError) as err:
        ledger.create("households", household(), team="t2")
    assert err.value.field == "building"
    with pytest.raises(ForbiddenError):
        grid = {"street": JN, "id": "g9", "name": "新网格", "community": "hele"}
        ledger.create("grids", grid, team="t2")
    row = ledger.create("households", household(), team="t1")
    assert row.version == 1 and ledger.get("households", "h99", team="t1").active


def test_a_canteen_key_sees_no_street_records():
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(ForbiddenError):
        street_scope(KeyInfo("k", "k", "admin", "jiangnan", now))
    assert street_scope(KeyInfo("k", "k", "viewer", None, now, team="t1")) == "t1"
    assert street_scope(KeyInfo("k", "k", "admin", None, now)) is None


def test_residents_are_sealed_at_rest(seeded):
    name = read_document(DEMO_STREET)["households"][0]["members"][0]["name"]
    with seeded.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT data FROM street_ledger")).scalars().all()
    assert stored and not any(name in value for value in stored)


def test_changes_keep_every_version(seeded):
    ledger = StreetLedger(seeded)
    current = ledger.get("households", "h02").data
    ledger.update("households", {**current, "notes": "已搬去女儿家"})
    ledger.deactivate("households", "h02")
    versions = ledger.history("households", "h02")
    assert [(v.version, v.active) for v in versions] == [(1, True), (2, True), (3, False)]
    assert "h02" not in {r.record_id for r in ledger.records("households")}
    assert Path(DEMO_STREET).is_file()
