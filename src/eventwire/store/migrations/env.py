"""Alembic environment: `Store` hands over an open connection (in a transaction it commits itself), so
migrations run exactly where and when the store opens the database; there is no alembic.ini."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
