"""Generated columns (`GENERATED ALWAYS AS (expr) STORED|VIRTUAL`) are read as such from a schema,
a dump or the live catalog. Before, one was taken for a plain column: its drop was backed up and
its rollback re-added a plain column and wrote the old values into it, and dropping a column it
is computed from failed on the database (PostgreSQL: "other objects depend on it"; MySQL 3108).
Now a dropped generated column comes back computed, a column it reads is dropped after it (and
what is built on it), and changes that cannot apply to it are refused naming the field."""
from __future__ import annotations

import pytest

from dbmig.api import generate
from dbmig.errors import DbmigError, InvalidRequest
from dbmig.schema import parse_schema

from .test_schema_dumps import round_trip_from

TABLES = {
    "postgresql": ["CREATE TABLE items (id bigint PRIMARY KEY, price numeric(10,2) NOT NULL, qty int, "
                   "total numeric(12,2) GENERATED ALWAYS AS (price * qty) STORED, note text)",
                   "CREATE INDEX items_total ON items (total)"],
    "mysql": ["CREATE TABLE items (id bigint PRIMARY KEY, price decimal(10,2) NOT NULL, qty int, "
              "total decimal(12,2) AS (price * qty) STORED, twice int GENERATED ALWAYS AS (qty * 2) VIRTUAL, "
              "note text, KEY items_total (total))"],
}
ROWS = {db: ["INSERT INTO items (id, price, qty, note) VALUES (1, 2.50, 4, 'a'), (2, 1.00, NULL, NULL)"]
        for db in TABLES}
CHANGES = {
    "drop the generated column": [{"op": "drop_column", "table": "items", "column": "total"}],
    "drop a column it reads": [{"op": "drop_column", "table": "items", "column": "qty"}],
    "drop the table": [{"op": "drop_table", "table": "items"}],
}


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_generated_columns_are_dropped_and_come_back_computed(tool, database, change, tmp_path):
    round_trip_from("dump", database, TABLES[database] + ROWS[database], tool, CHANGES[change], tmp_path)


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("source", ["dump", "dsn"])
def test_without_downtime_too_and_read_from_the_live_catalog(database, source, tmp_path):
    round_trip_from(source, database, TABLES[database] + ROWS[database], "flyway", CHANGES["drop a column it reads"],
                    tmp_path, downtime=source == "dump")


def test_a_generated_column_is_read_with_its_expression():
    pg = parse_schema(";\n".join(TABLES["postgresql"]) + ";", "postgres").table("items").columns
    assert pg["total"].generated == "GENERATED ALWAYS AS (price * qty) STORED" and pg["total"].default is None
    my = parse_schema(TABLES["mysql"][0], "mysql").table("items").columns
    assert (my["total"].generated, my["twice"].generated) == \
        ("GENERATED ALWAYS AS (price * qty) STORED", "GENERATED ALWAYS AS (qty * 2) VIRTUAL")


@pytest.mark.parametrize("change, field", [
    ({"op": "alter_column_type", "table": "items", "column": "total", "type": "decimal(14,2)"}, "changes.0.column"),
    ({"op": "set_default", "table": "items", "column": "total", "default": "0"}, "changes.0.column"),
    ({"op": "backfill", "table": "items", "column": "total", "value": "0"}, "changes.0.column"),
    ({"op": "update_rows", "table": "items", "set": {"note": "'x'", "total": "1"}}, "changes.0.set.total"),
    ({"op": "split_column", "table": "items", "column": "note", "into": ["total", "x"], "separator": " "},
     "changes.0.into.0"),
])
@pytest.mark.parametrize("downtime", [True, False])
def test_a_change_that_cannot_apply_to_a_generated_column_is_refused(change, field, downtime):
    with pytest.raises(InvalidRequest) as raised:
        generate(dict(migration_tool="flyway", database="postgresql", migration_description="change",
                      downtime_allowed=downtime, schema=";\n".join(TABLES["postgresql"]) + ";", changes=[change]))
    assert raised.value.field == field and "generated column" in str(raised.value)


def test_a_sql_server_computed_column_is_not_re_created_by_guess():
    with pytest.raises(DbmigError) as raised:
        generate(dict(migration_tool="flyway", database="sqlserver", migration_description="drop", downtime_allowed=True,
                      schema="CREATE TABLE items (id int PRIMARY KEY, qty int, twice AS (qty * 2) PERSISTED);",
                      changes=[{"op": "drop_column", "table": "items", "column": "twice"}]))
    assert raised.value.to_dict()["field"] == "schema"


def test_a_generated_column_is_renamed_in_place_not_by_expand_and_contract():
    base = dict(migration_tool="flyway", database="postgresql", migration_description="rename",
                schema=TABLES["postgresql"][0] + ";",
                changes=[{"op": "rename_column", "table": "items", "column": "total", "new_name": "amount"}])
    assert "RENAME COLUMN total TO amount" in generate(base | {"downtime_allowed": True}).migration_script.content
    with pytest.raises(DbmigError) as raised:     # a copy of it could not be written by the trigger or backfill
        generate(base | {"downtime_allowed": False})
    assert raised.value.to_dict()["field"] == "downtime_allowed" and "generated column" in str(raised.value)
