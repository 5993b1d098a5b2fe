"""`project_dir` on explain and verify: the database, version and current schema the project
implies, for the arguments the caller left out (explicit arguments win)."""
from __future__ import annotations

from .ddl import schema_sql
from .load import load_project, replay_offline
from .model import Project, ProjectError

DATABASES = ["postgresql", "mysql", "sqlserver", "oracle"]


def _database(project: Project, database: str | None) -> str:
    database = database or (project.database.value if project.database else None)
    if database is None:
        raise ProjectError("the project does not say which database it targets: pass database",
                           field="database", allowed=DATABASES)
    return database


def _schema(project: Project, database: str) -> str | None:
    return schema_sql(replay_offline(project, database).schema, database) or None


def explain_context(project_dir: str | None, database: str | None, version: str | None, schema: str | None,
                    wants_schema: bool) -> tuple[str, str | None, str | None]:
    """(database, version, schema); the schema is replayed only for `changes` (it is read for them only)."""
    if not project_dir:
        if not database:
            raise ProjectError("give database (or project_dir)", field="database", allowed=DATABASES)
        return database, version, schema
    project = load_project(project_dir)
    database = _database(project, database)
    if version is None and project.database_version and project.database and project.database.value == database:
        version = project.database_version.value
    if schema is None and wants_schema:
        schema = _schema(project, database)
    return database, version, schema


def verify_context(project_dir: str | None, tool: str | None, database: str | None,
                   schema: str | None) -> tuple[str, str, str | None]:
    """(tool, database, starting schema): a dry run on top of the project's current schema."""
    if not project_dir:
        if not tool or not database:
            raise ProjectError("give migration_tool and database (or project_dir)",
                               field="migration_tool" if not tool else "database")
        return tool, database, schema
    project = load_project(project_dir, tool)
    database = _database(project, database)
    return project.tool, database, schema if schema is not None else _schema(project, database)
