"""The data guards of a plan, counted on the live database before anything runs.

A planned step may carry guards (`Guard.query`, a COUNT(*) that must be 0: values a narrowed
type would cut, rows without a parent for a new foreign key, duplicates for a new unique key).
Here the same queries run on the live database, read-only and bounded, so the caller learns
now, not at deploy time, how many rows stand in the way. Beside them, the facts a change needs
that no guard counts: NULLs a SET NOT NULL would meet, values a DROP COLUMN takes away.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..dialects.base import Dialect
from ..models import Change
from ..plan.model import Step
from .dsn import parse_dsn
from .session import NOT_COUNTED, open_session

# op -> the dialect's COUNT(*) check on the column, and what a count means (some rows / none)
COLUMN_FACTS = {
    "set_not_null": ("null_count", "{n} rows of {table} hold NULL in {column}: SET NOT NULL fails on them "
                                   "unless `backfill` fills them first",
                     "no row of {table} holds NULL in {column}: SET NOT NULL meets none"),
    "drop_column": ("not_null_count", "{n} rows of {table} hold a value in {column}: DROP COLUMN takes them away",
                    "no row of {table} holds a value in {column}"),
}
GUARD = ("{n} rows stand in the way of step '{step}' ({what}): its guard stops the migration before any "
         "change until they are fixed",
         "no row stands in the way of step '{step}' ({what}): its guard passes on today's data and checks again "
         "when the migration runs")


@dataclass(frozen=True)
class Counted:
    """A live count and what it is about: a step of the plan (its guard) or a change."""

    step: int | None            # index into the plan's steps
    change: int | None          # index into the changes
    count: int | None           # None: not counted (the text says why)
    text: str


def live_counts(dsn: str, dialect: Dialect, steps: list[Step], changes: list[Change], read_at: str) -> list[Counted]:
    """Every guard of `steps` and every column fact of `changes`, counted in one session."""
    queries = [(i, None, g.query, GUARD, {"step": s.description, "what": _what(g.message)})
               for i, s in enumerate(steps) for g in s.guards]
    queries += [(None, i, dialect.check(form, table=dialect.q(ch.table), column=dialect.q(ch.column)), (some, none),
                 {"table": ch.table, "column": ch.column})
                for i, ch in enumerate(changes) if ch.op in COLUMN_FACTS
                for form, some, none in [COLUMN_FACTS[ch.op]]]
    if not queries:
        return []
    out = []
    with open_session(parse_dsn(dsn, dialect.name), dialect) as (session, _):
        for step, change, sql, (some, none), fields in queries:
            n = session.count(sql)
            if n == "missing_object":
                continue        # it reads what an earlier step of this plan creates: no fact yet
            said = (some if n else none).format(n=f"{n:,}", **fields) if isinstance(n, int) else \
                f"{some.split(':')[0].format(n='the', **fields)}: {NOT_COUNTED[n]}"
            out.append(Counted(step, change, n if isinstance(n, int) else None, f"Live count at {read_at}: {said}."))
    return out


def _what(message: str) -> str:
    return message.removeprefix("dbmig guard: ").split("; nothing")[0]
