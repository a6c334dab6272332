"""Alembic migrations for the eventwire schema, shipped inside the package so `Store` can run them."""
