"""Descriptions of tables and columns (PostgreSQL `COMMENT ON`, MySQL `COMMENT '...'`) stay where
they were: read from a dump, a project's history and the live catalog; written back by a rollback
that re-creates a dropped column or table; carried to the new column of an online rename; kept
by MySQL's MODIFY, which drops a description it does not restate. Before, every one of these
lost them. Each engine case applies the migration and its rollback with the real tool; the
round trip compares every description (pg_description; information_schema's comments) too."""
from __future__ import annotations

import pytest

from dbmig.runners import runner
from dbmig.schema import parse_schema

from .conftest import live_server
from .test_schema_dumps import dump, generated, round_trip_from
from .test_zero_downtime import phase_files

TABLES = {
    "postgresql": [
        "CREATE TABLE account (id bigint PRIMARY KEY, mail text NOT NULL, plan text, score int NOT NULL DEFAULT 0)",
        "COMMENT ON TABLE account IS 'one row per paying customer'",
        "COMMENT ON COLUMN account.mail IS 'login; the customer''s own address'",
        "COMMENT ON COLUMN account.plan IS 'free | pro (see :plans, 100%)'",
        "COMMENT ON COLUMN account.score IS 'risk score, 0-100'",
        "INSERT INTO account VALUES (1, 'a@x.io', 'pro', 3), (2, 'b@x.io', NULL, 0)",
    ],
    "mysql": [
        "CREATE TABLE account (id bigint PRIMARY KEY, "
        "mail varchar(200) NOT NULL COMMENT 'login; the customer''s address', "
        "plan varchar(20) COMMENT 'free | pro', score int NOT NULL DEFAULT 0 COMMENT 'risk score, 0-100') "
        "COMMENT='one row per paying customer'",
        "INSERT INTO account VALUES (1, 'a@x.io', 'pro', 3), (2, 'b@x.io', NULL, 0)",
    ],
}
DROPS = [[{"op": "drop_column", "table": "account", "column": "plan"}],
         [{"op": "drop_table", "table": "account"}]]


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("source", ["dump", "dsn"])
@pytest.mark.parametrize("tool", ["flyway", pytest.param("liquibase", marks=pytest.mark.liquibase), "alembic"])
@pytest.mark.parametrize("changes", DROPS, ids=["column", "table"])
def test_a_rollback_gives_back_the_descriptions(database, source, tool, changes, tmp_path):
    round_trip_from(source, database, TABLES[database], tool, changes, tmp_path)


def comments(scratch) -> list:
    return scratch.snapshot()["schema"]["comments"]


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("change,downtime,moved", [
    ({"op": "rename_column", "table": "account", "column": "plan", "new_name": "tier"}, False, ("plan", "tier")),
    ({"op": "alter_column_type", "table": "account", "column": "score", "type": "bigint"}, True, None),
    ({"op": "set_not_null", "table": "account", "column": "plan", "backfill": "'free'"}, True, None),
], ids=["online-rename", "type", "not-null"])
def test_a_changed_column_keeps_its_description(database, change, downtime, moved, tmp_path):
    server = live_server(database)
    with server.scratch("comments") as scratch:
        scratch.execute(TABLES[database])
        before = comments(scratch)
        result = generated("flyway", database, [change], downtime, schema=dump(server, scratch.database))
        phases = phase_files(result)
        for _, files in phases:
            runner("flyway").upgrade(scratch, files, tmp_path)
        renamed = [[t, moved[1] if moved and c == moved[0] else c, text] for t, c, text in before]
        assert comments(scratch) == sorted(renamed)
        for _, files in reversed(phases):
            runner("flyway").downgrade(scratch, files, tmp_path)
        assert comments(scratch) == before


def test_descriptions_are_read_from_a_dump_and_a_history():
    pg = parse_schema(";\n".join(TABLES["postgresql"][:5] + [
        "COMMENT ON COLUMN account.score IS NULL", "COMMENT ON INDEX account_pkey IS 'not a table'",
        "COMMENT ON CONSTRAINT account_pkey ON account IS 'as pg_dump writes a key''s description'",
        "COMMENT ON COLUMN some_view.x IS 'a view: not in the model'"]) + ";", "postgres").table("account")
    assert pg.comment == "one row per paying customer"
    assert [(c.name, c.comment) for c in pg.columns.values()] == [
        ("id", None), ("mail", "login; the customer's own address"), ("plan", "free | pro (see :plans, 100%)"),
        ("score", None)]
    my = parse_schema(TABLES["mysql"][0] + ";", "mysql").table("account")
    assert (my.comment, my.columns["plan"].comment) == ("one row per paying customer", "free | pro")
