"""The MCP tools: argument checking, the engine call, budgets, and structured results.

Arguments arrive as raw JSON and are validated here with the engine's pydantic models, so
that every rejection becomes our structured error naming the field (the SDK's own argument
validation would answer with unstructured text). No database knowledge lives here.
"""
from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass
from typing import Any, Callable

from mcp_types import CallToolResult, TextContent, ToolAnnotations
from mcp_types import Tool as MCPTool

from dbmig.collector import loading
from dbmig.errors import InvalidRequest
from dbmig.limits import MAX_CHANGES
from dbmig.models import canonical

from . import schemas, text
from .published import schemas_for
from .budget import UNTIERED, as_json, keep_prefix, tokens, within
from .errors import error_body, log
from .fit import Source, as_sent, beyond_limit, detail_response

Structured = tuple[dict, str]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: str
    input_schema: dict
    output_schema: dict
    run: Callable[[dict], Structured]
    read_only: bool = True
    # the engine modules `run` imports, loaded on the tool's first call (not at server start) and
    # before its time budget starts: a one-time import is not the call's work
    loads: tuple[str, ...] = ()

    @property
    def loaded(self) -> bool:
        return all(module in sys.modules for module in self.loads)

    def load(self) -> None:
        if self.loaded:
            return
        with loading():     # see dbmig.collector: the engine is ~150 more modules
            for module in self.loads:
                importlib.import_module(module)

    def listing(self) -> MCPTool:
        # generate/validate/explain touch no database or file, so a client may call freely and
        # retry: read-only, idempotent (same request, same scripts), not destructive. verify is
        # not read-only: it creates and drops a scratch database, on a server a DSN may name.
        annotations = ToolAnnotations(title=self.title, read_only_hint=self.read_only,
                                      destructive_hint=False, idempotent_hint=True,
                                      open_world_hint=not self.read_only)
        return MCPTool(name=self.name, title=self.title, description=self.description,
                       input_schema=self.input_schema, output_schema=self.output_schema,
                       annotations=annotations)

    def call(self, arguments: dict[str, Any]) -> CallToolResult:
        try:
            structured, summary = self.run(arguments)
        except Exception as exc:  # the server answers every call; see errors.error_body
            return error_result(error_body(exc))
        return CallToolResult(content=[TextContent(type="text", text=summary)], structured_content=structured)


def error_result(body: dict) -> CallToolResult:
    """The error body as JSON text, with no structuredContent: a client that validates
    structuredContent against the tool's outputSchema (the TypeScript SDK does, errors included)
    would otherwise throw before its agent sees the field and the message."""
    return CallToolResult(content=[TextContent(type="text", text=as_json(body))], is_error=True)


def _parsed_json(arguments: dict, keys: tuple[str, ...]) -> dict:
    """Some clients send arrays and objects as JSON strings; accept those."""
    args = dict(arguments)
    for key in keys:
        value = args.get(key)
        if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
            try:
                args[key] = json.loads(value)
            except (ValueError, RecursionError):
                pass  # left as is: validation names the field
    return args


# --- generate_migration --------------------------------------------------------------------

def run_generate(arguments: dict) -> Structured:
    from dbmig.api import generate  # imported late (`loads`): keeps the server's start fast

    args = _parsed_json(arguments, ("changes", "table_rows"))
    detail = args.pop("detail", None)
    if detail is not None and canonical(detail) not in schemas.DETAIL:
        raise InvalidRequest(f"detail must name a part of the result, not {detail!r}",
                             field="detail", allowed=list(schemas.DETAIL))
    if args.get("replay_dsn") is not None:
        raise InvalidRequest("replay_dsn is for the CLI: over MCP, replay=database uses a throwaway embedded "
                             "server, never one the caller names", field="replay_dsn")
    changes = args.get("changes")
    if isinstance(changes, list) and len(changes) > MAX_CHANGES:
        raise beyond_limit(args, changes)
    model = generate(args)    # validates; with project_dir the project fills what the request leaves out
    source = Source(args, changes or [c.model_dump(mode="json") for c in model.changes or []])
    if detail is not None:
        return detail_response(model.model_dump(mode="json", by_alias=True, exclude_none=True), canonical(detail),
                               source)
    return as_sent(model, source)


