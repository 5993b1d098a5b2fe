"""The public data shapes: the request, the change vocabulary and the result contract.

Changes hold only fields (like Alembic's ops); planning and rendering live elsewhere.
Identifiers are checked here for characters; their length is checked per database by the
dialect once the target is known (see `dbmig.dialects.base.Dialect.check_identifier`).
"""
from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, WithJsonSchema, \
    field_validator, model_validator

from .dialects import ALIASES, DATABASES
from .limits import MAX_CHANGES, MAX_IDENTIFIER, MAX_NESTING, MAX_TEXT, nests_deeper

# Always used with fullmatch: `$` also matches before a final newline, so `re.match` let
# "ck\n" through (a name that puts SQL text on a new line after a comment).
IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _identifier(value: str) -> str:
    if len(value) > MAX_IDENTIFIER:
        raise ValueError(f"identifier has {len(value):,} characters; at most {MAX_IDENTIFIER} are accepted "
                         "(each database allows fewer, see max_identifier_length)")
    if not IDENTIFIER_RE.fullmatch(value):
        raise ValueError(
            "identifier must start with a letter or _ and contain only letters, digits, _ and $ "
            "(no quotes, spaces, ';' or control characters)")
    return value


def _unicode(value: str) -> str:
    """Python strings may hold lone surrogates (JSON `\\ud800` read by a lenient parser); no
    database, file or parser downstream can encode them."""
    if _SURROGATE.search(value):
        raise ValueError("text must be valid Unicode (it holds a lone surrogate)")
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _sql_text(value: str) -> str:
    """SQL from a request: no NUL (no database stores it in text; C libraries cut there), and
    parentheses nested at most MAX_NESTING deep (sqlglot recurses per level)."""
    if "\x00" in value:
        raise ValueError("SQL text must not contain a NUL character")
    _unicode(value)
    if nests_deeper(value):
        raise ValueError(f"parentheses nest deeper than {MAX_NESTING} levels")
    return value


Ident = Annotated[str, AfterValidator(_identifier)]
SqlExpr = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, description="One SQL expression in the target "
                               "database's dialect, e.g. `0`, `'active'`, `now()`."), AfterValidator(_sql_text)]
SqlText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(_sql_text)]


def canonical(value):
    """An enum-like value as users type it (`CASCADE`, ` Flyway`, `set  null`) in its canonical
    spelling: lower case, single spaces. Anything else is left for validation to name."""
    return " ".join(value.split()).lower() if isinstance(value, str) else value


Canonical = BeforeValidator(canonical)


def _descriptive(value: str) -> str:
    if not value.strip():
        raise ValueError("must say what the migration does (it is blank)")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class MigrationTool(str, Enum):
    liquibase = "liquibase"
    flyway = "flyway"
    alembic = "alembic"


# The databases dbmig knows: the dialects' registry (dbmig.dialects.DATABASES).
Database = Enum("Database", {name: name for name in DATABASES}, type=str)


class MigrationType(str, Enum):
    schema = "schema"
    data = "data"
    hybrid = "hybrid"


class LiquibaseFormat(str, Enum):
    xml = "xml"
    yaml = "yaml"
    sql = "sql"


def database_name(value):
    """A database as users name it: any case, and the other names people use ("postgres",
    "mariadb", "mssql"), read as the CLI and lint read them."""
    value = canonical(value)
    return ALIASES.get(value, value) if isinstance(value, str) else value


ToolName = Annotated[MigrationTool, Canonical]
DatabaseName = Annotated[Database, BeforeValidator(database_name)]


class Tier(str, Enum):
    T1 = "T1"
    T2 = "T2"
    T3 = "T3"


# --- the change vocabulary -------------------------------------------------------------------

class Column(Strict):
    name: Ident
    type: str = Field(max_length=64, description="Portable type: varchar(n), char(n), text, smallint, integer, bigint, "
                                  "boolean, timestamp, timestamptz, date, time, decimal(p,s), float, "
                                  "double, uuid, json, blob.")
    nullable: StrictBool = True
    default: SqlExpr | None = None
    primary_key: StrictBool = False
    unique: StrictBool = False
    # came after the first release: left out when not set, so that a request's id (the Alembic
    # revision, render.common.request_id) and its echo stay what they were
    identity: Literal["by_default", "always"] | None = Field(
        None, exclude_if=lambda v: v is None,
        description="The database numbers the column (create_table only): by_default takes explicit values too "
                    "(GENERATED BY DEFAULT AS IDENTITY, AUTO_INCREMENT, IDENTITY(1,1)); always refuses them where "
                    "the database can (PostgreSQL, Oracle). An integer type, not null.")


