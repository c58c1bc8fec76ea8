"""The register (台账): clients, couriers, canteens, relay points, grid workers, social workers
and sponsors of the ledger; search and filter, one form per record checked by the scenario
gate's rules, its history, deactivate (never delete). A sponsor's form pairs it with clients
(ticked from the canteen's list), and a client's page names the sponsors paired with them.

The pages call the ledger's store methods as ``/v1/<kind>`` does, with the login's canteen
as the scope; a viewer sees clients without phone, emergency contact, group and notes, as
over the API.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, cast

from flask import redirect, render_template, request, url_for

from dispatch.errors import DispatchError
from dispatch.model import WEEKDAYS
from dispatch.scenario.records import KIND_RULE, Kind
from dispatch.service.http import scope, services
from dispatch.service.tables import LedgerRow
from dispatch.service.views.ledger import record_view
from dispatch.service.views.web.common import needs_role, said, web_blueprint
from dispatch.service.views.web.today import canteens

bp = web_blueprint("web_register")
# The street's five special groups, then the canteen's own; stored by these codes.
GROUPS = (
    "empty_nest", "children_in_difficulty", "pregnant", "severe_disability", "serious_illness",
    "living_alone", "severely_disabled", "low_income_disabled", "temporary",
)  # fmt: skip
# Each form field: (name, kind of input); the record field it fills is in ``_to_record``.
FORMS: dict[str, tuple[tuple[str, str], ...]] = {
    "clients": (
        ("id", "text"), ("name", "text"), ("phone", "tel"), ("address", "text"),
        ("lat", "number"), ("lon", "number"), ("coordinates", "system"),
        ("building", "text"), ("floor", "int"), ("lift", "bool"), ("helper", "bool"),
        ("meals", "text"), ("window_start", "time"), ("window_end", "time"),
        ("group", "group"), ("active_from", "date"), ("active_to", "date"), ("notes", "textarea"),
        ("emergency_name", "text"), ("emergency_relation", "text"), ("emergency_phone", "tel"),
        ("social_worker", "worker"),
    ),
    "couriers": (
        ("id", "text"), ("name", "text"), ("mode", "mode"), ("capacity", "int"),
        ("shift_start", "time"), ("shift_end", "time"), ("max_floor_no_lift", "int"),
    ),
    "canteens": (
        ("id", "text"), ("name", "text"), ("lat", "number"), ("lon", "number"),
        ("coordinates", "system"), ("meals_ready", "time"), ("station_name", "text"),
        ("station_phone", "tel"),
    ),
    "relay_points": (
        ("id", "text"), ("name", "text"), ("lat", "number"), ("lon", "number"),
        ("coordinates", "system"), ("open_start", "time"), ("open_end", "time"),
        ("capacity", "int"),
    ),
    "walkers": (
        ("id", "text"), ("name", "text"), ("relay_point", "relay"), ("capacity", "int"),
        ("shift_start", "time"), ("shift_end", "time"), ("max_floor_no_lift", "int"),
    ),
    "social_workers": (("id", "text"), ("name", "text"), ("phone", "tel")),
    "sponsors": (
        ("id", "text"), ("name", "text"), ("sponsor_kind", "sponsor_kind"),
        ("contact_name", "text"), ("contact_phone", "tel"), ("fee_yuan", "number"),
        ("from", "date"), ("to", "date"), ("clients", "clients"),
    ),
}  # fmt: skip
SPONSOR_KINDS = ("company", "organisation")
EMERGENCY = ("name", "relation", "phone")  # a client's emergency contact, on the form
# Where an error in a record field shows on the form (first prefix that matches).
_FIELD_OF = (
    ("location.lat", "lat"), ("location.lon", "lon"), ("location.coordinates", "coordinates"),
    ("location", "lat"), ("window[0]", "window_start"), ("window", "window_end"),
    ("shift[0]", "shift_start"), ("shift", "shift_end"), ("active.from", "active_from"),
    ("active", "active_to"), ("meals", "meals"), ("open[0]", "open_start"), ("open", "open_end"),
    ("emergency_contact.name", "emergency_name"),
    ("emergency_contact.relation", "emergency_relation"), ("emergency_contact", "emergency_phone"),
    ("station.name", "station_name"), ("station", "station_phone"),
    ("contact.name", "contact_name"), ("contact", "contact_phone"),
    ("fee_per_delivery_fen", "fee_yuan"), ("kind", "sponsor_kind"), ("clients", "clients"),
)  # fmt: skip


def _kind(kind: str) -> Kind:
    return cast(Kind, kind)


@bp.get(f"/register/{KIND_RULE}")
def listing(kind: str) -> Any:
    args = request.args
    rows = services().store.list_records(
        _kind(kind), canteen=scope(), include_inactive=args.get("inactive") == "1"
    )
    shown = [r for r in rows if _matches(r, args)]
    return render_template(
        "register.html", kind=kind, rows=[record_view(r) for r in shown], total=len(rows),
        groups=GROUPS, weekdays=WEEKDAYS, args=args,
    )  # fmt: skip


def _matches(row: LedgerRow, args: Any) -> bool:
    """The search box (id, name, address) and the filters of the register page: group, above
    the ground floor without a lift, due on a weekday (a client without ``days`` is due
    every day), active on a date."""
    data, query = row.data, args.get("q", "").strip().lower()
    if query and not any(query in str(data.get(k, "")).lower() for k in ("id", "name", "address")):
        return False
    if args.get("group") and data.get("group") != args["group"]:
        return False
    if args.get("nolift") == "1" and (data.get("lift") or int(data.get("floor", 1)) <= 1):
        return False
    weekday = args.get("weekday", "")
    if weekday and weekday not in data.get("days", WEEKDAYS):
        return False
    on = args.get("on", "")
    if on:
        active = data.get("active", {})
        if active.get("from", on) > on or active.get("to", on) < on:
            return False
    return True


@bp.get(f"/register/{KIND_RULE}/new")
@needs_role("planner")
def new(kind: str) -> Any:
    return _form_page(kind, None, {}, {})


@bp.post(f"/register/{KIND_RULE}/new")
@needs_role("planner")
def create(kind: str) -> Any:
    record = _to_record(kind, request.form, {})
    try:
        services().store.create_record(_kind(kind), record, canteen=scope())
    except DispatchError as err:
        return _form_page(kind, None, request.form, {_field(err.field): said(err.reason)})
    return redirect(url_for("web_register.record", kind=kind, record_id=record["id"]))


@bp.get(f"/register/{KIND_RULE}/<record_id>")
def record(kind: str, record_id: str) -> Any:
    row = services().store.get_record(_kind(kind), record_id, canteen=scope())
    return _form_page(kind, row, record_cells(record_view(row)["data"]), {})


@bp.post(f"/register/{KIND_RULE}/<record_id>")
@needs_role("planner")
def update(kind: str, record_id: str) -> Any:
    store = services().store
    row = store.get_record(_kind(kind), record_id, canteen=scope())
    record = {**_to_record(kind, request.form, row.data), "id": record_id}
    try:
        store.update_record(_kind(kind), record, canteen=scope())
    except DispatchError as err:
        return _form_page(kind, row, request.form, {_field(err.field): said(err.reason)})
    return redirect(url_for("web_register.record", kind=kind, record_id=record_id, saved=1))


@bp.post(f"/register/{KIND_RULE}/<record_id>/deactivate")
@needs_role("planner")
def deactivate(kind: str, record_id: str) -> Any:
    services().store.deactivate_record(_kind(kind), record_id, canteen=scope())
    return redirect(url_for("web_register.record", kind=kind, record_id=record_id))


def _form_page(kind: str, row: LedgerRow | None, values: Any, errors: dict[str, str]) -> Any:
    store = services().store
    history = []
    if row is not None:
        versions = store.record_history(_kind(kind), row.record_id, canteen=scope())
        history = _history([record_view(v) for v in versions])
    if hasattr(values, "getlist"):  # a posted form: a ticked list as the cell's ``a;b``
        values = {name: ";".join(values.getlist(name)) for name in values}
    page = render_template(
        "record.html", kind=kind, row=row, values=values, errors=errors, fields=FORMS[kind],
        groups=GROUPS, history=history, canteens=canteens(), sponsor_kinds=SPONSOR_KINDS,
        relay_points=_ids("relay_points"), workers=_names("social_workers"),
        clients=_names("clients") if kind == "sponsors" else [],
        sponsored_by=_sponsors_of(row.record_id) if row and kind == "clients" else [],
    )  # fmt: skip
    return page, (422 if errors else 200)


def _ids(kind: Kind) -> list[str]:
    return [r.record_id for r in services().store.list_records(kind, canteen=scope())]


def _names(kind: Kind) -> list[tuple[str, str]]:
    """(id, name) of the login's active records of ``kind``: the choices of a form's list."""
    rows = services().store.list_records(kind, canteen=scope())
    return [(r.record_id, str(r.data.get("name", ""))) for r in rows]


def _sponsors_of(client: str) -> list[str]:
    rows = services().store.list_records("sponsors", canteen=scope())
    return [str(r.data["name"]) for r in rows if client in r.data.get("clients", [])]


def _history(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each version with the fields it changed against the one before, newest first."""
    out: list[dict[str, Any]] = []
    before: dict[str, Any] = {}
    for view in views:
        data = view["data"]
        changed = sorted(k for k in data.keys() | before.keys() if data.get(k) != before.get(k))
        out.append({**view, "changed": changed})
        before = data
    return out[::-1]


