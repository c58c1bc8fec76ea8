"""What-if files: a base scenario plus named changes, planned and compared side by side.

A what-if (YAML or JSON) names its ``base`` scenario file and a list of ``changes``, each
a mapping with one key (``weather``, ``courier_off``, ``add_clients``…). The changes are
applied in order to the base scenario *document*, and the document goes through
``parse_scenario`` after every change, so a change is validated exactly like scenario
fields and its errors name it (``changes[2].courier_off``). ``add_canteen`` splits the
day into one scenario per canteen. ``plan_columns`` plans the base and every what-if in a
process pool; ``comparison`` turns the plans into figures and diffs (``dispatch.report.kpi``).
Format: docs/whatif.md.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import multiprocessing
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from dispatch.errors import DispatchError, NotFoundError, PlanFormatError, ScenarioError
from dispatch.messages import Text, text
from dispatch.model import Location, Plan, Scenario, clock
from dispatch.planning.day import plan_day
from dispatch.report.context import PlanContext
from dispatch.report.kpi import LATE_RISK_S, cost_figures, plan_diff, plan_figures
from dispatch.report.plan_json import plan_from_dict, plan_to_dict
from dispatch.scenario.gate import field_path, parse_scenario, read_document, scenario_schema
from dispatch.travel import geo
from dispatch.version import __version__

BASE_NAME = "base"
WHATIF_FIELDS = ("base", "name", "description", "costs", "changes")
CSV_COLUMNS = (
    "id",
    "name",
    "lat",
    "lon",
    "address",
    "building",
    "floor",
    "lift",
    "window_start",
    "window_end",
    "meals",
    "group",
    "active_from",
    "active_to",
    "notes",
)
_CSV_REQUIRED = ("id", "lat", "lon", "meals")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_OFFSET = re.compile(r"^\s*([+-]?)\s*(\d+)\s*min\s*$")
_TRUE, _FALSE = {"true", "yes", "y", "1", "是", "有"}, {"false", "no", "n", "0", "否", "无"}

# Maps an error path inside the scenario to the change's own field, or None.
Locate = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Costs:
    """Unit costs for the cost per meal (currency units; hours are route hours)."""

    per_courier_hour: float = 0.0
    per_walker_hour: float = 0.0
    per_km: float = 0.0
    per_courier: float = 0.0
    currency: str = "CNY"


@dataclass(frozen=True)
class WhatIf:
    """One column of a comparison: validated scenario documents, one per canteen."""

    name: str
    parts: tuple[dict[str, Any], ...]
    description: str = ""
    costs: Costs | None = None
    source: str = ""


# --- small readers -------------------------------------------------------------------


def _fail(where: str, code: str, **params: object) -> ScenarioError:
    return ScenarioError(where, text(code, **params))


def _got(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _expect(value: Any, kind: type | tuple[type, ...], where: str, en: str, zh: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise _fail(where, "wrong_type", expected=en, expected_zh=zh, got=_got(value))
    return value


def _check_fields(data: Mapping[str, Any], known: Sequence[str], where: str) -> None:
    extra = next((k for k in data if k not in known), None)
    if extra is not None:
        raise _fail(f"{where}{extra}", "unknown_field", name=extra)


def read_costs(data: Any, where: str = "costs") -> Costs:
    """Unit costs from a mapping: numbers ≥ 0 and an optional ``currency`` label."""
    _expect(data, Mapping, where, "a mapping", "字段映射")
    _check_fields(data, [f.name for f in Costs.__dataclass_fields__.values()], f"{where}.")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "currency":
            values[key] = _expect(value, str, f"{where}.{key}", "a string", "字符串")
            continue
        number = _expect(value, (int, float), f"{where}.{key}", "a number", "数字")
        if not math.isfinite(number) or number < 0:
            raise _fail(f"{where}.{key}", "too_small", limit=0, got=_got(number))
        values[key] = float(number)
    return Costs(**values)


def read_costs_file(path: str | Path) -> Costs:
    """``--costs FILE``: a YAML or JSON mapping of unit costs."""
    return read_costs(read_document(path), f"{path}:costs")


def read_keep(path: str | Path) -> dict[str, str]:
    """Client id → courier id from a plan document (``--keep-from PLAN.json``)."""
    document = read_document(path)
    try:
        plan = plan_from_dict(document)
    except PlanFormatError as err:
        raise PlanFormatError(f"{path}:{err.field}", err.reason) from err
    return {i: r.courier for r in plan.routes for s in r.deliveries for i in s.clients}


# --- what-if files -----------------------------------------------------------------------


def read_base(path: str | Path) -> dict[str, Any]:
    """A base scenario document, validated; errors name the file.

    A relative ``network`` path is made absolute, so the document plans from anywhere.
    """
    document = read_document(path)
    if isinstance(document, dict) and isinstance(document.get("network"), str):
        document["network"] = str((Path(path).parent / document["network"]).resolve())
    _validate(document, lambda inner: None, str(path), joiner=":")
    return dict(document)


def read_whatif(path: str | Path, default_base: str | Path | None = None) -> WhatIf:
    """A what-if file; ``base`` is relative to the file (``default_base`` when absent)."""
    file = Path(path)
    data = read_document(file)
    where = f"{file}:"
    if not isinstance(data, Mapping):
        raise _fail(str(file), "not_mapping")
    base = data.get("base")
    if base is None and default_base is None:
        raise _fail(f"{where}base", "missing_field", name="base")
    if base is not None:
        _expect(base, str, f"{where}base", "a file path", "文件路径")
    document = read_base(file.parent / base if base is not None else Path(str(default_base)))
    return whatif_from_dict(
        data, document, where=where, folder=file.parent, default_name=file.stem, source=str(file)
    )


def whatif_from_dict(
    data: Mapping[str, Any],
    base: Mapping[str, Any],
    *,
    where: str = "",
    folder: Path | None = None,
    default_name: str | None = None,
    source: str = "",
) -> WhatIf:
    """A what-if from a decoded mapping over a valid ``base`` document.

    ``folder`` is where files named by changes live; without it (HTTP) files are refused.
    """
    _check_fields(data, WHATIF_FIELDS, where)
    name = data.get("name", default_name)
    if name is None:
        raise _fail(f"{where}name", "missing_field", name="name")
    _expect(name, str, f"{where}name", "a string", "字符串")
    if not _NAME.match(name):
        detail = f"a name is 1–64 characters from A–Z a–z 0–9 _ . - (got {_got(name)})"
        raise _fail(f"{where}name", "invalid_value", detail=detail)
    description = _expect(
        data.get("description", ""), str, f"{where}description", "a string", "字符串"
    )
    costs = read_costs(data["costs"], f"{where}costs") if "costs" in data else None
    changes = _expect(data.get("changes", []), list, f"{where}changes", "a list", "列表")
    parts = apply_changes(base, changes, where=where, folder=folder, name=name)
    return WhatIf(name, tuple(parts), description, costs, source)


def load_comparison(base: str | Path, whatifs: Sequence[str | Path]) -> list[WhatIf]:
    """The base and every what-if file, all validated, base first (named ``base``)."""
    document = read_base(base)
    columns = [WhatIf(BASE_NAME, (document,), source=str(base))]
    for path in whatifs:
        column = read_whatif(path, default_base=base)
        _check_new_name(columns, column.name, f"{path}:name")
        columns.append(column)
    return columns


def columns_from_body(base: Any, whatifs: Any) -> list[WhatIf]:
    """``{base: <scenario>, whatifs: [{name, changes, …}]}`` from an HTTP body."""
    if not isinstance(base, Mapping):
        raise _fail("base", "not_mapping")
    _validate(base, lambda inner: None, "base", joiner=".")
    columns = [WhatIf(BASE_NAME, (dict(base),))]
    _expect(whatifs, list, "whatifs", "a list", "列表")
    for k, data in enumerate(whatifs):
        if not isinstance(data, Mapping):
            raise _fail(f"whatifs[{k}]", "not_mapping")
        if "name" not in data:
            raise _fail(f"whatifs[{k}].name", "missing_field", name="name")
        column = whatif_from_dict(data, base, where=f"whatifs[{k}].")
        _check_new_name(columns, column.name, f"whatifs[{k}].name")
        columns.append(column)
    return columns


def _check_new_name(columns: Sequence[WhatIf], name: str, where: str) -> None:
    if any(c.name == name for c in columns):
        raise _fail(where, "duplicate_id", id=name, first="an earlier column / 之前的一列")


# --- applying changes ----------------------------------------------------------------


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
            raise _fail(at, "one_change")
        ((kind, value),) = change.items()
        handler = CHANGES.get(str(kind))
        if handler is None:
            raise _fail(at, "unknown_change", name=kind, known=", ".join(CHANGES))
        locate = handler(state, value, f"{at}.{kind}")
        _validate(state.document, locate, f"{at}.{kind}")
    return _split(state)


def _validate(document: Any, locate: Locate, where: str, joiner: str = ": ") -> None:
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
    _expect(value, list, where, "a mapping or a list of mappings", "字段映射或映射列表")
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
    _expect(value, list, where, "an id or a list of ids", "编号或编号列表")
    return [
        (_expect(item, str, f"{where}[{k}]", "an id", "编号"), f"{where}[{k}]")
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
            raise _fail(at, "unknown_reference", what=what[0], what_zh=what[1], id=ident)
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
        raise _fail(where, "file_not_allowed")
    rows, name = read_clients_csv(state.folder / value)
    first = len(state.document["clients"])
    state.document["clients"] = [*state.document["clients"], *(client for client, _ in rows)]
    return _csv_locator(first, name, [line for _, line in rows])


def _close_roads(state: _State, value: Any, where: str) -> Locate:
    """Closures ``{lat, lon, radius_m?}`` appended to ``closed_roads`` (needs a network)."""
    if "network" not in state.document:
        raise _fail(where, "close_roads_needs_network")
    return _append(state, "closed_roads", value, where)


# --- shift_windows ---------------------------------------------------------------------


def _offset_s(value: Any, where: str) -> int:
    """``-30min``, ``+15 min`` or a whole number of minutes → seconds."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value * 60
    match = _OFFSET.match(value) if isinstance(value, str) else None
    if match is None:
        raise _fail(where, "bad_offset", got=_got(value))
    return (-1 if match.group(1) == "-" else 1) * int(match.group(2)) * 60