# --- validate_migration / explain_migration ----------------------------------------------------

def run_validate(arguments: dict) -> Structured:
    args = schemas.ValidateArgs.model_validate(_parsed_json(arguments, ("files",)))
    from dbmig.lint import validate_migration

    files = [f.model_dump() for f in args.files] if args.files else None
    tool = args.migration_tool.value if args.migration_tool else None
    if args.project_dir:
        from dbmig.project.lint import validate_project
        from dbmig.live.read import server_version     # the live database's version over the project's
        version = args.database_version or (server_version(args.dsn, _value(args.database)) if args.dsn else None)
        report = validate_project(args.project_dir, files, _value(args.database), tool, version)
    else:
        if files is None or args.database is None:
            raise InvalidRequest("give database and files (or project_dir)",
                                 field="database" if args.database is None else "files")
        report = validate_migration(files, args.database.value, migration_tool=tool,
                                    database_version=args.database_version, schema=args.schema_sql,
                                    dsn=args.dsn)
    return fit_list(dict(report), "findings", text.findings_text, text.finding_line)


def run_explain(arguments: dict) -> Structured:
    args = schemas.ExplainArgs.model_validate(_parsed_json(arguments, ("files", "changes", "table_rows")))
    from dbmig.explain import explain_migration  # checks that exactly one of sql/files/changes is given

    from dbmig.project.context import explain_context

    files = [f.model_dump() for f in args.files] if args.files else None
    changes = [c.model_dump() for c in args.changes] if args.changes else None
    # with dsn the live database's version and schema win over the project's (DESIGN.md precedence)
    database, version, schema = explain_context(args.project_dir, _value(args.database), args.database_version,
                                                args.schema_sql, bool(changes) and not args.dsn)
    report = explain_migration(database, sql=args.sql, files=files, changes=changes,
                               schema=schema, database_version=args.database_version if args.dsn else version,
                               table_rows=args.table_rows or None, dsn=args.dsn)
    return fit_list(dict(report), "statements", text.explain_text,
                    lambda s: text.statement_line(0, s))


def _value(enum) -> str | None:
    return enum.value if enum is not None else None


def fit_list(report: dict, key: str, render: Callable[[dict], str], line: Callable[[dict], str]) -> Structured:
    """Keep the leading items that fit the budget; say how many were left out."""
    whole = render(report)
    if within(UNTIERED, as_json(report), whole):
        return report, whole
    items = report.get(key, [])
    head = {**report, key: []}
    room = UNTIERED - tokens(as_json(head)) - tokens(render(head)) - 100  # 100: the `omitted` note
    kept = keep_prefix(items, lambda item: tokens(as_json(item)) + tokens(line(item)), room)
    report = {**report, key: items[:kept]}
    if kept < len(items):
        report["omitted"] = {"sections": [key], "reason": f"{len(items) - kept} of {len(items)} {key} "
                             f"left out to stay within {UNTIERED} tokens.",
                             "how": "Call again with fewer files or statements at a time."}
    return report, render(report)


# --- the tool list ---------------------------------------------------------------------------

GENERATE_DESCRIPTION = """\
Write a database migration (Liquibase, Flyway or Alembic; PostgreSQL, MySQL/MariaDB, SQL Server, Oracle):
forward script, rollback (or manual steps), validation queries with expected results, a deployment
guide with lock and duration estimates, and warnings. Give the change as `changes` (preferred), `sql`,
or a plain-English `migration_description`. Tiers: T1 simple schema change (<=2k tokens), T2 data
migration (<=6k), T3 zero-downtime multi-phase when downtime_allowed=false (<=12k). Fails with
unsafe_rollback (destructive without a safe rollback: give `schema` or confirm_data_loss),
zero_downtime_impossible (no online form) or too_large (split the changes as it says); errors are JSON
text. With `dsn` it reads the schema, row counts and version of the live database (read-only) instead of
guessing. Read resource dbmig://skill for the decision rules."""

