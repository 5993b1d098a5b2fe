"""explain_migration: lock, blocking, rewrite/scan, duration and risks per statement, version-aware;
for `changes`, per planned step, agreeing with the planner's Steps and its zero-downtime plan."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dbmig.dialects import get_dialect
from dbmig.errors import DbmigError, InvalidRequest
from dbmig.explain import explain_migration
from dbmig.lint import validate_migration
from dbmig.models import MigrationRequest
from dbmig.plan import build_plan

KEYS = {"file", "line", "sql", "what", "lock", "blocks", "rewrite", "scan", "estimated_duration", "risks",
        "safe_alternative"}


def _one(database: str, sql: str, **kw) -> dict:
    statements = explain_migration(database, sql=sql, **kw)["statements"]
    assert len(statements) == 1 and set(statements[0]) == KEYS
    return statements[0]


def test_plain_index_blocks_writes_and_names_the_safe_form():
    s = _one("postgresql", "CREATE INDEX orders_customer_idx ON orders (customer_id);",
             table_rows={"public.orders": 4_000_000})
    assert s["lock"] == "SHARE" and "writes" in s["blocks"]
    assert s["scan"] and not s["rewrite"]
    assert "4,000,000 rows" in s["estimated_duration"]
    assert any(r.startswith("PG001-index-not-concurrent") for r in s["risks"])
    assert "CONCURRENTLY" in s["safe_alternative"]


def test_concurrent_index_blocks_nothing():
    s = _one("postgresql", "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);")
    assert s["lock"] == "SHARE UPDATE EXCLUSIVE" and s["risks"] == [] and s["safe_alternative"] is None


@pytest.mark.parametrize("default, version, rewrite", [
    ("now()", "15", False), ("clock_timestamp()", "15", True), ("random()", "11", True),
    ("'x'", "15", False), ("'x'", "10", True), ("gen_random_uuid()", "13", True),
])
def test_add_column_default_rewrite_depends_on_volatility_and_version(default, version, rewrite):
    s = _one("postgresql", f"ALTER TABLE orders ADD COLUMN c text DEFAULT {default};", database_version=version)
    assert s["rewrite"] is rewrite
    assert s["lock"] == "ACCESS EXCLUSIVE"
    flagged = any(r.startswith(("PG006", "PG007")) for r in s["risks"])
    assert flagged is rewrite


def test_type_change_rewrites_and_warns():
    s = _one("postgresql", "ALTER TABLE orders ALTER COLUMN amount TYPE bigint;", table_rows={"orders": 1_000_000})
    assert s["rewrite"] and "reads and writes" in s["blocks"]
    assert any("SQL012" in r for r in s["risks"])


def test_set_not_null_after_validated_check_is_catalog_only_on_12():
    sql = ("ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;\n"
           "ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;\n"
           "ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n")
    steps = explain_migration("postgresql", sql=sql, database_version="15")["statements"]
    assert [s["scan"] for s in steps] == [False, True, False]
    assert steps[1]["lock"] == "SHARE UPDATE EXCLUSIVE"
    old = explain_migration("postgresql", sql=sql, database_version="11")["statements"]
    assert old[2]["scan"] is True


def test_mysql_modify_is_a_copy_and_index_is_in_place():
    s = _one("mysql", "ALTER TABLE orders MODIFY COLUMN id BIGINT NOT NULL;", database_version="10.11")
    assert s["rewrite"] and "copy" in s["lock"].lower()
    s = _one("mysql", "ALTER TABLE orders ADD INDEX i (a), ALGORITHM=INPLACE, LOCK=NONE;")
    # the facts generate's online index build states (one table of facts: dialects/data/mysql.toml)
    assert not s["rewrite"] and s["blocks"].startswith("nothing") and "LOCK=NONE" in s["lock"]


def test_sqlserver_and_oracle_online_index():
    assert "online" in _one("sqlserver", "CREATE INDEX i ON dbo.t (a) WITH (ONLINE = ON);")["what"]
    assert _one("oracle", "CREATE INDEX i ON t (a);")["risks"]


def test_batched_update_duration_mentions_batches():
    s = _one("postgresql", "UPDATE orders SET status = 'new' WHERE status IS NULL;", table_rows={"orders": 200_000})
    assert "batches" in s["estimated_duration"] and any("SQL005" in r for r in s["risks"])


def test_explain_files_keeps_file_and_line():
    files = [{"filename": "V3__idx.sql", "content": "SET lock_timeout = '5s';\n\nDROP INDEX orders_a_idx;\n"}]
    steps = explain_migration("postgresql", files=files)["statements"]
    assert [(s["file"], s["line"]) for s in steps] == [("V3__idx.sql", 1), ("V3__idx.sql", 3)]
    assert steps[1]["lock"] == "ACCESS EXCLUSIVE"


@pytest.mark.parametrize("kwargs, field", [
    ({"database": "db2", "sql": "SELECT 1"}, "database"),
    ({"database": "postgresql"}, "sql"),
    ({"database": "postgresql", "sql": "SELECT 1", "table_rows": {"t": -1}}, "table_rows"),
])
def test_bad_input(kwargs, field):
    with pytest.raises(InvalidRequest) as err:
        explain_migration(**kwargs)
    assert err.value.field == field


# --- structured `changes`: explained from the planner's own Steps ------------------------------------

SCHEMA = "CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer, amount integer, legacy varchar(20));"
ROWS = {"orders": 10_000_000}
ADD_INDEX = {"op": "add_index", "table": "orders", "columns": ["customer_id"]}
TO_BIGINT = {"op": "alter_column_type", "table": "orders", "column": "amount", "type": "bigint"}
NOT_NULL_DEFAULT = {"op": "add_column", "table": "orders",
                    "column": {"name": "qty", "type": "integer", "nullable": False, "default": "0"}}
DROP_COLUMN = {"op": "drop_column", "table": "orders", "column": "legacy"}


def _planned(database: str, change: dict, downtime_allowed: bool, version: str | None = None):
    """What the planner itself makes of the change (the facts explain must repeat)."""
    request = MigrationRequest.model_validate(dict(
        migration_tool="liquibase", database=database, migration_type="schema", migration_description="x",
        downtime_allowed=downtime_allowed, changes=[change], schema=SCHEMA, table_rows=ROWS,
        database_version=version))
    return build_plan(request, get_dialect(database), list(request.changes))[0]


def _explained(database: str, change: dict, version: str | None = None) -> list[dict]:
    statements = explain_migration(database, changes=[change], schema=SCHEMA, table_rows=ROWS,
                                   database_version=version)["statements"]
    assert all(set(s) == KEYS for s in statements)
    return statements


def _agree_with_plan(database: str, change: dict, version: str | None = None) -> list[dict]:
    """Entry by entry, lock, blocks, rewrite/scan and duration are the direct plan's Steps; the
    safe alternative is the zero-downtime plan (or why there is none); lint risks are validate's."""
    statements = _explained(database, change, version)
    steps = _planned(database, change, True, version).steps
    assert [(s["file"], s["line"]) for s in statements] == [("changes.0", n + 1) for n in range(len(steps))]
    for s, step in zip(statements, steps):
        assert (s["lock"], s["blocks"], s["rewrite"], s["scan"], s["estimated_duration"]) == (
            step.lock.level, step.lock.blocks, step.lock.rewrite, step.lock.scan, step.estimate)
        assert s["what"].lower().startswith(step.description.lower())
        assert all(x in s["sql"] for x in step.forward)
    script = "\n\n".join(s["sql"] for s in statements)
    linted = {f["rule_id"] for f in validate_migration([{"filename": "x.sql", "content": script}], database,
                                                       database_version=version)["findings"]}
    assert {r.split(":")[0] for s in statements for r in s["risks"] if r.split(":")[0] in linted} == linted
    try:
        online = _planned(database, change, False, version)
    except DbmigError as e:
        assert all(e.message in s["safe_alternative"] for s in statements)
        return statements
    for s in statements:
        if s["safe_alternative"] is not None:
            for step in online.steps:
                assert step.description.split(": ", 1)[-1] in s["safe_alternative"]
                assert step.lock.level in s["safe_alternative"]
    return statements


