"""Plans ↔ JSON, shaped like VROOM's output: ``summary``, ``routes[].steps[]``, ``unassigned``.

Conventions: times are seconds after midnight of the scenario's date (``*_s``) with an
``HH:MM`` copy for people; durations are seconds; distances metres; locations WGS-84
``{lat, lon}``. Hand-made plans may leave out everything but the route order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dispatch.errors import PlanFormatError
from dispatch.messages import text
from dispatch.model import (
    Client,
    CourierNotUsed,
    Location,
    NotScheduled,
    Plan,
    Route,
    Step,
    Unassigned,
    Violation,
    clock,
)
from dispatch.report.context import PlanContext
from dispatch.report.kpi import (
    carried_clients,
    door_to_door_s,
    floors_climbed,
    is_relayed,
    left_canteen_s,
    meals_by_variant,
    route_distance_m,
    route_travel_s,
    summary,
)
from dispatch.version import __version__

FORMAT_VERSION = 1


def _times(step: Step) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if step.arrival_s is not None:
        out |= {"arrival_s": step.arrival_s, "arrival": clock(step.arrival_s)}
    if step.departure_s is not None:
        out |= {"departure_s": step.departure_s, "departure": clock(step.departure_s)}
    return out


def _step_dict(
    step: Step, clients: Mapping[str, Client], departure_s: int, walker: bool, on_roads: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {"type": step.type}
    if step.location is not None:
        out["location"] = {"lat": round(step.location.lat, 7), "lon": round(step.location.lon, 7)}
    out |= _times(step)
    if step.type == "delivery":
        out |= {
            "building": step.building,
            "clients": list(step.clients),
            "meals": meals_by_variant(clients[i] for i in step.clients if i in clients),
            "travel_s": step.travel_s,
            "distance_m": step.distance_m,
            "weather_s": step.weather_s,
            "waiting_s": step.waiting_s,
            "service_s": step.service_s,
            "door_to_door_s": (step.departure_s or 0) - departure_s,
        }
    if step.type in ("delivery", "handover") and on_roads:
        out |= {"snap_m": step.snap_m, "estimated": step.estimated}
    if step.type == "handover":
        out |= {"relay_point": step.relay_point, "meals": step.meals}
        if walker:
            out["rider"] = step.partners[0] if step.partners else None
        else:
            out |= {
                "walkers": list(step.partners),
                "travel_s": step.travel_s,
                "distance_m": step.distance_m,
                "weather_s": step.weather_s,
                "waiting_s": step.waiting_s,
                "service_s": step.service_s,
            }
    return out


def _route_dict(route: Route, part: PlanContext) -> dict[str, Any]:
    courier = part.workers[route.courier]
    departure = left_canteen_s(part.plan, route)
    clients = carried_clients(part.clients, part.plan, route)  # a rider's include relayed meals
    walker = courier.id in part.walkers
    on_roads = part.scenario.network is not None
    steps = [
        _step_dict(s, part.clients, departure, is_relayed(route), on_roads) for s in route.steps
    ]
    return {
        "courier": route.courier,
        "role": "walker" if walker else "rider",
        "mode": courier.mode,
        "meals": meals_by_variant(clients),
        "load": sum(c.meal_count for c in clients),
        "stops": len(route.deliveries),
        "travel_s": route_travel_s(route),
        "distance_m": route_distance_m(route),
        "door_to_door_s": door_to_door_s(part.plan, route),
        "floors_climbed": floors_climbed(part.clients, route),
        "steps": steps,
    }


def plan_to_dict(part: PlanContext) -> dict[str, Any]:
    """The plan document written as ``plan.json`` and returned by the API."""
    scenario, plan = part.scenario, part.plan
    return {
        "format": FORMAT_VERSION,
        "generator": f"nuanliu-dispatch {__version__}",
        "scenario": plan.scenario,
        "date": scenario.date.isoformat(),
        "canteen": scenario.canteen.id,
        "time_limit_s": plan.time_limit_s,
        "seed": plan.seed,
        "summary": summary(part),
        "routes": [_route_dict(r, part) for r in plan.routes],
        "unassigned": [
            {"client": u.client, "code": u.code, "reason": u.reason_en, "reason_zh": u.reason_zh}
            for u in plan.unassigned
        ],
        "couriers_not_used": [
            {"courier": n.courier, "code": n.code, "reason": n.reason_en, "reason_zh": n.reason_zh}
            for n in plan.not_used
        ],
        "not_scheduled": [
            {"client": n.client, "code": n.code, "reason": n.reason_en, "reason_zh": n.reason_zh}
            for n in plan.not_scheduled
        ],
        "violations": [_violation_dict(v) for v in plan.violations],
    }


def _violation_dict(violation: Violation) -> dict[str, Any]:
    out = {"rule": violation.rule, "message": violation.message, "message_zh": violation.message_zh}
    if violation.courier is not None:
        out["courier"] = violation.courier
    if violation.client is not None:
        out["client"] = violation.client
    return out


def _fail(path: str, reason_code: str, **params: object) -> PlanFormatError:
    return PlanFormatError(path, text(reason_code, **params))


def _expect(
    value: Any, kind: type | tuple[type, ...], path: str, expected: str, expected_zh: str
) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        got = type(value).__name__
        raise _fail(path, "wrong_type", expected=expected, expected_zh=expected_zh, got=got)
    return value


def _optional_int(data: Mapping[str, Any], key: str, path: str) -> int | None:
    if key not in data or data[key] is None:
        return None
    return int(_expect(data[key], int, f"{path}.{key}", "an integer", "整数"))


def _step_from(data: Any, path: str) -> Step:
    _expect(data, Mapping, path, "a mapping", "字段映射")
    kind = data.get("type")
    if kind not in ("start", "delivery", "handover", "end"):
        allowed = "start, delivery, handover, end"
        raise _fail(f"{path}.type", "not_one_of", allowed=allowed, got=repr(kind))
    clients: tuple[str, ...] = ()
    if kind == "delivery":
        raw = _expect(data.get("clients"), list, f"{path}.clients", "a list", "列表")
        for k, item in enumerate(raw):
            _expect(item, str, f"{path}.clients[{k}]", "a client id", "客户编号")
        clients = tuple(raw)
    return Step(
        type=kind,
        location=_location_from(data.get("location"), f"{path}.location"),
        building=data.get("building"),
        clients=clients,
        arrival_s=_optional_int(data, "arrival_s", path),
        departure_s=_optional_int(data, "departure_s", path),
        relay_point=data.get("relay_point"),
        partners=_partners(data, path),
        meals=(_optional_int(data, "meals", path) or 0) if kind == "handover" else 0,
        # A stored plan read back keeps its legs' figures (km and hours on the pages).
        travel_s=_optional_int(data, "travel_s", path) or 0,
        distance_m=_optional_int(data, "distance_m", path) or 0,
        weather_s=_optional_int(data, "weather_s", path) or 0,
        waiting_s=_optional_int(data, "waiting_s", path) or 0,
        service_s=_optional_int(data, "service_s", path) or 0,
    )


def _location_from(data: Any, path: str) -> Location | None:
    """A step's location is informative only: the verifier places stops itself."""
    if data is None:
        return None
    _expect(data, Mapping, path, "a mapping", "字段映射")
    lat = _expect(data.get("lat"), (int, float), f"{path}.lat", "a number", "数字")
    lon = _expect(data.get("lon"), (int, float), f"{path}.lon", "a number", "数字")
    return Location(float(lat), float(lon))


