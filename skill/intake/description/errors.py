"""Refusals: a description is read whole or not at all, and a refusal says what was understood,
what is missing or ambiguous, and the closest alternatives."""
from __future__ import annotations

import difflib

from ...errors import InvalidRequest

FIELD = "migration_description"
SUGGESTION = ("rephrase the clause named in the message, or pass the change as structured `changes` "
              "(see resource dbmig://schema/changes) or as `sql`; keep `migration_description` as a "
              "one-line summary")


class Unclear(Exception):
    """Raised inside the grammar: one clause could not be read. `op` is the change it was
    read as, when the verb was understood."""

    def __init__(self, problem: str, alternatives=(), op: str | None = None):
        super().__init__(problem)
        self.problem = problem
        self.alternatives = list(alternatives)
        self.op = op


class DescriptionNotUnderstood(InvalidRequest):
    """The structured refusal: InvalidRequest on `migration_description`, plus `understood`
    (the changes read from the clauses before the one that failed) and `unclear` (that clause)."""

    def __init__(self, message: str, *, understood: list[dict], unclear: str,
                 allowed: list[str] | None):
        super().__init__(message, field=FIELD, allowed=allowed, suggestion=SUGGESTION)
        self.understood = understood
        self.unclear = unclear

    def to_dict(self) -> dict:
        return super().to_dict() | {"understood": self.understood, "unclear": self.unclear}


def closest(word: str, candidates) -> list[str]:
    """Close spellings first; when none is close, every candidate (a short schema's names)."""
    candidates = sorted(set(candidates))
    near = difflib.get_close_matches(word.lower(), candidates, n=5, cutoff=0.6)
    return near or candidates[:20]


def summary(change: dict) -> str:
    """`drop_column accounts.legacy_flag`: a change in a few words, for messages."""
    target = change.get("table", "")
    column = change.get("column")
    if isinstance(column, dict):
        column = column.get("name")
    if column:
        target += f".{column}"
    elif change.get("columns"):
        target += f"({', '.join(change['columns'])})"
    extra = {k: v for k, v in change.items() if k not in ("op", "table", "column", "columns")}
    detail = ", ".join(f"{k}={v}" for k, v in extra.items())
    return f"{change['op']} {target}" + (f" ({detail})" if detail else "")
