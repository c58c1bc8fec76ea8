"""Personal data sealed at rest: JSON documents encrypted with Fernet before they are stored.

Ledger records (a client's name, phone, address, notes, groups…) and the scenarios and plans
of stored jobs are kept as Fernet tokens (AES-128-CBC with HMAC-SHA256), so a dump of the
database alone hands out no phone and no name. The key comes from ``DISPATCH_DATA_KEY``; a
SQLite store, being one machine's file, may instead keep it beside the database file
(``<file>.key``, mode 0600, made on first use). A server database is shared between
machines, so it needs the environment variable: a key made up on one machine would not open
another machine's rows.

``SealedJSON`` is the column type; it seals with the ``Sealer`` of the store whose session
is open (``SEALER``, set by ``Store.session``).
"""

from __future__ import annotations

import json
import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Text as TextColumn
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.types import TypeDecorator

from dispatch.errors import DataKeyError
from dispatch.messages import text

ENV = "DISPATCH_DATA_KEY"
MAKE_ONE = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


class Sealer:
    """Seals and opens JSON documents with one Fernet key."""

    def __init__(self, key: str | bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except ValueError as err:
            reason = text("data_key_bad", make_one=MAKE_ONE)
            raise DataKeyError(ENV, reason) from err

    def seal(self, document: Any) -> str:
        plain = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> Any:
        try:
            plain = self._fernet.decrypt(token.encode("ascii"))
        except InvalidToken as err:
            reason = text("data_key_wrong")
            raise DataKeyError(ENV, reason) from err
        return json.loads(plain)


SEALER: ContextVar[Sealer] = ContextVar("dispatch_sealer")


class SealedJSON(TypeDecorator[Any]):
    """A JSON document stored as a Fernet token in a text column."""

    impl = TextColumn
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else SEALER.get().seal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else SEALER.get().open(value)


def data_key(url: str) -> str:
    """``DISPATCH_DATA_KEY``, else (SQLite files only) the key file beside the database."""
    if os.environ.get(ENV):
        return os.environ[ENV]
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return key_file(Path(f"{parsed.database}.key"))
    reason = text("data_key_missing", env=ENV, make_one=MAKE_ONE)
    raise DataKeyError(ENV, reason)


def key_file(path: Path) -> str:
    """The key kept in ``path``, made (readable by this user only) if there is none yet."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(Fernet.generate_key().decode("ascii") + "\n")
    return path.read_text(encoding="ascii").strip()
