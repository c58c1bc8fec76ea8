"""Grid teams' rounds as jobs (docs/grid.md, "Rounds"): the document a round is planned from,
read off the register and the request board, and the job that plans and verifies it.

``round_document`` takes the team's part of the register (``street_document``), its open
requests and the day's settings; ``solve_round`` (run by the job runner like a plan) reads
it with ``round_day``, plans with ``plan_rounds`` and checks with ``verify_rounds``;
``week_document`` and ``solve_week`` do the same for a week of visits (``plan_week``, its
coverage checked by ``verify_coverage``), and ``campaign_document`` and ``solve_campaign``
for a campaign (``plan_campaign``: every team of the street, or a team's key's own). A
team's key plans only its own team's rounds; a canteen's key none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dispatch.errors import InputError, NotFoundError
from dispatch.messages import text
from dispatch.planning.campaigns import TOLERANCE, plan_campaign
from dispatch.planning.rounds import planned_rounds
from dispatch.planning.visit_week import plan_week
from dispatch.report.rounds import campaign_to_dict, round_to_dict, week_to_dict
from dispatch.scenario.request_records import REQUEST_KINDS
from dispatch.scenario.rounds import round_day, service_table, visit_every
from dispatch.scenario.schedule import read_date
from dispatch.scenario.street_records import GROUPS
from dispatch.service import requests as board
from dispatch.service.street_ledger import StreetLedger
from dispatch.service.street_register import street_document
from dispatch.verify.rounds import verify_coverage

if TYPE_CHECKING:
    from dispatch.service.store import Store

FIELDS = ("team", "date", "visits", "settings")
SETTINGS = ("service_s", "visit_every_days", "pickup_s", "iterations")
MAX_ITERATIONS = 100_000


def round_document(
    store: Store, body: Mapping[str, Any], viewer: board.Viewer, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The document of ``{team, date, visits?, settings?}`` checked, with the team's register
    and open requests; field paths in the errors are the body's."""
    extra = next((k for k in body if k not in FIELDS), None)
    if extra is not None:
        raise InputError(extra, text("unknown_field", name=extra))
    for name in ("team", "date"):
        if name not in body:
            raise InputError(name, text("missing_field", name=name))
    team_id = body["team"]
    if not isinstance(team_id, str):
        raise InputError("team", text("round_team_missing", team=team_id))
    team = StreetLedger(store).find("teams", team_id)
    if team is None or not team.active or viewer.team not in (None, team_id):
        raise NotFoundError("team", text("round_team_missing", team=team_id))
    date = read_date(body["date"], "date").isoformat()
    visits = body.get("visits", True)
    if not isinstance(visits, bool):
        raise InputError("visits", text("not_one_of", allowed="true, false", got=visits))
    settings = _settings(body.get("settings", {}))
    document = _every_station(store, street_document(store, team.street, team_id, date=date))
    rows = board.list_requests(store, viewer, team=team_id, status="open", now=now)
    moment = now or dt.datetime.now(dt.UTC)
    document["requests"] = [board.request_view(r, moment) for r in rows]
    return {**document, "team": team_id, "date": date, "visits": visits, "settings": settings}


