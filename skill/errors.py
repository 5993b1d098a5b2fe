"""One exception family for the engine; `server/` and the CLI map it to structured errors.

Each error names the request field it is about (dotted path such as `changes.0.column`) so
that a calling agent can fix exactly that argument.
"""
from __future__ import annotations


class DbmigError(Exception):
    """Base class: every failure the engine reports on purpose."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None,
                 allowed: list[str] | None = None, suggestion: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.allowed = allowed
        self.suggestion = suggestion

    def to_dict(self) -> dict:
        body = {"code": self.code, "field": self.field, "message": self.message}
        if self.allowed:
            body["allowed"] = self.allowed
        if self.suggestion:
            body["suggestion"] = self.suggestion
        return body


class InvalidRequest(DbmigError):
    """The request itself is malformed: wrong enum, missing field, bad identifier."""

    code = "invalid_request"


class UnsafeRollback(DbmigError):
    """The skill's abort condition: a destructive change with no safe rollback."""

    code = "unsafe_rollback"


class ZeroDowntimeImpossible(DbmigError):
    """The skill's abort condition: no online form exists for this change here."""

    code = "zero_downtime_impossible"


class Unsupported(DbmigError):
    """A valid request this database or tool cannot express."""

    code = "unsupported"


class GateFailure(DbmigError):
    """A generated artifact failed its own gate: a bug in dbmig, never shipped."""

    code = "internal_gate_failure"
