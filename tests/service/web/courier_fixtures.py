"""Today's plan of the tiny day for the courier's page tests: the hand-made plan (rider-a:
t-b1-low and t-b1-high at 11:05, t-temp at 11:20; rider-b: t-south, t-tower), with the
station's and one social worker's phones, and a client's own phone, also written into a
note, that no page may show."""

from __future__ import annotations

from typing import Any

from outcome_fixtures import HAND_PLAN, TINY, done_plan

from dispatch.scenario import read_document
from dispatch.scenario.schedule import today as local_today
from dispatch.service.demo import seed
from dispatch.service.store import Store

STATION = {"name": "站点值班", "phone": "0750-1111111"}
WORKER = {"id": "sw-1", "name": "李社工", "phone": "13800000009"}
CLIENT_PHONE = "13912345678"
NOTE_PHONE = "13987654321"


def todays_document() -> dict[str, Any]:
    document = read_document(TINY)
    document["date"] = local_today().isoformat()
    document["canteen"]["id"] = "a"
    document["contacts"] = {"station": STATION, "social_workers": [WORKER]}
    for client in document["clients"]:
        if client["id"] == "t-b1-high":
            client |= {"social_worker": "sw-1", "phone": CLIENT_PHONE,
                       "notes": f"耳背，请大声敲门；女儿 {NOTE_PHONE}"}  # fmt: skip
    return document


def located(document: dict[str, Any]) -> dict[str, Any]:
    """The hand-made plan with each step where it is (the canteen, the stop's first client),
    the riders leaving at 10:50 and back at 11:40, as a solved plan has them (the board's
    map draws them)."""
    where = {c["id"]: c["location"] for c in document["clients"]}
    canteen = document["canteen"]["location"]

    def place(step: dict[str, Any]) -> dict[str, Any]:
        if step["type"] == "delivery":
            return step | {"location": where[step["clients"][0]]}
        key = "departure_s" if step["type"] == "start" else "arrival_s"
        times = {key: 10 * 3600 + (50 if step["type"] == "start" else 100) * 60}
        return step | {"location": canteen} | times

    return HAND_PLAN | {
        "routes": [r | {"steps": [place(s) for s in r["steps"]]} for r in HAND_PLAN["routes"]]
    }


def todays_plan(store: Store) -> str:
    """Canteen ``a`` seeded and today's plan of it stored as done; the plan's id."""
    seed(store, TINY, "a")
    document = todays_document()
    return done_plan(store, document, located(document))