def _shifted(value: str, offset_s: int, where: str) -> str:
    hours, minutes = value.split(":")
    seconds = int(hours) * 3600 + int(minutes) * 60 + offset_s
    if not 0 <= seconds < 24 * 3600:
        raise _fail(where, "shift_out_of_day", time=value, minutes=f"{offset_s // 60:+d}")
    return clock(seconds)


def _shift_windows(state: _State, value: Any, where: str) -> Locate:
    """Client windows by an offset; the mapping form also moves meals_ready and shifts."""
    if isinstance(value, Mapping):
        _check_fields(value, ("clients", "meals_ready", "shifts"), f"{where}.")
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


# --- set ------------------------------------------------------------------------------


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
            raise _fail(where, "unknown_field", name=name)
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
            raise _fail(where, "list_needs_id", name=name, example=example, field=rest)
        actual.append(pos)
        k += 1
        if k == len(names):
            items[pos] = value
            return field_path(actual)
        node, schema = items[pos], _resolve(schema.get("items", {}))


def _set(state: _State, value: Any, where: str) -> Locate:
    _expect(value, Mapping, where, "a mapping of dotted paths to values", "点分路径到取值的映射")
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


# --- add_canteen -------------------------------------------------------------------------


def _add_canteen(state: _State, value: Any, where: str) -> Locate:
    """A second canteen with its couriers: ids moved from the base, or new couriers."""
    _expect(value, Mapping, where, "a mapping", "字段映射")
    _check_fields(value, ("canteen", "couriers"), f"{where}.")
    for name in ("canteen", "couriers"):
        if name not in value:
            raise _fail(f"{where}.{name}", "missing_field", name=name)
    canteen = copy.deepcopy(value["canteen"])
    trial = {**state.document, "canteen": canteen}
    _validate(
        trial, lambda inner: f"{where}.{inner}" if inner.startswith("canteen") else None, where
    )
    known = [state.document["canteen"]["id"], *(c.canteen["id"] for c in state.canteens)]
    if canteen["id"] in known:
        raise _fail(f"{where}.canteen.id", "duplicate_id", id=canteen["id"], first="canteen")
    items = _expect(value["couriers"], list, f"{where}.couriers", "a list", "列表")
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
        ident = _expect(item, str, at, "a courier id or a courier mapping", "配送员编号或映射")
        if _section_of(state.document, ("couriers",), ident) is None or ident in taken:
            raise _fail(at, "unknown_reference", what="courier", what_zh="配送员", id=ident)
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
        _validate(part, lambda inner: None, state.canteens[max(0, j - 1)].where)
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


