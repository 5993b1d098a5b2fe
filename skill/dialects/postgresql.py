"""PostgreSQL as data. Lock levels from the PostgreSQL 15 manual, "Explicit Locking" and ALTER TABLE."""
from __future__ import annotations

import re

from .base import Dialect, ansi_literal
from .common import ANSI_FORMS, BATCH_DEFAULTS, BRIEF, INFO_SCHEMA_CHECKS, RESERVED_CORE, lock

AE = "ACCESS EXCLUSIVE"

def pg_literal(text: str) -> str:
    """A backslash means itself only while standard_conforming_strings is on (the default, but
    a server setting): text holding one becomes an E'' string, which reads backslash escapes
    whatever the setting."""
    if "\\" not in text:
        return ansi_literal(text)
    return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


POSTGRESQL = Dialect(
    name="postgresql",
    quote_literal=pg_literal,
    sqlglot="postgres",
    quote=('"', '"'),
    max_identifier=63,
    fold="lower",
    reserved=RESERVED_CORE | frozenset(
        "ANALYSE ANALYZE ARRAY ASYMMETRIC COLLATE CONCURRENTLY DEFERRABLE DO FREEZE ILIKE INITIALLY "
        "ISNULL LATERAL LOCALTIME LOCALTIMESTAMP NOTNULL ONLY OVERLAPS PLACING RETURNING SIMILAR "
        "SYMMETRIC TABLESAMPLE VARIADIC VERBOSE".split()),
    types={
        "varchar": "VARCHAR({0})", "char": "CHAR({0})", "text": "TEXT", "smallint": "SMALLINT",
        "integer": "INTEGER", "bigint": "BIGINT", "boolean": "BOOLEAN", "timestamp": "TIMESTAMP",
        "timestamptz": "TIMESTAMPTZ", "date": "DATE", "time": "TIME", "decimal": "NUMERIC({0},{1})",
        "float": "REAL", "double": "DOUBLE PRECISION", "uuid": "UUID", "json": "JSONB", "blob": "BYTEA",
    },
    catalog_types={
        "varchar": ("character varying",), "char": ("character",), "text": ("text",),
        "smallint": ("smallint",), "integer": ("integer",), "bigint": ("bigint",),
        "boolean": ("boolean",), "timestamp": ("timestamp without time zone",),
        "timestamptz": ("timestamp with time zone",), "date": ("date",),
        "time": ("time without time zone",), "decimal": ("numeric",), "float": ("real",),
        "double": ("double precision",), "uuid": ("uuid",), "json": ("jsonb",), "blob": ("bytea",),
    },
    transactional_ddl=True,
    forms={
        **ANSI_FORMS,
        **BATCH_DEFAULTS,
        "alter_column_type": "ALTER TABLE {table} ALTER COLUMN {column} TYPE {type}{using}",
        "using_clause": " USING {using}",
        "set_not_null": "ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL",
        "drop_not_null": "ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL",
        "partial_index": " WHERE {where}",
        # Not statements: the kinds of UNNAMED constraint that DROP COLUMN removes by itself, on
        # the column alone / spanning other columns too ("Indexes and table constraints involving
        # the column will be automatically dropped as well", ALTER TABLE). dbmig drops the rest by
        # name first (skill/plan/dependents.py); another table's foreign key needs CASCADE.
        "drop_column_takes_unnamed": "unique check foreign_key",
        "drop_column_takes_unnamed_multi": "unique check foreign_key",
        "add_index_online": "CREATE {unique}INDEX CONCURRENTLY {name} ON {table} ({columns}){where}",
        "drop_index_online": "DROP INDEX CONCURRENTLY {name}",
        "lock_timeout": "SET lock_timeout = '{timeout}'",
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
        "zd_sync_trigger": "CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW "
                           "EXECUTE FUNCTION {function}()",
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
        "zd_alias_kind": "view",
        "zd_alias": "CREATE VIEW {name} AS SELECT * FROM {target}",
        "zd_drop_alias": "DROP VIEW IF EXISTS {name}",
        "zd_alias_check": "SELECT COUNT(*) FROM information_schema.views WHERE table_schema = current_schema() "
                          "AND table_name = {name_lit}",
        "zd_alias_note": "Until the contract phase the view {name} stands for {target}: SELECT, INSERT (with "
                         "{target}'s defaults), UPDATE, DELETE, ON CONFLICT and RETURNING through the old name reach "
                         "the renamed table, but it has the columns {target} had at the expand phase, and DDL, "
                         "TRUNCATE and COPY ... FROM need {target}.",
        "zd_invalid_index": "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                            "WHERE c.relname = {name} AND NOT i.indisvalid",
    },
    checks={
        **INFO_SCHEMA_CHECKS,
        "index": "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = {schema} AND tablename = {table} "
                 "AND indexname = {name}",
        "schema": "current_schema()",
    },
    locks={
        "create_table": lock("none (new table)", "nothing"),
        "drop_table": lock(AE, "reads and writes, " + BRIEF),
        "rename_table": lock(AE, "reads and writes, " + BRIEF),
        "add_column": lock(AE, "reads and writes, " + BRIEF),
        "drop_column": lock(AE, "reads and writes, " + BRIEF),
        "rename_column": lock(AE, "reads and writes, " + BRIEF),
        "alter_column_type": lock(AE, "reads and writes for the whole rewrite", rewrite=True),
        "set_not_null": lock(AE, "reads and writes for a full-table scan", scan=True),
        "drop_not_null": lock(AE, "reads and writes, " + BRIEF),
        "set_default": lock(AE, "reads and writes, " + BRIEF),
        "drop_default": lock(AE, "reads and writes, " + BRIEF),
        "add_index": lock("SHARE", "writes for the whole index build", scan=True),
        "drop_index": lock(AE, "reads and writes, " + BRIEF),
        "add_foreign_key": lock("SHARE ROW EXCLUSIVE (both tables)", "writes while every row is checked", scan=True),
        "add_unique": lock(AE, "reads and writes for the index build", scan=True),
        "add_check": lock(AE, "reads and writes while every row is checked", scan=True),
        "drop_constraint": lock(AE, "reads and writes, " + BRIEF),
        "zd_sync_trigger": lock("SHARE ROW EXCLUSIVE", "writes, " + BRIEF),
        "zd_drop_alias": lock(AE + " on the view only", "queries still using the old name (none by now)"),
        "update": lock("ROW EXCLUSIVE + row locks", "writers of the same rows"),
    },
    # sqlglot 30.30 knows these only as Command; the patterns admit exactly dbmig's forms.
    command_allow=(
        re.compile(r"^ALTER TABLE \S+ VALIDATE CONSTRAINT \S+$"),
        re.compile(r"^ALTER TABLE \S+ ADD CONSTRAINT (\S+) UNIQUE USING INDEX \1$"),
        re.compile(r"^DO \$dbmig\$\n(?:(?!\$dbmig\$).)*\n\$dbmig\$$", re.S),
        re.compile(r"^CREATE OR REPLACE FUNCTION \S+\(\) RETURNS trigger LANGUAGE plpgsql AS "
                   r"\$dbmig\$\n(?:(?!\$dbmig\$).)*\n\$dbmig\$$", re.S),
    ),
    version_notes={
        "11": "ADD COLUMN with a non-volatile DEFAULT is a catalog change (no rewrite).",
        "12": "SET NOT NULL skips the full scan when a validated CHECK (col IS NOT NULL) exists.",
    },
)

# Functions whose value differs per row: a DEFAULT using one rewrites the table on ADD COLUMN.
# Source: pg_proc.provolatile = 'v' on PostgreSQL 15, the ones that appear in defaults.
VOLATILE = re.compile(r"\b(clock_timestamp|random|gen_random_uuid|uuid_generate_v[14]|nextval|"
                      r"timeofday|txid_current)\s*\(", re.I)
