"""Errors that reach the user as one line: what input, what went wrong."""

from __future__ import annotations


class EventwireError(Exception):
    """Base class: `str(err)` is the one-line message the CLI prints."""


class InputError(EventwireError):
    """An input (file, stdin, option value) that cannot be read or understood."""

    def __init__(self, source: str, cause: str) -> None:
        super().__init__(f"{source}: {cause}")
        self.source = source
        self.cause = cause


class StoreError(EventwireError):
    """The database cannot be opened or written (locked, gone, unwritable)."""