# --- clients from CSV ------------------------------------------------------------------

# Where a scenario path inside a CSV client points in the file (first prefix that matches).
_COLUMN_OF = (
    ("location.lat", "lat"),
    ("location.lon", "lon"),
    ("location", "lat"),
    ("window[0]", "window_start"),
    ("window[1]", "window_end"),
    ("window", "window_end"),
    ("meals", "meals"),
    ("active.from", "active_from"),
    ("active.to", "active_to"),
    ("active", "active_to"),
)


def _csv_locator(first: int, name: str, lines: Sequence[int]) -> Locate:
    pattern = re.compile(r"^clients\[(\d+)\]\.?(.*)$")

    def locate(inner: str) -> str | None:
        match = pattern.match(inner)
        if match is None or not first <= int(match.group(1)) < first + len(lines):
            return None
        line, rest = lines[int(match.group(1)) - first], match.group(2)
        column = next(
            (
                col
                for prefix, col in _COLUMN_OF
                if rest == prefix or rest.startswith((f"{prefix}.", f"{prefix}["))
            ),
            re.split(r"[.\[]", rest)[0],
        )
        return f"{name}:row {line}: {column}" if column else f"{name}:row {line}"

    return locate


def read_clients_csv(path: Path) -> tuple[list[tuple[dict[str, Any], int]], str]:
    """Client mappings from a CSV file, each with its row number (the header is row 1)."""
    name = str(path)
    if not path.is_file():
        raise NotFoundError(name, text("file_missing", path=name))
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(name, text("file_unreadable", detail=err)) from err
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    for column in header:
        if column not in CSV_COLUMNS:
            raise _fail(f"{name}:row 1: {column}", "unknown_field", name=column)
    for column in _CSV_REQUIRED:
        if column not in header:
            raise _fail(f"{name}:row 1", "missing_field", name=column)
    rows = []
    for row in reader:
        where = f"{name}:row {reader.line_num}"
        if None in row:
            raise _fail(where, "bad_length", n=len(header), got=len(header) + len(row[None]))
        rows.append((_client_from_row(row, where), reader.line_num))
    return rows, name


