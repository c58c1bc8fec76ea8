"""Delivery outcomes in the store: idempotent by id, refused when they contradict, corrected by
later rows, checked against the plan, sealed at rest; the day's progress from them."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from outcome_fixtures import done_plan, local, outcome

from dispatch.errors import ConflictError, InputError, NotFoundError
from dispatch.service.outcomes import Recorded, outcomes_of, progress, record_outcomes


@pytest.fixture
def plan_id(store, tiny) -> str:
    return done_plan(store, tiny)


def test_the_same_batch_twice_is_stored_once(store, plan_id):
    batch = [outcome("o1", "t-b1-low"), outcome("o2", "t-b1-high", "refused")]
    first = record_outcomes(store, plan_id, batch, recorded_by="key:a")
    again = record_outcomes(store, plan_id, batch, recorded_by="key:a")
    assert (first.stored, first.repeated) == (["o1", "o2"], [])
    assert (again.stored, again.repeated) == ([], ["o1", "o2"])
    records = outcomes_of(store, plan_id=plan_id)
    assert [(r.client, r.outcome, r.route, r.courier) for r in records] == [
        ("t-b1-high", "refused", "rider-a", "rider-a"),  # at the same time: by client id
        ("t-b1-low", "delivered", "rider-a", "rider-a"),
    ]
    with store.session() as session:
        assert session.execute(sa.text("SELECT count(*) FROM outcomes")).scalar() == 2


def test_an_id_reused_with_other_content_is_refused_and_nothing_of_its_batch_stored(store, plan_id):
    record_outcomes(store, plan_id, [outcome("o1", "t-south")], recorded_by="key:a")
    batch = [outcome("o2", "t-tower"), outcome("o1", "t-south", "no_answer")]
    with pytest.raises(ConflictError) as caught:
        record_outcomes(store, plan_id, batch, recorded_by="key:a")
    assert caught.value.field == "outcomes[1].id"
    assert [r.id for r in outcomes_of(store, plan_id=plan_id)] == ["o1"]


def test_one_id_twice_in_a_batch_is_a_repeat_or_a_conflict(store, plan_id):
    same = record_outcomes(
        store, plan_id, [outcome("o1", "t-south"), outcome("o1", "t-south")], recorded_by="k"
    )
    assert (same.stored, same.repeated) == (["o1"], ["o1"])
    with pytest.raises(ConflictError):
        batch = [outcome("o9", "t-tower"), outcome("o9", "t-tower", at="11:30")]
        record_outcomes(store, plan_id, batch, recorded_by="k")


def test_an_id_of_another_plan_is_refused(store, plan_id, tiny):
    record_outcomes(store, plan_id, [outcome("o1", "t-south")], recorded_by="k")
    other = done_plan(store, tiny)
    with pytest.raises(ConflictError):
        record_outcomes(store, other, [outcome("o1", "t-south")], recorded_by="k")


def test_a_correction_is_a_new_row_and_the_latest_time_wins(store, plan_id):
    for oid, kind, at in (("o1", "not_home", "11:16"), ("o2", "delivered", "11:40")):
        record_outcomes(store, plan_id, [outcome(oid, "t-tower", kind, at)], recorded_by="k")
    # Sent late from a phone that was offline: an earlier time does not override the later one.
    record_outcomes(store, plan_id, [outcome("o3", "t-tower", "refused", "11:30")], recorded_by="k")
    (record,) = outcomes_of(store, plan_id=plan_id)
    assert (record.id, record.outcome, record.at) == ("o2", "delivered", local("11:40"))
    with store.session() as session:
        assert session.execute(sa.text("SELECT count(*) FROM outcomes")).scalar() == 3


def test_outcomes_are_read_by_canteen_and_dates(store, plan_id):
    record_outcomes(store, plan_id, [outcome("o1", "t-south")], recorded_by="k")
    assert len(outcomes_of(store, canteen="canteen", date_from="2026-11-24")) == 1
    assert outcomes_of(store, canteen="other") == []
    assert outcomes_of(store, date_from="2026-11-25") == []
    assert len(outcomes_of(store, date_to="2026-11-24")) == 1


GOOD = {"id": "x", "client": "t-south", "outcome": "delivered", "at": "2026-11-24T11:00+08:00"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": None}, "id"),
        ({"id": "x" * 65}, "id"),
        ({"outcome": "lost"}, "outcome"),
        ({"at": "2026-11-24T11:00"}, "at"),
        ({"at": 5}, "at"),
        ({"concern": "sad"}, "concern"),
        ({"note": ""}, "note"),
        ({"by": "me"}, "by"),
        ({"client": "nobody"}, "client"),
    ],
)
def test_a_bad_outcome_names_its_field_and_stores_nothing(store, plan_id, change, field):
    item = {k: v for k, v in (GOOD | change).items() if v is not None}
    batch = [outcome("ok", "t-tower"), item]
    with pytest.raises(InputError) as caught:
        record_outcomes(store, plan_id, batch, recorded_by="k")
    assert caught.value.field == f"outcomes[1].{field}"
    assert outcomes_of(store, plan_id=plan_id) == []


def test_a_single_outcome_body_has_plain_field_paths(store, plan_id):
    with pytest.raises(InputError) as caught:
        record_outcomes(store, plan_id, [outcome("x", "nobody")], recorded_by="k", field="")
    assert caught.value.field == "client"


def test_a_courier_link_reports_only_on_its_route(store, plan_id):
    record_outcomes(store, plan_id, [outcome("a", "t-temp")], recorded_by="k", route=0)
    with pytest.raises(InputError) as caught:
        record_outcomes(store, plan_id, [outcome("b", "t-south")], recorded_by="k", route=0)
    assert caught.value.field == "outcomes[0].client"
    with pytest.raises(NotFoundError):
        record_outcomes(store, plan_id, [outcome("c", "t-south")], recorded_by="k", route=2)


def test_a_plan_not_done_takes_no_outcomes(store, tiny):
    queued = store.create_plan(tiny, time_limit_s=1, seed=0, version="t", owner=None)
    with pytest.raises(ConflictError):
        record_outcomes(store, queued, [outcome("a", "t-south")], recorded_by="k")


def test_notes_are_sealed_at_rest(store, plan_id):
    note = "摔倒在厨房，已扶起"
    batch = [outcome("o1", "t-south", "delivered", concern="fall", note=note)]
    record_outcomes(store, plan_id, batch, recorded_by="k")
    with store.session() as session:
        raw = session.execute(sa.text("SELECT note FROM outcomes")).scalar()
    assert raw and note not in raw
    assert outcomes_of(store, plan_id=plan_id)[0].note == note


def test_progress_counts_done_stops_lateness_and_overdue_clients(store, plan_id):
    batch = [
        outcome("o1", "t-b1-low", at="11:15"),  # planned 11:05: 10 min late
        outcome("o2", "t-b1-high", "no_answer", at="11:17"),
        outcome("o3", "t-south", at="11:01"),
    ]
    record_outcomes(store, plan_id, batch, recorded_by="k")
    day = progress(store, plan_id, local("11:35"))
    a, b = day["routes"]
    assert (a["vehicle"], a["stops"], a["done"], a["to_do"]) == ("rider-a", 3, 2, 1)
    assert a["last_at"] == "2026-11-24T03:17:00Z"
    assert a["late_s"] == 15 * 60  # t-temp, planned 11:20, not done at 11:35
    assert a["next"] == {"client": "t-temp", "arrival": "11:20"}
    assert (b["done"], b["to_do"], b["late_s"]) == (1, 1, 20 * 60)
    # t-tower's window ends 12:30, t-temp has none: nobody is overdue yet.
    assert day["overdue"] == []
    assert [c["client"] for c in day["cases"]] == ["t-b1-high"]
    later = progress(store, plan_id, local("12:31"))
    assert later["overdue"] == [{"client": "t-tower", "vehicle": "rider-b", "window_end": "12:30"}]


def test_progress_of_a_finished_route_has_no_next_stop(store, plan_id):
    batch = [outcome(f"o{k}", c, at="11:25") for k, c in enumerate(["t-south", "t-tower"])]
    record_outcomes(store, plan_id, batch, recorded_by="k")
    b = progress(store, plan_id, local("13:00"))["routes"][1]
    assert (b["to_do"], b["next"], b["late_s"]) == (0, None, 10 * 60)  # t-tower 11:15 → 11:25


def test_racing_inserts_of_one_batch_store_it_once_and_open_one_case(store, plan_id):
    """Threads sending the same batch at once (and other no-answers of the same client): on
    PostgreSQL the losers meet the unique indexes and are answered as repeats, never an error."""
    senders = 12
    start = threading.Barrier(senders)

    def send(k: int) -> Recorded:
        batch = [
            outcome("same-1", "t-south", "no_answer"),
            outcome(f"own-{k}", "t-south", "no_answer", "11:07"),
        ]
        start.wait(timeout=60)
        return record_outcomes(store, plan_id, batch, recorded_by=f"k{k}")

    with ThreadPoolExecutor(senders) as pool:
        answers = list(pool.map(send, range(senders)))
    assert sorted(s for a in answers for s in a.stored).count("same-1") == 1
    assert all(f"own-{k}" in a.stored for k, a in enumerate(answers))
    assert len({c for a in answers for c in a.cases}) == 1
    with store.session() as session:
        count = session.execute(sa.text("SELECT count(*) FROM outcomes")).scalar()
        cases = session.execute(sa.text("SELECT count(*) FROM welfare_cases")).scalar()
    assert (count, cases) == (senders + 1, 1)
