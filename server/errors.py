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
}

def error_body(exc: BaseException) -> dict:
    if isinstance(exc, DbmigError):
        body = exc.to_dict()
    elif isinstance(exc, ValidationError):
        body = validation_body(exc)
    else:
        log.error("unexpected %s: %s", type(exc).__name__, exc)
        body = {"code": "internal_error", "field": None,
                "message": f"dbmig failed unexpectedly ({type(exc).__name__})"}
    body.setdefault("suggestion", SUGGESTIONS.get(body["code"], SUGGESTIONS["internal_error"]))
    return body


def validation_body(exc: ValidationError) -> dict:
    """The first pydantic error, named by its dotted field path (the engine's own mapping)."""
    body = invalid_from_pydantic(exc).to_dict()
    body["message"] = f"{body['field']}: {body['message']}" if body["field"] else body["message"]
    return body
