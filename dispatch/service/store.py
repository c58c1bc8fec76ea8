"""Persistence: plans and their jobs, the client/courier/canteen ledger (SQLAlchemy).

The module that talks to the database (API keys: ``dispatch.service.keys``, in its sessions);
the tables are in ``dispatch.service.tables``. The schema is created and upgraded by the
Alembic migrations shipped in ``dispatch/service/migrations``; ``Store.migrate()`` applies them.
Ledger records are checked by ``dispatch.scenario.records`` before they are stored. Records,
scenarios and plans are sealed at rest (``dispatch.service.sealing``). Reads and changes take
an optional ``canteen``: given, a plan or record of another canteen is "not found", exactly as
a missing one is.
Times are stored as UTC; ledger rows are never updated in place: every change, including a
deactivation, adds a new version, so old plans and the history keep what they referred to.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from dispatch.errors import ConflictError, NotFoundError, ScenarioError, StoreUnavailableError
from dispatch.messages import Text
from dispatch.messages import text as message
from dispatch.scenario.records import Kind, validate_record
from dispatch.service.engine import make_engine
from dispatch.service.identity import owner_is_dead
from dispatch.service.sealing import SEALER, Sealer, data_key
from dispatch.service.tables import LedgerRow, PlanRow

UNFINISHED: tuple[str, ...] = ("queued", "running")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def record_not_found(kind: Kind, record_id: str, field: str = "id") -> NotFoundError:
    return NotFoundError(field, message("record_missing", value=kind[:-1], record_id=record_id))


class Store:
    """Data access for the API, the job runners and the CLI."""

    def __init__(self, url: str, key: str | None = None) -> None:
        """``key``: the data key (default: ``DISPATCH_DATA_KEY`` or a SQLite file's own)."""
        self.url = url
        self._sealer = Sealer(key or data_key(url))
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction under this store's sealer; the one place where a database that does
        not answer (refused login, lost connection, locked file) becomes
        ``StoreUnavailableError`` (HTTP 503)."""
        token = SEALER.set(self._sealer)
        try:
            with self._sessions.begin() as session:
                yield session
        except DBAPIError as err:
            if isinstance(err, OperationalError | InterfaceError) or err.connection_invalidated:
                raise StoreUnavailableError() from err
            raise
        finally:
            SEALER.reset(token)

    def migrate(self) -> None:
        """Apply every Alembic migration not yet applied (idempotent)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option(
            "script_location", str(resources.files("dispatch.service") / "migrations")
        )
        config.attributes["connection_engine"] = self.engine
        config.attributes["sealer"] = self._sealer
        command.upgrade(config, "head")
        with self.session() as session:  # a wrong data key is refused on start, not mid-job
            session.scalars(select(LedgerRow).limit(1)).first()
            session.scalars(select(PlanRow).limit(1)).first()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # any driver error means "does not answer"
            return False
        return True

    def close(self) -> None:
        self.engine.dispose()

    def create_plan(
        self,
        document: Mapping[str, Any],
        *,
        time_limit_s: float,
        seed: int | None,
        version: str,
        owner: str | None,
        kind: str = "plan",
        about: Mapping[str, Any] | None = None,
    ) -> str:
        """Store a queued job of ``kind`` for ``document``; it is listed under the date,
        canteen and name of the scenario ``about`` (default: the document itself)."""
        plan_id = uuid.uuid4().hex
        about = document if about is None else about
        row = PlanRow(
            id=plan_id,
            kind=kind,
            status="queued",
            date=str(about["date"]),
            canteen=str(about["canteen"]["id"]),
            scenario_name=str(about["name"])[:200],
            scenario=dict(document),
            time_limit_s=time_limit_s,
            seed=seed,
            version=version,
            owner=owner,
            created_at=utcnow(),
        )
        with self.session() as session:
            session.add(row)
        return plan_id

    def get_plan(
        self, plan_id: str, kind: str | None = "plan", *, canteen: str | None = None
    ) -> PlanRow:
        """The job ``plan_id`` if it is of ``kind`` (``None``: of any kind) and, with
        ``canteen``, that canteen's; anything else is "no such job"."""
        with self.session() as session:
            row = session.get(PlanRow, plan_id)
        foreign = canteen is not None and row is not None and row.canteen != canteen
        if row is None or kind not in (None, row.kind) or foreign:
            known = ("compare", "round", "week", "campaign")
            code = f"{kind}_missing" if kind in known else "plan_missing"
            raise NotFoundError("id", message(code, plan_id=plan_id))
        return row

    def list_plans(
        self,
        *,
        date: str | None = None,
        canteen: str | None = None,
        limit: int = 100,
        status: str | None = None,
    ) -> list[PlanRow]:
        """Plans, newest first: of ``date``, of ``canteen``, in ``status`` when given."""
        query = (
            select(PlanRow)
            .where(PlanRow.kind == "plan")
            .order_by(PlanRow.created_at.desc())
            .limit(limit)
        )
        for column, value in ((PlanRow.date, date), (PlanRow.canteen, canteen)):
            if value:
                query = query.where(column == value)
        if status:
            query = query.where(PlanRow.status == status)
        with self.session() as session:
            return list(session.scalars(query))

    def delete_plan(self, plan_id: str) -> None:
        """Forget a plan that was never accepted (its queue was full)."""
        with self.session() as session:
            row = session.get(PlanRow, plan_id)
            if row is not None:
                session.delete(row)

    def _update_unfinished(self, plan_id: str, **values: Any) -> bool:
        """Change an unfinished job; False if it has finished meanwhile (e.g. cancelled)."""
        with self.session() as session:
            row = session.get(PlanRow, plan_id, with_for_update=True)
            if row is None or row.status not in UNFINISHED:
                return False
            for key, value in values.items():
                setattr(row, key, value)
        return True

    def mark_running(self, plan_id: str, owner: str) -> bool:
        now = utcnow()
        return self._update_unfinished(
            plan_id, status="running", owner=owner, started_at=now, heartbeat_at=now
        )

    def heartbeat(self, plan_id: str) -> bool:
        """The worker solving ``plan_id`` is alive; False if the job has finished."""
        return self._update_unfinished(plan_id, heartbeat_at=utcnow())

    def finish(self, plan_id: str, plan: dict[str, Any]) -> bool:
        return self._update_unfinished(plan_id, status="done", plan=plan, finished_at=utcnow())

    def fail(self, plan_id: str, error: dict[str, Any]) -> bool:
        return self._update_unfinished(plan_id, status="failed", error=error, finished_at=utcnow())

    def cancel(self, plan_id: str) -> PlanRow:
        """Mark an unfinished job (of any kind) cancelled; a finished one is a conflict."""
        row = self.get_plan(plan_id, kind=None)
        reason = message("job_cancelled")
        error = {"type": "cancelled", "message": reason.en, "message_zh": reason.zh}
        if not self._update_unfinished(
            plan_id, status="cancelled", error=error, finished_at=utcnow()
        ):
            raise ConflictError(
                "status",
                message("job_finished", status=row.status),
            )
        return self.get_plan(plan_id, kind=None)

    def fail_orphans(self, is_dead: Callable[[str], bool] = owner_is_dead) -> list[str]:
        """Mark failed every unfinished job whose owning process has died."""
        reason = message("job_orphaned")

        def orphaned(row: PlanRow) -> bool:
            return bool(row.owner and is_dead(row.owner))

        return self._fail_where(PlanRow.status.in_(UNFINISHED), reason, orphaned)

    def fail_silent(self, since: dt.datetime, reason: Text) -> list[str]:
        """Mark failed every running job whose worker's last heartbeat is older than ``since``."""
        silent = (PlanRow.status == "running") & (PlanRow.heartbeat_at < since)
        return self._fail_where(silent, reason)

    def _fail_where(
        self, where: Any, reason: Text, dead: Callable[[PlanRow], bool] = lambda _row: True
    ) -> list[str]:
        error = {"type": "interrupted", "message": reason.en, "message_zh": reason.zh, "field": ""}
        failed: list[str] = []
        with self.session() as session:
            for row in session.scalars(select(PlanRow).where(where).with_for_update()):
                if dead(row):
                    row.status, row.error, row.finished_at = "failed", error, utcnow()
                    failed.append(row.id)
        return failed

    def _current(self, session: Session, kind: Kind, record_id: str) -> LedgerRow | None:
        query = (
            select(LedgerRow)
            .where(LedgerRow.kind == kind, LedgerRow.record_id == record_id)
            .order_by(LedgerRow.version.desc())
            .limit(1)
        )
        return session.scalars(query).first()

    def _add_version(
        self, session: Session, kind: Kind, data: Mapping[str, Any], active: bool, version: int
    ) -> LedgerRow:
        row = LedgerRow(
            kind=kind,
            record_id=str(data["id"]),
            version=version,
            active=active,
            canteen=data.get("canteen") if kind != "canteens" else data["id"],
            data=dict(data),
            created_at=utcnow(),
        )
        session.add(row)
        return row

    def create_record(
        self, kind: Kind, data: Mapping[str, Any], *, canteen: str | None = None
    ) -> LedgerRow:
        validate_record(kind, data, lambda ref: self._require_canteen(ref, canteen))
        with self.session() as session:
            if self._current(session, kind, str(data["id"])) is not None:
                raise ConflictError(
                    "id",
                    message("record_exists", value=data["id"]),
                )
            return self._add_version(session, kind, data, True, 1)

    def update_record(
        self, kind: Kind, data: Mapping[str, Any], *, canteen: str | None = None
    ) -> LedgerRow:
        """A new version of an existing record; it is active again if it was not."""
        validate_record(kind, data, lambda ref: self._require_canteen(ref, canteen))
        with self.session() as session:
            current = self._require(session, kind, str(data["id"]), canteen)
            return self._add_version(session, kind, data, True, current.version + 1)

    def deactivate_record(
        self, kind: Kind, record_id: str, *, canteen: str | None = None
    ) -> LedgerRow:
        with self.session() as session:
            current = self._require(session, kind, record_id, canteen)
            if not current.active:
                return current
            return self._add_version(session, kind, current.data, False, current.version + 1)

    def _require_canteen(self, canteen_id: str, scope: str | None) -> None:
        """A client's or courier's ``canteen`` must be a ledger canteen (any version), and
        the ``scope``'s own when one is given (another is as unknown as a missing one)."""
        try:
            self.get_record("canteens", canteen_id, canteen=scope)
        except NotFoundError as err:
            reason = message("unknown_reference", what="canteen", what_zh="饭堂", id=canteen_id)
            raise ScenarioError("canteen", reason) from err

    def _require(
        self, session: Session, kind: Kind, record_id: str, canteen: str | None = None
    ) -> LedgerRow:
        row = self._current(session, kind, record_id)
        if row is None or (canteen is not None and row.canteen != canteen):
            raise record_not_found(kind, record_id)
        return row

    def get_record(self, kind: Kind, record_id: str, *, canteen: str | None = None) -> LedgerRow:
        with self.session() as session:
            return self._require(session, kind, record_id, canteen)

    def record_history(
        self, kind: Kind, record_id: str, *, canteen: str | None = None
    ) -> list[LedgerRow]:
        self.get_record(kind, record_id, canteen=canteen)
        query = (
            select(LedgerRow)
            .where(LedgerRow.kind == kind, LedgerRow.record_id == record_id)
            .order_by(LedgerRow.version)
        )
        with self.session() as session:
            return list(session.scalars(query))

    def list_records(
        self, kind: Kind, *, canteen: str | None = None, include_inactive: bool = False
    ) -> list[LedgerRow]:
        latest = (
            select(LedgerRow.record_id, func.max(LedgerRow.version).label("version"))
            .where(LedgerRow.kind == kind)
            .group_by(LedgerRow.record_id)
            .subquery()
        )
        query = (
            select(LedgerRow)
            .join(
                latest,
                (LedgerRow.record_id == latest.c.record_id)
                & (LedgerRow.version == latest.c.version),
            )
            .where(LedgerRow.kind == kind)
            .order_by(LedgerRow.record_id)
        )
        if canteen:
            query = query.where(LedgerRow.canteen == canteen)
        if not include_inactive:
            query = query.where(LedgerRow.active.is_(True))
        with self.session() as session:
            return list(session.scalars(query))

    def ledger_document(
        self,
        date: str,
        canteen_id: str,
        *,
        name: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A scenario document for one day at one canteen, from the active ledger records."""
        try:
            canteen = self.get_record("canteens", canteen_id)
        except NotFoundError:
            raise record_not_found("canteens", canteen_id, "canteen") from None
        if not canteen.active:
            raise NotFoundError(
                "canteen",
                message("canteen_deactivated", canteen_id=canteen_id),
            )

        def strip(row: LedgerRow) -> dict[str, Any]:
            return {k: v for k, v in row.data.items() if k != "canteen"}

        station = canteen.data.get("station")
        workers = [strip(r) for r in self.list_records("social_workers", canteen=canteen_id)]
        document: dict[str, Any] = {
            "name": name or f"{canteen_id} {date}",
            "date": date,
            "canteen": {k: v for k, v in canteen.data.items() if k != "station"},
            "couriers": [strip(r) for r in self.list_records("couriers", canteen=canteen_id)],
            "clients": [strip(r) for r in self.list_records("clients", canteen=canteen_id)],
        }
        known = {w["id"] for w in workers}
        for client in document["clients"]:  # a worker who has left is off the sheets
            if client.get("social_worker") not in known:
                client.pop("social_worker", None)
        contacts = {"station": station} if station else {}
        if workers:
            contacts["social_workers"] = workers
        if contacts:
            document["contacts"] = contacts
        if settings:
            document["settings"] = dict(settings)
        return document
