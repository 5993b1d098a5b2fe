"""The Python API: `generate(request) -> MigrationResult`. The MCP server and the CLI call this.

intake -> plan -> render -> gate. A gate failure is a bug in dbmig and raises; bad input
raises `InvalidRequest` naming the field. Scripts never carry the clock: the timestamp lives
only in the result.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from .dialects import get_dialect
from .errors import invalid_from_pydantic
from .gate import gate_result
from .intake import changes_for
from .intake.setting import with_setting
from .live import given_fields, with_live_facts
from .models import MigrationRequest, MigrationResult, MigrationType, PhaseFiles, RollbackScript
from .plan import build_plan, migration_type_of
from .project.request import with_project
from .render import render_plan, tool_warnings
from .render.guide import deployment_guide, validation_tests


def parse_request(data: dict | MigrationRequest) -> MigrationRequest:
    if isinstance(data, MigrationRequest):
        return data
    try:
        return MigrationRequest.model_validate(data)
    except ValidationError as e:
        raise invalid_from_pydantic(e) from None


def generate(data: dict | MigrationRequest) -> MigrationResult:
    # "... on PostgreSQL, Flyway, no downtime": the description's own words fill what is left out
    data, setting_notes = with_setting(data) if isinstance(data, dict) else (data, [])
    typed = not isinstance(data, dict) or data.get("migration_type") is not None
    if not typed:
        data = {**data, "migration_type": MigrationType.hybrid.value}     # until the changes are known
    given = given_fields(data)
    data, context_warnings = with_project(data)      # project_dir: what the request leaves out
    request = parse_request(data)
    dialect = get_dialect(request.database.value)
    # dsn: schema, rows, version from the live database, over the project's (precedence: DESIGN.md)
    request, live = with_live_facts(request, dialect, given=given)
    changes, intake_warnings = changes_for(request, dialect)
    if not typed:
        request = request.model_copy(update={"migration_type": migration_type_of(changes)})
        setting_notes.append(f"migration_type {request.migration_type.value}: read from the changes.")
    plan, _ = build_plan(request, dialect, changes)
    plan.warnings[:0] = setting_notes + context_warnings + intake_warnings + (live.warnings(plan) if live else [])
    plan.warnings += tool_warnings(plan, request, dialect)
    rendered = render_plan(plan, request, dialect)
    first = rendered[0]
    guide = deployment_guide(plan, request, rendered)
    result = MigrationResult(
        migration_tool=request.migration_tool, database=request.database,
        migration_type=request.migration_type, downtime_allowed=request.downtime_allowed,
        tier=plan.tier,
        migration_script=first.migration,
        rollback_script=RollbackScript(filename=first.rollback.filename, content=first.rollback.content,
                                       manual_steps=[m for s in plan.steps for m in s.manual_steps]),
        validation_tests=validation_tests(plan),
        deployment_guide=live.guide(guide) if live else guide,
        warnings=plan.warnings,
        timestamp=datetime.now(ZoneInfo("America/New_York")).isoformat(timespec="seconds"),
        extra_files=[f for r in rendered for f in r.files
                     if f.filename not in (first.migration.filename, first.rollback.filename)],
        phases=[PhaseFiles(name=p.name, gate_before=p.gate_before, files=r.files)
                for p, r in zip(plan.phases, rendered)] if len(plan.phases) > 1 else None,
        changes=None if request.changes else changes)
    gate_result(result, plan, dialect)
    return result