def _field(record_field: str) -> str:
    return next(
        (f for prefix, f in _FIELD_OF if record_field == prefix or record_field.startswith(prefix)),
        record_field.split(".")[0].split("[")[0],
    )


def record_cells(data: dict[str, Any]) -> dict[str, str]:
    """A record as the form's text fields (the import's CSV columns among them)."""
    form = {k: str(v) for k, v in data.items() if not isinstance(v, dict | list)}
    location = data.get("location", {})
    form |= {k: str(location[k]) for k in ("lat", "lon", "coordinates") if k in location}
    for name in ("window", "shift", "open"):
        pair = data.get(name)
        if pair:
            form[f"{name}_start"], form[f"{name}_end"] = pair
    active = data.get("active", {})
    form |= {f"active_{k}": str(active[k]) for k in ("from", "to") if k in active}
    if "meals" in data:
        form["meals"] = ";".join(f"{v}:{n}" for v, n in data["meals"].items())
    if isinstance(data.get("days"), list):
        form["days"] = ";".join(data["days"])  # the import's days column: mon;wed;fri
    for name in ("lift", "helper"):
        form[name] = "1" if data.get(name) else ""
    contact = data.get("emergency_contact") or {}
    form |= {f"emergency_{k}": str(contact[k]) for k in EMERGENCY if k in contact}
    for name in ("station", "contact"):  # a canteen's duty phone, a sponsor's contact
        form |= {f"{name}_{k}": str(v) for k, v in (data.get(name) or {}).items()}
    if "fee_per_delivery_fen" in data:
        form["fee_yuan"] = f"{data['fee_per_delivery_fen'] / 100:.2f}"
    if isinstance(data.get("clients"), list):
        form["clients"] = ";".join(data["clients"])
    if "kind" in data:
        form["sponsor_kind"] = str(data["kind"])
    return form


