"""Pieces shared by several dialects: ANSI statement forms and information_schema checks.

A dialect spreads these and overrides the few keys that differ (the sqlglot way).
"""
from __future__ import annotations

from .base import Lock

ANSI_FORMS = {
    "create_table": "CREATE TABLE {table} (\n    {body}\n)",
    "drop_table": "DROP TABLE {table}",
    "rename_table": "ALTER TABLE {table} RENAME TO {new_name}",
    "add_column": "ALTER TABLE {table} ADD COLUMN {column_def}",
    "drop_column": "ALTER TABLE {table} DROP COLUMN {column}",
    "rename_column": "ALTER TABLE {table} RENAME COLUMN {column} TO {new_name}",
    "set_default": "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {default}",
    "drop_default": "ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT",
    "add_index": "CREATE {unique}INDEX {name} ON {table} ({columns}){where}",
    "drop_index": "DROP INDEX {name}",
    "add_foreign_key": "ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({columns}) "
                       "REFERENCES {ref_table} ({ref_columns}){on_delete}",
    "add_unique": "ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({columns})",
    "add_primary_key": "ALTER TABLE {table} ADD CONSTRAINT {name} PRIMARY KEY ({columns})",
    "add_check": "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({expression})",
    "drop_constraint": "ALTER TABLE {table} DROP CONSTRAINT {name}",
    "copy_table": "CREATE TABLE {backup} AS SELECT {columns} FROM {table}",
    "insert_from": "INSERT INTO {table} ({columns}) SELECT {columns} FROM {backup}",
    "update_from_backup": "UPDATE {table} SET {column} = (SELECT b.{column} FROM {backup} b "
                          "WHERE {join}) WHERE EXISTS (SELECT 1 FROM {backup} b WHERE {join})",
    "update": "UPDATE {table} SET {assignments}{where}",
    "column_def": "{column} {type}{default}{null}",
    "default_clause": " DEFAULT {default}",
}

# Batched data loops (skill/plan/data.py): the pieces PostgreSQL and MySQL share; SQL Server
# and Oracle have their own (no IF NOT EXISTS for tables, no FOR UPDATE inside INSERT ... SELECT).
BATCH_DEFAULTS = {
    "batch_var": "{name}",                  # how the loop's variables are referenced
    # IF NOT EXISTS: a rerun after an interruption keeps the backup, which is the ledger.
    "batch_create_if_absent": "CREATE TABLE IF NOT EXISTS {table} ({body})",
    # FOR UPDATE: a concurrent writer waits for one batch instead of being overwritten.
    "batch_copy": "INSERT INTO {backup} ({columns}) SELECT {columns} FROM {table} WHERE {where} FOR UPDATE",
    "batch_length": "CHAR_LENGTH({value})",
    "batch_from": "SUBSTRING({value}, {start})",
    "batch_explain": "EXPLAIN {statement}",
}

# One COUNT(*) query per kind of fact; filters are appended. Expected result: [[1]] or [[0]].
INFO_SCHEMA_CHECKS = {
    "column": "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = {schema} "
              "AND table_name = {table} AND column_name = {column}{filters}",
    "table": "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = {schema} "
             "AND table_name = {table}",
    "constraint": "SELECT COUNT(*) FROM information_schema.table_constraints WHERE "
                  "table_schema = {schema} AND table_name = {table} AND constraint_name = {name}",
    "type_in": " AND data_type IN ({types})",
    "length": " AND character_maximum_length = {n}",
    "not_null": " AND is_nullable = 'NO'",
    "null": " AND is_nullable = 'YES'",
    "has_default": " AND column_default IS NOT NULL",
    "no_default": " AND column_default IS NULL",
    "row_count": "SELECT COUNT(*) FROM {table}",
    "null_count": "SELECT COUNT(*) FROM {table} WHERE {column} IS NULL",
    "not_null_count": "SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL",
}

BRIEF = "brief (catalog change)"

# Core of the SQL:2016 reserved words that commonly collide with column names; each dialect
# adds its own. Quoting a non-reserved word is harmless, so the list errs on the long side.
RESERVED_CORE = frozenset("""
ALL AND ANY AS ASC BETWEEN BOTH BY CASE CAST CHECK COLUMN CONSTRAINT CREATE CROSS CURRENT_DATE
CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DEFAULT DELETE DESC DISTINCT DROP ELSE END EXCEPT
EXISTS FALSE FETCH FOR FOREIGN FROM FULL GRANT GROUP HAVING IN INNER INSERT INTERSECT INTO IS
JOIN LEADING LEFT LIKE LIMIT NATURAL NOT NULL OF OFFSET ON OR ORDER OUTER PRIMARY REFERENCES
RIGHT SELECT SESSION_USER SET SOME TABLE THEN TO TRAILING TRUE UNION UNIQUE UPDATE USER USING
VALUES WHEN WHERE WINDOW WITH
""".split())


def lock(level: str, blocks: str, rewrite: bool = False, scan: bool = False) -> Lock:
    return Lock(level, blocks, rewrite, scan)