VALIDATE_DESCRIPTION = """\
Lint migration files that already exist (generated or hand-written): SQL syntax in the database's
dialect, the tool's conventions, and unsafe operations (blocking locks, table rewrites, data loss).
Returns a verdict and findings with rule id, severity, file, line, the risk and the safe alternative.
Rule catalog: resource dbmig://lint/rules. Connects to a database only when given `dsn`, read-only."""

EXPLAIN_DESCRIPTION = """\
Explain in plain words what statements or migration files do on a given database and version: the
lock taken and what it blocks, whether the table is rewritten or scanned, estimated duration for the
given row counts, risks, and the safe alternative. Give exactly one of `sql`, `files` or `changes` (the
operations generate_migration takes; add `schema` for type changes): changes are explained step by step
from dbmig's own plan, with its zero-downtime plan as the safe alternative. With `dsn` it reads row counts,
version and schema from the live database, read-only; otherwise it connects to nothing."""


def _generate_spec() -> ToolSpec:
    from .project_tools import project_aware
    return ToolSpec("generate_migration", "Generate a migration", GENERATE_DESCRIPTION,
                    *schemas_for("generate_migration", lambda: (project_aware(schemas.generate_input_schema()),
                                                                schemas.generate_output_schema())),
                    run_generate, loads=("dbmig.api",))


def _validate_spec() -> ToolSpec:
    return ToolSpec("validate_migration", "Validate (lint) a migration", VALIDATE_DESCRIPTION,
                    *schemas_for("validate_migration", lambda: (schemas.model_input_schema(schemas.ValidateArgs),
                                                                schemas.validate_output_schema())),
                    run_validate, loads=("dbmig.lint",))


def _explain_spec() -> ToolSpec:
    return ToolSpec("explain_migration", "Explain what a migration does", EXPLAIN_DESCRIPTION,
                    *schemas_for("explain_migration", lambda: (schemas.model_input_schema(schemas.ExplainArgs),
                                                               schemas.model_output_schema(schemas.ExplainResult))),
                    run_explain, loads=("dbmig.explain", "dbmig.project.context"))


VERIFY_DESCRIPTION = """\
Dry-run migration files on a real, throwaway database: apply them with the real tool (Alembic, the
Liquibase CLI, Flyway's file order and transaction rules), run the validation tests, roll back, diff
schema and rows against the start (must be empty), and apply again. PostgreSQL runs on an embedded
server unless `dsn` names one; SQL Server and Oracle are checked offline. Creates and drops only its
own scratch database."""


def run_verify(arguments: dict) -> Structured:
    args = schemas.VerifyArgs.model_validate(_parsed_json(arguments, ("files", "validation_tests")))
    from dbmig.project.context import verify_context
    from dbmig.verify import files_by_name, to_text, verify

    tool, database, schema = verify_context(args.project_dir, _value(args.migration_tool), _value(args.database),
                                            args.schema_sql)
    report = verify(tool, database, files_by_name([f.model_dump() for f in args.files]), dsn=args.dsn, schema_sql=schema,
                    seed_sql=args.seed, tests=args.validation_tests, allow_nonempty=args.allow_nonempty)
    return report.model_dump(mode="json"), to_text(report)


def _verify_spec() -> ToolSpec:
    return ToolSpec("verify_migration", "Verify a migration on a throwaway database", VERIFY_DESCRIPTION,
                    *schemas_for("verify_migration", _verify_schemas), run_verify, read_only=False)


def _verify_schemas() -> tuple[dict, dict]:
    from dbmig.verify import VerifyReport
    output = schemas.model_output_schema(VerifyReport)
    output["properties"].pop("omitted", None)
    return schemas.model_input_schema(schemas.VerifyArgs), output


SPEC_BUILDERS = (_generate_spec, _validate_spec, _explain_spec, _verify_spec)


def tool_specs() -> list[ToolSpec]:
    """Every tool whose engine part imports; a broken one is left out (and logged) so the
    others stay available."""
    from . import project_tools      # inspect_project, write_migration
    specs = []
    for build in (*SPEC_BUILDERS, *project_tools.SPEC_BUILDERS):
        try:
            specs.append(build())
        except ImportError as exc:
            log.warning("%s left out: %s", build.__name__.strip("_").removesuffix("_spec"), exc)
    return specs
