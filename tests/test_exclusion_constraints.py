"""PostgreSQL EXCLUDE constraints are part of the schema model: a rollback brings them back.

Before, the schema reader passed over `EXCLUDE USING gist (...)` without a word: dropping a column
it reads (which drops the constraint) rolled back without it, so double bookings became possible
after a rollback that reported success. Each case runs on PostgreSQL with the real tools, from the
schema as pg_dump prints it and as the live catalog gives it, and the rollback must leave every
constraint (pg_get_constraintdef) and every row as they were."""
from __future__ import annotations

import pytest

from dbmig.schema import ConstraintDef, parse_schema

from .test_schema_dumps import round_trip_from

BOOKINGS = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "CREATE TABLE booking (id bigint PRIMARY KEY, room int NOT NULL, during tstzrange NOT NULL, "
    "cancelled boolean NOT NULL DEFAULT false, CONSTRAINT booking_no_overlap EXCLUDE USING gist "
    "(room WITH =, during WITH &&) WHERE (NOT cancelled), CONSTRAINT booking_room_positive CHECK (room > 0))",
    "INSERT INTO booking VALUES (1, 1, '[2026-01-01,2026-01-02)', false), (2, 1, '[2026-01-01,2026-01-03)', true)",
]


@pytest.mark.engine
@pytest.mark.parametrize("source", ["dump", "dsn"])
@pytest.mark.parametrize("tool", ["flyway", pytest.param("liquibase", marks=pytest.mark.liquibase), "alembic"])
@pytest.mark.parametrize("downtime", [True, False])
def test_a_column_an_exclusion_reads_is_dropped_and_the_rollback_brings_the_constraint_back(source, tool, downtime,
                                                                                           tmp_path):
    changes = [{"op": "drop_column", "table": "booking", "column": "during"}]
    result = round_trip_from(source, "postgresql", BOOKINGS, tool, changes, tmp_path, downtime)
    assert [w for w in result.warnings if "exclusion booking_no_overlap" in w]


@pytest.mark.engine
@pytest.mark.parametrize("change", [
    [{"op": "rename_column", "table": "booking", "column": "room", "new_name": "room_no"},
     {"op": "drop_column", "table": "booking", "column": "cancelled"}],
    [{"op": "drop_constraint", "table": "booking", "name": "booking_no_overlap"}],
    [{"op": "drop_table", "table": "booking"}],
], ids=["renamed-then-dropped", "dropped-by-name", "table-dropped"])
def test_renamed_dropped_by_name_or_with_its_table_it_comes_back_as_it_was(change, tmp_path):
    round_trip_from("dump", "postgresql", BOOKINGS, "flyway", change, tmp_path)


def test_the_schema_reads_an_exclusion_and_a_rename_follows_into_its_text():
    table = parse_schema(";\n".join(BOOKINGS[1:2]) + ";", "postgres").table("booking")
    assert table.constraints["booking_no_overlap"] == ConstraintDef(
        "booking_no_overlap", "exclusion", ["room", "during", "cancelled"],
        "USING gist(room WITH =, during WITH &&) WHERE (NOT cancelled)")
    exclusion = table.constraints["booking_no_overlap"]
    exclusion.rename_column("room", "room_no", "room_no")
    assert (exclusion.columns[0], exclusion.expression) == \
        ("room_no", "USING gist(room_no WITH =, during WITH &&) WHERE (NOT cancelled)")


def test_a_history_that_renames_a_column_renames_it_in_checks_exclusions_and_referencing_keys():
    """The replay of a project's history (and of a dump) follows a rename into every text that names
    the column: before, a CHECK kept the old name, so its rollback re-created a constraint on a
    column that no longer existed."""
    from dbmig.project.replay import replay
    from dbmig.sources import read_sources
    history = ";\n".join(BOOKINGS[1:2] + [
        "CREATE TABLE invoice (id bigint PRIMARY KEY, booking_room int REFERENCES booking (room))",
        "ALTER TABLE booking ADD CONSTRAINT booking_room_key UNIQUE (room)",
        "ALTER TABLE booking RENAME COLUMN room TO room_no"]) + ";"
    statements = [s for src in read_sources([{"filename": "V1__h.sql", "content": history}], "postgresql", None)
                  for s in src.statements]
    schema = replay(statements, "postgresql").schema
    booking = schema.table("booking").constraints
    assert booking["booking_room_positive"].expression == "room_no > 0"
    assert booking["booking_no_overlap"].expression.startswith("USING gist(room_no WITH =")
    assert booking["booking_room_key"].columns == ["room_no"]
    (fk,) = [c for c in schema.table("invoice").constraints.values() if c.kind == "foreign_key"]
    assert fk.ref_columns == ["room_no"]
