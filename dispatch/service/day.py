"""The day the Today page plans: the ledger's canteen on a date, its weather, who is off.

The document is the one ``POST /v1/plans`` builds from ``{date, canteen, settings}``
(``Store.ledger_document``, then ``add_relays``: the canteen's relay points and grid
workers), with the day's ``weather`` and without the couriers and grid workers who are off;
the scenario gate checks it before it is queued.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from dispatch.travel.conditions import DEFAULT_FACTORS

if TYPE_CHECKING:
    from dispatch.scenario.records import Kind
    from dispatch.service.store import Store

WEATHER_LEVELS: tuple[str, ...] = tuple(DEFAULT_FACTORS)
RELAY_KINDS: tuple[Kind, ...] = ("relay_points", "walkers")  # the ledger's relay registers


def day_document(
    store: Store,
    canteen: str,
    date: str,
    *,
    weather: str = "clear",
    off: Collection[str] = (),
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The scenario document of ``canteen`` on ``date`` from the active ledger records."""
    document = store.ledger_document(date, canteen, settings=settings)
    document["couriers"] = [c for c in document["couriers"] if c["id"] not in off]
    add_relays(store, document, canteen, off)
    if weather != "clear":
        document["weather"] = weather
    return document


def add_relays(
    store: Store, document: dict[str, Any], canteen: str, off: Collection[str] = ()
) -> None:
    """The canteen's active relay points and grid workers (but those ``off``) into a ledger
    day's ``document``, for ``POST /v1/plans`` from the ledger and the Today page alike."""
    for kind in RELAY_KINDS:
        rows = store.list_records(kind, canteen=canteen)
        found = [{k: v for k, v in r.data.items() if k != "canteen"} for r in rows]
        if kind == "walkers":
            found = [w for w in found if w["id"] not in off]
        if found:
            document[kind] = found
