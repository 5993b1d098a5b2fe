"""`validate_migration` with `project_dir`: lint migrations with the project's history as context.

A file linted alone cannot know what came before it: a CHECK (col IS NOT NULL) validated three
migrations ago makes `SET NOT NULL` instant, a table created earlier in the same deployment is
empty. The history runs through the linter first as *applied* context (its state observed, its
findings dropped); then the pending migrations are linted. Tables created by applied migrations
hold rows: they are not "new" to the pending ones.

- `files` given: they are the pending migrations (new files, or project files named by path).
- no `files`: every migration of the project, each with the history before it as applied context.
"""
from __future__ import annotations

from ..dialects import DATABASES
from ..lint import make_context, run_rules, verdict
from ..lint.rules import Context
from ..sources import SourceFile, read_sources
from . import flyway
from .load import history_files, load_project
from .model import ProjectError


class HistoryContext(Context):
    """Tables created before the first pending file (or, linting everything, before each file)
    are applied ones: they hold rows, so rules must not treat them as new."""

    def __init__(self, database: str, version: tuple[int, ...] | None, tool: str | None):
        super().__init__(database, version, tool)
        self.pending: set[str] = set()
        self.each_file = False
        self.started = False

    def begin_file(self, src: SourceFile) -> None:
        super().begin_file(src)
        if src.filename in self.pending and (self.each_file or not self.started):
            self.created_tables.clear()
            self.started = True


def validate_project(project_dir: str, files: list[dict] | None, database: str | None,
                     migration_tool: str | None, database_version: str | None) -> dict:
    project = load_project(project_dir, migration_tool)
    database = database or (project.database.value if project.database else None)
    if database is None:
        raise ProjectError("the project does not say which database it targets: pass database", field="database",
                           allowed=list(DATABASES))
    version = database_version or (project.database_version.value if project.database_version else None)
    base = make_context(database, project.tool, version)
    ctx = HistoryContext(base.database, base.version, base.tool)
    history = history_files(project, ctx.database)
    undo = flyway.undo_scripts(project.root, project.locations) if project.tool == "flyway" else []
    pending_names = [f["filename"] for f in files or []]
    if files:         # the history up to the first pending file is applied context
        first = min((n for n, f in enumerate(history) if f["filename"] in pending_names), default=len(history))
        ordered = [h for h in history[:first] + undo if h["filename"] not in pending_names] + list(files)
    else:
        ordered = history + undo
    ctx.pending = set(pending_names) if files else {f["filename"] for f in history}
    ctx.each_file = not files
    sources = read_sources(ordered, ctx.database, ctx.tool)
    ctx.sources = sources
    findings = [f for _, f in run_rules(sources, ctx) if f.file in ctx.pending]
    return {"verdict": verdict(findings), "findings": [_as_dict(f) for f in findings],
            "context": {"project_dir": str(project.root), "history": len(project.history),
                        "linted": len({f for f in ctx.pending if not f.endswith(".conf")})}}


def _as_dict(finding) -> dict:
    return finding.model_dump() if hasattr(finding, "model_dump") else finding.as_dict()
