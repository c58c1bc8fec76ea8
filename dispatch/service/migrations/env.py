"""Alembic environment: run migrations on the engine handed over by ``Store.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

config = context.config
engine = config.attributes.get("connection_engine")
if engine is None:  # plain `alembic -x url=...` use from a shell
    engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])

with engine.begin() as connection:
    context.configure(connection=connection, render_as_batch=True)
    context.run_migrations()
