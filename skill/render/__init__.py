"""Renderers: one per tool, each turning a Phase into that tool's files."""
from __future__ import annotations

from importlib import import_module

from ..dialects import Dialect
from ..models import MigrationRequest
from ..plan.model import Plan
from .types import Rendered, ToolContext


def _notes(plan: Plan) -> list[str]:
    destructive = [s.description for s in plan.steps if s.destructive]
    if not destructive:
        return []
    confirmed = "confirmed by the caller (confirm_data_loss)" if any(
        s.reverse is None for s in plan.steps if s.destructive) else "the rollback restores the data"
    return [f"DESTRUCTIVE: {', '.join(destructive)} - {confirmed}."]


def tool_warnings(plan: Plan, request: MigrationRequest, dialect: Dialect) -> list[str]:
    """What the tool itself adds to the risks of the plan on this database (Flyway's advisory
    lock on PostgreSQL against steps that wait for every running transaction)."""
    note = dialect.tool_notes.get(request.migration_tool.value)
    return [note] if note and any(s.waits_for_transactions for s in plan.steps) else []


def render_plan(plan: Plan, request: MigrationRequest, dialect: Dialect) -> list[Rendered]:
    """Files per phase."""
    module = import_module(f"{__name__}.{request.migration_tool.value}")
    tc = ToolContext(request, dialect, plan.tier.value, _notes(plan))
    return module.render_plan(plan, tc)