def _client_from_row(row: Mapping[str, str | None], where: str) -> dict[str, Any]:
    cells = {k: (v or "").strip() for k, v in row.items() if (v or "").strip()}
    out: dict[str, Any] = {
        k: cells[k] for k in ("id", "name", "address", "building", "group", "notes") if k in cells
    }
    out["location"] = {
        k: _cell(cells, k, where, float, "a number", "数字") for k in ("lat", "lon") if k in cells
    }
    if "floor" in cells:
        out["floor"] = _cell(cells, "floor", where, int, "an integer", "整数")
    if "lift" in cells:
        out["lift"] = _cell(
            cells, "lift", where, _boolean, "a boolean (true/false)", "布尔值（true/false）"
        )
    if "window_start" in cells or "window_end" in cells:
        for column in ("window_start", "window_end"):
            if column not in cells:
                raise _fail(f"{where}: {column}", "missing_field", name=column)
        out["window"] = [cells["window_start"], cells["window_end"]]
    if "meals" in cells:
        out["meals"] = _meals(cells["meals"], f"{where}: meals")
    active = {k: cells[f"active_{k}"] for k in ("from", "to") if f"active_{k}" in cells}
    if active:
        out["active"] = active
    return out


def _cell(
    cells: Mapping[str, str], column: str, where: str, read: Callable[[str], Any], en: str, zh: str
) -> Any:
    try:
        return read(cells[column])
    except ValueError as err:
        got = _got(cells[column])
        raise _fail(
            f"{where}: {column}", "wrong_type", expected=en, expected_zh=zh, got=got
        ) from err


