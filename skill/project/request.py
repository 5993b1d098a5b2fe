"""Fill a generate request from the project: what the request leaves out and the project says.

Precedence (DESIGN.md): fields the request gives, then `dsn`, then `project_dir`. So this only
ever adds keys that are absent: the tool, the database and its version, the current `schema`
(the replayed history as CREATE TABLE text), and the chaining fields: the next Flyway version,
the Alembic head as `down_revision`, the Liquibase format of the project's changelogs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..dialects import DATABASES
from ..models import MigrationRequest
from .model import Project, ProjectError

if TYPE_CHECKING:
    from .replay import Replay


def with_project(data: dict | MigrationRequest) -> tuple[dict | MigrationRequest, list[str]]:
    """(request with the project's facts added, warnings); unchanged without `project_dir`."""
    given = data if isinstance(data, dict) else data.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if not isinstance(given, dict) or not given.get("project_dir"):
        if isinstance(given, dict) and given.get("replay") not in (None, "offline"):
            raise ProjectError("replay needs project_dir: it replays a project's history", field="replay")
        return data, []
    from .load import load_project      # here: a request without a project loads no project reader
    project = load_project(given["project_dir"], given.get("migration_tool"))
    filled = dict(given)
    filled.setdefault("migration_tool", project.tool)
    _database(filled, project)
    warnings = _schema(filled, project)
    CHAIN[project.tool](filled, project)
    return filled, warnings


def _database(filled: dict, project: Project) -> None:
    if "database" not in filled:
        if project.database is None:
            raise ProjectError(f"the project does not say which database it targets (no URL in "
                               f"{project.config or 'its config'}): pass database", field="database",
                               allowed=list(DATABASES))
        filled["database"] = project.database.value
    same = project.database is None or project.database.value == filled["database"]
    if "database_version" not in filled and project.database_version and same:
        filled["database_version"] = project.database_version.value


def replayed(project: Project, database: str, mode: str | None, dsn: str | None) -> Replay:
    if mode in (None, "offline"):
        from .load import replay_offline
        return replay_offline(project, database)
    if mode == "database":
        from .apply import replay_database
        return replay_database(project, database, dsn)
    raise ProjectError(f"unknown replay {mode!r}", field="replay", allowed=["offline", "database"])


def _schema(filled: dict, project: Project) -> list[str]:
    if "schema" in filled or not project.history:
        return []
    from .ddl import schema_sql
    result = replayed(project, filled["database"], filled.get("replay"), filled.get("replay_dsn"))
    filled["schema"] = schema_sql(result.schema, filled["database"]) or None
    if filled["schema"] is None:
        del filled["schema"]
    if not result.unknown:
        return []
    where = "; ".join(f"{t}: {why}" for t, why in sorted(result.unknown.items())[:5])
    return [f"The project's history has statements dbmig cannot model, so these tables are treated as "
            f"unknown (no rollback types, no narrowing checks): {where}"
            + (f" (and {len(result.unknown) - 5} more; see `dbmig inspect`)" if len(result.unknown) > 5 else "")]


def _flyway(filled: dict, project: Project) -> None:
    taken = {m.version.replace("_", ".") for m in project.history if m.kind == "versioned"}
    if "version" not in filled:
        filled["version"] = project.next.version
    elif filled["version"].replace("_", ".") in taken:
        raise ProjectError(f"Flyway version {filled['version']} is already in the project's history",
                           field="version", suggestion=f"omit version (next: {project.next.version})")


def _alembic(filled: dict, project: Project) -> None:
    if "down_revision" in filled:
        if filled["down_revision"] not in {m.version for m in project.history}:
            raise ProjectError(f"down_revision {filled['down_revision']} is not a revision of the project",
                               field="down_revision", allowed=project.next.heads)
        return
    if len(project.next.heads) > 1:
        heads = " ".join(project.next.heads)
        raise ProjectError(f"the project has {len(project.next.heads)} heads ({', '.join(project.next.heads)}): "
                           "a new revision would start yet another branch", field="down_revision",
                           allowed=project.next.heads,
                           suggestion=f"merge them first (`alembic merge -m \"merge heads\" {heads}`), "
                                      "or pass down_revision to chain onto one of them")
    if project.next.down_revision:
        filled["down_revision"] = project.next.down_revision


def _liquibase(filled: dict, project: Project) -> None:
    filled.setdefault("liquibase_format", project.next.format or "xml")


CHAIN = {"flyway": _flyway, "alembic": _alembic, "liquibase": _liquibase}