class CreateTable(Strict):
    op: Literal["create_table"] = "create_table"
    table: Ident
    columns: list[Column] = Field(min_length=1)
    primary_key: list[Ident] | None = None

    @field_validator("columns")
    @classmethod
    def _distinct_names(cls, columns: list[Column]) -> list[Column]:
        """A table cannot hold two columns of one name (databases compare them without case)."""
        seen: dict[str, int] = {}
        for i, column in enumerate(columns):
            first = seen.setdefault(column.name.lower(), i)
            if first != i:
                raise ValueError(f"columns.{i}.name {column.name!r} repeats columns.{first}.name: "
                                 "each column needs its own name")
        return columns


class DropTable(Strict):
    op: Literal["drop_table"] = "drop_table"
    table: Ident


class RenameTable(Strict):
    op: Literal["rename_table"] = "rename_table"
    table: Ident
    new_name: Ident


class AddColumn(Strict):
    op: Literal["add_column"] = "add_column"
    table: Ident
    column: Column

    def implied(self) -> list["Change"]:
        """The changes `column.unique` asks for besides the column: planned (and checked) as the
        add_unique they are, so the online form and the rollback are that op's."""
        return [AddUnique(table=self.table, columns=[self.column.name])] if self.column.unique else []


class DropColumn(Strict):
    op: Literal["drop_column"] = "drop_column"
    table: Ident
    column: Ident


class RenameColumn(Strict):
    op: Literal["rename_column"] = "rename_column"
    table: Ident
    column: Ident
    new_name: Ident


class AlterColumnType(Strict):
    op: Literal["alter_column_type"] = "alter_column_type"
    table: Ident
    column: Ident
    type: str = Field(max_length=64)
    using: SqlExpr | None = None


class SetNotNull(Strict):
    op: Literal["set_not_null"] = "set_not_null"
    table: Ident
    column: Ident
    backfill: SqlExpr | None = None


class DropNotNull(Strict):
    op: Literal["drop_not_null"] = "drop_not_null"
    table: Ident
    column: Ident


class SetDefault(Strict):
    op: Literal["set_default"] = "set_default"
    table: Ident
    column: Ident
    default: SqlExpr


class DropDefault(Strict):
    op: Literal["drop_default"] = "drop_default"
    table: Ident
    column: Ident


class AddIndex(Strict):
    op: Literal["add_index"] = "add_index"
    table: Ident
    columns: list[Ident] = Field(min_length=1)
    name: Ident | None = None
    unique: StrictBool = False
    where: SqlExpr | None = None


class DropIndex(Strict):
    op: Literal["drop_index"] = "drop_index"
    table: Ident
    name: Ident


class AddForeignKey(Strict):
    op: Literal["add_foreign_key"] = "add_foreign_key"
    table: Ident
    columns: list[Ident] = Field(min_length=1)
    ref_table: Ident
    ref_columns: list[Ident] = Field(min_length=1)
    name: Ident | None = None
    on_delete: Annotated[Literal["cascade", "set null", "restrict", "no action"] | None, Canonical] = None


class AddUnique(Strict):
    op: Literal["add_unique"] = "add_unique"
    table: Ident
    columns: list[Ident] = Field(min_length=1)
    name: Ident | None = None


class AddCheck(Strict):
    op: Literal["add_check"] = "add_check"
    table: Ident
    expression: SqlExpr
    name: Ident | None = None


class DropConstraint(Strict):
    op: Literal["drop_constraint"] = "drop_constraint"
    table: Ident
    name: Ident


class Backfill(Strict):
    op: Literal["backfill"] = "backfill"
    table: Ident
    column: Ident
    value: SqlExpr
    where: SqlExpr | None = None
    batch_size: int | None = Field(default=None, ge=1, le=1_000_000)
    pause_ms: int | None = Field(default=None, ge=0, le=60_000,
                                 description="Sleep between batches, to leave the server room.")


class UpdateRows(Strict):
    op: Literal["update_rows"] = "update_rows"
    table: Ident
    set: dict[Ident, SqlExpr] = Field(min_length=1)
    where: SqlExpr | None = None
    batch_size: int | None = Field(default=None, ge=1, le=1_000_000)
    pause_ms: int | None = Field(default=None, ge=0, le=60_000)


class SplitColumn(Strict):
    op: Literal["split_column"] = "split_column"
    table: Ident
    column: Ident
    into: list[Ident] = Field(min_length=2, max_length=4)
    separator: str = Field(min_length=1, max_length=10, pattern=r"^[^\x00-\x1f\\]+$")
    # No backslash: MySQL reads it as an escape inside a string literal.
    on_unsplittable: Annotated[Literal["keep-in-first", "abort", "fail"], Canonical] = Field(
        default="keep-in-first",
        description="A value with fewer separators than `into` needs (a single name such as 'Cher'): "
                    "keep-in-first keeps it whole in the first column and leaves the others NULL; "
                    "abort (or its older name fail) stops before any row changes and says how many.")
    batch_size: int | None = Field(default=None, ge=1, le=1_000_000)
    pause_ms: int | None = Field(default=None, ge=0, le=60_000)


