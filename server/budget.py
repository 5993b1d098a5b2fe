"""Token budgets on what the calling agent receives (text block + structured content).

Both parts are counted because a client may hand either or both to its model. The text is a
short summary; when the structured result does not fit, optional parts are left out (and named
in `omitted`); a required part never is. When the required parts alone exceed the budget, the
answer is a structured `too_large` error saying how to split the request. A script is never cut
short, since half a migration is worse than none.
"""
from __future__ import annotations

import json
import math
from typing import Callable

from dbmig.errors import DbmigError
from dbmig.tokens import BUDGET as BUDGETS
from dbmig.tokens import count_tokens as tokens
from dbmig.tokens import tokens_at_most

# validate and explain have no tier; they get the largest budget.
UNTIERED = BUDGETS["T3"]


def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def received(structured: dict, text: str) -> int:
    return tokens(as_json(structured)) + tokens(text)


def within(budget: int, *texts: str) -> bool:
    """Whether `texts` surely total at most `budget` tokens, judged without the tokenizer (False
    means: count them)."""
    return sum(map(tokens_at_most, texts)) <= budget


def part_tokens(result: dict) -> dict[str, int]:
    """Tokens of each top-level part as `{"key":value}`: every part is counted once, and the
    braces each count adds cover the separators of the whole (so the sum is an upper bound)."""
    return {key: tokens(as_json({key: value})) for key, value in result.items()}


def keep_prefix(items: list, cost: Callable[[object], int], room: int) -> int:
    """How many leading items fit in `room` tokens."""
    used = 0
    for count, item in enumerate(items):
        used += cost(item)
        if used > room:
            return count
    return len(items)


class TooLarge(DbmigError):
    """The required parts of a result exceed its tier's budget: the answer says how to split."""

    code = "too_large"

    def __init__(self, message: str, *, field: str, suggestion: str, split: dict):
        super().__init__(message, field=field, suggestion=suggestion)
        self.split = split

    def to_dict(self) -> dict:
        return super().to_dict() | {"split": self.split}


def too_large(tier: str, needed: int, changes: int, per_part: int, field: str) -> TooLarge:
    budget = BUDGETS[tier]
    parts = math.ceil(changes / per_part)
    message = (f"The {tier} result of these {changes} changes needs ~{needed:,} tokens without any optional part; "
               f"the {tier} budget is {budget:,}. A required part is never left out to fit, so split the request.")
    how = (f"Call generate_migration {parts} times, each with the same arguments and the next at most {per_part} "
           f"changes in order (changes[0:{per_part}], changes[{per_part}:{2 * per_part}], ...). Flyway: give each "
           "part the next `version`; Alembic: each part's `down_revision` is the previous part's revision; "
           "Liquibase: include each part's changelog in order. When a later change needs the schema the earlier "
           "parts make (a drop, a type change), pass that schema. A part that is still too large says how to split it.")
    if field != "changes":
        how = (f"Give the change as `changes` (resource dbmig://schema/changes), or split `{field}`, in {parts} "
               f"parts of at most {per_part} operations. " + how)
    return TooLarge(message, field=field, suggestion=how,
                    split={"changes": changes, "parts": parts, "changes_per_part": per_part,
                           "tokens_needed": needed, "budget": budget})