def _to_record(kind: str, form: Any, current: dict[str, Any]) -> dict[str, Any]:
    """The form as a ledger record over ``current`` (fields the form lacks are kept)."""
    cells = {name: form.get(name, "").strip() for name, _ in FORMS[kind]}
    record = {k: v for k, v in current.items() if k not in _FORM_FIELDS[kind]}
    for name in ("id", "name", "phone", "address", "building", "group", "notes", "mode",
                 "relay_point", "social_worker", "from", "to"):  # fmt: skip
        if cells.get(name):
            record[name] = cells[name]
    if kind != "canteens":
        record["canteen"] = current.get("canteen") or scope() or form.get("canteen", "")
    if kind in ("couriers", "walkers"):
        record["shift"] = [cells["shift_start"], cells["shift_end"]]
    if kind == "relay_points":
        record["open"] = [cells["open_start"], cells["open_end"]]
    for name in ("floor", "capacity", "max_floor_no_lift"):
        if cells.get(name):
            record[name] = _number(cells[name], int)
    for name in ("lift", "helper"):
        if name in cells:
            record[name] = cells[name] == "1"
    if "lat" in cells:
        record["location"] = {k: _number(cells[k], float) for k in ("lat", "lon") if cells[k]}
        if cells.get("coordinates"):
            record["location"]["coordinates"] = cells["coordinates"]
    if cells.get("meals_ready"):
        record["meals_ready"] = cells["meals_ready"]
    if cells.get("window_start") or cells.get("window_end"):
        record["window"] = [cells["window_start"], cells["window_end"]]
    active = {k: cells[f"active_{k}"] for k in ("from", "to") if cells.get(f"active_{k}")}
    if active:
        record["active"] = active
    if cells.get("meals"):
        record["meals"] = _meals(cells["meals"])
    contact = {k: cells[f"emergency_{k}"] for k in EMERGENCY if cells.get(f"emergency_{k}")}
    if contact:
        record["emergency_contact"] = contact
    for name in ("station", "contact"):
        pair = {k: cells[f"{name}_{k}"] for k in ("name", "phone") if cells.get(f"{name}_{k}")}
        if pair:
            record[name] = pair
    if kind == "sponsors":
        record["kind"] = cells["sponsor_kind"]
        record["fee_per_delivery_fen"] = _fen(cells["fee_yuan"])
        record["clients"] = form.getlist("clients")
    return record


