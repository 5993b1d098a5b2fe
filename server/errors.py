"""Every failure becomes one structured body `{code, field, message, allowed?, suggestion}`.

An agent acts on `code` and `field`; a traceback would only cost it tokens and tell it
nothing it can fix, so unexpected exceptions are logged on stderr and reported as a bug.
"""
from __future__ import annotations

import logging
import re

from pydantic import ValidationError

from skill.errors import DbmigError
from skill.models import OPS

log = logging.getLogger("dbmig.server")

# What the caller can do next, when the engine did not already say.
SUGGESTIONS = {
    "invalid_request": "fix the argument named in `field` and call again",
    "unsafe_rollback": "pass `schema` so dbmig can build the rollback, or set confirm_data_loss=true "
                       "if losing the data on rollback is acceptable (take a backup first)",
    "zero_downtime_impossible": "set downtime_allowed=false only for changes that have an online form; "
                                "otherwise set downtime_allowed=true and plan a maintenance window",
    "unsupported": "choose another database/tool combination or express the change with `raw_sql`",
    "internal_gate_failure": "this is a bug in dbmig: the output failed its own checks and was withheld; "
                             "report it with the request",
    "internal_error": "this is a bug in dbmig; report it with the request",
}

_QUOTED = re.compile(r"'([^']*)'")


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
    """The first pydantic error, named by its dotted field path; the rest in `errors`."""
    errors = [_one(err) for err in exc.errors(include_url=False)]
    body = dict(errors[0])
    body["message"] = f"{body['field']}: {body['message']}" if body["field"] else body["message"]
    if len(errors) > 1:
        body["errors"] = errors[1:]
    return {"code": "invalid_request", **body}


def _one(err: dict) -> dict:
    loc = _field_path(err["loc"])
    one = {"field": loc, "message": err["msg"]}
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        # The union is keyed by `op`: point at it and list the vocabulary.
        got = err["input"].get("op") if isinstance(err.get("input"), dict) else None
        one.update(field=f"{loc}.op", allowed=list(OPS),
                   message=f"unknown op {got!r}" if got is not None else "each change needs an `op`")
    elif err["type"] in ("enum", "literal_error"):
        one["allowed"] = _QUOTED.findall(str(err.get("ctx", {}).get("expected", "")))
    return one


def _field_path(loc: tuple) -> str:
    """('changes', 0, 'add_column', 'column', 'name') -> 'changes.0.column.name'.

    pydantic inserts the union tag after a list index; it is not a field the caller wrote.
    """
    parts = []
    for i, part in enumerate(loc):
        if isinstance(part, str) and part in OPS and i > 0 and isinstance(loc[i - 1], int):
            continue
        parts.append(str(part))
    return ".".join(parts)
