"""PostgreSQL as data. Lock facts in data/postgresql.toml (PostgreSQL 15 manual, "Explicit
Locking" and ALTER TABLE); volatility in data/postgresql_non_volatile.txt (from pg_proc)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..types import NUMBERS, SERIAL, STRINGS, SqlType
from .base import Dialect, ansi_literal
from .volatility import volatile_function
from .common import (ANSI_FORMS, BATCH_DEFAULTS, COMMENT_ON, INFO_SCHEMA_CHECKS, N, ONLINE_STRATEGIES, PS,
                     RESERVED_CORE, SQLALCHEMY_TYPES)

if TYPE_CHECKING:
    from ..schema import ColumnDef

# Flyway >= 9.1.2 holds a transactional advisory lock for the whole `migrate` on PostgreSQL; a
# step that waits for every running transaction (CREATE INDEX CONCURRENTLY) then waits forever.
FLYWAY_LOCK = ("Flyway >= 9.1.2 on PostgreSQL holds a transactional advisory lock for the whole "
               "`migrate`, so CREATE/DROP INDEX CONCURRENTLY waits for it forever: set "
               "`postgresql.transactional.lock=false` (flyway.conf / FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK) "
               "for these migrations.")
# A call's name starts a word: without the lookbehind every suffix of a long word was tried.
_CALL = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)\s*\(")


_TEMPORAL_CASTS = {("date", "timestamp"), ("date", "timestamptz"), ("timestamp", "date"), ("timestamp", "time"),
                   ("timestamp", "timestamptz"), ("timestamptz", "date"), ("timestamptz", "time"),
                   ("timestamptz", "timestamp")}


class PostgreSQL(Dialect):
    name = "postgresql"
    quote = ('"', '"')
    max_identifier = 63
    fold = "lower"
    own_parser = "pglast"          # libpg_query: PostgreSQL's parser, PL/pgSQL bodies included
    reserved = RESERVED_CORE | frozenset(
        "ANALYSE ANALYZE ARRAY ASYMMETRIC COLLATE CONCURRENTLY DEFERRABLE DO FREEZE ILIKE INITIALLY "
        "ISNULL LATERAL LOCALTIME LOCALTIMESTAMP NOTNULL ONLY OVERLAPS PLACING RETURNING SIMILAR "
        "SYMMETRIC TABLESAMPLE VARIADIC VERBOSE".split())
    types = {
        "varchar": "VARCHAR({0})", "char": "CHAR({0})", "text": "TEXT", "smallint": "SMALLINT",
        "integer": "INTEGER", "bigint": "BIGINT", "boolean": "BOOLEAN", "timestamp": "TIMESTAMP",
        "timestamptz": "TIMESTAMPTZ", "date": "DATE", "time": "TIME", "decimal": "NUMERIC({0},{1})",
        "float": "REAL", "double": "DOUBLE PRECISION", "uuid": "UUID", "json": "JSONB", "blob": "BYTEA",
    }
    catalog_types = {
        "varchar": ("character varying",), "char": ("character",), "text": ("text",),
        "smallint": ("smallint",), "integer": ("integer",), "bigint": ("bigint",),
        "boolean": ("boolean",), "timestamp": ("timestamp without time zone",),
        "timestamptz": ("timestamp with time zone",), "date": ("date",),
        "time": ("time without time zone",), "decimal": ("numeric",), "float": ("real",),
        "double": ("double precision",), "uuid": ("uuid",), "json": ("jsonb",), "blob": ("bytea",),
    }
    serial_types = {portable: serial for serial, portable in SERIAL.items()}
    transactional_ddl = True
    comments = "statement"
    forms = {
        **ANSI_FORMS,
        **COMMENT_ON,
        **BATCH_DEFAULTS,
        "alter_column_type": "ALTER TABLE {table} ALTER COLUMN {column} TYPE {type}{using}",
        "using_clause": " USING {using}",
        "set_not_null": "ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL",
        "drop_not_null": "ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL",
        "partial_index": " WHERE {where}",
        "add_index_online": "CREATE {unique}INDEX CONCURRENTLY {name} ON {table}{method} ({columns}){include}"
                            "{options}{where}",
        "drop_index_online": "DROP INDEX CONCURRENTLY {name}",
        # A partitioned table takes no CONCURRENTLY (create or drop): its own index is made ON ONLY
        # it (invalid, and empty: the table holds no rows), each partition's concurrently, then
        # attached; the last attach makes it valid. Dropping it drops the attached ones.
        "add_index_only": "CREATE {unique}INDEX {name} ON ONLY {table}{method} ({columns}){include}{options}{where}",
        "attach_index": "ALTER INDEX {name} ATTACH PARTITION {partition_index}",
        "drop_partitioned_index": "DROP INDEX IF EXISTS {name}",
        # Declarative partitioning, as pg_dump writes it: the parent with its key, each partition
        # created on it or made alone and attached once every table exists.
        "partition_by": " PARTITION BY {key}",
        "table_storage": " WITH ({storage})",
        "create_partition": "CREATE TABLE {table} PARTITION OF {parent}{body} {bound}",
        "attach_partition": "ALTER TABLE {parent} ATTACH PARTITION {table} {bound}",
        "lock_timeout": "SET lock_timeout = '{timeout}'",
        # Rows restored into a recreated table keep their numbers: a GENERATED ALWAYS column takes
        # them only with OVERRIDING SYSTEM VALUE, and the sequence (which the inserted values do
        # not move) must continue after the largest one, or the app's next insert collides.
        "insert_from_always": "INSERT INTO {table} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {backup}",
        # the sequence's name as the catalog knows it (a serial's may not be <table>_<column>_seq)
        "serial_sequence_type": "DO $$ BEGIN EXECUTE format('ALTER SEQUENCE %s AS {type}', "
                                "pg_get_serial_sequence({table_lit}, {column_lit})); END $$",
        # A dropped numbered column's rollback (plan/columns.py): an identity is added back
        # (the column is NOT NULL by then); a serial's sequence went with the column.
        "add_identity": "ALTER TABLE {table} ALTER COLUMN {column} ADD GENERATED {kind} AS IDENTITY",
        "serial_restore": ("CREATE SEQUENCE {sequence} AS {type} OWNED BY {table}.{column}",
                           "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT nextval({sequence_lit})"),
        "identity_continue": "SELECT setval(pg_get_serial_sequence({table_lit}, {column_lit}), "
                             "COALESCE(MAX({column}), 0) + 1, false) FROM {table}",
        # Batched data migrations (skill/plan/data.py). A DO block may COMMIT per batch only
        # outside a transaction block (PG 11+), so its step is non-transactional. The dollar tag
        # is ours; data.py refuses request text containing it.
        "batch_loop": "DO $dbmig$\nDECLARE\n  dbmig_lo BIGINT;\n  dbmig_hi BIGINT;\n  dbmig_n BIGINT;\n"
                      "BEGIN\n{guard}  dbmig_lo = {start};\n  LOOP\n"
                      "    SELECT MAX({pk}) INTO dbmig_hi FROM (SELECT {pk} FROM {keys} WHERE {pk} > dbmig_lo "
                      "ORDER BY {pk} LIMIT {size}) dbmig_batch;\n    EXIT WHEN dbmig_hi IS NULL;\n"
                      "{body}    COMMIT;\n    dbmig_lo = dbmig_hi;\n{pause}  END LOOP;\nEND\n$dbmig$",
        "batch_statement": "    {statement};\n",
        "batch_guard": "  dbmig_n = ({query});\n  IF dbmig_n > 0 THEN\n    RAISE EXCEPTION USING MESSAGE = "
                       "{message} || ' (' || dbmig_n || ' rows)';\n  END IF;\n",
        "batch_pause": "    PERFORM pg_sleep({seconds});\n",
        # Flyway has no preconditions: a step's guard runs as its own block (skill/render/sqlfile.py).
        "guard_block": "DO $dbmig$\nDECLARE\n  dbmig_n BIGINT;\nBEGIN\n{guard}END\n$dbmig$",
        "batch_cancel": "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'DO $dbmig$%'",
        "batch_restore": "UPDATE {table} AS dbmig_t SET {assign} FROM {backup} AS dbmig_b WHERE {join} AND {range}",
        "batch_assign": "{column} = dbmig_b.{column}",
        "batch_clear": "{column} = NULL",
        # A backfill's batch (skill/plan/data.py): the UPDATE returns the keys it filled, which go
        # to the backup as runs of consecutive keys, all in one statement.
        "batch_fill_runs": "WITH dbmig_done AS (UPDATE {table} SET {assignments} WHERE {where} RETURNING {pk}) "
                           "INSERT INTO {backup} ({pk}, {first}) SELECT MAX({pk}), MIN({pk}) FROM (SELECT {pk}, "
                           "{pk} - ROW_NUMBER() OVER (ORDER BY {pk}) AS dbmig_run FROM dbmig_done) dbmig_runs "
                           "GROUP BY dbmig_run",
        "batch_split_before": "SPLIT_PART({value}, {sep}, 1)",
        "batch_concat": "({a} || {b})",
        "batch_differs": "{a} IS DISTINCT FROM {b}",
        # a JSON array tells NULL from '' and keeps column boundaries
        "batch_hash": "SELECT COUNT(*), SUM(HASHTEXT(CAST(JSON_BUILD_ARRAY({columns}) AS TEXT))) FROM {table}",
        # zero-downtime (T3) forms: constraints added NOT VALID, then validated under SHARE
        # UPDATE EXCLUSIVE (reads and writes go on); see skill/plan/online/.
        "zd_fk_not_valid": "ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({columns}) "
                           "REFERENCES {ref_table} ({ref_columns}){on_delete} NOT VALID",
        "zd_check_not_valid": "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({expression}) NOT VALID",
        "zd_validate": "ALTER TABLE {table} VALIDATE CONSTRAINT {name}",
        "zd_unique_using_index": "ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}",
        "zd_drop_constraint_if_exists": "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}",
        "zd_drop_index_if_exists": "DROP INDEX CONCURRENTLY IF EXISTS {name}",
        "zd_statement_timeout": "SET statement_timeout = 0",
        # batches by ctid when there is no integer key to walk (else skill/plan/data.py's loop)
        "zd_batch_pending": "DO $dbmig$\nBEGIN\n  LOOP\n    UPDATE {table} SET {assignments} WHERE ctid = ANY "
                            "(ARRAY(SELECT ctid FROM {table} WHERE {pending} LIMIT {batch}));\n"
                            "    EXIT WHEN NOT FOUND;\n    COMMIT;\n  END LOOP;\nEND\n$dbmig$",
        "zd_sync_function": "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql "
                            "AS $dbmig$\nBEGIN\n{body}\n  RETURN NEW;\nEND\n$dbmig$",
        # UPDATE OF: an UPDATE that sets neither column (the app's other writes) does not call
        # the function; WHEN: nor does one leaving both equal (each row of the expand backfill).
        "zd_sync_trigger": "CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE OF {columns} ON {table} FOR EACH ROW"
                           "{when} EXECUTE FUNCTION {function}()",
        "zd_sync_when": " WHEN ({unequal})",
        "zd_drop_sync": ("DROP TRIGGER IF EXISTS {trigger} ON {table}", "DROP FUNCTION IF EXISTS {function}()"),
        # both directions: whichever column the app wrote wins (old app: old name, new app: new).
        # On INSERT the new column has no default until contract, so NULL there means "not
        # written": a default of the old column must not overwrite what the new app wrote.
        "zd_sync_both": "  IF TG_OP = 'INSERT' THEN\n    NEW.{new} := COALESCE(NEW.{new}, NEW.{old});\n"
                        "    NEW.{old} := NEW.{new};\n"
                        "  ELSIF {old_changed} THEN\n    NEW.{new} := NEW.{old};\n"
                        "  ELSIF {new_changed} THEN\n    NEW.{old} := NEW.{new};\n  END IF;",
        "zd_sync_one": "  NEW.{dst} := {value};",
        "zd_distinct": "{a} IS DISTINCT FROM {b}",
        "zd_cast": "CAST({value} AS {type})",
        # rename_table: rename, and a view under the old name in the same transaction (DDL is
        # transactional). A one-table SELECT * view is automatically updatable: INSERT (with the
        # table's defaults), UPDATE, DELETE, ON CONFLICT, RETURNING and FOR UPDATE through the
        # old name reach the renamed table until contract drops the view.
        "zd_alias": "CREATE VIEW {name} AS SELECT * FROM {target}",
        "zd_drop_alias": "DROP VIEW IF EXISTS {name}",
        "zd_alias_check": "SELECT COUNT(*) FROM information_schema.views WHERE table_schema = current_schema() "
                          "AND table_name = {name_lit}",
        "zd_invalid_index": "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                            "WHERE c.relname = {name} AND NOT i.indisvalid",
    }
    checks = {
        **INFO_SCHEMA_CHECKS,
        "index": "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = {schema} AND tablename = {table} "
                 "AND indexname = {name}",
        "schema": "current_schema()",
    }
    # sqlglot 30.30 knows these only as Command; the patterns admit exactly dbmig's forms.
    command_allow = (
        re.compile(r"^ALTER TABLE \S+ VALIDATE CONSTRAINT \S+$"),
        re.compile(r"^ALTER TABLE \S+ ADD CONSTRAINT (\S+) UNIQUE USING INDEX \1$"),
        re.compile(r"^DO \$dbmig\$\n(?:(?!\$dbmig\$).)*\n\$dbmig\$$", re.S),
        re.compile(r"^CREATE OR REPLACE FUNCTION \S+\(\) RETURNS trigger LANGUAGE plpgsql AS "
                   r"\$dbmig\$\n(?:(?!\$dbmig\$).)*\n\$dbmig\$$", re.S),
    )
    version_notes = {
        "11": "ADD COLUMN with a non-volatile DEFAULT is a catalog change (no rewrite).",
        "12": "SET NOT NULL skips the full scan when a validated CHECK (col IS NOT NULL) exists.",
    }

    partial_indexes = True
    type_change_using = True
    type_change_breaks_prepared = True
    # "Indexes and table constraints involving the column will be automatically dropped as well"
    # (ALTER TABLE); another table's foreign key needs CASCADE, so dbmig drops it by name.
    drop_column_takes_unnamed = frozenset({"unique", "check", "foreign_key"})
    drop_column_takes_unnamed_multi = frozenset({"unique", "check", "foreign_key"})
    # Native types Liquibase 4.28 passes through unchanged (read from its update-sql output).
    liquibase_types = (rf"(VAR)?CHAR{N}", "TEXT", "SMALLINT", "INTEGER", "BIGINT", "BOOLEAN", rf"NUMERIC{PS}",
                       "DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ", "UUID", "JSONB?", "BYTEA", "REAL",
                       "DOUBLE PRECISION")
    sqlalchemy_types = {**SQLALCHEMY_TYPES, "JSONB": "postgresql.JSONB()", "BYTEA": "postgresql.BYTEA()",
                        "TIMESTAMPTZ": "sa.TIMESTAMP(timezone=True)", "DOUBLE PRECISION": "sa.DOUBLE_PRECISION()"}
    tool_notes = {"flyway": FLYWAY_LOCK}

    # zero-downtime: constraints NOT VALID then VALIDATE; NOT NULL through a validated CHECK (12+);
    # a PL/pgSQL sync trigger; a view keeps an old table name working.
    online_strategies = ONLINE_STRATEGIES
    sync_trigger_style = "function"
    not_null_online = "validated_check"
    keyless_batches = "loop"            # a DO block loops by ctid
    alias_kind = "view"
    unique_using_index = True
    alias_note = ("Until the contract phase the view {name} stands for {target}: SELECT, INSERT (with "
                  "{target}'s defaults), UPDATE, DELETE, ON CONFLICT and RETURNING through the old name reach "
                  "the renamed table, but it has the columns {target} had at the expand phase, and DDL, "
                  "TRUNCATE and COPY ... FROM need {target}.")

    def quote_literal(self, text: str) -> str:
        """A backslash means itself only while standard_conforming_strings is on (the default, but
        a server setting): text holding one becomes an E'' string, which reads backslash escapes
        whatever the setting."""
        if "\\" not in text:
            return ansi_literal(text)
        return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"

    def is_volatile_function(self, name: str) -> bool:
        """Not known to be stable or immutable (data/postgresql_non_volatile.txt): as a DEFAULT it
        is evaluated per row, so ADD COLUMN rewrites the table."""
        return volatile_function("postgresql", name)

    def volatile_calls(self, expression: str) -> list[str]:
        """The calls in SQL text (a DEFAULT) of functions `is_volatile_function` names."""
        names = [n.lower() for n in _CALL.findall(expression)]
        return [f"{n}()" for n in names if self.is_volatile_function(n)]

    def add_column_rewrites(self, default: str | None, version: tuple[int, ...]) -> bool:
        """PostgreSQL 11+ keeps a non-volatile DEFAULT in the catalog; before 11 any DEFAULT fills
        every row."""
        return default is not None and ((bool(version) and version < (11,)) or self.is_volatile(default))

    def type_change_in_catalog(self, old: SqlType, new: SqlType) -> bool:
        """varchar(n) -> varchar(m > n) and varchar -> text are binary-coercible: catalog only."""
        return old.name == "varchar" and new.name in ("varchar", "text") and old.widens_to(new)

    def converts(self, old: SqlType, new: SqlType) -> bool:
        """PostgreSQL's casts between the portable types (pg_cast, plus the I/O conversion to and
        from every string type): tests/test_dialect_model.py checks every pair on the engine."""
        o, n = old.name, new.name
        return (o == n or o in STRINGS or n in STRINGS or (o in NUMBERS and n in NUMBERS)
                or {o, n} == {"integer", "boolean"} or (o == "json" and (n in NUMBERS or n == "boolean"))
                or (o, n) in _TEMPORAL_CASTS)

    def needs_cast(self, old: SqlType, new: SqlType) -> bool:
        """The casts PostgreSQL applies only when asked (explicit): from a string type, from jsonb,
        between integer and boolean. Without `USING` the ALTER fails ("cannot be cast automatically")."""
        o, n = old.name, new.name
        return n not in STRINGS and (o in STRINGS or o == "json" or {o, n} == {"integer", "boolean"})

    def validated_check_skips_scan(self, version: tuple[int, ...]) -> bool:
        """PostgreSQL 12+ (an unknown version is a current one)."""
        return not version or version >= (12,)

    def after_type_change(self, parts: dict[str, str], column: ColumnDef) -> list[str]:
        """An identity's sequence follows the column's type; a serial's (`AS integer` since
        PostgreSQL 10) does not, and would stop at 2,147,483,647 in a bigint column."""
        if column.identity != "serial" or not column.type.is_integer:
            return []
        return [self.sql("serial_sequence_type", **parts)]

    def outside_transaction(self, sql: str, version: tuple[int, ...]) -> bool:
        """CREATE/DROP INDEX CONCURRENTLY, VACUUM and the rest PostgreSQL refuses in a
        transaction block: the fact lint rule PG002 reads too."""
        from ..lint.rules._pg import outside_transaction, parse
        return outside_transaction(parse(sql), version) is not None

    def renumbered(self, parts: dict[str, str], column: ColumnDef) -> list[str]:
        """An identity is added back to the (NOT NULL) column; a serial gets its owned sequence
        (dropped with the column) and default again. Either way the sequence continues after
        the restored values."""
        if column.identity == "serial":
            sequence = f"{parts['table_name']}_{parts['column_name']}_seq"
            numbering = self.statements("serial_restore", **parts, sequence=self.q(sequence),
                                        sequence_lit=self.literal(self.q(sequence)))
        else:
            numbering = [self.sql("add_identity", **parts,
                                  kind="ALWAYS" if column.identity == "always" else "BY DEFAULT")]
        return numbering + [self.sql("identity_continue", **parts)]

    def restore_rows(self, parts: dict[str, str], numbered: list[tuple[str, str]]) -> list[str]:
        form = "insert_from_always" if any(kind == "always" for _, kind in numbered) else "insert_from"
        return [self.sql(form, **parts)] + [
            self.sql("identity_continue", table=parts["table"], table_lit=self.literal(parts["table"]),
                     column=self.q(name), column_lit=self.literal(self.catalog_name(name)))
            for name, _ in numbered]

    def invalid_index_check(self, name_literal: str) -> str | None:
        return self.sql("zd_invalid_index", name=name_literal)


POSTGRESQL = PostgreSQL()
