"""The street office's figures per grid and per team: households by special group, requests
by kind and status, what was reported up and resolved, visit coverage and gift packs.

Pure: it takes a street document (``dispatch.service.street_register.street_document``) and
the requests as plain mappings (``team``, ``kind``, ``status``, ``level``, ``actions``: the
steps' actions), so the page, the workbook and the tests count the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook

GROUPS = (
    "empty_nest_elderly",
    "children_in_difficulty",
    "pregnant_postpartum",
    "severely_disabled",
    "seriously_ill",
)
KINDS = (
    "medicine",
    "errand",
    "care",
    "talk",
    "inform",
    "gift_pack",
    "hazard_check",
    "repair",
    "visit",
)
STATUSES = ("open", "done", "reported_up", "escalated", "closed")
RESOLVED = ("done", "closed")
DEFAULT_VISIT_DAYS = 7  # a special group the settings give no interval for


@dataclass
class Figures:
    """The figures of one team or one grid (a grid's are its teams' summed)."""

    id: str
    name: str
    grid: str
    households: int = 0
    by_group: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    reported_up: int = 0
    resolved_up: int = 0  # reported up, then done or closed
    due_visits: int = 0  # households of a special group
    visited: int = 0  # of those, contacted within their group's interval
    gift_packs: int = 0  # gift-pack requests done

    @property
    def coverage(self) -> float | None:
        """Visit coverage in percent; ``None`` where no household needs visits."""
        return None if not self.due_visits else round(100 * self.visited / self.due_visits, 1)

    def add(self, other: Figures) -> None:
        self.households += other.households
        self.by_group += other.by_group
        self.by_kind += other.by_kind
        self.by_status += other.by_status
        self.reported_up += other.reported_up
        self.resolved_up += other.resolved_up
        self.due_visits += other.due_visits
        self.visited += other.visited
        self.gift_packs += other.gift_packs


@dataclass(frozen=True)
class StreetReport:
    on: dt.date
    teams: list[Figures]
    grids: list[Figures]


def _groups(household: Mapping[str, Any]) -> set[str]:
    return {str(m.get("group")) for m in household.get("members", []) if m.get("group") in GROUPS}


def _visited(household: Mapping[str, Any], every: Mapping[str, int], on: dt.date) -> bool:
    """Contacted within the shortest interval of the household's groups, by ``on``."""
    last = household.get("last_contact")
    if last is None:
        return False
    when = last if isinstance(last, dt.date) else dt.date.fromisoformat(str(last))
    days = min(int(every.get(g, DEFAULT_VISIT_DAYS)) for g in _groups(household))
    return when <= on and (on - when).days <= days


def street_report(
    document: Mapping[str, Any], requests: Iterable[Mapping[str, Any]], on: dt.date
) -> StreetReport:
    """The figures of every team and grid of ``document`` on the day ``on``."""
    every = dict(document.get("settings", {}).get("visit_every_days", {}))
    teams = {
        str(t["id"]): Figures(str(t["id"]), str(t.get("name", t["id"])), str(t["grid"]))
        for t in document.get("teams", [])
    }
    covering = {str(b["id"]): str(b["team"]) for b in document.get("buildings", [])}
    for household in document.get("households", []):
        team = teams.get(covering.get(str(household.get("building")), ""))
        if team is None:
            continue
        team.households += 1
        groups = _groups(household)
        team.by_group.update(groups)
        if groups:
            team.due_visits += 1
            team.visited += _visited(household, every, on)
    for request in requests:
        team = teams.get(str(request.get("team")))
        if team is None:
            continue
        status = str(request["status"])
        team.by_kind[str(request["kind"])] += 1
        team.by_status[status] += 1
        if request.get("level", "team") != "team":
            team.reported_up += 1
            team.resolved_up += status in RESOLVED
        done = status == "done" or "done" in request.get("actions", ())
        team.gift_packs += request["kind"] == "gift_pack" and done
    return StreetReport(on, list(teams.values()), _grids(document, teams.values()))


def _grids(document: Mapping[str, Any], teams: Iterable[Figures]) -> list[Figures]:
    grids = {
        str(g["id"]): Figures(str(g["id"]), str(g.get("name", g["id"])), str(g["id"]))
        for g in document.get("grids", [])
    }
    for team in teams:
        if team.grid in grids:
            grids[team.grid].add(team)
    return list(grids.values())


def columns(labels: Mapping[str, str]) -> list[str]:
    """The table's header in the page's words (``labels``: code → label)."""
    return [
        labels["id"],
        labels["name"],
        labels["households"],
        *(labels[f"group_{g}"] for g in GROUPS),
        *(labels[f"kind_{k}"] for k in KINDS),
        *(labels[f"status_{s}"] for s in STATUSES),
        labels["reported_up"],
        labels["resolved_up"],
        labels["coverage"],
        labels["gift_packs"],
    ]


def row(figures: Figures) -> list[Any]:
    """One team's or grid's cells, in ``columns``' order."""
    return [
        figures.id,
        figures.name,
        figures.households,
        *(figures.by_group[g] for g in GROUPS),
        *(figures.by_kind[k] for k in KINDS),
        *(figures.by_status[s] for s in STATUSES),
        figures.reported_up,
        figures.resolved_up,
        figures.coverage,
        figures.gift_packs,
    ]


def report_workbook(report: StreetReport, labels: Mapping[str, str]) -> Workbook:
    """The report as a workbook: one sheet of grids, one of teams."""
    book = Workbook()
    sheets: Sequence[tuple[str, list[Figures]]] = (
        (labels["grids"], report.grids),
        (labels["teams"], report.teams),
    )
    for index, (title, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None  # a new workbook has its first sheet
        sheet.title = title
        sheet.append(columns(labels))
        for figures in rows:
            sheet.append(row(figures))
        sheet.freeze_panes = "C2"
    return book
