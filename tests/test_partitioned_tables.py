"""PostgreSQL partitioned tables: read from a dump and the live catalog, changed online the way
PostgreSQL allows, and restored whole by a rollback.

Before, a pg_dump holding one partitioned table was refused whole (`ATTACH PARTITION`, `CREATE INDEX
... ON ONLY` did not parse), and the zero-downtime forms failed on a partitioned table at run time:
PostgreSQL builds and drops no index CONCURRENTLY there and takes no NOT VALID foreign key. Each
case runs on PostgreSQL with the real tools, from the schema as pg_dump prints it and as the live
catalog gives it; every migration applies, its validation queries hold, and the rollback leaves the
schema (partitioning, bounds, index definitions and validity) and every row as they were."""
from __future__ import annotations

import pytest

from dbmig.errors import ZeroDowntimeImpossible
from dbmig.schema import parse_schema

from .test_schema_dumps import generated, round_trip_from

EVENTS = [
    "CREATE TABLE account (id bigint PRIMARY KEY, mail text NOT NULL)",
    "CREATE TABLE event (id bigint NOT NULL, account_id bigint, at date NOT NULL, kind text, "
    "PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
    "CREATE TABLE event_2026 PARTITION OF event FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
    "CREATE TABLE event_2027 PARTITION OF event FOR VALUES FROM ('2027-01-01') TO ('2028-01-01') "
    "PARTITION BY RANGE (at)",
    "CREATE TABLE event_2027_h1 PARTITION OF event_2027 FOR VALUES FROM ('2027-01-01') TO ('2027-07-01')",
    "CREATE TABLE event_2027_h2 PARTITION OF event_2027 DEFAULT",
    "CREATE TABLE event_rest PARTITION OF event DEFAULT",
    "CREATE INDEX event_kind ON event (kind)",
    "CREATE INDEX event_2026_at ON event_2026 (at DESC)",
    "INSERT INTO account VALUES (1, 'a@x.io'), (2, 'b@x.io')",
    "INSERT INTO event VALUES (1, 1, '2026-03-01', 'click'), (2, 2, '2027-03-01', 'click'), "
    "(3, NULL, '2027-09-01', 'view'), (4, 1, '2030-01-01', NULL)",
]
ONLINE = [
    {"op": "add_index", "table": "event", "columns": ["account_id", "at"]},
    {"op": "drop_index", "table": "event", "name": "event_kind"},
    {"op": "add_foreign_key", "table": "event", "columns": ["account_id"], "ref_table": "account",
     "ref_columns": ["id"], "name": "event_account_fk"},
]


@pytest.mark.engine
@pytest.mark.parametrize("source", ["dump", "dsn"])
@pytest.mark.parametrize("tool", ["flyway", pytest.param("liquibase", marks=pytest.mark.liquibase), "alembic"])
@pytest.mark.parametrize("downtime", [True, False])
def test_indexes_and_keys_on_a_partitioned_table_online_and_back(source, tool, downtime, tmp_path):
    result = round_trip_from(source, "postgresql", EVENTS, tool, ONLINE, tmp_path, downtime)
    if not downtime:
        sql = "\n".join(f.content for f in result.files)
        assert "CONCURRENTLY" in sql and "ON ONLY" in sql and "ATTACH PARTITION" in sql
        assert "ON event (" not in sql.replace("ON ONLY event (", "")      # never a build that blocks event


@pytest.mark.engine
@pytest.mark.parametrize("source", ["dump", "dsn"])
@pytest.mark.parametrize("table", ["event", "event_2027", "event_2026"])
def test_a_dropped_partitioned_table_or_partition_comes_back_partitioned_with_its_rows(source, table, tmp_path):
    round_trip_from(source, "postgresql", EVENTS, "flyway", [{"op": "drop_table", "table": table}], tmp_path)


def test_a_pg_dump_with_partitions_is_read_table_by_table():
    dump = "\n".join([
        "CREATE TABLE public.event (id bigint NOT NULL, at date NOT NULL, kind text) PARTITION BY RANGE (at);",
        "CREATE TABLE public.event_2026 (id bigint NOT NULL, at date NOT NULL, kind text);",
        "ALTER TABLE ONLY public.event ATTACH PARTITION public.event_2026 FOR VALUES FROM ('2026-01-01') TO "
        "('2027-01-01');",
        "CREATE INDEX event_kind ON ONLY public.event USING btree (kind);",
        "CREATE INDEX event_2026_kind_idx ON public.event_2026 USING btree (kind);",
        "ALTER INDEX public.event_kind ATTACH PARTITION public.event_2026_kind_idx;",
    ])
    schema = parse_schema(dump, "postgres")
    event, part = schema.table("event"), schema.table("event_2026")
    assert (event.partition_by, list(event.indexes)) == ("RANGE(at)", ["event_kind"])
    assert (part.partition_of, part.partition_bound) == ("event", "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')")
    assert [p.name for p in schema.partitions(event)] == ["event_2026"]


def test_a_unique_constraint_on_a_partitioned_table_is_refused_online_with_the_way_that_works():
    with pytest.raises(ZeroDowntimeImpossible) as refused:
        generated("flyway", "postgresql", [{"op": "add_unique", "table": "event", "columns": ["id", "at"]}],
                  downtime=False, schema=";\n".join(EVENTS[:3]) + ";")
    assert "partitioned" in refused.value.message and "unique: true" in refused.value.suggestion


@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
def test_the_online_forms_lint_clean_with_the_partitioned_schema(tool):
    """dbmig's own linter knows the table is partitioned: ON ONLY builds nothing, the index has no
    CONCURRENTLY drop, and the table's foreign key only attaches the partitions' validated ones."""
    from dbmig.lint import validate_migration
    schema = ";\n".join(s for s in EVENTS if not s.startswith("INSERT")) + ";"
    result = generated(tool, "postgresql", ONLINE, downtime=False, schema=schema)
    report = validate_migration([{"filename": f.filename, "content": f.content} for f in result.files],
                                "postgresql", tool, schema=schema)
    assert [(f["rule_id"], f["file"]) for f in report["findings"] if f["severity"] != "info"] == []


@pytest.mark.engine
def test_a_project_history_with_partitions_replays_to_schema_text_that_builds_the_same_tables(tmp_path):
    """The schema a project's history replays to (`project/ddl.py`, what generate and verify read)
    creates the same partitioned tables, bounds and indexes as the history itself."""
    from dbmig.project.context import verify_context
    from .conftest import live_server
    ddl = [s for s in EVENTS if not s.startswith("INSERT")]
    (tmp_path / "sql").mkdir()
    (tmp_path / "flyway.conf").write_text("flyway.url=jdbc:postgresql://h/db\nflyway.locations=filesystem:sql\n")
    (tmp_path / "sql" / "V1__events.sql").write_text(";\n".join(ddl) + ";\n")
    schema = verify_context(str(tmp_path), None, None, None)[2]
    assert "PARTITION BY RANGE" in schema and "ATTACH PARTITION event_2027_h2 DEFAULT" in schema
    server = live_server("postgresql")
    with server.scratch("history") as history, server.scratch("replayed") as replayed:
        history.execute(ddl)
        replayed.execute([schema])
        assert replayed.snapshot() == history.snapshot()
        partitions = ("SELECT relname, pg_get_expr(relpartbound, oid) FROM pg_class "
                      "WHERE relispartition AND relkind IN ('r', 'p') ORDER BY 1")
        assert replayed.query(partitions) == history.query(partitions) and len(history.query(partitions)) == 5
