"""The gate on PostgreSQL reads SQL with PostgreSQL's own parser (pglast) and the bodies of PL/pgSQL
functions and DO blocks with its PL/pgSQL parser; the other databases keep sqlglot. Bad: SQL
PostgreSQL refuses (sqlglot let the first one through). Ok: PostgreSQL SQL sqlglot only knew as
an opaque Command."""
from __future__ import annotations

import re

import pytest

from dbmig.api import generate
from dbmig.dialects import get_dialect
from dbmig.errors import GateFailure
from dbmig.sqlcheck import check_statement, parses_on

PG = get_dialect("postgresql")
SYNC = ("CREATE OR REPLACE FUNCTION zd_sync_orders() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        "  NEW.total_new := NEW.total{end}\n  RETURN NEW;\nEND;\n$$")
BATCH = ("DO $$\nDECLARE n bigint;\nBEGIN\n  LOOP\n    UPDATE orders SET status = 'new' WHERE {where};\n"
         "    GET DIAGNOSTICS n = ROW_COUNT;\n    EXIT WHEN n = 0;\n    COMMIT;\n  END LOOP;\nEND $$")

BAD = {
    "trailing comma": ("ALTER TABLE orders ADD COLUMN c int,", "syntax error at end of input"),
    "MySQL MODIFY": ("ALTER TABLE orders MODIFY c int", 'syntax error at or near "MODIFY"'),
    "backticks": ("ALTER TABLE `orders` ADD COLUMN c int", 'syntax error at or near "`"'),
    "trigger function without ;": (SYNC.format(end=""), 'PL/pgSQL: syntax error at or near "NEW"'),
    "SQL inside a function": (SYNC.format(end=";\n  UPDATE t SET = 1;"), 'PL/pgSQL: syntax error at or near "="'),
    "SQL inside a DO loop": (BATCH.format(where="id <"), "PL/pgSQL: syntax error"),
    "only a comment": ("-- nothing to run", "no SQL statement"),
}
OK = {
    "trigger function": SYNC.format(end=";"),
    "batched DO block": BATCH.format(where="status IS NULL"),
    "REINDEX option": "REINDEX (CONCURRENTLY false) INDEX orders_id_idx",
    "DETACH CONCURRENTLY": "ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY",
    "unnamed CHECK": "ALTER TABLE orders ADD CHECK (note <> 'none')",
    "identity": "ALTER TABLE orders ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY",
    "SQL function": "CREATE FUNCTION one() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "two statements": "SET lock_timeout = '5s'; ALTER TABLE orders ADD COLUMN c int",
}


@pytest.mark.parametrize("name", BAD)
def test_sql_postgresql_refuses_fails_the_gate(name):
    sql, why = BAD[name]
    with pytest.raises(GateFailure) as e:
        check_statement(sql, PG, name)
    assert e.value.message.startswith(f"{name}: generated SQL does not parse as postgresql: {why}")
    assert parses_on(PG, sql).startswith(why)


@pytest.mark.parametrize("name", OK)
def test_sql_postgresql_accepts_passes_the_gate(name):
    check_statement(OK[name], PG, name)
    assert parses_on(PG, OK[name]) is None


def test_other_databases_keep_sqlglot():
    mysql = get_dialect("mysql")
    assert parses_on(mysql, "ALTER TABLE `orders` MODIFY c int") is None      # not PostgreSQL's grammar
    check_statement("ALTER TABLE `orders` MODIFY c INT", mysql, "mysql")
    with pytest.raises(GateFailure, match="sqlglot"):
        check_statement("ALTER TABLE orders FROB", mysql, "mysql")


def test_the_sync_trigger_function_dbmig_writes_passes_the_plpgsql_parser():
    """T3 keeps two columns equal with a PL/pgSQL trigger function: the gate now reads its body."""
    result = generate(dict(
        migration_tool="flyway", database="postgresql", migration_type="schema", downtime_allowed=False,
        migration_description="rename note", author="dbmig-tests",
        schema="CREATE TABLE orders (id INTEGER PRIMARY KEY, note VARCHAR(50));",
        changes=[{"op": "rename_column", "table": "orders", "column": "note", "new_name": "remark"}]))
    sql = "\n".join(f.content for f in result.files)
    function = re.search(r"CREATE OR REPLACE FUNCTION .*?LANGUAGE plpgsql AS (\$\w*\$).*?\1", sql, re.S).group(0)
    check_statement(function, PG, "sync trigger")
    with pytest.raises(GateFailure, match="PL/pgSQL: syntax error"):     # its body is read, not skipped
        check_statement(function.replace("END IF;", "END IF"), PG, "sync trigger")
