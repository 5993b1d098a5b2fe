"""Token budgets on what the calling agent receives (text block + structured content).

Both parts are counted because a client may hand either or both to its model. When the
whole does not fit, the adapter leaves parts out and says how to fetch them; it never cuts
a script short, since half a migration is worse than none.
"""
from __future__ import annotations

import json
from typing import Callable, Iterable

from dbmig.gate.budget import BUDGET as BUDGETS
from dbmig.gate.budget import count_tokens as tokens

# validate and explain have no tier; they get the largest budget.
UNTIERED = BUDGETS["T3"]


def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def received(structured: dict, text: str) -> int:
    return tokens(as_json(structured)) + tokens(text)


Candidate = tuple[dict, str]


def first_fitting(candidates: Iterable[Callable[[], Candidate]], budget: int) -> Candidate:
    """The first candidate (most complete first) within budget, else the last, smallest one."""
    chosen = None
    for build in candidates:
        chosen = build()
        if received(*chosen) <= budget:
            return chosen
    assert chosen is not None
    return chosen


def keep_prefix(items: list, cost: Callable[[object], int], room: int) -> int:
    """How many leading items fit in `room` tokens."""
    used = 0
    for count, item in enumerate(items):
        used += cost(item)
        if used > room:
            return count
    return len(items)
