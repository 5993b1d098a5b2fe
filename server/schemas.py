"""Tool input and output schemas, exported from the pydantic models (never hand-written).

The engine's models describe *what* a field is; this module adds what an agent needs to
call the tool well: a description per argument, examples, and the `detail` argument that
fetches the parts of a result left out to keep within the tier's token budget.
"""
from __future__ import annotations


from pydantic import BaseModel, ConfigDict, Field

from dbmig.models import Change, DatabaseName, MigrationRequest, MigrationResult, ToolName, ValidationTest

IDENTITY = ("migration_tool", "database", "migration_type", "downtime_allowed", "tier", "timestamp")
# The output contract's other parts: in every generate result, whatever its size (a multi-phase
# result also carries every file in `phases`, a single-phase one in `extra_files`).
REQUIRED = ("migration_script", "rollback_script", "validation_tests", "deployment_guide", "warnings")
# Parts that may be left out, in this order, when the whole would exceed the tier's budget, each
# with the `detail` value that fetches it: the files `phases` already carry, the echo of the
# changes parsed from `sql` or the description, the guide's per-step lock table.
OPTIONAL = {"extra_files": "extra_files", "changes": "changes", "deployment_guide.lock_estimates": "deployment_guide"}
DETAIL = ("validation_tests", "deployment_guide", "changes", "extra_files")

GENERATE_HELP = {
    "migration_tool": "Which tool runs the migration; output files follow its conventions.",
    "database": "Target database (mysql also covers MariaDB).",
    "migration_type": "schema: DDL only (T1 unless downtime_allowed=false); data: moves or "
                      "rewrites rows (T2, batched); hybrid: both.",
    "downtime_allowed": "false asks for a zero-downtime, multi-phase plan (T3: expand / migrate / "
                        "contract) and fails with zero_downtime_impossible when no online form exists.",
    "migration_description": "One line saying what and why; used in file names and comments. When "
                             "neither `changes` nor `sql` is given it is parsed as plain English "
                             "(see the phrasings in SKILL.md), e.g. \"rename users.name to full_name\".",
    "changes": "Preferred. The operations, each discriminated by `op` (vocabulary: resource "
               "dbmig://schema/changes).",
    "sql": "Alternative to `changes`: DDL/DML in the target database's dialect.",
    "schema": "Current schema as CREATE TABLE text. Give it when dropping or narrowing: it supplies "
              "the types a rollback needs and the checks that data still fits.",
    "database_version": "e.g. 15, 8.0, mariadb-10.11, 2019, 19c: decides online forms and lock estimates.",
    "table_rows": "Approximate row count per table, for lock and duration estimates and batching.",
    "version": "Flyway version for V<version>__ / U<version>__ file names.",
    "revision": "Alembic revision id (derived from the request when absent).",
    "down_revision": "Alembic revision this one follows.",
    "author": "Author for Liquibase changeSets and file headers.",
    "liquibase_format": "Liquibase changelog format.",
    "confirm_data_loss": "Set true only when the caller accepts a destructive change whose rollback "
                         "cannot restore data; otherwise such a request fails with unsafe_rollback.",
    "dsn": "A live database to read, read-only (postgresql://user@host:5432/db, mysql://..., sqlserver://..., "
           "oracle://user@host:1521/service): the schema of the tables the change names, their row counts and "
           "the server version fill `schema`, `table_rows` and `database_version` where they are not given. "
           "The password (in the URL or DBMIG_DSN_PASSWORD where dbmig runs) is never echoed.",
}
LIVE_DSN = ("A live database to read, read-only: its version (where `database_version` is not given) and the row "
            "counts of the tables the statements name; the result's `live` says what was read and when. "
            "postgresql://user@host:5432/db, mysql://..., sqlserver://..., oracle://user@host:1521/service.")

