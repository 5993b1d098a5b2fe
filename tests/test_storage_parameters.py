"""PostgreSQL storage parameters (`WITH (fillfactor = 70)`, autovacuum settings) stay with their
table or index: read from a pg_dump (inline WITH), from a project's history (ALTER ... SET / RESET)
and from the live catalog (reloptions), and given back by a rollback that re-creates a dropped
table or index. Before, a dropped table's autovacuum tuning and an index's fillfactor were lost
on rollback, and a history holding `ALTER INDEX ... SET (...)` failed with an internal error.
The engine cases apply each migration and its rollback on PostgreSQL; the rollback must leave
pg_class.reloptions of every table and index as they were."""
from __future__ import annotations

import pytest

from dbmig.schema import parse_schema

from .conftest import live_server
from .test_schema_dumps import round_trip_from

TABLES = [
    "CREATE TABLE queue (id bigint PRIMARY KEY, state text NOT NULL, payload text) "
    "WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01)",
    "CREATE INDEX queue_state ON queue (state) WITH (fillfactor = 50)",
    "CREATE TABLE audit (id bigint PRIMARY KEY, queue_id bigint REFERENCES queue, note text) "
    "WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false)",
    "INSERT INTO queue VALUES (1, 'new', 'a'), (2, 'done', NULL)",
    "INSERT INTO audit VALUES (10, 1, 'x')",
]


@pytest.mark.engine
@pytest.mark.parametrize("source", ["dump", "dsn"])
@pytest.mark.parametrize("tool", ["flyway", pytest.param("liquibase", marks=pytest.mark.liquibase), "alembic"])
@pytest.mark.parametrize("change", [
    [{"op": "drop_table", "table": "audit"}, {"op": "drop_table", "table": "queue"}],
    [{"op": "drop_index", "table": "queue", "name": "queue_state"}],
    [{"op": "drop_column", "table": "queue", "column": "state"}],
], ids=["tables", "index", "column"])
def test_a_rollback_gives_back_the_storage_parameters(source, tool, change, tmp_path):
    """round_trip_from compares the schema before and after the rollback, reloptions included."""
    round_trip_from(source, "postgresql", TABLES, tool, change, tmp_path)


@pytest.mark.engine
def test_the_round_trip_compares_storage_parameters():
    with live_server("postgresql").scratch("options") as scratch:
        scratch.execute(TABLES)
        assert scratch.snapshot()["schema"]["storage"] == [
            ["audit", "{autovacuum_enabled=false}", "{autovacuum_enabled=false}"],
            ["queue", "{fillfactor=70,autovacuum_vacuum_scale_factor=0.01}", None]]
        assert "WITH (fillfactor='50')" in str(scratch.snapshot()["schema"]["indexes"])


def test_a_history_sets_and_resets_parameters_as_postgresql_does():
    history = ";\n".join([
        "CREATE TABLE queue (id bigint PRIMARY KEY, state text) WITH (fillfactor='70')",
        "CREATE INDEX queue_state ON queue (state)",
        "ALTER TABLE queue SET (autovacuum_vacuum_scale_factor = 0.01, fillfactor = 80)",
        "ALTER TABLE queue RESET (fillfactor)",
        "ALTER INDEX queue_state SET (fillfactor = 50)",
        "ALTER INDEX queue_pkey SET (fillfactor = 90)",
        "ALTER TABLE ONLY queue ALTER COLUMN state SET STATISTICS 500",
        "ALTER TABLE queue ALTER COLUMN state SET STORAGE EXTERNAL",
        "ALTER TABLE queue SET UNLOGGED",
    ]) + ";"
    queue = parse_schema(history, "postgres").table("queue")
    assert queue.storage == {"autovacuum_vacuum_scale_factor": "0.01"}
    assert queue.indexes["queue_state"].storage == {"fillfactor": "50"}
    dump = "CREATE TABLE public.queue (id bigint, state text) WITH (fillfactor='70', autovacuum_enabled='false');"
    assert parse_schema(dump, "postgres").table("queue").storage == {"fillfactor": "70", "autovacuum_enabled": "false"}
    written = "CREATE TABLE queue (id bigint, state text) WITH (toast.autovacuum_enabled = false, fillfactor = 70);"
    assert parse_schema(written, "postgres").table("queue").storage == {"toast.autovacuum_enabled": "false",
                                                                        "fillfactor": "70"}
