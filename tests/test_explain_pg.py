"""explain_migration on PostgreSQL reads each statement with PostgreSQL's own parser (pglast): each
case below is a statement the masked-text patterns explained wrongly (bad) next to the form that
was and stays right (ok). Lock facts come from dialects/data/postgresql.toml."""
from __future__ import annotations

import pytest

from dbmig.dialects import get_dialect
from dbmig.explain import explain_migration

PG = get_dialect("postgresql")
NULLABLE = "CREATE TABLE orders (id bigint, note text);\nCREATE UNIQUE INDEX orders_id_idx ON orders (id);"
NOT_NULL = "CREATE TABLE orders (id bigint NOT NULL, note text);\nCREATE UNIQUE INDEX orders_id_idx ON orders (id);"
PK_USING_INDEX = "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_id_idx;"


def _all(sql: str, **kw) -> list[dict]:
    return explain_migration("postgresql", sql=sql, **kw)["statements"]


def _one(sql: str, **kw) -> dict:
    statements = _all(sql, **kw)
    assert len(statements) == 1
    return statements[0]


# --- ADD PRIMARY KEY USING INDEX: the implied SET NOT NULL -----------------------------------------

@pytest.mark.parametrize("schema", [None, NULLABLE], ids=["columns unknown", "nullable column"])
def test_pk_using_index_on_columns_that_may_be_null_scans_under_access_exclusive(schema):
    s = _one(PK_USING_INDEX, schema=schema, table_rows={"orders": 2_000_000})
    assert s["lock"] == "ACCESS EXCLUSIVE" and s["scan"] and not s["rewrite"]
    assert "SET NOT NULL" in s["blocks"] and s["blocks"].startswith("reads and writes")
    assert "NOT NULL" in s["what"] and "2,000,000 rows (scan)" in s["estimated_duration"]
    if schema:
        assert "making id NOT NULL" in s["what"]
    assert any(r.startswith("PG017") for r in s["risks"])


def test_pk_using_index_on_not_null_columns_is_brief():
    s = _one(PK_USING_INDEX, schema=NOT_NULL)
    assert s["lock"] == "ACCESS EXCLUSIVE" and not s["scan"] and "brief" in s["blocks"]
    assert s["what"] == "Turns an existing unique index on orders into a constraint."
    assert not any(r.startswith("PG017") for r in s["risks"])


def test_pk_using_index_after_set_not_null_in_the_same_migration_is_brief():
    steps = _all("ALTER TABLE orders ALTER COLUMN id SET NOT NULL;\n" + PK_USING_INDEX, schema=NULLABLE)
    assert [s["scan"] for s in steps] == [True, False]


def test_unique_using_index_never_scans():
    s = _one("ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE USING INDEX orders_id_idx;", schema=NULLABLE)
    assert not s["scan"] and "brief" in s["blocks"]


# --- ADD COLUMN ... REFERENCES: the referenced table is locked too ---------------------------------

def test_add_column_references_locks_the_referenced_table_and_scans():
    s = _one("ALTER TABLE orders ADD COLUMN user_id int REFERENCES users(id);")
    assert s["lock"] == "ACCESS EXCLUSIVE on orders, SHARE ROW EXCLUSIVE on users"
    assert "writes on users" in s["blocks"] and s["scan"]
    assert "foreign key to users" in s["what"]


def test_add_column_references_names_the_table_as_written():
    s = _one('ALTER TABLE orders ADD COLUMN user_id int CONSTRAINT fk REFERENCES app."Users" (id);')
    assert 'SHARE ROW EXCLUSIVE on app.Users' in s["lock"]


def test_add_column_without_references_is_brief():
    s = _one("ALTER TABLE orders ADD COLUMN user_id int;")
    assert s["lock"] == "ACCESS EXCLUSIVE" and "brief" in s["blocks"] and not s["scan"]
    assert s["what"] == "Adds column(s) to orders."


def test_add_column_unique_builds_an_index():
    s = _one("ALTER TABLE orders ADD COLUMN code text UNIQUE;")
    assert s["scan"] and "index build" in s["blocks"]


# --- TRUNCATE: every table, and what CASCADE reaches ----------------------------------------------

def test_truncate_cascade_names_every_table_and_the_referencing_ones():
    s = _one("TRUNCATE a, b CASCADE;")
    assert s["what"] == "Empties tables a and b and, through CASCADE, every table with a foreign key to them."
    assert s["lock"] == "ACCESS EXCLUSIVE on tables a and b and on every table referencing them"
    assert s["blocks"] == "reads and writes on all of them"


def test_truncate_without_cascade_names_each_table_and_nothing_more():
    s = _one("TRUNCATE TABLE a, b, c;")
    assert s["what"] == "Empties tables a, b and c." and "referencing" not in s["lock"]
    assert _one("TRUNCATE a RESTRICT;")["what"] == "Empties table a."


# --- EXCLUDE: an index build under ACCESS EXCLUSIVE ----------------------------------------------