# Record fields the form owns: a field left empty on the form is removed from the record.
_FORM_FIELDS = {
    "clients": {"id", "name", "phone", "address", "building", "floor", "lift", "helper",
                "location", "meals", "window", "group", "active", "notes", "emergency_contact",
                "social_worker"},
    "couriers": {"id", "name", "mode", "capacity", "shift", "max_floor_no_lift"},
    "canteens": {"id", "name", "location", "meals_ready", "station"},
    "relay_points": {"id", "name", "location", "open", "capacity"},
    "walkers": {"id", "name", "relay_point", "capacity", "shift", "max_floor_no_lift"},
    "social_workers": {"id", "name", "phone"},
    "sponsors": {"id", "name", "kind", "contact", "fee_per_delivery_fen", "clients", "from", "to"},
}  # fmt: skip


def _number(cell: str, kind: type) -> Any:
    """A number, or the text as typed, so the gate names the field and what it expected."""
    try:
        return kind(cell)
    except ValueError:
        return cell


def _fen(cell: str) -> Any:
    """``15`` or ``15.50`` yuan → 1500 or 1550 fen; anything else as typed, for the gate."""
    try:
        fen = Decimal(cell) * 100
    except InvalidOperation:
        return cell
    return int(fen) if fen.is_finite() and fen == fen.to_integral_value() else cell


def _meals(cell: str) -> Any:
    """``regular:1;soft:1`` → ``{regular: 1, soft: 1}``; anything else as typed, for the gate."""
    meals: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        variant, _, count = part.partition(":")
        meals[variant.strip()] = _number(count.strip() or "1", int)
    return meals