def _boolean(cell: str) -> bool:
    if cell.lower() in _TRUE | _FALSE:
        return cell.lower() in _TRUE
    raise ValueError(cell)


def _meals(cell: str, where: str) -> dict[str, int]:
    """``regular:1;soft:1`` → ``{regular: 1, soft: 1}``."""
    meals: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        variant, _, count = part.partition(":")
        if not count.strip().isdigit():
            raise _fail(where, "bad_meals", got=_got(cell))
        meals[variant.strip()] = int(count)
    return meals


# --- planning the columns ------------------------------------------------------------


@dataclass(frozen=True)
class _Failure:
    """A ``DispatchError`` from a worker process, carried back as plain data."""

    kind: type[DispatchError]
    where: str
    reason: Text


def _solve(
    document: dict[str, Any],
    time_limit_s: float | None,
    seed: int | None,
    keep: dict[str, str] | None,
) -> Plan | _Failure:
    """Plan one document (runs in a pool process)."""
    try:
        scenario = parse_scenario(document)
        return plan_day(scenario, time_limit_s=time_limit_s, seed=seed, keep=keep)
    except DispatchError as err:
        return _Failure(type(err), err.field, err.reason)


def _keep_for(document: Mapping[str, Any], keep: Mapping[str, str] | None) -> dict[str, str] | None:
    """The assignments that still make sense in this document (known client and courier)."""
    if keep is None:
        return None
    clients = {c["id"] for c in document["clients"]}
    workers = {c["id"] for c in (*document["couriers"], *document.get("walkers", []))}
    return {c: w for c, w in keep.items() if c in clients and w in workers}


def plan_columns(
    columns: Sequence[WhatIf],
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    keep: Mapping[str, str] | None = None,
    workers: int | None = None,
    start_method: str | None = None,
) -> list[list[tuple[Scenario, Plan]]]:
    """Plan every part of every column in a process pool (one process per core).

    ``keep`` (client → courier, from an earlier plan) is passed to ``plan_day`` for every
    plan; ``start_method`` names the multiprocessing start method (``forkserver`` inside
    a threaded server; ``spawn`` where it does not exist).
    """
    jobs = [(c, doc) for c, column in enumerate(columns) for doc in column.parts]
    size = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if start_method not in (None, *multiprocessing.get_all_start_methods()):
        start_method = "spawn"
    context = multiprocessing.get_context(start_method) if start_method else None
    with ProcessPoolExecutor(max_workers=size, mp_context=context) as pool:
        futures = [
            pool.submit(_solve, doc, time_limit_s, seed, _keep_for(doc, keep)) for _, doc in jobs
        ]
        outcomes = [f.result() for f in futures]
    planned: list[list[tuple[Scenario, Plan]]] = [[] for _ in columns]
    for (c, doc), outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, _Failure):
            raise outcome.kind(outcome.where, outcome.reason)
        planned[c].append((parse_scenario(doc), outcome))
    return planned


# --- figures, table, report ----------------------------------------------------------


def _contexts(parts: Sequence[tuple[Scenario, Plan]]) -> list[PlanContext]:
    return [PlanContext.of(s, p) for s, p in parts]


def _unassigned(parts: Sequence[tuple[Scenario, Plan]]) -> list[dict[str, str]]:
    return [
        {"client": u.client, "code": u.code, "reason": u.reason_en, "reason_zh": u.reason_zh}
        for _, plan in parts
        for u in plan.unassigned
    ]


