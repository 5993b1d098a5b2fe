"""PostgreSQL as data. Lock levels from the PostgreSQL 15 manual, "Explicit Locking" and ALTER TABLE."""
from __future__ import annotations

import re

from .base import Dialect
from .common import ANSI_FORMS, BRIEF, INFO_SCHEMA_CHECKS, RESERVED_CORE, lock

AE = "ACCESS EXCLUSIVE"

POSTGRESQL = Dialect(
    name="postgresql",
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
        "alter_column_type": "ALTER TABLE {table} ALTER COLUMN {column} TYPE {type}{using}",
        "using_clause": " USING {using}",
        "set_not_null": "ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL",
        "drop_not_null": "ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL",
        "partial_index": " WHERE {where}",
        "add_index_online": "CREATE {unique}INDEX CONCURRENTLY {name} ON {table} ({columns}){where}",
        "drop_index_online": "DROP INDEX CONCURRENTLY {name}",
        "lock_timeout": "SET lock_timeout = '{timeout}'",
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
        "update": lock("ROW EXCLUSIVE + row locks", "writers of the same rows"),
    },
    command_allow=(),
    version_notes={
        "11": "ADD COLUMN with a non-volatile DEFAULT is a catalog change (no rewrite).",
        "12": "SET NOT NULL skips the full scan when a validated CHECK (col IS NOT NULL) exists.",
    },
)

# Functions whose value differs per row: a DEFAULT using one rewrites the table on ADD COLUMN.
# Source: pg_proc.provolatile = 'v' on PostgreSQL 15, the ones that appear in defaults.
VOLATILE = re.compile(r"\b(clock_timestamp|random|gen_random_uuid|uuid_generate_v[14]|nextval|"
                      r"timeofday|txid_current)\s*\(", re.I)
