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
    # Its steps wait for the new app version (the gate before their phase): what earlier changes
    # of the request add (ADDITIVE ops) then goes to expand, so that version finds it.
    waits_for_app: ClassVar[bool] = False

    def plan(self, ch, ctx, path: str) -> list:
        raise NotImplementedError


STRATEGIES: dict[str, Strategy] = {}
# Ops whose steps make the tables and columns a new app version writes and reads.
ADDITIVE = ("create_table", "add_column", "raw_sql")


def strategy(name: str) -> Callable[[type[Strategy]], type[Strategy]]:
    """Register a Strategy class under `name` (the value dialects declare)."""
    def register(cls: type[Strategy]) -> type[Strategy]:
        if name in STRATEGIES:
            raise ValueError(f"duplicate strategy {name}")
        cls.name = name
        STRATEGIES[name] = cls()
        return cls
    return register


def additions_phases(changes: list, dialect: Dialect) -> list[str]:
    """Per change, its `Context.additions_phase` in a zero-downtime plan: "expand" for an
    additive change before the first one whose strategy waits for the new app version."""
    gate = next((i for i, ch in enumerate(changes) if ch.op in dialect.online_strategies
                 and strategy_for(ch.op, dialect).waits_for_app), 0)
    return ["expand" if i < gate and ch.op in ADDITIVE else "migrate" for i, ch in enumerate(changes)]


def strategy_for(op: str, dialect: Dialect) -> Strategy:
    name = dialect.online_strategies.get(op)
    if name is None:
        raise ZeroDowntimeImpossible(
            f"Zero-downtime not possible for operation {op} on {dialect.name}: dbmig has no online "
            "strategy for it", field="downtime_allowed",
            suggestion="allow downtime (a maintenance window), or use a shadow-table tool "
                       "(pt-online-schema-change, gh-ost)")
    return STRATEGIES[name]
