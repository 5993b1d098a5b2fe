"""The renderer interface: a Phase in, files out."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..dialects.base import Dialect
from ..models import MigrationRequest, ScriptFile


@dataclass(frozen=True)
class ToolContext:
    request: MigrationRequest
    dialect: Dialect
    tier: str
    notes: list[str] = field(default_factory=list)   # header lines (e.g. a destructive confirmation)

    @property
    def step_units(self) -> bool:
        """Each step its own unit (Flyway file, Alembic revision): where DDL commits on its own
        (MySQL, Oracle), a zero-downtime step that fails on its lock timeout leaves the steps
        before it applied; the tool's history must then say so, and a rerun start at that step."""
        return self.tier == "T3" and not self.dialect.transactional_ddl


@dataclass
class Rendered:
    files: list[ScriptFile]          # every file, in apply order (forward files first)
    migration: ScriptFile
    rollback: ScriptFile
    # what the tool calls each unit it applies, in order: Flyway versions, Alembic revision ids,
    # Liquibase changeSet ids (the guide's apply targets and rollback counts)
    units: list[str] = field(default_factory=list)
