"""Alembic revision scripts, applied in order from 0001 (the first released schema)."""