GENERATE_EXAMPLES = [
    {"migration_tool": "flyway", "database": "postgresql", "migration_type": "schema",
     "downtime_allowed": True, "migration_description": "add email to users",
     "changes": [{"op": "add_column", "table": "users",
                  "column": {"name": "email", "type": "varchar(255)", "nullable": True}}]},
    {"migration_tool": "alembic", "database": "postgresql", "migration_type": "schema",
     "downtime_allowed": False, "migration_description": "rename users.name to full_name",
     "database_version": "15", "table_rows": {"users": 5000000}},
]

DETAIL_HELP = ("Leave unset for the normal result. When a result comes back with `omitted`, call "
               "again with the same arguments and `detail` set to the value `omitted.detail` names to get that part.")


def _deepen(schema: dict) -> dict:
    """pydantic lets `op` default, but the discriminated union needs it: mark it required."""
    for definition in schema.get("$defs", {}).values():
        if "const" in definition.get("properties", {}).get("op", {}):
            definition["required"] = ["op", *[r for r in definition.get("required", []) if r != "op"]]
    return schema


def _untitled(node):
    """Drop pydantic's automatic `title`s ("Table", "Ref Columns"): they repeat the property
    names and cost every agent tokens on each tools/list."""
    if isinstance(node, dict):
        return {k: _untitled(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(node, list):
        return [_untitled(v) for v in node]
    return node


def _inlined(schema: dict) -> dict:
    """The schema with each `$ref` replaced by its definition. Results are checked against the
    output schema by clients (the SDKs validate every structured result), and resolving a
    `$ref` costs a validator a registry look-up per use: inlined, a T3 result checks in half
    the time, for an output schema of about the same size (results have no recursive parts)."""
    definitions = schema.get("$defs", {})

    def inline(node, within: tuple[str, ...] = ()):
        if isinstance(node, list):
            return [inline(v, within) for v in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/$defs/")
            if name in within:
                raise ValueError(f"{name} is recursive: an output schema cannot inline it")
            rest = {k: inline(v, within) for k, v in node.items() if k != "$ref"}
            return inline(definitions[name], (*within, name)) | rest
        return {k: inline(v, within) for k, v in node.items() if k != "$defs"}

    return inline(schema)


def _describe(schema: dict, help_: dict[str, str]) -> dict:
    for name, text in help_.items():
        schema["properties"][name]["description"] = text
    return schema


STATED = {
    "migration_tool": " Or named in migration_description (\"... with Flyway\").",
    "database": " Or named in migration_description (\"... on PostgreSQL 15\").",
    "downtime_allowed": " Required unless migration_description says (\"no downtime\", \"downtime is ok\").",
    "migration_type": " Default: read from the changes (schema unless they move data).",
}


def generate_input_schema() -> dict:
    schema = _describe(_deepen(_untitled(MigrationRequest.model_json_schema(by_alias=True))), GENERATE_HELP)
    # "... on PostgreSQL, Flyway, no downtime": these may be stated in the description instead
    schema["required"] = [r for r in schema["required"] if r not in STATED]
    for name, how in STATED.items():
        schema["properties"][name]["description"] += how
    schema["properties"]["detail"] = {"enum": list(DETAIL), "type": "string", "description": DETAIL_HELP}
    schema["examples"] = GENERATE_EXAMPLES
    return schema


class ServerModel(BaseModel):
    """The server's own argument and report models. Their validators are built on first use, not
    at every start: a session may never call the tool they serve (most calls are generate)."""

    model_config = ConfigDict(defer_build=True)


class Omitted(ServerModel):
    """What was left out of this response and how to fetch it."""

    sections: list[str] = Field(description="Optional parts left out; never a required one.")
    reason: str
    how: str
    detail: list[str] = Field(default_factory=list, description="The `detail` values that fetch them.")


def generate_output_schema() -> dict:
    """MigrationResult with `omitted`; a response to a `detail` call carries the identity fields
    and that one part (and says so in `detail`), every other response all the required parts."""
    schema = _deepen(_untitled(MigrationResult.model_json_schema(mode="serialization", by_alias=True)))
    schema["properties"]["omitted"] = _untitled(Omitted.model_json_schema())
    schema["properties"]["detail"] = {"enum": list(DETAIL), "type": "string",
                                      "description": "Set only in the response to a `detail` call: the part it carries."}
    schema["required"] = list(IDENTITY)
    schema["anyOf"] = [{"required": list(REQUIRED)}, {"required": ["detail"]}]
    schema["description"] = ("The migration: scripts, rollback, validation tests, deployment guide, warnings "
                             f"({', '.join(REQUIRED)} are always present, unless `detail` was asked for).")
    return _inlined(schema)


# --- validate / explain: the engine takes plain arguments, so the MCP shape lives here ------

class MigrationFile(ServerModel):
    """A migration file as text. Same shape as generate's output files, so they can be passed back."""

    model_config = ConfigDict(extra="forbid")
    filename: str = Field(min_length=1, max_length=255,
                          description="File name with extension, e.g. V3__add_email.sql, "
                                      "db.changelog-3.xml, 3f2a_add_email.py, V3__x.sql.conf.",
                          examples=["V3__add_email.sql"])
    content: str = Field(max_length=1_000_000, description="The whole file.")


PROJECT_DIR_HELP = ("The user's migration project (Flyway, Liquibase or Alembic folder): fills database, tool "
                    "and version from its config, and reads its history as context.")


class ValidateArgs(ServerModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    database: DatabaseName | None = Field(default=None, description="Database the migration runs on (required "
                                                                "unless project_dir says).")
    files: list[MigrationFile] | None = Field(
        default=None, min_length=1, max_length=200,
        description="The migration files to lint, in apply order. With project_dir they are the pending ones, "
                    "linted with the project's history as applied context (file names as paths in the project "
                    "replace those files); without files, every migration of the project is linted.")
    project_dir: str | None = Field(default=None, max_length=4096, description=PROJECT_DIR_HELP)
    migration_tool: ToolName | None = Field(
        default=None, description="Tool conventions to check; guessed from file names when absent.")
    database_version: str | None = Field(default=None, pattern=r"^[A-Za-z0-9.\-]{1,20}$",
                                         description="Some rules depend on the version (e.g. 15, 8.0).")
    schema_sql: str | None = Field(default=None, alias="schema", max_length=1_000_000,
                                   description="The current schema as CREATE TABLE text: with it, type changes "
                                               "that only widen (varchar(n) to text) are told apart from rewrites.")
    dsn: str | None = Field(default=None, min_length=1, max_length=1000, repr=False, description=LIVE_DSN)


class ExplainArgs(ServerModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    database: DatabaseName | None = Field(default=None, description="Database the statements would run on "
                                                                "(required unless project_dir says).")
    project_dir: str | None = Field(default=None, max_length=4096, description=PROJECT_DIR_HELP + " With "
                                    "`changes`, the replayed history is the `schema`.")
    sql: str | None = Field(default=None, min_length=1, max_length=1_000_000,
                            description="Statements to explain, e.g. ALTER TABLE orders ADD COLUMN x int NOT NULL "
                                        "DEFAULT 0. Give exactly one of `sql`, `files` or `changes`.")
    files: list[MigrationFile] | None = Field(default=None, min_length=1, max_length=200,
                                              description="Migration files to explain instead of `sql`.")
    # At most 200: each change is attributed by planning the list up to it.
    changes: list[Change] | None = Field(
        default=None, min_length=1, max_length=200,
        description="Operations to explain instead of `sql`, as generate_migration takes them (vocabulary: "
                    "resource dbmig://schema/changes): each planned step is explained, and the safe "
                    "alternative is the zero-downtime plan of the same change.")
    schema_sql: str | None = Field(default=None, alias="schema", max_length=1_000_000,
                                   description="With `changes`: the current schema as CREATE TABLE text. Type "
                                               "changes need it (the current type decides whether the table "
                                               "is rewritten); drops without it have no safe rollback.")
    database_version: str | None = Field(default=None, pattern=r"^[A-Za-z0-9.\-]{1,20}$",
                                         description="Locks and rewrites depend on it (e.g. 10 vs 11+).")
    table_rows: dict[str, int] = Field(default_factory=dict,
                                       description="Approximate rows per table, for duration estimates.")
    dsn: str | None = Field(default=None, min_length=1, max_length=1000, repr=False,
                            description=LIVE_DSN + " With `changes`, also the schema of the tables they name.")


class VerifyArgs(ServerModel):
    model_config = ConfigDict(extra="forbid")
    migration_tool: ToolName | None = Field(default=None, description="Tool whose files these are; the "
                                                 "real tool applies them (required unless project_dir says).")
    database: DatabaseName | None = Field(default=None, description="postgresql and mysql run for real; sqlserver "
                                      "and oracle are checked offline (required unless project_dir says).")
    project_dir: str | None = Field(default=None, max_length=4096, description=PROJECT_DIR_HELP + " The dry "
                                    "run starts from the project's replayed schema.")
    files: list[MigrationFile] = Field(min_length=1, max_length=200,
                                       description="The migration files, e.g. those generate_migration returned.")
    dsn: str | None = Field(default=None, max_length=500,
                            description="postgresql://user@host:5432/db or mysql://user@host:3306/db. Without "
                                        "it PostgreSQL runs on a throwaway embedded server, MySQL on a local "
                                        "mariadbd if installed. The named database must be empty unless "
                                        "allow_nonempty; work happens in a scratch database that is dropped.")
    schema_sql: str | None = Field(default=None, alias="schema", max_length=1_000_000,
                                   description="The starting schema (CREATE TABLE text).")
    seed: str | None = Field(default=None, max_length=5_000_000,
                             description="INSERT statements; sample rows are generated when absent.")
    validation_tests: list[ValidationTest] = Field(
        default_factory=list, description="Tests to run after `up` (as generate_migration returns them).")
    allow_nonempty: bool = Field(default=False, description="Allow a DSN whose database already has tables.")


class StatementExplanation(ServerModel):
    """One statement as `dbmig.explain.explain_migration` describes it."""

    file: str = Field(description="The file; for `changes`, the change's field path (`changes.0`).")
    line: int = Field(description="The line in the file; for `changes`, the step's number within the change.")
    sql: str
    what: str = Field(description="What the statement does, in plain words.")
    lock: str = Field(description="The lock it takes.")
    blocks: str = Field(description="What that lock blocks, and for how long.")
    rewrite: bool = Field(description="The table is copied row by row.")
    scan: bool = Field(description="The table is read in full.")
    estimated_duration: str
    risks: list[str] = Field(description="Lint findings for this statement: `rule-id: message`; for `changes`, "
                                         "also the planner's warnings for the change (on its first step).")
    safe_alternative: str | None = None


class ExplainResult(ServerModel):
    statements: list[StatementExplanation]
    live: dict | None = Field(default=None, description="With `dsn`: what was read from the live database and when.")


def model_input_schema(model: type[BaseModel]) -> dict:
    return _deepen(_untitled(model.model_json_schema(by_alias=True)))


def model_output_schema(model: type[BaseModel]) -> dict:
    """The engine's report model plus the optional `omitted` note of a budget-trimmed list."""
    schema = _untitled(model.model_json_schema(mode="serialization", by_alias=True))
    schema["properties"]["omitted"] = _untitled(Omitted.model_json_schema())
    return _inlined(schema)


def validate_output_schema() -> dict:
    from dbmig.lint import LintReport
    return model_output_schema(LintReport)


def change_vocabulary_schema() -> dict:
    """The change vocabulary alone: what `changes` items may be."""
    from pydantic import TypeAdapter
    schema = _deepen(_untitled(TypeAdapter(list[Change]).json_schema(by_alias=True)))
    schema["title"] = "dbmig change vocabulary"
    schema["description"] = "A list of operations, each discriminated by `op`."
    return schema
