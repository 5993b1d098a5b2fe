"""What a planner produces and a renderer reads: Plan -> Phase -> Step.

A Step is one unit a tool applies atomically where the database allows it (a Liquibase
changeSet, a block of an Alembic upgrade, a stretch of a Flyway file). Steps carry SQL already
in the target dialect; `native` tells a renderer which tool-native construct says the same
thing (Liquibase `addColumn`, Alembic `op.add_column`), so renderers never decide SQL or safety.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..dialects.facts import Lock
from ..models import Change, Tier


@dataclass(frozen=True)
class NativeOp:
    """A tool-neutral description of one schema operation, for tool-native rendering."""

    kind: str                       # create_table, add_column, rename_column, create_index, ...
    fields: dict[str, Any]


@dataclass(frozen=True)
class NativeColumn:
    name: str                       # raw identifier
    type: str                       # native type, e.g. VARCHAR(255)
    nullable: bool = True
    default: str | None = None      # SQL expression in the target dialect
    primary_key: bool = False
    default_name: str | None = None # SQL Server default constraint name


@dataclass(frozen=True)
class Guard:
    """A pre-check that aborts the migration before damage: `query` must return 0."""

    query: str
    message: str


@dataclass
class Step:
    description: str
    forward: list[str]
    reverse: list[str] | None               # None: no automatic reverse (see manual_steps)
    lock: Lock
    table: str | None = None
    native: NativeOp | None = None
    reverse_native: NativeOp | None = None
    transactional: bool = True
    guards: list[Guard] = field(default_factory=list)
    manual_steps: list[str] = field(default_factory=list)
    estimate: str = "< 1 s"
    destructive: bool = False
    phase: str = "migrate"                  # expand | migrate | contract (T3 plans)
    # Session settings to run first, before the forward AND before the reverse statements
    # (lock_timeout, so a step waiting for its lock fails fast instead of queueing the app).
    session: list[str] = field(default_factory=list)
    # Post-conditions this step proves (validation tests), and lines it adds to the deployment
    # guide by section (pre / execution / post / rollback): data steps need EXPLAIN, progress,
    # pause and resume instructions that only the planner knows.
    checks: list["Check"] = field(default_factory=list)
    guide: dict[str, list[str]] = field(default_factory=dict)
    change: int | None = None               # index of the request change that planned it (build_plan)
    # it waits for every transaction running when it starts (CREATE INDEX CONCURRENTLY): a tool
    # that holds a transaction open around the migration makes it wait forever
    waits_for_transactions: bool = False


# The order of phases in a zero-downtime plan, and the app deploy that must happen before each.
PHASE_ORDER = ("expand", "migrate", "contract")
PHASE_GATES = {
    "migrate": "Run once the expand phase has finished and its validation tests pass; where the "
               "change renames something, first deploy the app version that reads the new name "
               "(the sync trigger keeps both names written).",
    "contract": "Deploy the app version that uses only the new shape, and check that no "
                "running instance still uses the old one, before running this phase.",
}


@dataclass
class Phase:
    name: str
    steps: list[Step]
    gate_before: str | None = None


@dataclass(frozen=True)
class Check:
    """A post-condition turned into a validation test (one COUNT(*) query)."""

    description: str
    query: str
    expected: list[list[Any]]
    phase: str | None = None                # T3: holds right after this phase (None: at the end)


@dataclass
class Plan:
    tier: Tier
    phases: list[Phase]
    checks: list[Check]
    warnings: list[str]
    changes: list[Change]

    @property
    def steps(self) -> list[Step]:
        return [s for p in self.phases for s in p.steps]
