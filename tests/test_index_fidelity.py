"""Indexes come back as they were: a rollback that rebuilds an index the migration dropped (with
its column, or by name) keeps the access method, operator classes, order, expressions, INCLUDE
columns, PostgreSQL storage parameters (`WITH (fillfactor = 60)`) and MySQL prefix lengths.
Before, a gin index came back as a btree, `created_at DESC` as ascending, INCLUDE and storage
parameters were lost, and a schema holding any expression index was refused whole.
Each case runs on the real database with the real tools, from the schema as a dump prints it
and as the live catalog gives it (`dsn`), and the rollback must leave every index definition
(pg_indexes.indexdef; MySQL's statistics with prefix length and order) as it was."""
from __future__ import annotations

import pytest

from dbmig.schema import IndexDef, parse_schema, renamed_in

from .test_schema_dumps import round_trip_from

TABLES = {
    "postgresql": [
        "CREATE TABLE docs (id bigint PRIMARY KEY, email text NOT NULL, name text, note text, tags text[], "
        "body jsonb, created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)",
        "CREATE INDEX docs_tags_gin ON docs USING gin (tags) WITH (fastupdate = off)",
        "CREATE INDEX docs_name_packed ON docs (name) WITH (fillfactor = 60, deduplicate_items = off)",
        "CREATE INDEX docs_body_path ON docs USING gin (body jsonb_path_ops)",
        "CREATE INDEX docs_note_pattern ON docs (note text_pattern_ops)",
        "CREATE INDEX docs_recent ON docs (created_at DESC NULLS LAST) INCLUDE (name)",
        "CREATE UNIQUE INDEX docs_email_ci ON docs (lower(email), name)",
        "CREATE INDEX docs_body_kind ON docs ((body ->> 'kind')) WHERE note IS NOT NULL",
        "CREATE INDEX docs_created_brin ON docs USING brin (created_at)",
    ],
    "mysql": [
        "CREATE TABLE docs (id bigint PRIMARY KEY, email varchar(255) NOT NULL, name varchar(100), "
        "note text, created_at date NOT NULL, KEY docs_name_prefix (name(10), created_at DESC), "
        "KEY docs_note_prefix (note(20)))",
    ],
}
ROWS = {
    "postgresql": ["INSERT INTO docs VALUES (1, 'A@x.io', 'Ann', 'n1', '{a,b}', '{\"kind\": \"x\"}', '2026-01-01'), "
                   "(2, 'b@x.io', NULL, NULL, NULL, NULL, '2026-02-01')"],
    "mysql": ["INSERT INTO docs VALUES (1, 'a@x.io', 'Ann', 'n1', '2026-01-01'), (2, 'b@x.io', NULL, NULL, '2026-02-01')"],
}
# Every column an index reads is dropped (its indexes go with it and come back in the rollback);
# one column renamed first, so the rebuilt expression must name it as the schema then does.
CHANGES = {
    "postgresql": [{"op": "rename_column", "table": "docs", "column": "email", "new_name": "mail"},
                   *({"op": "drop_column", "table": "docs", "column": c}
                     for c in ("tags", "body", "note", "name", "created_at"))],
    "mysql": [{"op": "rename_column", "table": "docs", "column": "name", "new_name": "full_name"},
              *({"op": "drop_column", "table": "docs", "column": c} for c in ("created_at", "note"))],
}


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
@pytest.mark.parametrize("downtime", [True, False])
def test_indexes_dropped_with_their_columns_come_back_as_they_were(tool, database, downtime, tmp_path):
    # expand/contract refuses a rename of a column an index reads (the index would have to be rebuilt)
    changes = CHANGES[database] if downtime else CHANGES[database][1:]
    round_trip_from("dump", database, TABLES[database] + ROWS[database], tool, changes, tmp_path, downtime)


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
def test_read_from_the_live_catalog_they_come_back_too(database, tmp_path):
    result = round_trip_from("dsn", database, TABLES[database] + ROWS[database], "flyway", CHANGES[database], tmp_path)
    assert not [n for n in result.warnings if "not in dbmig's schema model" in n]


@pytest.mark.engine
@pytest.mark.liquibase
@pytest.mark.parametrize("downtime", [True, False])
def test_an_index_dropped_by_name_is_rebuilt_with_its_method_and_keys(downtime, tmp_path):
    changes = [{"op": "drop_index", "table": "docs", "name": n}
               for n in ("docs_tags_gin", "docs_name_packed", "docs_recent", "docs_email_ci", "docs_body_kind")]
    round_trip_from("dump", "postgresql", TABLES["postgresql"] + ROWS["postgresql"], "liquibase", changes,
                    tmp_path, downtime)


def test_a_schema_reads_each_part_of_an_index():
    docs = parse_schema(";\n".join(TABLES["postgresql"]) + ";", "postgres").table("docs")
    assert docs.indexes["docs_tags_gin"] == IndexDef("docs_tags_gin", ["tags"], using="gin",
                                                     storage={"fastupdate": "off"})
    packed = IndexDef("docs_name_packed", ["name"], storage={"fillfactor": "60", "deduplicate_items": "off"})
    assert docs.indexes["docs_name_packed"] == packed and not packed.plain
    assert docs.indexes["docs_recent"] == IndexDef("docs_recent", ["created_at"], keys=["created_at DESC NULLS LAST"],
                                                   include=["name"])
    assert docs.indexes["docs_email_ci"] == IndexDef("docs_email_ci", ["email", "name"], True,
                                                     keys=["LOWER(email)", "name"])
    kind = docs.indexes["docs_body_kind"]
    assert (kind.columns, kind.keys, kind.where) == (["body"], ["(body ->> 'kind')"], "note IS NOT NULL")
    assert docs.indexes["docs_note_pattern"].keys == ["note text_pattern_ops"]
    mysql = parse_schema(TABLES["mysql"][0], "mysql").table("docs")
    assert mysql.indexes["docs_name_prefix"].keys == ["name(10)", "created_at DESC"]
    assert mysql.indexes["docs_note_prefix"] == IndexDef("docs_note_prefix", ["note"], keys=["note(20)"])


def test_a_renamed_column_is_renamed_in_keys_and_predicates_not_in_literals():
    index = IndexDef("ix", ["email", "name"], keys=["LOWER(email)", '"email" DESC'], include=["email"],
                     where="email <> 'email' AND emails > 0")
    index.rename_column("email", "mail", "mail")
    assert (index.columns, index.keys, index.include, index.where) == \
        (["mail", "name"], ["LOWER(mail)", "mail DESC"], ["mail"], "mail <> 'email' AND emails > 0")
    assert renamed_in("`Email`(10)", "email", "`mail`") == "`mail`(10)"
