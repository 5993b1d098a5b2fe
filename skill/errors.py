"""One exception family for the engine; `server/` and the CLI map it to structured errors.

Each error names the request field it is about (dotted path such as `changes.0.column`) so
that a calling agent can fix exactly that argument.
"""
from __future__ import annotations


class DbmigError(Exception):
    """Base class: every failure the engine reports on purpose."""

    code = "error"
    change: int | None = None   # set by build_plan: the index of the change being planned

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


class MissingDependency(DbmigError):
    """A feature needs something that is not installed (an optional extra, the Liquibase CLI,
    Java): the caller's environment, not the request, must change. `suggestion` says how."""

    code = "missing_dependency"


class LiveDatabaseError(DbmigError):
    """The live database a `dsn` names could not be read: unreachable, login refused, missing
    privileges, or no answer within the timeout. The message shows the DSN without its password."""

    code = "live_database_error"


class GateFailure(DbmigError):
    """A generated artifact failed its own gate: a bug in dbmig, never shipped."""

    code = "internal_gate_failure"


def invalid_from_pydantic(exc) -> InvalidRequest:
    """A pydantic ValidationError as our InvalidRequest: the first error, named by the dotted
    path the caller wrote (pydantic inserts the union tag `add_column` after a list index)."""
    import re

    from .models import OPS
    err = exc.errors(include_url=False)[0]
    loc = err["loc"]
    from .limits import MAX_ECHO, echo
    # a key the caller made up may be huge: the path repeats at most MAX_ECHO characters of it
    path = ".".join(str(p)[:MAX_ECHO] for i, p in enumerate(loc)
                    if not (isinstance(p, str) and p in OPS and i and isinstance(loc[i - 1], int)))
    message, allowed = err["msg"].removeprefix("Value error, "), None
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        got = err["input"].get("op") if isinstance(err.get("input"), dict) else None
        path, allowed = f"{path}.op" if path else "op", list(OPS)
        message = f"unknown op {echo(got)}" if got is not None else "each change needs an `op`"
    elif err["type"] in ("enum", "literal_error"):
        allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
    elif err["type"] == "missing":
        message = f"{path} is required"
    elif err["type"] == "extra_forbidden":
        message = f"unknown field {echo(loc[-1])}"
    return InvalidRequest(message, field=path or None, allowed=allowed)
