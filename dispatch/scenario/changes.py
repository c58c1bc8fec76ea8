"""Applying what-if changes to a scenario document, validated after every change."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dispatch.errors import ScenarioError
from dispatch.model import Location, clock
from dispatch.scenario.client_rows import append_locator, read_client_file
from dispatch.scenario.fields import Locate, check_fields, expect, fail, got
from dispatch.scenario.gate import parse_scenario
from dispatch.scenario.json_schema import field_path, scenario_schema
from dispatch.travel import geo

_OFFSET = re.compile(r"^\s*([+-]?)\s*(\d+)\s*min\s*$")


@dataclass
class _Canteen:
    """A second canteen: its document, the couriers who work there, the change's path."""

    canteen: dict[str, Any]
    couriers: list[str]
    where: str


@dataclass
class _State:
    document: dict[str, Any]
    folder: Path | None
    canteens: list[_Canteen] = field(default_factory=list)


def apply_changes(
    base: Mapping[str, Any],
    changes: Sequence[Any],
    *,
    where: str = "",
    folder: Path | None = None,
    name: str | None = None,
) -> list[dict[str, Any]]:
    """Apply ``changes`` in order to a copy of ``base``; one document per canteen.

    The document is validated after every change, so an error names the change at fault.
    """
    state = _State(copy.deepcopy(dict(base)), folder)
    if name is not None:
        state.document["name"] = name
    for i, change in enumerate(changes):
        at = f"{where}changes[{i}]"
        if not isinstance(change, Mapping) or len(change) != 1:
            raise fail(at, "one_change")
        ((kind, value),) = change.items()
        handler = CHANGES.get(str(kind))
        if handler is None:
            raise fail(at, "unknown_change", name=kind, known=", ".join(CHANGES))
        locate = handler(state, value, f"{at}.{kind}")
        validate(state.document, locate, f"{at}.{kind}")
    return _split(state)


def validate(document: Any, locate: Locate, where: str, joiner: str = ": ") -> None:
    """``parse_scenario``, its error moved onto the change (or file) that caused it."""
    try:
        parse_scenario(document)
    except ScenarioError as err:
        located = locate(err.field)
        if located is None:
            located = f"{where}{joiner}{err.field}" if err.field else where
        raise ScenarioError(located, err.reason) from err


def _located(section: str, positions: Mapping[int, str]) -> Locate:
    """``section[n]…`` → ``positions[n]…`` for the items this change put there."""
    pattern = re.compile(rf"^{section}\[(\d+)\](.*)$")

    def locate(inner: str) -> str | None:
        match = pattern.match(inner)
        if match is None or int(match.group(1)) not in positions:
            return None
        return positions[int(match.group(1))] + match.group(2)

    return locate


def _items(value: Any, where: str) -> tuple[list[Any], bool]:
    """A mapping (one item) or a list of items; ``True`` when it was a single mapping."""
    if isinstance(value, Mapping):
        return [copy.deepcopy(dict(value))], True
    expect(value, list, where, "a mapping or a list of mappings", "字段映射或映射列表")
    return copy.deepcopy(value), False


def _append(state: _State, section: str, value: Any, where: str) -> Locate:
    items, single = _items(value, where)
    existing = state.document.get(section, [])
    first = len(existing)
    state.document[section] = [*existing, *items]
    positions = {first + k: where if single else f"{where}[{k}]" for k in range(len(items))}
    return _located(section, positions)


def _ids(value: Any, where: str) -> list[tuple[str, str]]:
    """An id or a list of ids, each with its own path."""
    if isinstance(value, str):
        return [(value, where)]
    expect(value, list, where, "an id or a list of ids", "编号或编号列表")
    return [
        (expect(item, str, f"{where}[{k}]", "an id", "编号"), f"{where}[{k}]")
        for k, item in enumerate(value)
    ]


def _section_of(document: Mapping[str, Any], sections: Sequence[str], ident: str) -> str | None:
    for section in sections:
        if any(isinstance(x, Mapping) and x.get("id") == ident for x in document.get(section, [])):
            return section
    return None


def _remove(
    state: _State, value: Any, where: str, sections: Sequence[str], what: tuple[str, str]
) -> Locate:
    for ident, at in _ids(value, where):
        section = _section_of(state.document, sections, ident)
        if section is None:
            raise fail(at, "unknown_reference", what=what[0], what_zh=what[1], id=ident)
        state.document[section] = [x for x in state.document[section] if x.get("id") != ident]
        for extra in state.canteens:
            extra.couriers = [c for c in extra.couriers if c != ident]
    return lambda inner: where if inner in sections else None


def _weather(state: _State, value: Any, where: str) -> Locate:
    state.document["weather"] = value
    return lambda inner: where if inner == "weather" else None


