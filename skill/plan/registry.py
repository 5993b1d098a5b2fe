"""Op name -> the function that plans it (Alembic's `register_operation`, for planners).

`@direct("add_column")` registers the T1 strategy. A database may register its own expansion
for one op (`@direct("drop_default", database="sqlserver")`); the rest stays shared.
"""
from __future__ import annotations

from typing import Callable

from ..errors import Unsupported, ZeroDowntimeImpossible

Planner = Callable[..., list]
_DIRECT: dict[tuple[str, str | None], Planner] = {}
_ONLINE: dict[tuple[str, str | None], Planner] = {}


def direct(op: str, database: str | None = None) -> Callable[[Planner], Planner]:
    """Register the strategy used when downtime is allowed (T1/T2)."""
    def register(fn: Planner) -> Planner:
        _DIRECT[(op, database)] = fn
        return fn
    return register


def online(op: str, database: str | None = None) -> Callable[[Planner], Planner]:
    """Register the zero-downtime strategy (T3): steps tagged with expand/migrate/contract."""
    def register(fn: Planner) -> Planner:
        _ONLINE[(op, database)] = fn
        return fn
    return register


def planner_for(op: str, database: str, zero_downtime: bool = False) -> Planner:
    table = _ONLINE if zero_downtime else _DIRECT
    fn = table.get((op, database)) or table.get((op, None))
    if fn is None and zero_downtime:
        raise ZeroDowntimeImpossible(
            f"Zero-downtime not possible for operation {op} on {database}: dbmig has no online "
            "strategy for it", field="downtime_allowed",
            suggestion="allow downtime (a maintenance window), or use a shadow-table tool "
                       "(pt-online-schema-change, gh-ost)")
    if fn is None:
        raise Unsupported(f"operation {op} is not supported yet", field="changes")
    return fn
