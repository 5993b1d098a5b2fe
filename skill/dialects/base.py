"""What a database is: one `Dialect` subclass per database (Alembic's `DefaultImpl` beside
`PostgresqlImpl`; sqlglot's `Dialect` with documented flags). Planners, renderers, intake and
explain ask the dialect; none of them compares database names or probes for keys.

A subclass sets the class attributes documented here (data: types, statement forms, catalog
checks) and overrides a method only where the database behaves differently (a statement
sequence, a version check). Lock and cost facts live in `data/<database>.toml` (`facts.py`).
`sql(form, **parts)` fills a statement form; identifiers and literals are quoted here and only
here.
"""
from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, Literal

from ..errors import InvalidRequest, Unsupported
from ..types import Identity, SqlType
from . import NAMES
from .facts import Facts, Lock

if TYPE_CHECKING:
    from ..schema import ColumnDef, IndexDef

Form = str | tuple[str, ...]

# The retry advice of a zero-downtime step whose lock timeout fired, where the dialect has none
# of its own (`Dialect.retry_note`).
RETRY = ("A step that fails with a lock timeout ('canceling statement due to lock timeout' / "
         "'Lock wait timeout exceeded') changed nothing: wait for the long transaction holding the "
         "table (pg_stat_activity / SHOW PROCESSLIST) to end and run the same phase again.")


def ansi_literal(text: str) -> str:
    """'...' with quotes doubled: what Oracle reads, and every database where no backslash or
    NUL is involved."""
    return "'" + text.replace("'", "''") + "'"


def storage_sql(options: dict[str, str]) -> str:
    """PostgreSQL storage parameters as pg_dump writes them, each value a string literal (every
    parameter takes one)."""
    return ", ".join(f"{name}={ansi_literal(value)}" for name, value in options.items())