def _courier_off(state: _State, value: Any, where: str) -> Locate:
    return _remove(state, value, where, ("couriers", "walkers"), ("courier", "配送员"))


def _remove_clients(state: _State, value: Any, where: str) -> Locate:
    return _remove(state, value, where, ("clients",), ("client", "客户"))


def _add_relay_point(state: _State, value: Any, where: str) -> Locate:
    return _append(state, "relay_points", value, where)


def _add_couriers(state: _State, value: Any, where: str) -> Locate:
    return _append(state, "couriers", value, where)


def _add_walkers(state: _State, value: Any, where: str) -> Locate:
    return _append(state, "walkers", value, where)


def _add_clients(state: _State, value: Any, where: str) -> Locate:
    if not isinstance(value, str):
        return _append(state, "clients", value, where)
    if state.folder is None:
        raise fail(where, "file_not_allowed")
    rows = read_client_file(state.folder / value).check()
    first = len(state.document["clients"])
    state.document["clients"] = [*state.document["clients"], *rows.clients]
    return append_locator(rows, first)


def _close_roads(state: _State, value: Any, where: str) -> Locate:
    """Closures ``{lat, lon, radius_m?}`` appended to ``closed_roads`` (needs a network)."""
    if "network" not in state.document:
        raise fail(where, "close_roads_needs_network")
    return _append(state, "closed_roads", value, where)


