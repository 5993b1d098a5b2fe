"""MySQL/MariaDB index options the optimizer and the team rely on: an index the optimizer ignores
(MariaDB 10.6+ `IGNORED`, MySQL 8 `INVISIBLE`: the way to retire an index safely before dropping
it) and an index's description (`COMMENT '...'`). Before, a mariadb-dump holding an IGNORED index
was refused whole, and a rollback rebuilt a dropped invisible index as a visible one (the
optimizer then uses it again) and without its description. Each engine case runs on MariaDB
with the real tools, from the dump and from the live catalog; the round trip compares every
index's description and IGNORED flag as well as its columns."""
from __future__ import annotations

import pytest

from dbmig.dialects import get_dialect
from dbmig.schema import parse_schema

from .test_schema_dumps import round_trip_from

TABLES = [
    "CREATE TABLE event (id bigint PRIMARY KEY, kind varchar(20) NOT NULL, at datetime NOT NULL, note text, "
    "KEY event_kind (kind) IGNORED, KEY event_at (at) COMMENT 'reports: by day', "
    "KEY event_kind_at (kind, at) COMMENT 'retiring; it''s ignored' IGNORED)",
    "INSERT INTO event VALUES (1, 'click', '2026-01-01 10:00:00', 'a'), (2, 'view', '2026-01-02 11:00:00', NULL)",
]


@pytest.mark.engine
@pytest.mark.parametrize("source", ["dump", "dsn"])
@pytest.mark.parametrize("tool", ["flyway", pytest.param("liquibase", marks=pytest.mark.liquibase), "alembic"])
@pytest.mark.parametrize("downtime", [True, False])
@pytest.mark.parametrize("changes", [
    [{"op": "drop_index", "table": "event", "name": n} for n in ("event_kind", "event_at", "event_kind_at")],
    [{"op": "drop_column", "table": "event", "column": "at"}],
], ids=["indexes", "column"])
def test_ignored_and_described_indexes_come_back_as_they_were(source, tool, downtime, changes, tmp_path):
    result = round_trip_from(source, "mysql", TABLES, tool, changes, tmp_path, downtime)
    assert not [n for n in result.warnings if "not in dbmig's schema model" in n]


def test_both_spellings_are_read_and_written_as_the_schema_has_them():
    mariadb = parse_schema(TABLES[0] + ";", "mysql").table("event")
    assert {n: (i.hidden, i.comment) for n, i in mariadb.indexes.items()} == {
        "event_kind": ("IGNORED", None), "event_at": (None, "reports: by day"),
        "event_kind_at": ("IGNORED", "retiring; it's ignored")}
    mysql8 = parse_schema("CREATE TABLE event (id int PRIMARY KEY, kind int, KEY event_kind (kind) INVISIBLE);\n"
                          "CREATE INDEX event_id_kind ON event (id, kind) COMMENT 'x' INVISIBLE;\n"
                          "ALTER TABLE event ALTER INDEX event_id_kind VISIBLE;", "mysql").table("event")
    assert {n: (i.hidden, i.comment) for n, i in mysql8.indexes.items()} == {
        "event_kind": ("INVISIBLE", None), "event_id_kind": (None, "x")}
    history = parse_schema(TABLES[0] + ";\nALTER TABLE event ALTER INDEX event_kind NOT IGNORED;\n"
                           "ALTER TABLE event ALTER INDEX event_at IGNORED;", "mysql").table("event")
    assert {n: i.hidden for n, i in history.indexes.items()} == {
        "event_kind": None, "event_at": "IGNORED", "event_kind_at": "IGNORED"}
    d = get_dialect("mysql")
    assert d.create_index("add_index", "event", mariadb.indexes["event_kind_at"]) == \
        "CREATE INDEX event_kind_at ON event (kind, at) COMMENT 'retiring; it''s ignored' IGNORED"
    assert d.create_index("add_index", "event", mysql8.indexes["event_kind"]).endswith("(kind) INVISIBLE")