@pytest.mark.parametrize("database", ["postgresql", "mysql", "sqlserver", "oracle"])
def test_changes_add_index(database):
    s, = _agree_with_plan(database, ADD_INDEX)
    assert s["scan"] and not s["rewrite"] and "10,000,000 rows" in s["estimated_duration"]
    assert s["safe_alternative"].startswith("Zero-downtime plan") and "online" in s["safe_alternative"]
    if database == "postgresql":
        assert s["lock"] == "SHARE" and "PG001" in " ".join(s["risks"])
        assert "SHARE UPDATE EXCLUSIVE" in s["safe_alternative"]


@pytest.mark.parametrize("database", ["postgresql", "mysql", "sqlserver"])
def test_changes_int_to_bigint_rewrites_with_row_count(database):
    s, = _agree_with_plan(database, TO_BIGINT)
    assert s["rewrite"] and "10,000,000 rows" in s["estimated_duration"]
    if database == "postgresql":
        assert s["lock"] == "ACCESS EXCLUSIVE"
        assert any("cached plan must not change result type" in r for r in s["risks"])
        assert all(p in s["safe_alternative"] for p in ("expand:", "migrate:", "contract:"))
    if database == "mysql":
        assert "COPY" in s["lock"]


def test_changes_type_change_without_an_online_form_says_why():
    s, = _agree_with_plan("postgresql", dict(TO_BIGINT, column="id"))   # the primary key
    assert s["rewrite"] and s["safe_alternative"].startswith("Zero-downtime not possible")
    assert "Instead:" in s["safe_alternative"]


