"""Op name -> the function that plans it directly (Alembic's `register_operation`, for planners).

`@direct("add_column")` registers the T1/T2 strategy. A database may register its own expansion
for one op (`@direct("drop_default", database="sqlserver")`); the rest stays shared. The
zero-downtime strategies are in strategy.py, chosen by the dialect.
"""
from __future__ import annotations

from typing import Callable

from ..dialects import Dialect
from ..errors import Unsupported
from .strategy import strategy_for

Planner = Callable[..., list]
_DIRECT: dict[tuple[str, str | None], Planner] = {}


def direct(op: str, database: str | None = None) -> Callable[[Planner], Planner]:
    """Register the strategy used when downtime is allowed (T1/T2)."""
    def register(fn: Planner) -> Planner:
        _DIRECT[(op, database)] = fn
        return fn
    return register


def planner_for(op: str, dialect: Dialect, zero_downtime: bool = False) -> Planner:
    return strategy_for(op, dialect).plan if zero_downtime else direct_planner(op, dialect)


def direct_planner(op: str, dialect: Dialect) -> Planner:
    fn = _DIRECT.get((op, dialect.name)) or _DIRECT.get((op, None))
    if fn is None:
        raise Unsupported(f"operation {op} is not supported yet", field="changes")
    return fn
