"""The one validation gate: scenario files and bodies → ``Scenario``, defects named by field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from dispatch.errors import NotFoundError, ScenarioError
from dispatch.messages import text
from dispatch.model import (
    CLOSURE_RADIUS_M,
    DEFAULT_SPEED_KPH,
    Canteen,
    Client,
    Closure,
    Contact,
    Contacts,
    Courier,
    Location,
    MealLabel,
    Mode,
    RelayPoint,
    Scenario,
    Settings,
    Window,
)
from dispatch.scenario.documents import read_document
from dispatch.scenario.json_schema import check_schema
from dispatch.scenario.limits import check_scenario_values
from dispatch.scenario.schedule import client_schedule, today
from dispatch.travel import geo

# Clients of one building must stand at one place; beyond this they are a data error.
MAX_BUILDING_SPREAD_M = 150


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (``.yaml``, ``.yml`` or ``.json``).

    A ``network`` path in the file is relative to the file's folder.
    """
    try:
        return parse_scenario(read_document(path), Path(path).parent)
    except ScenarioError as err:
        if err.field:
            raise
        raise ScenarioError(str(path), err.reason) from err


def parse_scenario(data: Any, base_dir: Path | None = None) -> Scenario:
    """Validate a decoded scenario document and build the ``Scenario``.

    The document is checked for its bounds and text (``limits``), against the JSON Schema,
    then for cross-field rules (unique ids, windows that end after they start, one building
    in one place).
    ``base_dir`` is where a relative ``network`` path starts (default: the working folder).
    """
    if not isinstance(data, Mapping):
        raise ScenarioError("", text("not_mapping"))
    check_scenario_values(data)
    check_schema(data)
    return _build(data, base_dir or Path.cwd())


def _network_path(value: str | None, base_dir: Path) -> str | None:
    if value is None:
        return None
    path = (base_dir / value).resolve()
    if not path.is_file():
        raise NotFoundError("network", text("file_missing", path=value))
    return str(path)


