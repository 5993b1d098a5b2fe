"""The project tools: `inspect_project` (read-only) and `write_migration` (writes into the
user's project, so it is the one tool here whose annotations say it is not read-only and not
idempotent: a second identical call finds the files there and stops with a collision error).
`project_dir` on the other tools is plumbing in tools.py/schemas.py; the work is in dbmig.project.
"""
from __future__ import annotations

from dataclasses import dataclass

from mcp_types import Tool as MCPTool
from mcp_types import ToolAnnotations
from pydantic import ConfigDict, Field

from dbmig.models import MigrationTool

from . import schemas
from .schemas import ServerModel
from .budget import UNTIERED, as_json, tokens
from .published import schemas_for
from .tools import Structured, ToolSpec, _parsed_json

PROJECT_HELP = ("The migration project's folder (holding flyway.conf / flyway.toml, liquibase.properties or "
                "alembic.ini), as a path the server can read.")


@dataclass(frozen=True)
class ProjectToolSpec(ToolSpec):
    idempotent: bool = True

    def listing(self) -> MCPTool:
        tool = super().listing()
        tool.annotations = ToolAnnotations(title=self.title, read_only_hint=self.read_only,
                                           destructive_hint=False, idempotent_hint=self.idempotent,
                                           open_world_hint=False)
        return tool


# --- inspect_project -------------------------------------------------------------------------------

class InspectArgs(ServerModel):
    model_config = ConfigDict(extra="forbid")
    project_dir: str = Field(min_length=1, max_length=4096, description=PROJECT_HELP)
    migration_tool: MigrationTool | None = Field(default=None, description="Which tool's config to read when "
                                                 "the folder holds several.")
    database: str | None = Field(default=None, description="Replay in this database's dialect (default: the "
                                 "one the project's config names).")
    replay: str = Field(default="offline", pattern="^(offline|database)$",
                        description="offline: model every statement; database: apply the history with the real "
                                    "tool on a throwaway embedded database dbmig starts, and read the catalog.")
    dsn: str | None = Field(default=None, min_length=1, max_length=1000, repr=False, description=(
        "A live database (read-only): which of the project's migrations it has applied and which are "
        "pending, by the tool's own record (flyway_schema_history, DATABASECHANGELOG, alembic_version)."))


class InspectResult(ServerModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    project_dir: str
    tool: str
    config: str | None
    database: dict | None = Field(description="{value, source}: the database and the file:line that says so.")
    database_version: dict | None
    locations: list[str]
    history: list[dict] = Field(description="Migrations in apply order (newest last).")
    next: dict = Field(description="Flyway: version, location. Alembic: down_revision, heads. Liquibase: "
                                   "master, folder, format.")
    next_command: str
    replayed: dict | None = Field(default=None, alias="schema",
                                  description="The replayed schema: tables with columns, constraints, indexes.")
    applied: dict | None = Field(default=None, description="With dsn: {record, applied, pending, "
                                 "unknown_to_project}, paths of the project's migrations by the tool's record.")


INSPECT_DESCRIPTION = """\
Read a migration project (Flyway, Liquibase or Alembic) without changing anything: the tool and database
from its config (with the file:line each fact comes from), the history in apply order, where the next
migration chains on (Flyway version, Alembic head, Liquibase master changelog), and the current schema
replayed from the history, with the statements that could not be modelled. Pass the same project_dir to
generate_migration and it uses all of this."""


def run_inspect(arguments: dict) -> Structured:
    from dbmig.project import inspect_project, inspect_text
    args = InspectArgs.model_validate(arguments)
    report = inspect_project(args.project_dir, args.migration_tool.value if args.migration_tool else None,
                             args.database, args.replay, dsn=args.dsn)
    return _fit_history(report), inspect_text(report)


def _fit_history(report: dict) -> dict:
    """Keep the newest history entries that fit the budget; the schema always stays."""
    history = report["history"]
    room = UNTIERED - tokens(as_json({**report, "history": []})) * 2 - 200
    kept = 0
    while kept < len(history) and tokens(as_json(history[-kept - 1:])) <= room:
        kept += 1
    if kept == len(history):
        return report
    return {**report, "history": history[len(history) - kept:],
            "omitted": {"sections": ["history"], "reason": f"{len(history) - kept} of {len(history)} older "
                        f"migrations left out to stay within {UNTIERED} tokens.",
                        "how": "Run `dbmig inspect --project DIR --json` for the whole history."}}


# --- write_migration -----------------------------------------------------------------------------------

WRITE_DESCRIPTION = """\
Generate a migration exactly as generate_migration does (same arguments; project_dir required) and WRITE
it into the project: Flyway V/U files into the project's location with the next version, an Alembic
revision onto the current head named by the project's file_template, a Liquibase changelog in the
project's folder plus an <include> appended to the master changelog. Never overwrites a file (a
collision is an error and nothing is written). Returns the paths written and the command that applies
them (flyway migrate, liquibase update, alembic upgrade head)."""


class WriteResult(ServerModel):
    written: list[str] = Field(description="Paths written or edited, relative to project_dir.")
    files: list[str]
    edited: list[str]
    skipped: list[dict]
    next_command: str
    tier: str
    migration_tool: str
    database: str
    warnings: list[str]


def run_write(arguments: dict) -> Structured:
    from dbmig.project import write_migration
    args = _parsed_json(arguments, ("changes", "table_rows"))
    if not args.get("project_dir"):
        from dbmig.errors import InvalidRequest
        raise InvalidRequest("write_migration writes into a project: give project_dir", field="project_dir")
    result, place, written = write_migration(args)
    body = {"written": written, **place.as_dict(), "tier": result.tier.value,
            "migration_tool": result.migration_tool.value, "database": result.database.value,
            "warnings": result.warnings}
    text = "\n".join([f"wrote {p}" for p in written] + [f"warning: {w}" for w in result.warnings]
                     + [f"next: cd {args['project_dir']} && {place.command}"])
    return body, text


def _write_input_schema() -> dict:
    schema = project_aware(schemas.generate_input_schema())
    schema["properties"].pop("detail", None)
    schema["required"] = [*schema["required"], "project_dir"]
    return schema


def project_aware(schema: dict) -> dict:
    """generate_migration's schema: tool and database may come from project_dir. No replay_dsn
    over MCP: a read-only tool creates no database on a server the user names (the CLI may)."""
    schema["required"] = [r for r in schema["required"] if r not in ("migration_tool", "database")]
    schema["properties"].pop("replay_dsn", None)
    for name in ("migration_tool", "database"):
        prop = schema["properties"][name]
        prop["description"] = prop.get("description", "") + " Required unless project_dir names a project " \
                                                            "whose config says."
    return schema


def _inspect_spec() -> ToolSpec:
    return ProjectToolSpec("inspect_project", "Inspect a migration project", INSPECT_DESCRIPTION,
                           *schemas_for("inspect_project", lambda: (schemas.model_input_schema(InspectArgs),
                                                                    schemas.model_output_schema(InspectResult))),
                           run_inspect)


def _write_spec() -> ToolSpec:
    return ProjectToolSpec("write_migration", "Generate and write a migration into the project", WRITE_DESCRIPTION,
                           *schemas_for("write_migration", lambda: (_write_input_schema(),
                                                                    schemas.model_output_schema(WriteResult))),
                           run_write,
                           read_only=False, idempotent=False)


SPEC_BUILDERS = (_inspect_spec, _write_spec)