def _partners(data: Mapping[str, Any], path: str) -> tuple[str, ...]:
    """A rider's hand-over names its ``walkers``; a walker's names its ``rider``."""
    if "walkers" in data:
        walkers = _expect(data["walkers"], list, f"{path}.walkers", "a list", "列表")
        return tuple(str(w) for w in walkers)
    if data.get("rider") is not None:
        return (str(_expect(data["rider"], str, f"{path}.rider", "a rider id", "骑手编号")),)
    return ()


def _route_from(data: Any, path: str) -> Route:
    _expect(data, Mapping, path, "a mapping", "字段映射")
    courier = _expect(data.get("courier"), str, f"{path}.courier", "a courier id", "配送员编号")
    steps = _expect(data.get("steps"), list, f"{path}.steps", "a list", "列表")
    return Route(
        courier=courier,
        steps=tuple(_step_from(s, f"{path}.steps[{k}]") for k, s in enumerate(steps)),
    )


def plan_from_dict(data: Any) -> Plan:
    """Read a plan document; only ``routes[].courier`` and the steps' order are required."""
    _expect(data, Mapping, "", "a mapping", "字段映射")
    routes = _expect(data.get("routes"), list, "routes", "a list", "列表")
    unassigned = _expect(data.get("unassigned", []), list, "unassigned", "a list", "列表")
    not_used = _expect(
        data.get("couriers_not_used", []), list, "couriers_not_used", "a list", "列表"
    )
    not_due = _expect(data.get("not_scheduled", []), list, "not_scheduled", "a list", "列表")
    return Plan(
        scenario=str(data.get("scenario", "")),
        routes=tuple(_route_from(r, f"routes[{k}]") for k, r in enumerate(routes)),
        unassigned=tuple(_unassigned_from(u, f"unassigned[{k}]") for k, u in enumerate(unassigned)),
        not_used=tuple(
            _not_used_from(n, f"couriers_not_used[{k}]") for k, n in enumerate(not_used)
        ),
        not_scheduled=tuple(
            _not_scheduled_from(n, f"not_scheduled[{k}]") for k, n in enumerate(not_due)
        ),
    )


def _unassigned_from(data: Any, path: str) -> Unassigned:
    client, code, en, zh = _with_reason(data, path, "client", ("a client id", "客户编号"))
    return Unassigned(client=client, code=code, reason_en=en, reason_zh=zh)


def _not_scheduled_from(data: Any, path: str) -> NotScheduled:
    client, code, en, zh = _with_reason(data, path, "client", ("a client id", "客户编号"))
    return NotScheduled(client=client, code=code, reason_en=en, reason_zh=zh)


def _not_used_from(data: Any, path: str) -> CourierNotUsed:
    courier, code, en, zh = _with_reason(data, path, "courier", ("a courier id", "配送员编号"))
    return CourierNotUsed(courier=courier, code=code, reason_en=en, reason_zh=zh)


def _with_reason(
    data: Any, path: str, key: str, what: tuple[str, str]
) -> tuple[str, str, str, str]:
    """``{<key>: id, code, reason, reason_zh}`` as its four strings (only the id required)."""
    _expect(data, Mapping, path, "a mapping", "字段映射")
    ident = _expect(data.get(key), str, f"{path}.{key}", *what)
    return (
        ident,
        str(data.get("code", "")),
        str(data.get("reason", "")),
        str(data.get("reason_zh", "")),
    )
