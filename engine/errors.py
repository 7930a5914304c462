"""Typed errors with messages a user can act on, and the Cancelled signal.

Every error the engine raises on purpose is an ``EngineError``; its ``str()`` is one line
that names the file, row and column where they are known.
"""

from __future__ import annotations


class EngineError(Exception):
    """Base of every user-facing engine error. ``str(err)`` is the one-line message."""

    def __init__(self, message: str, *, path: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.path = path
        self.row = row
        self.column = column
        self.detail = message
        super().__init__(self._format(message))

    def _format(self, message: str) -> str:
        where = []
        if self.path:
            where.append(str(self.path))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        text = " ".join(message.split())  # always one line
        return f"{', '.join(where)}: {text}" if where else text


class DataFormatError(EngineError):
    """A file cannot be read as a table (empty, garbage, truncated, unknown encoding...)."""


class SchemaError(EngineError):
    """A table was read but its columns do not fit the requested use (missing/invalid column)."""


class ValidationError(EngineError):
    """A value in a table is invalid (non-numeric rating, unparseable date...)."""


class ModelError(EngineError):
    """A model cannot be built, fitted, saved or loaded (bad parameter, corrupt weights...)."""


class ProjectError(EngineError):
    """A project file is unreadable, too new, corrupt or too large."""


class Cancelled(Exception):
    """Raised inside an engine call when its CancelToken was cancelled. Not an error."""
