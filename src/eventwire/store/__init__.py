"""Persistence: the SQLAlchemy schema, its Alembic migrations, and the `Store` that writes extractions
(mentions clustered into events) and reads them back."""

from eventwire.store.database import DEFAULT_BUSY_TIMEOUT, Store
from eventwire.store.schema import SCHEMA_REVISION, metadata

__all__ = ["DEFAULT_BUSY_TIMEOUT", "SCHEMA_REVISION", "Store", "metadata"]