@pytest.mark.parametrize("database, version", [("postgresql", "15"), ("mysql", "8.0"), ("sqlserver", None)])
def test_changes_add_not_null_column_with_default_is_catalog_only(database, version):
    s, = _agree_with_plan(database, NOT_NULL_DEFAULT, version)
    assert not s["rewrite"] and not s["scan"]
    if database in ("postgresql", "sqlserver"):
        assert s["safe_alternative"] is None    # the online plan runs the same statement
    else:
        assert "INSTANT" in s["safe_alternative"]


@pytest.mark.parametrize("database", ["postgresql", "mysql", "oracle"])
def test_changes_drop_column_backs_up_then_drops_in_contract(database):
    backup, drop = _agree_with_plan(database, DROP_COLUMN)
    assert "back up" in backup["what"].lower() and "drop column" in drop["what"].lower()
    assert any("SQL008" in r for r in drop["risks"])
    assert "contract:" in drop["safe_alternative"] and backup["safe_alternative"] == drop["safe_alternative"]


def test_changes_drop_column_without_schema_reports_the_missing_rollback():
    statements = explain_migration("postgresql", changes=[DROP_COLUMN, dict(DROP_COLUMN, column="other")])
    assert len(statements["statements"]) == 2
    for n, s in enumerate(statements["statements"]):
        assert s["file"] == f"changes.{n}"
        assert any(r.startswith("unsafe_rollback: Cannot generate safe rollback for DROP COLUMN") for r in s["risks"])
        assert not any("confirmed by confirm_data_loss" in r for r in s["risks"])


def test_changes_type_change_needs_the_schema():
    with pytest.raises(DbmigError) as err:
        explain_migration("postgresql", changes=[TO_BIGINT])
    assert err.value.field == "schema"


def test_changes_warnings_go_to_their_own_change():
    statements = explain_migration("postgresql", changes=[NOT_NULL_DEFAULT, TO_BIGINT], schema=SCHEMA)["statements"]
    assert [s["file"] for s in statements] == ["changes.0", "changes.1"]
    assert not any("orders.amount" in r for r in statements[0]["risks"])
    assert any("orders.amount" in r for r in statements[1]["risks"])


@pytest.mark.parametrize("kwargs, field", [
    ({"sql": "SELECT 1", "changes": [ADD_INDEX]}, "changes"),
    ({"sql": "SELECT 1", "files": [{"filename": "a.sql", "content": "SELECT 1;"}]}, "files"),
    ({"files": [{"filename": "a.sql", "content": "SELECT 1;"}], "changes": [ADD_INDEX]}, "changes"),
    ({}, "sql"),
])
def test_exactly_one_of_sql_files_changes(kwargs, field):
    with pytest.raises(InvalidRequest) as err:
        explain_migration("postgresql", **kwargs)
    assert err.value.field == field and err.value.allowed == ["sql", "files", "changes"]


@pytest.mark.parametrize("change, field", [
    ({"op": "add_column", "table": "orders", "column": {"name": "x", "type": "intgr"}}, "changes.0.column.type"),
    ({"op": "explode", "table": "orders"}, "changes.0.op"),
    ({"op": "add_column", "table": "orders", "column": {"name": "bad name", "type": "text"}},
     "changes.0.column.name"),
    ({"op": "add_index", "table": "o" * 70, "columns": ["a"]}, "changes.0.table"),
])
def test_bad_change_names_its_field_path_as_generate_does(change, field):
    with pytest.raises(InvalidRequest) as err:
        explain_migration("postgresql", changes=[change])
    assert err.value.field == field


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dbmig.cli", "explain", *args], capture_output=True, text=True)


def test_cli_explain_changes(tmp_path):
    changes, schema = tmp_path / "changes.json", tmp_path / "schema.sql"
    changes.write_text(json.dumps([ADD_INDEX, TO_BIGINT]))
    schema.write_text(SCHEMA)
    proc = _cli("--database", "postgresql", "--changes", str(changes), "--schema", str(schema),
                "--table-rows", json.dumps(ROWS))
    assert proc.returncode == 0, proc.stderr
    assert "changes.0:1 " in proc.stdout and "rewrites the table" in proc.stdout
    assert "safe alternative: Zero-downtime plan" in proc.stdout
    proc = _cli("--database", "postgresql", "--changes", str(changes), "--schema", str(schema), "--json")
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    assert [s["lock"] for s in body["statements"]] == ["SHARE", "ACCESS EXCLUSIVE"]


@pytest.mark.parametrize("args, field", [
    (["--changes", json.dumps([{"op": "add_column", "table": "t", "column": {"name": "x", "type": "intgr"}}])],
     "changes.0.column.type"),
    (["--changes", "[{not json"], "changes"),
    (["--changes", json.dumps([ADD_INDEX]), "--sql", "SELECT 1"], "changes"),
    ([], "sql"),
])
def test_cli_explain_bad_input_exits_2(args, field):
    proc = _cli("--database", "postgresql", *args)
    assert proc.returncode == 2 and proc.stdout == ""
    line, = proc.stderr.splitlines()
    assert line.startswith(f"dbmig: error: {field}: ") and "Traceback" not in proc.stderr
    if field in ("sql",) or "--sql" in args:
        assert "(allowed: sql, files, changes)" in line
