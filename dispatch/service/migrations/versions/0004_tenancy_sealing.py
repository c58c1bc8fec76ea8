"""Keys belong to a canteen or the whole street; personal data sealed at rest.

``api_keys.canteen`` (``NULL``: a street office's key; keys made before this revision see the
whole street, as they did). A canteen's own ledger rows name it in ``ledger.canteen``. The
ledger's records and the plans' scenarios and plans become Fernet tokens in text columns
(``dispatch.service.sealing``); existing rows are sealed here.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from dispatch.service.sealing import Sealer, data_key

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SEALED = (("ledger", "pk", "data"), ("plans", "id", "scenario"), ("plans", "id", "plan"))


def _sealer() -> Sealer:
    handed = context.config.attributes.get("sealer")
    return handed if handed is not None else Sealer(data_key(str(op.get_bind().engine.url)))


def _rewrite(table: str, key: str, column: str, change: Callable[[Any], Any]) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT {key}, {column} FROM {table}")).all()
    update = sa.text(f"UPDATE {table} SET {column} = :value WHERE {key} = :key")
    for row_key, value in rows:
        if value is not None:
            connection.execute(update, {"value": change(value), "key": row_key})


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("canteen", sa.String(64), nullable=True))
    op.execute("UPDATE ledger SET canteen = record_id WHERE kind = 'canteens'")
    sealer = _sealer()
    for table, key, column in SEALED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.Text(), postgresql_using=f"{column}::text")
        _rewrite(table, key, column, lambda value: sealer.seal(json.loads(value)))


def downgrade() -> None:
    sealer = _sealer()
    for table, key, column in SEALED:
        _rewrite(table, key, column, lambda value: json.dumps(sealer.open(value)))
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.JSON(), postgresql_using=f"{column}::json")
    op.execute("UPDATE ledger SET canteen = NULL WHERE kind = 'canteens'")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("canteen")