class Dialect:
    """The base every database spreads. Attributes are data; methods are behaviour."""

    # --- who it is ------------------------------------------------------------------------------
    name: ClassVar[str] = ""                # ours: the request's `database`; other names in NAMES

    @property
    def sqlglot(self) -> str:
        """sqlglot's dialect (parsing, the SQL gate, splitting scripts)."""
        return NAMES[self.name].sqlglot

    @property
    def liquibase_dbms(self) -> str:
        """Liquibase `dbms` value(s) a changeSet runs on."""
        return NAMES[self.name].liquibase

    @property
    def sqlalchemy(self) -> str:
        """SQLAlchemy's dialect module (Alembic revisions)."""
        return NAMES[self.name].sqlalchemy

    # --- identifiers ------------------------------------------------------------------------
    quote: ClassVar[tuple[str, str]] = ('"', '"')
    max_identifier: ClassVar[int] = 128
    fold: ClassVar[str] = "none"            # how unquoted names are stored: lower / upper / none
    reserved: ClassVar[frozenset[str]] = frozenset()
    # the database's own parser dbmig reads it with (the gate, explain, lint), where it has one;
    # sqlglot reads the others
    own_parser: ClassVar[str | None] = None

    # --- types: portable name -> native template ({0}, {1}) and the catalog's data_type names --
    types: ClassVar[dict[str, str]] = {}
    serial_types: ClassVar[dict[str, str]] = {}         # portable integer -> serial type (PostgreSQL)
    identity_needs_key: ClassVar[bool] = False          # an identity column must be a key (MySQL)
    catalog_types: ClassVar[dict[str, tuple[str, ...]]] = {}
    # A type name the database stores as another (MySQL's BOOLEAN is TINYINT(1)), as sqlglot writes both.
    type_aliases: ClassVar[dict[str, str]] = {}

    # --- statements as data -------------------------------------------------------------------
    forms: ClassVar[dict[str, Form]] = {}   # statement forms; `form@N`: the variant from version N
    checks: ClassVar[dict[str, str]] = {}   # validation query forms, one COUNT(*) each
    command_allow: ClassVar[tuple[re.Pattern, ...]] = ()   # statements sqlglot only knows as Command
    on_delete: ClassVar[dict[str, str]] = {
        "cascade": " ON DELETE CASCADE", "set null": " ON DELETE SET NULL",
        "restrict": " ON DELETE RESTRICT", "no action": " ON DELETE NO ACTION"}
    version_notes: ClassVar[dict[str, str]] = {}

    # --- scripts ------------------------------------------------------------------------------
    transactional_ddl: ClassVar[bool] = True    # DDL commits or rolls back with the transaction
    batch_separator: ClassVar[str] = ""         # Flyway/Liquibase SQL: "" or "GO" / "/"
    # statements the separator follows; None: every statement (SQL Server's GO). Oracle's "/"
    # ends only PL/SQL blocks: after a plain `stmt;` SQL*Plus would run the statement twice.
    batch_separator_after: ClassVar[re.Pattern | None] = None
    statement_end: ClassVar[str] = ";"

    # --- capabilities of the direct (T1/T2) plans -------------------------------------------------
    # ops whose statement restates the whole column (MySQL MODIFY, SQL Server ALTER COLUMN): the
    # planner needs the current definition from `schema` for them.
    restates_column: ClassVar[frozenset[str]] = frozenset()
    restates_default: ClassVar[bool] = False    # ... and its default with it (MySQL MODIFY / CHANGE)
    partial_indexes: ClassVar[bool] = False     # CREATE INDEX ... WHERE
    # Index types written before INDEX (MySQL CREATE FULLTEXT INDEX), not as USING, and which no
    # online build takes: they are built with writes blocked (add_index_blocking).
    index_types_before_index: ClassVar[frozenset[str]] = frozenset()
    index_types_need_not_null: ClassVar[frozenset[str]] = frozenset()     # MySQL SPATIAL
    # A generated column is re-created as `<name> <type> GENERATED ALWAYS AS (expr) ...`; SQL Server's
    # computed columns take no type (`<name> AS (expr)`), which dbmig does not write.
    generated_columns: ClassVar[bool] = True
    # Where a table's and a column's description is written: "statement" (COMMENT ON ... IS),
    # "inline" (a COMMENT clause in the definition, MySQL), None (not read: SQL Server keeps them
    # as extended properties).
    comments: ClassVar[str | None] = None
    type_change_using: ClassVar[bool] = False   # ALTER ... TYPE ... USING <expression>
    named_defaults: ClassVar[bool] = False      # a default is a named constraint (SQL Server)
    fk_index_kept: ClassVar[bool] = False       # the index made for a foreign key outlives it (InnoDB)
    # kinds of UNNAMED constraint DROP COLUMN removes by itself: on the column alone / spanning
    # other columns too. dbmig drops the rest by name first (skill/plan/dependents.py).
    drop_column_takes_unnamed: ClassVar[frozenset[str]] = frozenset()
    drop_column_takes_unnamed_multi: ClassVar[frozenset[str]] = frozenset()
    set_assigns_left_to_right: ClassVar[bool] = False   # a later SET sees an earlier column's new value
    # a type change breaks clients' server-side prepared statements until they reconnect
    type_change_breaks_prepared: ClassVar[bool] = False
    batch_rows_locked_apart: ClassVar[bool] = False     # no FOR UPDATE inside INSERT ... SELECT
    select_into_creates_table: ClassVar[bool] = False   # SELECT ... INTO t FROM ... makes table t

    # --- tools: native changes the tool renders differently here (they stay SQL) -----------------
    liquibase_sql_only: ClassVar[frozenset[str]] = frozenset()
    alembic_sql_only: ClassVar[frozenset[str]] = frozenset()
    liquibase_types: ClassVar[tuple[str, ...]] = ()     # native types Liquibase passes through
    sqlalchemy_types: ClassVar[dict[str, str]] = {}      # native type -> SQLAlchemy type source
    # warnings for a tool that holds the database in a way steps that wait for every running
    # transaction (CREATE INDEX CONCURRENTLY) cannot live with
    tool_notes: ClassVar[dict[str, str]] = {}

    # --- zero-downtime (T3) -----------------------------------------------------------------------
    # the version assumed when the request gives none: the oldest the strategies promise
    baseline_version: ClassVar[tuple[int, ...]] = ()
    # zero-downtime strategy per op (skill/plan/online/): absent = no online form on this database
    online_strategies: ClassVar[dict[str, str]] = {}
    # how a sync trigger keeps two columns equal: "function" (PL/pgSQL BEFORE row trigger),
    # "pair" (two one-SET BEFORE triggers), "after" (AFTER trigger finding rows by the key),
    # "row" (a BEFORE row trigger with its body inline)
    sync_trigger_style: ClassVar[Literal["function", "pair", "after", "row"]] = "function"
    row_new: ClassVar[str] = "NEW."         # how a row trigger names the row written ...
    row_old: ClassVar[str] = "OLD."         # ... and the row before
    not_null_online: ClassVar[Literal["validated_check", "in_place", "online_alter", "novalidate"]] = "in_place"
    unchecked_words: ClassVar[str] = "NOT VALID"    # how step descriptions name "new rows only"
    keyless_batches: ClassVar[Literal["loop", "once", None]] = None   # fills without a key to walk
    alias_kind: ClassVar[str] = ""          # what keeps an old table name working: view, synonym ...
    alias_first: ClassVar[bool] = False     # the alias is created before the rename (Oracle)
    unique_using_index: ClassVar[bool] = False  # a UNIQUE constraint can take over an existing index
    detach_keeps_index: ClassVar[bool] = False  # ... and be dropped again keeping it (KEEP INDEX)
    alias_guard_message: ClassVar[str] = ""
    # texts for the result; {placeholders} are filled by the planner
    retry_note: ClassVar[str] = RETRY
    edition_note: ClassVar[str] = ""
    add_column_note: ClassVar[str] = ""
    sync_note: ClassVar[str] = ""
    trust_note: ClassVar[str] = ""
    unique_note: ClassVar[str] = ""
    alias_note: ClassVar[str] = ""
    dropped_column_note: ClassVar[str] = ""
    dropped_table_note: ClassVar[str] = ""
    rename_column_options: ClassVar[str] = ""
    type_change_why: ClassVar[str] = ""
    type_change_options: ClassVar[str] = ""
    interrupted_index_note: ClassVar[str] = ""
    interrupted_index_since: ClassVar[tuple[int, ...]] = ()
    # regexes over native types, for the facts that depend on them
    slow_add_column: ClassVar[str] = ""     # over '<type> NULL|NOT NULL DEFAULT <expr>' of an added column
    slow_add_column_since: ClassVar[tuple[int, ...]] = ()   # before: every DEFAULT is written into rows
    inplace_widening: ClassVar[str] = ""    # types whose widening is a catalog change
    narrowing_refused: ClassVar[str] = ""   # types that cannot be narrowed back while rows exist
    lob_type: ClassVar[str] = ""

    # --- facts ---------------------------------------------------------------------------------
    @cached_property
    def facts(self) -> Facts:
        return Facts(self.name)

    def lock(self, op: str, version: tuple[int, ...] = (), **parts: object) -> Lock:
        """The lock `op` takes here (on `version`), from the facts table."""
        return self.facts.lock(op, version, **parts)

    @cached_property
    def locks(self) -> dict[str, Lock]:
        return {op: self.facts.lock(op) for op in self.facts.ops}

    # --- identifiers and literals ----------------------------------------------------------------
    def q(self, name: str) -> str:
        """Quote an identifier only where needed: reserved, or case the database would fold."""
        stored = self.catalog_name(name)
        # Oracle's unquoted names start with a letter; elsewhere `_` may lead.
        first = r"[A-Za-z]" if self.fold == "upper" else r"[A-Za-z_]"
        plain = re.fullmatch(first + r"[A-Za-z0-9_]*", name) is not None
        needs = (not plain or name.upper() in self.reserved
                 or (self.fold == "lower" and name != name.lower()))
        if not needs:
            return stored if self.fold == "upper" else name
        return f"{self.quote[0]}{stored}{self.quote[1]}"

    def catalog_name(self, name: str) -> str:
        """The name as the catalog stores it (Oracle folds unquoted names to upper case)."""
        return name.upper() if self.fold == "upper" else name

    def literal(self, text: str) -> str:
        """`text` as one string literal that reads back as exactly `text` (the only place
        dbmig quotes request text; see `quote_literal` for the per-database forms)."""
        if "\x00" in text:
            raise InvalidRequest("text holding a NUL character cannot be written as a SQL literal")
        return self.quote_literal(text)

    def quote_literal(self, text: str) -> str:
        """How this database writes a string literal: the ANSI form unless it reads some text
        otherwise (a subclass overrides)."""
        return ansi_literal(text)

    def identifier_limit(self, version: tuple[int, ...]) -> int:
        return self.max_identifier

    def check_identifier(self, name: str, field_path: str, version: tuple[int, ...]) -> None:
        limit = self.identifier_limit(version)
        if len(name) > limit:
            raise InvalidRequest(
                f"identifier {name!r} is {len(name)} characters; {self.name} allows {limit}",
                field=field_path, suggestion=f"use a name of at most {limit} characters")

    # --- types and statements ----------------------------------------------------------------------
    def native_type(self, t: SqlType) -> str:
        if t.native is not None:        # read from this database's own schema text
            return t.native
        template = self.types.get(t.name)
        if template is None:
            raise Unsupported(f"type {t} has no equivalent on {self.name}", field="type")
        args = list(t.args)
        if t.name == "decimal":     # decimal -> (18, 0); decimal(p) -> (p, 0)
            args = [args[0], 0] if len(args) == 1 else (args or [18, 0])
        return template.format(*args)

    def numbered_type(self, t: SqlType, identity: Identity | None) -> tuple[str, str]:
        """The native type and the identity clause of a column the database numbers as
        `identity` says (None: it does not)."""
        if identity == "serial" and t.name in self.serial_types:
            return self.serial_types[t.name], ""
        clause = self.sql("identity_always" if identity == "always" else "identity_by_default") if identity else ""
        return self.native_type(t), clause

    def after_type_change(self, parts: dict[str, str], column: ColumnDef) -> list[str]:
        """What must follow a type change of a numbered column (`parts`: its quoted and literal
        names, `type`: the new native type) so its numbers can reach the new type's range."""
        return []

    def outside_transaction(self, sql: str, version: tuple[int, ...]) -> bool:
        """The statement runs only outside a transaction block: raw SQL holding one gets a step
        without a transaction (Flyway sidecar, runInTransaction="false", autocommit block)."""
        return False

    def renumbered(self, parts: dict[str, str], column: ColumnDef) -> list[str] | None:
        """Statements that number a re-added column again as `column` was numbered (identity or
        serial), continuing after its largest value (`parts`: its quoted and literal names,
        `type`); None where an existing column cannot be made numbered (SQL Server, Oracle)."""
        return None

    def restore_rows(self, parts: dict[str, str], numbered: list[tuple[str, str]]) -> list[str]:
        """The backup's rows back into their table, recreated from its definition (`parts`:
        quoted table, backup, columns); `numbered`: its identity columns, (name, kind). Here the
        rows go in as they were: MySQL moves AUTO_INCREMENT past the values it is given."""
        return [self.sql("insert_from", **parts)]

    def has(self, form: str) -> bool:
        return form in self.forms

    def statements(self, form: str, **parts: object) -> list[str]:
        """Fill a statement form; a form may be several statements (SQL Server drops a
        column's default constraint before the column)."""
        try:
            template = self.forms[form]
        except KeyError:
            raise Unsupported(f"{form.replace('_', ' ')} is not available on {self.name}") from None
        templates = (template,) if isinstance(template, str) else template
        return [t.format(**parts) for t in templates]

    def sql(self, form: str, **parts: object) -> str:
        """A form that is one statement or one clause."""
        (statement,) = self.statements(form, **parts)
        return statement

    def check(self, form: str, **parts: object) -> str:
        return self.checks[form].format(**parts)

    @property
    def current_schema(self) -> str:
        """The expression naming the schema unqualified DDL goes to, for catalog checks."""
        return self.checks.get("schema", "")

    def lock_timeout(self, seconds: int) -> str:
        """The session setting that makes a statement waiting for its lock fail after `seconds`."""
        return self.sql("lock_timeout", timeout=f"{seconds}s", timeout_s=str(seconds),
                        timeout_ms=str(seconds * 1000))

    def copy_table(self, backup: str, columns: str, table: str, where: str = "") -> str:
        """A new table `backup` holding `columns` of the rows of `table` (quoted names) that
        match `where` (a ` WHERE ...` clause or "")."""
        return self.sql("copy_table", backup=backup, columns=columns, table=table, where=where)

    def drop_constraint(self, kind: str, table: str, name: str) -> str:
        """Dropping a constraint by name; MySQL names the statement by kind."""
        return self.sql("drop_constraint", table=table, name=name)

    def terminate(self, statement: str) -> str:
        """A statement as the database's script runner expects it: SQL Server's GO after every
        batch, Oracle's "/" only after a PL/SQL block (after `stmt;` SQL*Plus runs it twice)."""
        end = "" if statement.rstrip().endswith(";") else self.statement_end
        text = f"{statement}{end}"
        after = self.batch_separator_after
        if self.batch_separator and (after is None or after.match(statement)):
            return f"{text}\n{self.batch_separator}"
        return text

    # --- facts that depend on the values: defaults, type changes ------------------------------------
    def volatile_calls(self, expression: str) -> list[str]:
        """The calls in a DEFAULT whose value differs per row (`name()` each)."""
        return []

    def is_volatile(self, expression: str) -> bool:
        return bool(self.volatile_calls(expression))

    def add_column_rewrites(self, default: str | None, version: tuple[int, ...]) -> bool:
        """ADD COLUMN with this DEFAULT writes it into every existing row under its lock."""
        return False

    def type_change_in_catalog(self, old: SqlType, new: SqlType) -> bool:
        """The plain type change (T1) is a catalog change: no row is rewritten."""
        return False

    def converts(self, old: SqlType, new: SqlType) -> bool:
        """A type change old -> new can convert the values at all (whether each one fits is the
        guard's matter); False: the database has no conversion, whatever the rows hold."""
        return True

    def needs_cast(self, old: SqlType, new: SqlType) -> bool:
        """The type change must spell the conversion out (PostgreSQL `USING col::new`)."""
        return False

    def validated_check_skips_scan(self, version: tuple[int, ...]) -> bool:
        """SET NOT NULL reads no row when a validated CHECK (col IS NOT NULL) proves it."""
        return False

    # --- zero-downtime: versions and the forms that depend on them ----------------------------------
    def version_or_baseline(self, version: tuple[int, ...]) -> tuple[int, ...]:
        return version or self.baseline_version

    def variant(self, form: str, version: tuple[int, ...]) -> str | None:
        """The form `form` (no version floor) or `form@N` for the highest N <= version; None
        when even the oldest variant needs a later version, or the form is not here."""
        version = self.version_or_baseline(version)
        variants = sorted((_version(k.split("@", 1)[1]), k) for k in self.forms if k.startswith(f"{form}@"))
        variants = ([((), form)] if form in self.forms else []) + variants
        fitting = [k for v, k in variants if v <= version]
        return fitting[-1] if fitting else None

    def offers(self, form: str) -> bool:
        """The form exists here in some version (then `variant` says which applies)."""
        return any(k == form or k.startswith(f"{form}@") for k in self.forms)

    def online_index_form(self, action: Literal["add", "drop"], version: tuple[int, ...]) -> str:
        """The statement form building or dropping an index without blocking writes."""
        return self.variant(f"{action}_index_online", version) or f"online_{action}_index"

    def builds_online(self, index: IndexDef) -> bool:
        """Whether an online form can build `index` (MySQL's FULLTEXT and SPATIAL: LOCK=SHARED at best)."""
        return index.using not in self.index_types_before_index

    def case_blind(self, collation: str | None) -> str | None:
        """The collation under which `=`/`<>` on text ignore case (`collation`: the column's or
        table's, None when unknown: then the database default's), else None."""
        return None

    def backs_up_key_runs(self) -> bool:
        """A backfill's batch can record the keys it fills as runs (`batch_fill_runs`)."""
        return self.has("batch_fill_runs")

    def sync_when(self, a: str, b: str) -> str:
        """The clause limiting a two-way sync trigger to writes that leave `a` and `b` unequal;
        '' where a trigger takes no condition."""
        return self.sql("zd_sync_when", unequal=self.row_differs(a, b)) if self.has("zd_sync_when") else ""

    def create_index(self, form: str, table: str, index: IndexDef) -> str:
        """CREATE INDEX for `index` on `table`, in the form named (plain, online, a version's variant)."""
        q = self.q
        before = index.using if index.using in self.index_types_before_index else None
        return self.sql(form, unique=f"{before.upper()} " if before else "UNIQUE " if index.unique else "",
                        name=q(index.name), table=q(table),
                        method=f" USING {index.using}" if index.using and not before else "",
                        columns=", ".join(index.keys or map(q, index.columns)),
                        include=f" INCLUDE ({', '.join(map(q, index.include))})" if index.include else "",
                        options=self.index_options(index),
                        where=self.sql("partial_index", where=index.where) if index.where else "")

    def index_options(self, index: IndexDef) -> str:
        """What follows an index's columns: PostgreSQL's storage parameters."""
        return f" WITH ({storage_sql(index.storage)})" if index.storage else ""

    def table_options(self, create: str, table) -> str:
        """CREATE TABLE text with what follows the table's body (`table`, a schema or catalog
        table): PostgreSQL's PARTITION BY and storage parameters, MySQL's COMMENT."""
        if table.partition_by:
            create += self.sql("partition_by", key=table.partition_by)
        if table.storage:
            create += self.sql("table_storage", storage=storage_sql(table.storage))
        if table.comment and self.comments == "inline":
            create += self.sql("table_comment", comment=self.literal(table.comment))
        return create

    def comment_clause(self, comment: str | None) -> str:
        """A column's description in its definition, where the definition holds it (MySQL)."""
        return self.sql("column_comment", comment=self.literal(comment)) if comment and self.comments == "inline" \
            else ""

    def comments_on(self, table: str, comment: str | None, columns, quote=None) -> list[str]:
        """COMMENT ON statements for table `table`'s description and its `columns`' (schema or
        catalog columns), where they are statements of their own; names quoted by `quote`
        (default `q`)."""
        if self.comments != "statement":
            return []
        quote = quote or self.q
        out = [self.sql("comment_on_table", table=quote(table), text=self.literal(comment))] if comment else []
        return out + [self.sql("comment_on_column", table=quote(table), column=quote(c.name),
                               text=self.literal(c.comment)) for c in columns if c.comment]

    def attach_partition(self, table, quote=None) -> str:
        """Attaching the partition `table` to its parent, names quoted by `quote` (default `q`)."""
        quote = quote or self.q
        return self.sql("attach_partition", parent=quote(table.partition_of), table=quote(table.name),
                        bound=table.partition_bound)

    def drop_index_if_exists(self, table: str, name: str, version: tuple[int, ...]) -> str:
        """Dropping an index that may be gone (a rollback after a failed online build)."""
        if self.has("zd_drop_index_if_exists"):
            return self.sql("zd_drop_index_if_exists", name=name, table=table)
        return self.sql(self.online_index_form("drop", version), name=name, table=table)

    def online_form(self, op: str, version: tuple[int, ...]) -> str | None:
        """The online statement form of `op` (`online_<op>`) for this version, if any."""
        return self.variant(f"online_{op}", version)

    def set_unused_form(self, version: tuple[int, ...]) -> str | None:
        return self.variant("zd_set_unused", version)

    def marks_columns_unused(self) -> bool:
        """Columns leave in the zero-downtime plan by being marked unused, not dropped."""
        return self.offers("zd_set_unused")

    def index_interrupted_note(self, version: tuple[int, ...]) -> str:
        """How to recover an online index build that was killed (a text with {name}, {table})."""
        return self.interrupted_index_note if self.version_or_baseline(version) >= self.interrupted_index_since else ""

    def keeps_defaults_in_catalog(self, version: tuple[int, ...]) -> bool:
        """From this version on ADD COLUMN keeps a DEFAULT in the catalog (`writes_default_per_row`
        says which it still writes)."""
        return self.version_or_baseline(version) >= self.slow_add_column_since

    def writes_default_per_row(self, native: str, nullable: bool, default: str) -> bool:
        """ADD COLUMN writes this column's DEFAULT into every existing row (a LOB, a per-row value)."""
        described = f"{native} {'NULL' if nullable else 'NOT NULL'} DEFAULT {default}"
        return bool(self.slow_add_column) and re.search(self.slow_add_column, described, re.I) is not None

    def widens_in_place(self, old: str, new: str) -> bool:
        """Changing native type `old` to `new` is a catalog change on a column holding rows: both
        are types the database widens in its catalog (`inplace_widening`), of the same shape
        (VARCHAR2(n CHAR), NUMBER(p,s)), and every old value fits the new one. Read from the native
        types: Oracle's NUMBER(10) and NUMBER(19) are one type, integer and bigint two portable ones."""
        if not self.inplace_widening or not all(re.match(self.inplace_widening, n, re.I) for n in (old, new)):
            return False
        shape = lambda n: re.sub(r"[\d,\s]+", "", n).upper()  # noqa: E731
        (p, s), (p2, s2) = _size(old), _size(new)
        return shape(old) == shape(new) and s2 >= s and p2 - s2 >= p - s

    def cannot_narrow_back(self, native: str) -> bool:
        """The database will not change this type back to a narrower one while rows exist."""
        return bool(self.narrowing_refused) and re.match(self.narrowing_refused, native, re.I) is not None

    def is_lob(self, native: str) -> bool:
        """A large object: a row trigger cannot compare it, and its table's defaults are written."""
        return bool(self.lob_type) and re.search(self.lob_type, native) is not None

    def invalid_index_check(self, name_literal: str) -> str | None:
        """A query counting a half-built index a failed online build leaves behind (PostgreSQL)."""
        return None

    def alias_guard(self, name: str) -> tuple[str, str] | None:
        """(query, message): a pre-check the alias of a renamed table needs (privileges), or None."""
        return None

    def distinct(self, a: str, b: str) -> str:
        """`a` and `b` differ, NULLs compared as values."""
        return self.sql("zd_distinct", a=a, b=b)

    def row_differs(self, a: str, b: str) -> str:
        """The same inside a row trigger's body (PL/SQL has no DECODE)."""
        return self.sql("zd_row_distinct" if self.has("zd_row_distinct") else "zd_distinct", a=a, b=b)

    def sync_cast(self, value: str, native: str) -> str:
        """A value converted to `native` the way a sync trigger and its backfill write it."""
        return self.sql("zd_cast", value=value, type=native) if self.has("zd_cast") else value

    def keyless_backfill(self, **parts: str) -> list[str]:
        """The batched fill of a table without an integer key (`keyless_batches`)."""
        return self.statements({"loop": "zd_batch_pending", "once": "zd_batch_once"}[self.keyless_batches], **parts)

    def __repr__(self) -> str:
        return f"<Dialect {self.name}>"


def _size(native: str) -> tuple[int, int]:
    """(length or precision, scale) of a native type; a missing scale is 0."""
    numbers = [int(x) for x in re.findall(r"\d+", native.partition("(")[2])] + [0, 0]
    return numbers[0], numbers[1]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".") if p.isdigit())
