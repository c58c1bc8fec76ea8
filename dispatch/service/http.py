"""What every view shares: the app's services, the key check, and reading the request.

Readers raise our errors (``BodyError``, ``InputError``) with the field that is wrong; the
app's error handlers (``api.py``) turn them into JSON with the status from ``ERROR_STATUS``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from flask import current_app, g, request

from dispatch.errors import AuthError, BodyError, DispatchError, InputError, ScenarioError
from dispatch.messages import text as message
from dispatch.scenario.documents import decode_json
from dispatch.service.keys import Role, authenticate, require_role

if TYPE_CHECKING:
    from dispatch.service.keys import KeyInfo
    from dispatch.service.runner import Runner
    from dispatch.service.store import Store
    from dispatch.service.throttle import FailedAuthLimit
    from dispatch.service.welfare_ticker import WelfareTicker

MAX_SEED = 2**31 - 1  # a seed fits a 32-bit signed column on every store
_DIGITS = re.compile(r"[0-9]{1,10}")
# One answer for every ``network`` that is not a file of the maps folder, so the API
# never tells whether some other path exists on the server.
NOT_IN_MAPS = message("network_not_in_maps")


@dataclass
class Services:
    """What ``create_app`` builds once per app: the store, the job runner, the count of
    failed key checks and the welfare ticker (``None``: none runs in this server)."""

    store: Store
    runner: Runner
    auth_failures: FailedAuthLimit
    ticker: WelfareTicker | None = None

    def close(self) -> None:
        if self.ticker is not None:
            self.ticker.close()
        self.runner.close()
        self.store.close()


def iso(moment: dt.datetime | None) -> str | None:
    """UTC ISO 8601 with a ``Z``; SQLite hands back naive datetimes, which are UTC here."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def services() -> Services:
    """The current app's services (``app.extensions["dispatch"]``)."""
    return cast(Services, current_app.extensions["dispatch"])


def needs(role: Role, *, teams: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view that needs a key of at least ``role``; a grid team's key only where ``teams``."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                key = authenticate(services().store, request.headers.get("Authorization"))
            except AuthError:
                services().auth_failures.failed(request.remote_addr or "")
                raise
            require_role(key, role, teams=teams)
            g.key = key
            return view(*args, **kwargs)

        return wrapped

    return decorate


def request_key() -> KeyInfo:
    """The key of this request, as ``needs`` found it."""
    return cast("KeyInfo", g.key)


def scope() -> str | None:
    """The canteen the request's key belongs to; ``None`` for a street office's key."""
    return request_key().canteen


def listed_canteen() -> tuple[bool, str | None]:
    """What a list may show: ``(False, _)`` when a canteen's key asks for another canteen's
    list (it is empty), else ``(True, canteen)`` with ``?canteen=`` narrowed to the key's own."""
    asked, own = request.args.get("canteen") or None, scope()
    if own is not None and asked not in (None, own):
        return False, None
    return True, asked or own


def json_body() -> dict[str, Any]:
    """The body as a JSON object, whatever the ``Content-Type``, read by the files' rules
    (depth, keys given twice, NUL and unpaired surrogates are 422 with the field path)."""
    try:
        data = decode_json(request.get_data(cache=True).decode("utf-8-sig"))
    except DispatchError:
        raise
    except ValueError as err:  # not UTF-8, not JSON
        raise BodyError("", message("body_not_json")) from err
    if not isinstance(data, dict):
        raise BodyError("", message("not_mapping"))
    return data


def number_arg(name: str, default: float) -> float:
    """A non-negative number from the query string, ``default`` when absent."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        got = json.dumps(raw)
        raise InputError(name, message("not_nonnegative", got=got))
    return value


def seed_arg(default: int, setting_field: str) -> int:
    """``?seed=`` or the scenario's setting: a whole number from 0 to ``MAX_SEED``; the error
    names where the seed came from."""
    raw = request.args.get("seed")
    field = "seed" if raw is not None else setting_field
    value = default if raw is None else int(raw) if _DIGITS.fullmatch(raw) else -1
    if not 0 <= value <= MAX_SEED:
        raise InputError(
            field,
            message("bad_seed", max_seed=MAX_SEED),
        )
    return value


def maps_network(document: Any, field: str) -> Any:
    """A scenario document of the request with its ``network`` made a path on the server.

    Over HTTP a ``network`` is the bare name of a file in the maps folder (``MAPS_DIR``);
    anything else is the same 422 (``NOT_IN_MAPS``), whether or not such a file exists.
    """
    if not isinstance(document, Mapping) or "network" not in document:
        return document
    name, folder = document["network"], current_app.config.get("MAPS_DIR")
    bare = isinstance(name, str) and name not in ("", ".", "..") and not set(name) & set("/\\\0")
    if not folder or not bare or not (Path(folder) / name).is_file():
        raise ScenarioError(field, NOT_IN_MAPS)
    return {**document, "network": str((Path(folder) / name).resolve())}


def check_client_cap(document: Mapping[str, Any], field: str = "clients") -> None:
    """At most ``MAX_CLIENTS`` clients in a scenario document of the request."""
    cap = current_app.config["MAX_CLIENTS"]
    clients = document.get("clients")
    if isinstance(clients, list) and len(clients) > cap:
        reason = message("too_many_clients_request", cap=cap, count=len(clients))
        raise InputError(field, reason)


def check_time_cap(time_limit_s: float, field: str) -> None:
    """At most ``MAX_TIME_LIMIT_S`` solver seconds per plan."""
    cap = current_app.config["MAX_TIME_LIMIT_S"]
    if time_limit_s > cap:
        reason = message("time_limit_too_long", cap=cap, time_limit_s=time_limit_s)
        raise InputError(field, reason)


def time_limit_arg(default_s: float, setting_field: str) -> float:
    """``?time_limit_s=`` or the scenario's setting, capped; the error names where it came from."""
    time_limit_s = number_arg("time_limit_s", default_s)
    in_query = "time_limit_s" in request.args
    check_time_cap(time_limit_s, "time_limit_s" if in_query else setting_field)
    return time_limit_s


def prefixed(build: Callable[[], Any], prefix: str) -> Any:
    """Run a reader of part of the body; its field paths become relative to the body."""
    try:
        return build()
    except InputError as err:
        err.field = f"{prefix}.{err.field}" if err.field else prefix
        raise