@pytest.mark.parametrize("sql", [
    "ALTER TABLE t ADD CONSTRAINT e EXCLUDE USING gist (r WITH &&);",
    'ALTER TABLE "Bookings" ADD EXCLUDE USING gist ("Room" WITH =, "During" WITH &&);',
])
def test_exclusion_constraint_is_an_index_build_blocking_reads_and_writes(sql):
    s = _one(sql, table_rows={"t": 1_000_000, "bookings": 1_000_000})
    assert "EXCLUDE constraint" in s["what"] and "column" not in s["what"]
    assert s["lock"] == "ACCESS EXCLUSIVE" and s["blocks"] == "reads and writes for the whole index build"
    assert s["scan"] and "(index)" in s["estimated_duration"]


def test_adding_the_range_column_itself_is_brief():
    s = _one("ALTER TABLE t ADD COLUMN r tsrange;")
    assert "brief" in s["blocks"] and not s["scan"]


# --- CHECK ... NOT VALID: ACCESS EXCLUSIVE, brief -------------------------------------------------

def test_check_not_valid_is_access_exclusive_and_brief():
    s = _one("ALTER TABLE orders ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID;")
    assert s["lock"] == "ACCESS EXCLUSIVE" and not s["scan"] and "brief" in s["blocks"]
    assert s["lock"] == PG.lock("zd_check_not_valid").level


def test_check_with_not_valid_only_inside_a_literal_checks_every_row():
    s = _one("ALTER TABLE orders ADD CONSTRAINT note_ok CHECK (note <> 'NOT VALID');")
    assert s["lock"] == "ACCESS EXCLUSIVE" and s["scan"] and "every row" in s["blocks"]


# --- options read as PostgreSQL reads them --------------------------------------------------------

@pytest.mark.parametrize("sql, online", [
    ("REINDEX (CONCURRENTLY false) INDEX orders_id_idx;", False),
    ("REINDEX (CONCURRENTLY 0) TABLE orders;", False),
    ("REINDEX INDEX orders_id_idx;", False),
    ("REINDEX (CONCURRENTLY) INDEX orders_id_idx;", True),
    ("REINDEX (CONCURRENTLY true) INDEX orders_id_idx;", True),
    ("REINDEX INDEX CONCURRENTLY orders_id_idx;", True),
])
def test_reindex_is_concurrent_only_when_the_option_is_on(sql, online):
    s = _one(sql)
    assert (s["lock"] == "SHARE UPDATE EXCLUSIVE") is online
    assert (s["lock"] == PG.lock("reindex").level) is not online


@pytest.mark.parametrize("sql, full", [
    ("VACUUM (FULL FALSE) orders;", False), ("VACUUM (FULL off, ANALYZE) orders;", False),
    ("VACUUM orders;", False), ("VACUUM (FULL) orders;", True), ("VACUUM FULL orders;", True),
    ("VACUUM (FULL true) orders;", True),
])
def test_vacuum_rewrites_only_when_full_is_on(sql, full):
    s = _one(sql)
    assert s["rewrite"] is full
    assert s["lock"] == ("ACCESS EXCLUSIVE" if full else "SHARE UPDATE EXCLUSIVE")


def test_detach_partition_locks_the_partitioned_table():
    s = _one("ALTER TABLE events DETACH PARTITION events_2023;")
    assert s["lock"] == "ACCESS EXCLUSIVE on events and on events_2023"
    assert s["blocks"].startswith("reads and writes on every partition of events")
    assert any(r.startswith("PG021") for r in s["risks"])


@pytest.mark.parametrize("sql", ["ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;",
                                 "ALTER TABLE events DETACH PARTITION events_2023 FINALIZE;"])
def test_detach_partition_concurrently_leaves_the_partitioned_table_usable(sql):
    s = _one(sql)
    assert s["lock"] == "SHARE UPDATE EXCLUSIVE on events, ACCESS EXCLUSIVE on events_2023"
    assert s["blocks"].startswith("nothing on events")
    assert not any(r.startswith("PG021") for r in s["risks"])


# --- the tree, not the text -----------------------------------------------------------------------

def test_a_comment_or_quoted_name_does_not_change_the_operation():
    s = _one('ALTER TABLE orders /* ADD CONSTRAINT x EXCLUDE */ ADD COLUMN "exclude" int;')
    assert s["what"] == "Adds column(s) to orders." and not s["scan"]


def test_a_batched_do_block_names_the_table_it_updates():
    sql = ("DO $$\nDECLARE n bigint;\nBEGIN\n  LOOP\n    UPDATE orders SET status = 'new' WHERE id IN "
           "(SELECT id FROM orders WHERE status IS NULL LIMIT 1000);\n    GET DIAGNOSTICS n = ROW_COUNT;\n"
           "    EXIT WHEN n = 0;\n    COMMIT;\n  END LOOP;\nEND $$;")
    s = _one(sql, table_rows={"orders": 30_000})
    assert s["what"] == "Updates rows of orders in batches." and "30,000 rows" in s["estimated_duration"]
    once = _one("DO $$ BEGIN UPDATE orders SET status = 'new'; END $$;")
    assert "batches" not in once["what"]


def test_create_trigger_takes_share_row_exclusive():
    s = _one("CREATE TRIGGER t_sync BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION f();")
    assert s["lock"] == "SHARE ROW EXCLUSIVE" and s["what"] == "Creates a trigger on orders."


def test_text_postgresql_cannot_parse_is_still_explained():
    s = _one("ALTER TABLE orders ADD COLUMN c int,;")
    assert s["lock"] and any(r.startswith("SQL001") for r in s["risks"])