def _column_dict(
    column: WhatIf,
    parts: Sequence[tuple[Scenario, Plan]],
    base: Sequence[tuple[Scenario, Plan]] | None,
    costs: Costs | None,
) -> dict[str, Any]:
    figures: dict[str, Any] = plan_figures(_contexts(parts))
    figures["latest_delivery"] = clock(figures["latest_delivery_s"])
    costs = column.costs or costs
    if costs is not None:
        units = {k: v for k, v in asdict(costs).items() if k != "currency"}
        figures |= cost_figures(figures, **units) | {"currency": costs.currency}
    return {
        "name": column.name,
        "description": column.description,
        "source": column.source,
        "scenarios": [s.name for s, _ in parts],
        "canteens": [s.canteen.id for s, _ in parts],
        "figures": figures,
        "costs": asdict(costs) if costs is not None else None,
        "unassigned": _unassigned(parts),
        "diff": plan_diff(_contexts(base), _contexts(parts)) if base is not None else None,
    }


def comparison(
    columns: Sequence[WhatIf],
    planned: Sequence[Sequence[tuple[Scenario, Plan]]],
    costs: Costs | None = None,
) -> dict[str, Any]:
    """``compare.json``: figures per column, and for each what-if its diff against the base."""
    base = planned[0]
    return {
        "format": 1,
        "generator": f"nuanliu-dispatch {__version__}",
        "base": columns[0].name,
        "late_risk_s": LATE_RISK_S,
        "plans": [
            _column_dict(column, parts, None if k == 0 else base, costs)
            for k, (column, parts) in enumerate(zip(columns, planned, strict=True))
        ],
    }


def comparison_files(
    columns: Sequence[WhatIf],
    planned: Sequence[Sequence[tuple[Scenario, Plan]]],
    data: Mapping[str, Any],
) -> dict[str, str]:
    """``compare.json``, ``compare.html`` and every plan as ``<name>/plan.json``
    (an added canteen's share as ``<name>/<canteen id>/plan.json``)."""
    files = {
        "compare.json": json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        "compare.html": comparison_html(data),
    }
    for column, parts in zip(columns, planned, strict=True):
        for j, (scenario, plan) in enumerate(parts):
            folder = column.name if j == 0 else f"{column.name}/{scenario.canteen.id}"
            body = json.dumps(
                plan_to_dict(PlanContext.of(scenario, plan)), ensure_ascii=False, indent=2
            )
            files[f"{folder}/plan.json"] = body + "\n"
    return files


# (key in the figures, English label, Chinese label), in table order.
ROWS = (
    ("served", "served / clients", "已送 / 客户"),
    ("couriers_used", "couriers", "骑手"),
    ("walkers_used", "grid workers", "网格员"),
    ("distance_m", "total km", "总里程 km"),
    ("hours_s", "total hours", "总工时 h"),
    ("latest_delivery_s", "latest delivery", "最晚送达"),
    ("door_to_door_mean_s", "door-to-door mean min", "平均在途 分"),
    ("door_to_door_max_s", "door-to-door max min", "最长在途 分"),
    ("unassigned", "unassigned", "未安排"),
    ("floors_per_person_max", "floors/person max", "人均爬楼最多"),
    ("floors_per_person_spread", "floors/person spread", "爬楼差"),
    ("handovers", "hand-overs", "交接"),
    ("late_risk", "late-risk (<5 min)", "临界（<5 分）"),
    ("cost_per_meal", "cost per meal", "每餐成本"),
    ("violations", "violations", "校验问题"),
)


def _shown(key: str, figures: Mapping[str, Any]) -> str:
    """One figure as people read it: km, hours, HH:MM, minutes, money."""
    value = figures.get(key)
    if key == "served":
        return f"{figures['served']}/{figures['clients']}"
    if value is None:
        return "–"
    if key == "distance_m":
        return f"{value / 1000:.1f}"
    if key == "hours_s":
        return f"{value / 3600:.1f}"
    if key == "latest_delivery_s":
        return clock(value)
    if key.startswith("door_to_door"):
        return f"{value / 60:.0f}"
    if key == "cost_per_meal":
        return f"{value:.2f}"
    return str(value)