def _offset_s(value: Any, where: str) -> int:
    """``-30min``, ``+15 min`` or a whole number of minutes → seconds."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value * 60
    match = _OFFSET.match(value) if isinstance(value, str) else None
    if match is None:
        raise fail(where, "bad_offset", got=got(value, where))
    return (-1 if match.group(1) == "-" else 1) * int(match.group(2)) * 60


def _shifted(value: str, offset_s: int, where: str) -> str:
    hours, minutes = value.split(":")
    seconds = int(hours) * 3600 + int(minutes) * 60 + offset_s
    if not 0 <= seconds < 24 * 3600:
        raise fail(where, "shift_out_of_day", time=value, minutes=f"{offset_s // 60:+d}")
    return clock(seconds)


def _shift_windows(state: _State, value: Any, where: str) -> Locate:
    """Client windows by an offset; the mapping form also moves meals_ready and shifts."""
    if isinstance(value, Mapping):
        check_fields(value, ("clients", "meals_ready", "shifts"), f"{where}.")
        offsets = {key: _offset_s(item, f"{where}.{key}") for key, item in value.items()}
    else:
        offsets = {"clients": _offset_s(value, where)}
    document = state.document
    for k, client in enumerate(document["clients"]):
        if "clients" in offsets and client.get("window"):
            at = f"{where}: clients[{k}].window"
            client["window"] = [_shifted(t, offsets["clients"], at) for t in client["window"]]
    if "meals_ready" in offsets:
        for canteen in (document["canteen"], *(c.canteen for c in state.canteens)):
            canteen["meals_ready"] = _shifted(canteen["meals_ready"], offsets["meals_ready"], where)
    for section in ("couriers", "walkers") if "shifts" in offsets else ():
        for k, worker in enumerate(document.get(section, [])):
            at = f"{where}: {section}[{k}].shift"
            worker["shift"] = [_shifted(t, offsets["shifts"], at) for t in worker["shift"]]
    return lambda inner: None


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(scenario_schema()["$defs"][ref.removeprefix("#/$defs/")])
    return schema


def _set_path(document: dict[str, Any], dotted: str, value: Any, where: str) -> str:
    """Put ``value`` at ``settings.max_door_to_door_min`` or ``couriers.r01.capacity``.

    Every name must be a field of the scenario format there; list items are named by id.
    Returns the path as the validator writes it (``couriers[0].capacity``).
    """
    names, node = dotted.split("."), document
    schema: Mapping[str, Any] = scenario_schema()
    actual: list[str | int] = []
    k = 0
    while True:
        name = names[k]
        properties = _resolve(schema).get("properties", {})
        if name not in properties or not isinstance(node, dict):
            raise fail(where, "unknown_field", name=name)
        schema, k = _resolve(properties[name]), k + 1
        actual.append(name)
        if k == len(names):
            node[name] = value
            return field_path(actual)
        if schema.get("type") != "array":
            node = node.setdefault(name, {})
            continue
        items = node.get(name, [])
        pos = next((j for j, x in enumerate(items) if x.get("id") == names[k]), None)
        if pos is None:
            example = items[0].get("id", "…") if items else "…"
            rest = names[k + 1] if k + 1 < len(names) else "…"
            raise fail(where, "list_needs_id", name=name, example=example, field=rest)
        actual.append(pos)
        k += 1
        if k == len(names):
            items[pos] = value
            return field_path(actual)
        node, schema = items[pos], _resolve(schema.get("items", {}))


def _set(state: _State, value: Any, where: str) -> Locate:
    expect(value, Mapping, where, "a mapping of dotted paths to values", "点分路径到取值的映射")
    written: dict[str, str] = {}
    for dotted, item in value.items():
        at = f"{where}.{dotted}"
        written[_set_path(state.document, str(dotted), copy.deepcopy(item), at)] = at

    def locate(inner: str) -> str | None:
        for actual, at in written.items():
            if inner == actual or inner.startswith((f"{actual}.", f"{actual}[")):
                return at + inner[len(actual) :]
        return None

    return locate


def _add_canteen(state: _State, value: Any, where: str) -> Locate:
    """A second canteen with its couriers: ids moved from the base, or new couriers."""
    expect(value, Mapping, where, "a mapping", "字段映射")
    check_fields(value, ("canteen", "couriers"), f"{where}.")
    for name in ("canteen", "couriers"):
        if name not in value:
            raise fail(f"{where}.{name}", "missing_field", name=name)
    canteen = copy.deepcopy(value["canteen"])
    trial = {**state.document, "canteen": canteen}
    validate(
        trial, lambda inner: f"{where}.{inner}" if inner.startswith("canteen") else None, where
    )
    known = [state.document["canteen"]["id"], *(c.canteen["id"] for c in state.canteens)]
    if canteen["id"] in known:
        raise fail(f"{where}.canteen.id", "duplicate_id", id=canteen["id"], first="canteen")
    items = expect(value["couriers"], list, f"{where}.couriers", "a list", "列表")
    taken = {c for extra in state.canteens for c in extra.couriers}
    ids: list[str] = []
    positions: dict[int, str] = {}
    for k, item in enumerate(items):
        at = f"{where}.couriers[{k}]"
        if isinstance(item, Mapping):
            positions[len(state.document["couriers"])] = at
            state.document["couriers"] = [*state.document["couriers"], copy.deepcopy(dict(item))]
            ids.append(str(item.get("id", "")))
            continue
        ident = expect(item, str, at, "a courier id or a courier mapping", "配送员编号或映射")
        if _section_of(state.document, ("couriers",), ident) is None or ident in taken:
            raise fail(at, "unknown_reference", what="courier", what_zh="配送员", id=ident)
        ids.append(ident)
    state.canteens.append(_Canteen(canteen, ids, where))
    return _located("couriers", positions)


def _wgs84(location: Mapping[str, Any], system: Any) -> Location:
    return geo.to_wgs84(
        float(location["lat"]), float(location["lon"]), location.get("coordinates", system)
    )


def _split(state: _State) -> list[dict[str, Any]]:
    """One document per canteen: clients and relay points to the nearest canteen
    (straight line), walkers with their relay point, couriers as the change says."""
    document = state.document
    if not state.canteens:
        return [document]
    system = document.get("coordinates", "wgs84")
    canteens = [document["canteen"], *(c.canteen for c in state.canteens)]
    places = [_wgs84(c["location"], system) for c in canteens]

    def nearest(location: Mapping[str, Any]) -> int:
        here = _wgs84(location, system)
        return min(range(len(places)), key=lambda j: geo.distance_m(places[j], here))

    parts = [
        {**document, "canteen": c, "couriers": [], "clients": [], "relay_points": [], "walkers": []}
        for c in canteens
    ]
    moved = {ident: j + 1 for j, extra in enumerate(state.canteens) for ident in extra.couriers}
    for courier in document["couriers"]:
        parts[moved.get(courier["id"], 0)]["couriers"].append(courier)
    for client in document["clients"]:
        parts[nearest(client["location"])]["clients"].append(client)
    point_part: dict[str, int] = {}
    for point in document.get("relay_points", []):
        point_part[point["id"]] = nearest(point["location"])
        parts[point_part[point["id"]]]["relay_points"].append(point)
    for walker in document.get("walkers", []):
        parts[point_part.get(walker["relay_point"], 0)]["walkers"].append(walker)
    for j, part in enumerate(parts):
        if j:
            part["name"] = f"{document['name']}+{canteens[j]['id']}"
        for section in ("relay_points", "walkers"):
            if not part[section]:
                del part[section]
        validate(part, lambda inner: None, state.canteens[max(0, j - 1)].where)
    return parts


CHANGES: dict[str, Callable[[_State, Any, str], Locate]] = {
    "weather": _weather,
    "courier_off": _courier_off,
    "add_clients": _add_clients,
    "remove_clients": _remove_clients,
    "shift_windows": _shift_windows,
    "set": _set,
    "add_couriers": _add_couriers,
    "add_relay_point": _add_relay_point,
    "add_walkers": _add_walkers,
    "add_canteen": _add_canteen,
    "close_roads": _close_roads,
}
