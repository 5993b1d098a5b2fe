"""Zero-downtime strategies: each is one way to make one kind of change without downtime, as a
pgroll operation is. It plans its own phases -- what it starts (expand, migrate) and what it
completes (contract) -- every Step with its reverse (the rollback, newest step first), and its
own warnings; it never rewrites the Steps of another planner.

Each strategy is registered once, by name (`@strategy("online_index")`). Each Dialect declares
per op the strategy it supports (`Dialect.online_strategies`); an op it does not declare has no
zero-downtime form on that database.
"""
from __future__ import annotations

from typing import Callable, ClassVar

from ..dialects import Dialect
from ..errors import ZeroDowntimeImpossible


class Strategy:
    """One zero-downtime way to make a change. `plan` returns its Steps tagged expand / migrate /
    contract, in order; `phases_of` turns them into phases with the app-deploy gates between."""

    name: ClassVar[str] = ""

    def plan(self, ch, ctx, path: str) -> list:
        raise NotImplementedError


STRATEGIES: dict[str, Strategy] = {}


def strategy(name: str) -> Callable[[type[Strategy]], type[Strategy]]:
    """Register a Strategy class under `name` (the value dialects declare)."""
    def register(cls: type[Strategy]) -> type[Strategy]:
        if name in STRATEGIES:
            raise ValueError(f"duplicate strategy {name}")
        cls.name = name
        STRATEGIES[name] = cls()
        return cls
    return register


def strategy_for(op: str, dialect: Dialect) -> Strategy:
    name = dialect.online_strategies.get(op)
    if name is None:
        raise ZeroDowntimeImpossible(
            f"Zero-downtime not possible for operation {op} on {dialect.name}: dbmig has no online "
            "strategy for it", field="downtime_allowed",
            suggestion="allow downtime (a maintenance window), or use a shadow-table tool "
                       "(pt-online-schema-change, gh-ost)")
    return STRATEGIES[name]