DIFF_ROWS = (
    ("changed_courier", "changed courier", "换配送员"),
    ("newly_unassigned", "newly unassigned", "新增未安排"),
    ("newly_late_risk", "newly late-risk", "新增临界"),
)


def table_rows(data: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """The side-by-side table: (English label, Chinese label, one cell per column)."""
    plans = data["plans"]
    show_cost = any("cost_per_meal" in p["figures"] for p in plans)
    rows = [
        (en, zh, [_shown(key, p["figures"]) for p in plans])
        for key, en, zh in ROWS
        if key != "cost_per_meal" or show_cost
    ]
    for key, en, zh in DIFF_ROWS:
        rows.append(
            (en, zh, ["–" if p["diff"] is None else str(len(p["diff"][key])) for p in plans])
        )
    return rows


def _ids_text(ids: Sequence[str], shown: int = 8) -> str:
    more = f" … (+{len(ids) - shown})" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def _notes(plan: Mapping[str, Any]) -> list[str]:
    """Unassigned clients grouped by reason, and who moved, under the table."""
    by_reason: dict[tuple[str, str], list[str]] = {}
    for u in plan["unassigned"]:
        by_reason.setdefault((u["reason_zh"], u["reason"]), []).append(u["client"])
    lines = [
        f"  {plan['name']}: unassigned {_ids_text(ids)}: {zh} / {en}"
        for (zh, en), ids in by_reason.items()
    ]
    moved = [m["client"] for m in (plan["diff"] or {}).get("changed_courier", [])]
    if moved:
        lines.append(f"  {plan['name']}: changed courier 换配送员 {len(moved)}: {_ids_text(moved)}")
    return lines


def _width(value: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def _pad(value: str, width: int, left: bool = False) -> str:
    gap = " " * max(0, width - _width(value))
    return value + gap if left else gap + value


def comparison_table(data: Mapping[str, Any]) -> str:
    """The table for a terminal, then each what-if's unassigned clients and moves."""
    names = [p["name"] for p in data["plans"]]
    rows = table_rows(data)
    label_w = max(_width(f"{en} {zh}") for en, zh, _ in rows) + 2
    widths = [max(10, _width(n) + 2) for n in names]
    lines = [
        _pad("", label_w, left=True)
        + "".join(_pad(n, w) for n, w in zip(names, widths, strict=True))
    ]
    for en, zh, cells in rows:
        cells_text = "".join(_pad(c, w) for c, w in zip(cells, widths, strict=True))
        lines.append(_pad(f"{en} {zh}", label_w, left=True) + cells_text)
    for plan in data["plans"]:
        lines += _notes(plan)
    return "\n".join(lines)


# Bar charts in the report: (figure key, English title, Chinese title, unit divisor).
CHARTS = (
    ("couriers_used", "couriers", "骑手", 1),
    ("distance_m", "total km", "总里程 km", 1000),
    ("hours_s", "total hours", "总工时 h", 3600),
    ("door_to_door_max_s", "door-to-door max min", "最长在途 分", 60),
    ("unassigned", "unassigned", "未安排", 1),
    ("cost_per_meal", "cost per meal", "每餐成本", 1),
)


def _charts(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    charts = []
    for key, en, zh, unit in CHARTS:
        values = [p["figures"].get(key) for p in data["plans"]]
        if any(v is None for v in values):
            continue
        scaled = [float(v) / unit for v in values]
        top = max(scaled) or 1.0
        bars = [
            {
                "name": p["name"],
                "value": f"{v:.1f}" if unit > 1 or key == "cost_per_meal" else f"{v:.0f}",
                "width": round(300 * v / top, 1),
            }
            for p, v in zip(data["plans"], scaled, strict=True)
        ]
        charts.append({"en": en, "zh": zh, "bars": bars})
    return charts


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dispatch.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def comparison_html(data: Mapping[str, Any]) -> str:
    """``compare.html``: the table, the moves and bar charts as inline SVG (offline)."""
    template = _environment().get_template("compare.html")
    names = [p["name"] for p in data["plans"]]
    return template.render(data=data, names=names, rows=table_rows(data), charts=_charts(data))