def _every_station(store: Store, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with every station of its street: items may be fetched at any of them,
    not only at the team's own."""
    rows = StreetLedger(store).records("stations", street=document["street"]["id"])
    document["stations"] = [{k: v for k, v in r.data.items() if k != "street"} for r in rows]
    return document


def _settings(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError("settings", text("round_bad_setting", name="settings"))
    extra = next((k for k in value if k not in SETTINGS), None)
    if extra is not None:
        raise InputError(f"settings.{extra}", text("unknown_field", name=extra))
    service_table(value)
    visit_every(value)
    for name, top in (("pickup_s", 3600), ("iterations", MAX_ITERATIONS)):
        given = value.get(name)
        if given is not None and (
            not isinstance(given, int) or isinstance(given, bool) or not 0 < given <= top
        ):
            raise InputError(f"settings.{name}", text("round_bad_setting", name=name))
    return dict(value)


def round_about(document: Mapping[str, Any]) -> dict[str, Any]:
    """What the job is listed under: the date, the team (in the canteen column), its name."""
    team = next(t for t in document["teams"] if t["id"] == document["team"])
    return {"date": document["date"], "canteen": {"id": team["id"]}, "name": team["name"]}


def solve_round(
    document: Mapping[str, Any], time_limit_s: float, seed: int | None
) -> dict[str, Any]:
    """Plan and verify the rounds of ``document`` (runs in a worker process)."""
    day = round_day(document)
    iterations = document.get("settings", {}).get("iterations")
    plan, violations = planned_rounds(
        day, time_limit_s=time_limit_s, seed=seed or 0, iterations=iterations
    )
    return round_to_dict(day, plan, violations)


WEEK_DAYS = 7
MAX_DAYS = 14


def week_document(
    store: Store, body: Mapping[str, Any], viewer: board.Viewer, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """A week's document: ``round_document`` of the body without ``days`` (1 to 14, default
    7), visits always in."""
    rest = {k: v for k, v in body.items() if k != "days"}
    days = body.get("days", WEEK_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise InputError("days", text("round_bad_days", most=MAX_DAYS))
    if "visits" in rest:
        raise InputError("visits", text("unknown_field", name="visits"))
    return {**round_document(store, rest, viewer, now=now), "days": days}


def solve_week(
    document: Mapping[str, Any], time_limit_s: float, seed: int | None
) -> dict[str, Any]:
    """Plan and verify a week of visits (runs in a worker process)."""
    iterations = document.get("settings", {}).get("iterations")
    week = plan_week(
        document,
        int(document["days"]),
        time_limit_s=time_limit_s,
        seed=seed or 0,
        iterations=iterations,
    )
    return week_to_dict(week, verify_coverage(week))


CAMPAIGN_FIELDS = (
    "street", "team", "date", "days", "kind", "items", "groups", "tolerance", "settings"
)  # fmt: skip
CAMPAIGN_DAYS, MAX_CAMPAIGN_DAYS = 3, 7


def campaign_document(
    store: Store, body: Mapping[str, Any], viewer: board.Viewer
) -> dict[str, Any]:
    """A campaign's document: the street's register (a team's key: its own team only), the
    first ``date``, ``days`` (1 to 7, default 3), what is handed out (``kind``, default
    ``gift_pack``, ``items`` each), to whom (``groups``, default all five) and how evenly
    (``tolerance``: each member's hours within this share of the team's mean, default
    0.15)."""
    extra = next((k for k in body if k not in CAMPAIGN_FIELDS), None)
    if extra is not None:
        raise InputError(extra, text("unknown_field", name=extra))
    if "date" not in body:
        raise InputError("date", text("missing_field", name="date"))
    date = read_date(body["date"], "date").isoformat()
    team = viewer.team or body.get("team")
    ledger = StreetLedger(store)
    if team is not None:
        row = ledger.find("teams", str(team))
        if row is None or not row.active:
            raise NotFoundError("team", text("round_team_missing", team=team))
        street = row.street
    elif isinstance(body.get("street"), str):
        street = str(body["street"])
    else:
        raise InputError("street", text("missing_field", name="street"))
    days = body.get("days", CAMPAIGN_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_CAMPAIGN_DAYS:
        raise InputError("days", text("round_bad_days", most=MAX_CAMPAIGN_DAYS))
    kind = body.get("kind", "gift_pack")
    if kind not in REQUEST_KINDS:
        raise InputError("kind", text("not_one_of", allowed=", ".join(REQUEST_KINDS), got=kind))
    items = body.get("items", 1)
    if not isinstance(items, int) or isinstance(items, bool) or not 0 <= items <= 100:
        raise InputError("items", text("round_bad_setting", name="items"))
    groups = body.get("groups", list(GROUPS))
    if not isinstance(groups, list) or not groups or any(g not in GROUPS for g in groups):
        raise InputError("groups", text("not_one_of", allowed=", ".join(GROUPS), got=groups))
    tolerance = body.get("tolerance", TOLERANCE)
    if (
        not isinstance(tolerance, int | float)
        or isinstance(tolerance, bool)
        or not (0 < tolerance <= 1)
    ):
        raise InputError("tolerance", text("round_bad_tolerance"))
    settings = _settings(body.get("settings", {}))
    document = _every_station(store, street_document(store, street, team, date=date))
    campaign = {"days": days, "kind": kind, "items": items, "groups": groups, "team": team,
                "tolerance": float(tolerance)}  # fmt: skip
    return {**document, "date": date, "settings": settings, "campaign": campaign}


def campaign_about(document: Mapping[str, Any]) -> dict[str, Any]:
    """Listed under the team (a team's campaign) or the street (the whole street's)."""
    team = document["campaign"]["team"]
    owner = team or document["street"]["id"]
    return {"date": document["date"], "canteen": {"id": owner}, "name": document["street"]["name"]}


def solve_campaign(
    document: Mapping[str, Any], time_limit_s: float, seed: int | None
) -> dict[str, Any]:
    """Plan and verify a campaign, team by team (runs in a worker process)."""
    campaign = document["campaign"]
    teams = plan_campaign(
        document,
        int(campaign["days"]),
        teams=[campaign["team"]] if campaign["team"] else None,
        time_limit_s=time_limit_s,
        seed=seed or 0,
        iterations=document.get("settings", {}).get("iterations"),
        kind=str(campaign["kind"]),
        items=int(campaign["items"]),
        groups=tuple(campaign["groups"]),
        tolerance=float(campaign.get("tolerance", TOLERANCE)),
    )
    parts = [(t.day, t.plan, t.violations, t.shares) for t in teams]
    return {"date": document["date"], **campaign, **campaign_to_dict(parts)}
