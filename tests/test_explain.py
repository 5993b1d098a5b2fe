"""explain_migration: lock, blocking, rewrite/scan, duration and risks per statement, version-aware."""
from __future__ import annotations

import pytest

from skill.errors import InvalidRequest
from skill.explain import explain_migration

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
    assert not s["rewrite"] and "DML goes on" in s["blocks"]


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