def _seconds(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def _window(value: list[str], path: str) -> Window:
    start, end = _seconds(value[0]), _seconds(value[1])
    if end <= start:
        raise ScenarioError(path, text("window_order", start=value[0], end=value[1]))
    return Window(start, end)


def _location(value: Mapping[str, Any], default_system: geo.CoordinateSystem) -> Location:
    system = value.get("coordinates", default_system)
    return geo.to_wgs84(float(value["lat"]), float(value["lon"]), system)


def _closed_roads(
    items: list[Mapping[str, Any]], network: str | None, system: geo.CoordinateSystem
) -> tuple[Closure, ...]:
    """Road closures; they close segments of the road network, so they need one."""
    if items and network is None:
        raise ScenarioError("closed_roads", text("closed_roads_needs_network"))
    return tuple(
        Closure(_location(item, system), int(item.get("radius_m", CLOSURE_RADIUS_M)))
        for item in items
    )


def _settings(value: Mapping[str, Any]) -> Settings:
    defaults = Settings()
    minutes = {
        "max_door_to_door_min": "max_door_to_door_s",
        "max_cooked_to_door_min": "max_cooked_to_door_s",
        "relay_max_door_to_door_min": "relay_max_door_to_door_s",
    }
    kwargs: dict[str, Any] = {}
    for key, item in value.items():
        if key in minutes:
            kwargs[minutes[key]] = round(float(item) * 60)
        elif key == "speed_kph":
            kwargs[key] = {**DEFAULT_SPEED_KPH, **item}
        elif key == "relay_from":
            kwargs[key] = {**defaults.relay_from, **item}
        elif key == "weather_factors":
            kwargs["weather_overrides"] = item
        else:
            kwargs[key] = int(item) if key == "iterations" else type(getattr(defaults, key))(item)
    return Settings(**kwargs)


def _courier(value: Mapping[str, Any], path: str) -> Courier:
    """A courier, or a grid worker (a walker bound to a relay point)."""
    return Courier(
        id=value["id"],
        name=value.get("name", ""),
        mode=cast(Mode, value.get("mode", "walk")),
        capacity=int(value["capacity"]),
        shift=_window(value["shift"], f"{path}.shift"),
        max_floor_no_lift=value.get("max_floor_no_lift"),
        speed_kph=value.get("speed_kph"),
        relay_point=value.get("relay_point"),
    )


def _relay_point(value: Mapping[str, Any], path: str, system: geo.CoordinateSystem) -> RelayPoint:
    return RelayPoint(
        id=value["id"],
        name=value.get("name", value["id"]),
        location=_location(value["location"], system),
        open=_window(value["open"], f"{path}.open"),
        capacity=int(value["capacity"]),
    )


def _check_relay_references(walkers: Iterable[Mapping[str, Any]], known: set[str]) -> None:
    for i, walker in enumerate(walkers):
        if walker["relay_point"] not in known:
            reason = text(
                "unknown_reference", what="relay point", what_zh="接力点", id=walker["relay_point"]
            )
            raise ScenarioError(f"walkers[{i}].relay_point", reason)


def _client(value: Mapping[str, Any], path: str, system: geo.CoordinateSystem) -> Client:
    if sum(value["meals"].values()) < 1:
        raise ScenarioError(f"{path}.meals", text("no_meals"))
    active = value.get("active", {})
    active_from = dt.date.fromisoformat(active["from"]) if "from" in active else None
    active_to = dt.date.fromisoformat(active["to"]) if "to" in active else None
    if active_from and active_to and active_to < active_from:
        reason = text("date_order", start=active["from"], end=active["to"])
        raise ScenarioError(f"{path}.active", reason)
    window = value.get("window")
    preferred = value.get("preferred_time")
    return Client(
        id=value["id"],
        name=value.get("name", ""),
        phone=value.get("phone", ""),
        location=_location(value["location"], system),
        address=value.get("address", ""),
        building=value.get("building", f"client:{value['id']}"),
        floor=int(value.get("floor", 1)),
        lift=bool(value.get("lift", False)),
        meals={variant: int(n) for variant, n in value["meals"].items() if n > 0},
        window=_window(window, f"{path}.window") if window else None,
        helper=bool(value.get("helper", False)),
        group=value.get("group", ""),
        active_from=active_from,
        active_to=active_to,
        notes=value.get("notes", ""),
        **client_schedule(value, path),
        social_worker=value.get("social_worker", ""),
        priority=value.get("priority"),
        preferred_s=_seconds(preferred) if preferred is not None else None,
        age=value.get("age"),
    )


def _check_unique(
    items: Iterable[Mapping[str, Any]],
    section: str,
    split: int | None = None,
    second_section: str = "",
) -> None:
    """Ids are unique; items past ``split`` belong to ``second_section`` (one id space)."""
    seen: dict[str, str] = {}
    for i, item in enumerate(items):
        if split is not None and i >= split:
            path = f"{second_section}[{i - split}].id"
        else:
            path = f"{section}[{i}].id"
        if item["id"] in seen:
            raise ScenarioError(path, text("duplicate_id", id=item["id"], first=seen[item["id"]]))
        seen[item["id"]] = path


def _check_buildings(clients: tuple[Client, ...]) -> None:
    first: dict[str, tuple[int, Client]] = {}
    for i, client in enumerate(clients):
        if client.building not in first:
            first[client.building] = (i, client)
            continue
        j, other = first[client.building]
        other_path = f"clients[{j}]"
        for attribute in ("lift", "helper"):
            mine, theirs = getattr(client, attribute), getattr(other, attribute)
            if mine != theirs:
                reason = text(
                    "building_mismatch",
                    building=client.building,
                    attribute=attribute,
                    value=str(mine).lower(),
                    other=str(theirs).lower(),
                    other_path=other_path,
                )
                raise ScenarioError(f"clients[{i}].{attribute}", reason)
        spread = geo.distance_m(client.location, other.location)
        if spread > MAX_BUILDING_SPREAD_M:
            reason = text(
                "building_too_spread",
                building=client.building,
                distance_m=round(spread),
                other_path=other_path,
            )
            raise ScenarioError(f"clients[{i}].location", reason)


# --- contacts and meal labels: what the papers print (issue 15) ---


def _contacts(value: Mapping[str, Any], clients: Iterable[Mapping[str, Any]]) -> Contacts:
    """The emergency contacts; every client's ``social_worker`` names one of them."""
    workers = value.get("social_workers", [])
    _check_unique(workers, "contacts.social_workers")
    known = {w["id"]: Contact(w["name"], w["phone"]) for w in workers}
    for i, item in enumerate(clients):
        worker = item.get("social_worker")
        if worker is not None and worker not in known:
            reason = text("unknown_reference", what="social worker", what_zh="社工", id=worker)
            raise ScenarioError(f"clients[{i}].social_worker", reason)
    station = value.get("station")
    return Contacts(
        station=Contact(station["name"], station["phone"]) if station else None,
        social_workers=known,
    )


def _meal_labels(value: Mapping[str, Mapping[str, str]]) -> dict[str, MealLabel]:
    return {key: MealLabel(zh=item["zh"], en=item.get("en", key)) for key, item in value.items()}


def _check_sponsors(sponsors: list[Mapping[str, Any]]) -> None:
    """Sponsors' ids are unique and each one's dates run forwards. The clients a sponsor
    names are the register's, not only the day's: they are not checked against the file."""
    _check_unique(sponsors, "sponsors")
    for i, sponsor in enumerate(sponsors):
        if "from" in sponsor and "to" in sponsor and sponsor["to"] < sponsor["from"]:
            reason = text("date_order", start=sponsor["from"], end=sponsor["to"])
            raise ScenarioError(f"sponsors[{i}].to", reason)


def _build(data: Mapping[str, Any], base_dir: Path) -> Scenario:
    system = cast(geo.CoordinateSystem, data.get("coordinates", "wgs84"))
    walkers = data.get("walkers", [])
    relay_points = data.get("relay_points", [])
    _check_unique([*data["couriers"], *walkers], "couriers", len(data["couriers"]), "walkers")
    _check_unique(data["clients"], "clients")
    _check_unique(relay_points, "relay_points")
    _check_relay_references(walkers, {r["id"] for r in relay_points})
    _check_sponsors(data.get("sponsors", []))
    canteen_data = data["canteen"]
    canteen = Canteen(
        id=canteen_data["id"],
        name=canteen_data.get("name", canteen_data["id"]),
        location=_location(canteen_data["location"], system),
        meals_ready_s=_seconds(canteen_data["meals_ready"]),
    )
    couriers = tuple(_courier(c, f"couriers[{i}]") for i, c in enumerate(data["couriers"]))
    clients = tuple(_client(c, f"clients[{i}]", system) for i, c in enumerate(data["clients"]))
    _check_buildings(clients)
    network = _network_path(data.get("network"), base_dir)
    return Scenario(
        name=data["name"],
        date=dt.date.fromisoformat(data["date"]) if "date" in data else today(),
        canteen=canteen,
        couriers=couriers,
        clients=clients,
        settings=_settings(data.get("settings", {})),
        weather=data.get("weather", "clear"),
        relay_points=tuple(
            _relay_point(r, f"relay_points[{i}]", system) for i, r in enumerate(relay_points)
        ),
        walkers=tuple(_courier(w, f"walkers[{i}]") for i, w in enumerate(walkers)),
        network=network,
        closed_roads=_closed_roads(data.get("closed_roads", []), network, system),
        keep=MappingProxyType(dict(data.get("keep", {}))),
        contacts=_contacts(data.get("contacts", {}), data["clients"]),
        meal_labels=_meal_labels(data.get("meal_labels", {})),
    )
