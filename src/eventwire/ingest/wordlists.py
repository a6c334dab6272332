"""Ingest's word lists (`eventwire/data/ingest_*.tsv`), read with the package's one data-file reader."""

from __future__ import annotations

from eventwire.datafiles import rows

__all__ = ["rows"]
