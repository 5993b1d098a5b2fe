"""Columns come back with the type the schema gave them. A type read from the schema used to be
reduced to its portable kind and written back in dbmig's own spelling: MySQL's DATETIME came
back DATETIME(6) and TIMESTAMP as TIMESTAMP(6), MEDIUMTEXT as LONGTEXT, TINYINT(4) as SMALLINT;
PostgreSQL's unbounded NUMERIC as NUMERIC(18,0) (values rounded), json as jsonb, timestamp(3) as
timestamp. Now a type the database would write differently keeps the schema's spelling
(`dbmig.schema.as_written`) while its portable kind still drives checks and plans. Each case is
dropped and rolled back, or changed, by the real tools on the real database, from the schema as a
dump prints it and as the live catalog gives it."""
from __future__ import annotations

import pytest

from dbmig.api import generate
from dbmig.errors import InvalidRequest
from dbmig.schema import parse_schema
from dbmig.types import SqlType

from .test_schema_dumps import round_trip_from

TABLES = {
    "postgresql": ["CREATE TABLE readings (id bigint PRIMARY KEY, amount numeric, meta json, "
                   "taken_at timestamp(3), label varchar, note varchar(20))"],
    "mysql": ["CREATE TABLE readings (id bigint PRIMARY KEY, taken_at datetime, stamped timestamp NULL, "
              "precise datetime(3), body mediumtext, level tinyint(4), code varbinary(16), qty mediumint, "
              "note varchar(20))"],
}
ROWS = {
    "postgresql": ["INSERT INTO readings VALUES (1, 12345678901234567890.123456789, '{\"a\": 1}', "
                   "'2026-01-02 03:04:05.678', 'x', 'n'), (2, NULL, NULL, NULL, NULL, NULL)"],
    "mysql": ["INSERT INTO readings VALUES (1, '2026-01-02 03:04:05', '2026-01-02 03:04:05', "
              "'2026-01-02 03:04:05.678', 'body', 100, x'0102', 70000, 'n'), "
              "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"],
}
DROPPED = {"postgresql": ["amount", "meta", "taken_at", "label"],
           "mysql": ["taken_at", "stamped", "precise", "body", "level", "code", "qty"]}


def changes(database: str) -> list[dict]:
    # the rename makes the plan carry a column of each type past another change first
    return [{"op": "rename_column", "table": "readings", "column": "note", "new_name": "remark"},
            *({"op": "drop_column", "table": "readings", "column": c} for c in DROPPED[database])]


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
@pytest.mark.parametrize("downtime", [True, False])
def test_dropped_columns_come_back_with_their_own_types(tool, database, downtime, tmp_path):
    round_trip_from("dump", database, TABLES[database] + ROWS[database], tool, changes(database), tmp_path, downtime)


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
def test_read_from_the_live_catalog_they_come_back_too(database, tmp_path):
    round_trip_from("dsn", database, TABLES[database] + ROWS[database], "flyway", changes(database), tmp_path)


@pytest.mark.engine
def test_a_type_change_rolls_back_to_the_type_as_written(tmp_path):
    """MySQL DATETIME widened to DATETIME(6): the rollback goes back to DATETIME, not to itself."""
    result = round_trip_from("dump", "mysql", TABLES["mysql"] + ROWS["mysql"], "flyway",
                             [{"op": "alter_column_type", "table": "readings", "column": "taken_at", "type": "timestamp"}],
                             tmp_path)
    assert "DATETIME(6)" in result.migration_script.content


def test_the_portable_kind_is_kept_with_the_spelling():
    mysql = parse_schema(TABLES["mysql"][0], "mysql").table("readings").columns
    assert mysql["taken_at"].type == SqlType("timestamp", native="DATETIME")
    assert mysql["body"].type == SqlType("text", native="MEDIUMTEXT")
    assert mysql["note"].type == SqlType("varchar", (20,))                # written as dbmig writes it
    pg = parse_schema(TABLES["postgresql"][0], "postgres").table("readings").columns
    assert (pg["amount"].type, pg["meta"].type) == (SqlType("decimal", native="DECIMAL"), SqlType("json", native="JSON"))
    assert parse_schema("CREATE TABLE t (a int(11), b numeric(10));", "mysql").table("t").columns["b"].type == \
        SqlType("decimal", (10,))


def test_a_column_spelled_its_own_way_can_still_be_changed_and_split():
    schema = TABLES["mysql"][0]
    base = dict(migration_tool="flyway", database="mysql", migration_type="schema", downtime_allowed=True,
                migration_description="change", schema=schema)
    widened = generate(base | {"changes": [{"op": "alter_column_type", "table": "readings", "column": "body",
                                            "type": "text"}]})
    assert "MEDIUMTEXT" in widened.rollback_script.content
    with pytest.raises(InvalidRequest):       # a type with no portable kind stays refused
        generate(base | {"schema": "CREATE TABLE readings (id int PRIMARY KEY, flags SET('a','b'));",
                         "changes": [{"op": "alter_column_type", "table": "readings", "column": "flags",
                                      "type": "text"}]})



def test_a_plain_english_request_names_a_column_spelled_its_own_way_by_its_portable_type():
    """"copy readings.body into ..." took the schema's spelling (MEDIUMTEXT) as the new column's type,
    which a request cannot name: the request got "unknown type" instead of the copy."""
    result = generate(dict(migration_tool="flyway", database="mysql", migration_type="schema", downtime_allowed=True,
                           migration_description="copy readings.body into a new column body_copy",
                           schema=TABLES["mysql"][0], author="dbmig-tests"))
    assert result.changes[0].model_dump(exclude_defaults=True)["column"] == {"name": "body_copy", "type": "text"}
    assert [w for w in result.warnings if "body is MEDIUMTEXT in the schema" in w]
