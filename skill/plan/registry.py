"""Op name -> the function that plans it (Alembic's `register_operation`, for planners).

`@direct("add_column")` registers the T1 strategy. A database may register its own expansion
for one op (`@direct("drop_default", database="sqlserver")`); the rest stays shared.
"""
from __future__ import annotations

from typing import Callable

from ..errors import Unsupported

Planner = Callable[..., list]
_DIRECT: dict[tuple[str, str | None], Planner] = {}


def direct(op: str, database: str | None = None) -> Callable[[Planner], Planner]:
    def register(fn: Planner) -> Planner:
        _DIRECT[(op, database)] = fn
        return fn
    return register


def planner_for(op: str, database: str) -> Planner:
    fn = _DIRECT.get((op, database)) or _DIRECT.get((op, None))
    if fn is None:
        raise Unsupported(f"operation {op} is not supported yet", field="changes")
    return fn