class RawSql(Strict):
    op: Literal["raw_sql"] = "raw_sql"
    up: SqlText
    down: SqlText | None = None


def _canonical_op(value):
    """`op` in any case, like the other enum-like fields."""
    if isinstance(value, dict) and isinstance(value.get("op"), str):
        return {**value, "op": canonical(value["op"])}
    return value


Change = Annotated[Union[
    CreateTable, DropTable, RenameTable, AddColumn, DropColumn, RenameColumn, AlterColumnType,
    SetNotNull, DropNotNull, SetDefault, DropDefault, AddIndex, DropIndex, AddForeignKey,
    AddUnique, AddCheck, DropConstraint, Backfill, UpdateRows, SplitColumn, RawSql,
], Field(discriminator="op"), BeforeValidator(_canonical_op)]

OPS: tuple[str, ...] = tuple(
    m.model_fields["op"].default for m in Change.__origin__.__args__)  # type: ignore[attr-defined]


# --- the request -------------------------------------------------------------------------------

# Fields a request and a plan request share, declared once.
Changes = Annotated[list[Change] | None, Field(default=None, min_length=1, max_length=MAX_CHANGES)]
SchemaText = Annotated[SqlText | None, Field(default=None, alias="schema",
                                             description="The current schema: CREATE TABLE (and CREATE INDEX) statements, "
                                                         "or a schema-only dump (pg_dump --schema-only, mysqldump --no-data).")]
DatabaseVersion = Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9.\-]{1,20}$")]
TableRows = Annotated[dict[Ident, Annotated[int, Field(ge=0, le=10**15)]], Field(default_factory=dict, max_length=1000)]
# Read-only introspection of the live database (skill/live/): fills `schema`, `table_rows` and
# `database_version` where the request leaves them out. repr=False: a DSN may hold a password.
Dsn = Annotated[str | None, Field(default=None, min_length=1, max_length=1000, repr=False,
                                  description="A live database to read (read-only): postgresql://user@host:5432/db, "
                                              "mysql://..., sqlserver://..., oracle://user@host:1521/service.")]


