"""``dispatch seed-demo``: a scenario file's canteen, couriers and clients into the ledger.

A newcomer loads the Jiangnan street (``scenarios/jiangnan-rainstorm.yaml``: the lunch day's
canteen with its duty phone, couriers, social workers and clients, with the street's relay
points and grid workers, and a sponsor) and sees full
pages at once. Each record goes through the ledger's checks; a record already there gets a
new version only when it differs, so seeding twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dispatch.errors import NotFoundError
from dispatch.scenario.records import Kind
from dispatch.scenario.whatif import read_base

if TYPE_CHECKING:
    from dispatch.service.store import Store

DEMO = Path("scenarios/jiangnan-rainstorm.yaml")
KINDS: tuple[Kind, ...] = (
    "couriers", "relay_points", "walkers", "social_workers", "clients", "sponsors"
)  # fmt: skip
DEMO_CANTEEN = "jiangnan"  # the id the README's login names (--canteen jiangnan)


def seed(store: Store, path: Path = DEMO, canteen_id: str = DEMO_CANTEEN) -> dict[str, int]:
    """Records added or changed per kind, from the scenario file ``path``, its canteen
    stored as ``canteen_id``."""
    document = read_base(path)
    system = document.get("coordinates")
    contacts = document.get("contacts", {})
    canteen = {**_located(document["canteen"], system), "id": canteen_id}
    if "station" in contacts:
        canteen["station"] = contacts["station"]
    counts = {"canteens": _put(store, "canteens", canteen)}
    for kind in KINDS:
        found = contacts.get(kind, []) if kind == "social_workers" else document.get(kind, [])
        rows = [{**_located(r, system), "canteen": canteen["id"]} for r in found]
        counts[kind] = sum(_put(store, kind, row) for row in rows)
    return counts


def _located(record: Mapping[str, Any], system: str | None) -> dict[str, Any]:
    """The record with the file's coordinate system on its own location."""
    out = dict(record)
    if system and "location" in out and "coordinates" not in out["location"]:
        out["location"] = {**out["location"], "coordinates": system}
    return out


def _put(store: Store, kind: Kind, record: dict[str, Any]) -> int:
    try:
        current = store.get_record(kind, str(record["id"]))
    except NotFoundError:
        store.create_record(kind, record)
        return 1
    if current.data == record and current.active:
        return 0
    store.update_record(kind, record)
    return 1
