"""Every failure becomes one structured body `{code, field, message, allowed?, suggestion}`.

An agent acts on `code` and `field`; a traceback would only cost it tokens and tell it
nothing it can fix, so unexpected exceptions are logged on stderr and reported as a bug.
"""
from __future__ import annotations

import logging

from pydantic import ValidationError

from dbmig.errors import DbmigError, invalid_from_pydantic

log = logging.getLogger("dbmig.server")

# What the caller can do next, when the engine did not already say.
SUGGESTIONS = {
    "invalid_request": "fix the argument named in `field` and call again",
    "unsafe_rollback": "pass `schema` so dbmig can build the rollback, or set confirm_data_loss=true "
                       "if losing the data on rollback is acceptable (take a backup first)",
    "zero_downtime_impossible": "set downtime_allowed=false only for changes that have an online form; "
                                "otherwise set downtime_allowed=true and plan a maintenance window",
    "unsupported": "choose another database/tool combination or express the change with `raw_sql`",
    "missing_dependency": "install what the message names where dbmig runs, then call again",
    "internal_gate_failure": "this is a bug in dbmig: the output failed its own checks and was withheld; "
                             "report it with the request",
    "internal_error": "this is a bug in dbmig; report it with the request",
    "time_budget_exceeded": "split the input into smaller calls (fewer files, statements or changes)",
}

# Failures that mean the input was too big or too deep for a part of the stack that reports
# them this way (sqlglot and CPython recurse per nesting level): the caller's input, not a bug.
INPUT_FAILURES = {
    RecursionError: "the input nests too deeply to process (see docs/limits.md)",
    MemoryError: "the input is too large to process (see docs/limits.md)",
    UnicodeEncodeError: "the input holds text that is not valid Unicode (a lone surrogate)",
}
MAX_MESSAGE = 2_000        # characters: an error never carries the whole input back


def error_body(exc: BaseException) -> dict:
    if isinstance(exc, DbmigError):
        body = exc.to_dict()
    elif isinstance(exc, ValidationError):
        body = validation_body(exc)
    elif type(exc) in INPUT_FAILURES:
        body = {"code": "invalid_request", "field": None, "message": INPUT_FAILURES[type(exc)],
                "suggestion": "split or simplify the input"}
    else:
        log.error("unexpected %s: %s", type(exc).__name__, exc)
        body = {"code": "internal_error", "field": None,
                "message": f"dbmig failed unexpectedly ({type(exc).__name__})"}
    body.setdefault("suggestion", SUGGESTIONS.get(body["code"], SUGGESTIONS["internal_error"]))
    if len(body["message"]) > MAX_MESSAGE:
        body["message"] = body["message"][:MAX_MESSAGE] + f"... (cut at {MAX_MESSAGE:,} characters)"
    return body


def validation_body(exc: ValidationError) -> dict:
    """The first pydantic error, named by its dotted field path (the engine's own mapping)."""
    body = invalid_from_pydantic(exc).to_dict()
    body["message"] = f"{body['field']}: {body['message']}" if body["field"] else body["message"]
    return body
