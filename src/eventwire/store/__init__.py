"""Persistence: the SQLAlchemy schema and the `Store` that writes extractions and reads events back."""

from eventwire.store.database import DEFAULT_BUSY_TIMEOUT, Store
from eventwire.store.schema import metadata

__all__ = ["DEFAULT_BUSY_TIMEOUT", "Store", "metadata"]
