"""Bounds on the work one call may cause: input sizes, nesting, and a time budget.

Every number here is documented in docs/limits.md. A request over a limit gets a structured
error naming the field and the limit, before any expensive work starts; the time budget stops
whatever slipped through (checked between statements, changes and files, so a worker thread
ends soon after the caller got its answer).
"""
from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from collections.abc import Iterator

from .errors import DbmigError, InvalidRequest

MAX_MESSAGE_BYTES = 8 * 1024 * 1024   # one MCP message: a stdio line or an HTTP body
MAX_TEXT = 1_000_000                  # characters of sql, schema, a file's content
MAX_SEED = 5_000_000                  # characters of verify's seed INSERTs
MAX_FILES = 200                       # files per validate / explain / verify call
MAX_CHANGES = 500                     # changes per generate call (explain: 200)
MAX_STATEMENTS = 20_000               # statements in the sql/schema/files of one call
MAX_IDENTIFIER = 128                  # characters; each database then applies its own limit
MAX_NESTING = 100                     # parentheses in SQL text; JSON / YAML depth
MAX_YAML_NODES = 100_000              # nodes of one YAML changelog
CALL_BUDGET_S = float(os.environ.get("DBMIG_CALL_BUDGET_S", "30"))   # per generate/validate/explain call
MAX_ECHO = 120                        # characters of request text an error message repeats


class TimeBudgetExceeded(DbmigError):
    """The call ran past its time budget; nothing was returned from it."""

    code = "time_budget_exceeded"


_deadline: ContextVar[float | None] = ContextVar("dbmig_deadline", default=None)


@contextmanager
def time_budget(seconds: float | None = CALL_BUDGET_S) -> Iterator[None]:
    """Within this block `check_time()` raises once `seconds` have passed."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def check_time(what: str = "the call") -> None:
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise TimeBudgetExceeded(
            f"{what} ran past the {CALL_BUDGET_S:g} s budget of one call and was stopped",
            suggestion="split the input into smaller calls (fewer files, statements or changes)")


def echo(value: object, limit: int = MAX_ECHO) -> str:
    """`repr` of request text for an error message, cut to `limit` characters: an error must
    not carry the whole input back (a 1 MB name made a 2 MB error)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(str(value)):,} characters)"


def check_size(text: str | None, field: str, limit: int = MAX_TEXT) -> None:
    if text is not None and len(text) > limit:
        raise InvalidRequest(f"{field} has {len(text):,} characters; the limit is {limit:,}", field=field,
                             suggestion="split the input into several calls (see docs/limits.md)")


_NESTING_TOKENS = re.compile(r"'[^']*'?|\"[^\"]*\"?|`[^`]*`?|--[^\n]*|/\*(?:.*?\*/|.*)|[()]", re.S)


def nesting_depth(text: str) -> int:
    """How deep parentheses nest in SQL text, quoted text and comments skipped; one pass."""
    depth = deepest = 0
    for m in _NESTING_TOKENS.finditer(text):
        tok = m.group()
        if tok == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif tok == ")":
            depth = max(depth - 1, 0)
    return deepest


def nests_deeper(text: str, limit: int = MAX_NESTING) -> bool:
    """Parentheses nest deeper than `limit`: text with no more than `limit` of them cannot (one
    C-speed count spares a schema of a few hundred lines the scan of every token)."""
    return text.count("(") > limit and nesting_depth(text) > limit


def check_nesting(text: str, field: str, limit: int = MAX_NESTING) -> None:
    """Refuse SQL nested deeper than `limit`: sqlglot recurses per level, and 1,000 levels
    exhaust Python's stack."""
    if nests_deeper(text, limit):
        raise InvalidRequest(f"{field} nests parentheses deeper than {limit} levels", field=field)
