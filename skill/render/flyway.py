"""Flyway: `V<version>__<description>.sql` and its undo `U<version>__<description>.sql`.

A step that must not run inside a transaction (CREATE INDEX CONCURRENTLY) goes into a file of
its own with a sidecar `<file>.conf` saying `executeInTransaction=false`, as Flyway requires.
"""
from __future__ import annotations

from ..models import MigrationRequest, ScriptFile
from ..plan.model import Phase
from .common import one_line, render, slug, transaction_groups
from .sqlfile import forward_blocks, reverse_blocks
from .types import Rendered, ToolContext


def version_for(request: MigrationRequest) -> str:
    return request.version or "1"


NO_TRANSACTION = "executeInTransaction=false\n"


def render_phase(phase: Phase, tc: ToolContext, version: str) -> Rendered:
    """One V/U pair per run of steps with the same transaction mode (usually exactly one)."""
    request, dialect = tc.request, tc.dialect
    header = dict(description=one_line(request.migration_description), author=request.author,
                  tier=tc.tier, database=dialect.name, notes=tc.notes)
    groups = transaction_groups(phase.steps, tc.step_units)
    forward, undo, versions = [], [], []
    for i, (transactional, steps) in enumerate(groups):
        v = f"{version}.{i + 1}" if len(groups) > 1 else version
        versions.append(v)
        name = f"{v}__{slug(request.migration_description)}.sql"
        forward.append(ScriptFile(filename=f"V{name}", content=render(
            "flyway/script.sql.j2", title="Migration", how="apply with `flyway migrate`.",
            blocks=forward_blocks(steps, dialect), **header)))
        if not transactional:
            forward.append(ScriptFile(filename=f"V{name}.conf", content=NO_TRANSACTION))
        undo_files = [ScriptFile(filename=f"U{name}", content=render(
            "flyway/script.sql.j2", title="Undo", how=f"reverses V{v} (`flyway undo`, or run by hand).",
            blocks=reverse_blocks(steps, dialect), **header))]
        if not transactional:     # Flyway reads each script's own sidecar, undo scripts too
            undo_files.append(ScriptFile(filename=f"U{name}.conf", content=NO_TRANSACTION))
        undo[:0] = undo_files
    return Rendered(forward + undo, forward[0], undo[0], versions)


def render_plan(plan, tc: ToolContext) -> list[Rendered]:
    base = version_for(tc.request)
    phases = plan.phases
    out = [render_phase(p, tc, base if len(phases) == 1 else f"{base}.{i + 1}")
           for i, p in enumerate(phases)]
    return out