class PlanRequest(Strict):
    """What planning reads of a request: the change and the facts about the database, never the
    migration tool or its file conventions (explain_migration plans with one of these)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    migration_type: MigrationType = MigrationType.schema
    downtime_allowed: StrictBool
    changes: Changes
    schema_sql: SchemaText
    database_version: DatabaseVersion
    table_rows: TableRows
    confirm_data_loss: StrictBool = False
    dsn: Dsn                            # where the facts above may be read from (explain with `dsn`)


class MigrationRequest(Strict):
    """The skill's inputs plus the change itself (structured `changes` preferred)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    migration_tool: ToolName
    database: DatabaseName
    migration_type: Annotated[MigrationType, Canonical]
    downtime_allowed: StrictBool
    # no control characters but tab and line breaks: it reaches file names, comments and docstrings
    migration_description: Annotated[str, AfterValidator(_unicode), AfterValidator(_descriptive)] = Field(
        min_length=1, max_length=500, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$")
    changes: Changes
    sql: SqlText | None = None
    schema_sql: SchemaText
    database_version: DatabaseVersion
    table_rows: TableRows
    version: str | None = Field(default=None, pattern=r"^\d+([._]\d+)*$",
                                description="Flyway version, e.g. `42`, `2.1` or `2_1`.")
    revision: str | None = Field(default=None, pattern=r"^[0-9a-z_]{1,32}$")
    down_revision: str | None = Field(default=None, pattern=r"^[0-9a-z_]{1,32}$")
    # No control characters, and none of the line breaks YAML or XML tools know beyond them
    # (U+0085, U+2028, U+2029): the author stands in file headers.
    author: str = Field(default="dbmig", pattern=r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029<>&\"']{1,64}$")
    liquibase_format: Annotated[LiquibaseFormat, Canonical] = LiquibaseFormat.xml
    confirm_data_loss: StrictBool = False
    # Context from the user's world: where facts come from, not part of the change itself (so
    # left out of the ids derived from the request, see CONTEXT_FIELDS).
    project_dir: str | None = Field(default=None, min_length=1, max_length=4096, description=(
        "The user's migration project (Flyway, Liquibase or Alembic): its config gives the tool and "
        "database, its history the current schema and the next version / head / include."))
    replay: Literal["offline", "database"] = Field(default="offline", description=(
        "How the project's history becomes the schema: `offline` models every statement; `database` "
        "applies it with the real tool on a throwaway database and reads the catalog."))
    replay_dsn: str | None = Field(default=None, max_length=500, description=(
        "With replay=database: a server where dbmig creates (and drops) the throwaway database."))
    dsn: Dsn

    def plan_request(self) -> PlanRequest:
        """What the planner reads of this request."""
        return PlanRequest.model_construct(**{f: getattr(self, f) for f in PlanRequest.model_fields})


# Request fields that say where facts come from, and the facts about the database the migration
# is planned against (its schema, row counts, version), not what to change: ids derived from a
# request (Liquibase changeSet ids, Alembic revisions) ignore them, so a migration keeps its ids
# when row counts move or the facts come from a live database or a project instead of the request.
CONTEXT_FIELDS = frozenset({"project_dir", "replay", "replay_dsn", "dsn", "schema_sql", "table_rows",
                            "database_version"})


# --- the result contract -----------------------------------------------------------------------

class ScriptFile(Strict):
    filename: str
    content: str


class RollbackScript(ScriptFile):
    manual_steps: list[str] = Field(default_factory=list)


UNCHANGED = "same as before the migration: record it first"


def expected_text(rows: list[list[Any]] | None) -> str:
    """Rows a query must return, as the contract's string: one value as itself ("1", "0"),
    several as `a, b; c, d`; None: the result before the migration."""
    if rows is None:
        return UNCHANGED
    if not rows:
        return "no rows"
    return "; ".join(", ".join("NULL" if v is None else str(v) for v in row) for row in rows)


class ValidationTest(Strict):
    """Run `query` after the migration (with `phase`, right after that phase). `expected_result`
    says what it must return, as the contract's string ("1", "0", or "same as before the
    migration: record it first"); `expected_rows` says the same for a program: the rows, absent
    when `compare` is "unchanged" (run the query before the migration too: both results equal)."""

    description: str
    query: str
    expected_result: str
    expected_rows: list[list[Any]] | None = Field(
        default=None, description="The rows `query` returns when the test passes (compare=equals).")
    compare: Literal["equals", "unchanged"] = "equals"
    phase: str | None = Field(default=None, description="Multi-phase (T3) plans: run this test right after "
                              "that phase; without it, after the last phase.")

    @model_validator(mode="before")
    @classmethod
    def _rows_as_result(cls, data):
        """Tests from earlier dbmig versions carry the rows themselves in `expected_result`."""
        if isinstance(data, dict) and isinstance(data.get("expected_result"), list):
            unchanged = data.get("compare") == "unchanged"
            rows = None if unchanged else data["expected_result"]
            data = {**data, "expected_result": expected_text(rows), "expected_rows": rows}
        return data


class LockEstimate(Strict):
    statement: str
    lock: str
    blocks: str
    rewrite: bool = False
    scan: bool = False
    estimate: str


class DeploymentGuide(Strict):
    pre_migration_steps: list[str]
    execution_steps: list[str]
    post_migration_steps: list[str]
    rollback_procedure: list[str]
    estimated_duration: str
    lock_estimates: list[LockEstimate] = Field(default_factory=list)


class PhaseFiles(Strict):
    name: str
    gate_before: str | None = None
    files: list[ScriptFile]


ECHOED_CHANGES = {"type": "array", "items": {
    "type": "object", "required": ["op"], "properties": {"op": {"type": "string", "enum": list(OPS)}},
    "description": "A change as in generate_migration's input `changes` (resource dbmig://schema/changes)."}}


class MigrationResult(Strict):
    migration_tool: MigrationTool
    database: Database
    migration_type: MigrationType
    downtime_allowed: bool
    tier: Tier
    migration_script: ScriptFile
    rollback_script: RollbackScript
    validation_tests: list[ValidationTest]
    deployment_guide: DeploymentGuide
    warnings: list[str]
    timestamp: str
    extra_files: list[ScriptFile] = Field(
        default_factory=list, description="Files besides the migration and rollback scripts "
        "(Flyway .conf sidecars, further V/U files), in apply order.")
    phases: list[PhaseFiles] | None = None
    # Published as objects with an `op`: each has the shape of an input `changes` item, which the input
    # schema already spells out; repeating its 21 kinds here tripled the output schema that every
    # client compiles at its first call and checks each result against (benchmarks/mcp_latency.py).
    changes: Annotated[list[Change] | None, WithJsonSchema(ECHOED_CHANGES)] = Field(
        default=None, description="The changes as dbmig understood them from `sql` or the description "
        "(absent when the request gave `changes`: they are used as given).")

    @property
    def files(self) -> list[ScriptFile]:
        """Every file to write, in apply order, each once (not serialized: it would repeat
        the scripts and double the tokens an agent receives)."""
        if self.phases:
            listed = [f for p in self.phases for f in p.files]
        else:
            listed = [self.migration_script, *self.extra_files, self.rollback_script]
        seen: set[str] = set()
        return [f for f in listed if not (f.filename in seen or seen.add(f.filename))]
