"""MySQL's FULLTEXT and SPATIAL indexes and its spatial column types, kept as the schema has them.

Before, a FULLTEXT key was read as a plain index and rebuilt as `CREATE INDEX` (MariaDB: "Specified
key was too long", the rollback failed; on shorter columns a B-tree silently replaced the
full-text index), the live catalog left both kinds out of the model, and a column of type POINT,
LINESTRING or POLYGON made sqlglot refuse the whole schema. Each case runs on MariaDB with the real
tools, from the schema as mariadb-dump prints it and as the live catalog gives it, and the
rollback must leave every index (type, columns, prefix lengths) and every row as they were."""
from __future__ import annotations

import re

import pytest
import sqlglot

from dbmig.dialects import get_dialect
from dbmig.schema import IndexDef, parse_schema

from .test_schema_dumps import round_trip_from

ARTICLES = [
    "CREATE TABLE art (id bigint PRIMARY KEY, title varchar(200) NOT NULL, body text, geo POINT NOT NULL, "
    "path LINESTRING, area POLYGON, FULLTEXT KEY art_text_ft (title, body), SPATIAL KEY art_geo (geo), "
    "KEY art_title (title(20))) ENGINE=InnoDB",
    "INSERT INTO art VALUES (1, 'a', 'b c', POINT(1, 2), NULL, NULL), "
    "(2, 'x', NULL, POINT(3, 4), LineString(Point(0, 0), Point(1, 1)), "
    "Polygon(LineString(Point(0, 0), Point(0, 1), Point(1, 1), Point(0, 0))))",
]
DROPPED = [{"op": "drop_column", "table": "art", "column": c} for c in ("body", "geo", "path")]


@pytest.mark.engine
@pytest.mark.parametrize("source", ["dump", "dsn"])
@pytest.mark.parametrize("tool", ["flyway", pytest.param("liquibase", marks=pytest.mark.liquibase), "alembic"])
@pytest.mark.parametrize("downtime", [True, False])
def test_columns_with_fulltext_and_spatial_indexes_come_back_as_they_were(source, tool, downtime, tmp_path):
    result = round_trip_from(source, "mysql", ARTICLES, tool, DROPPED, tmp_path, downtime)
    assert not [n for n in result.warnings if "not in dbmig's schema model" in n]


@pytest.mark.engine
@pytest.mark.parametrize("downtime", [True, False])
def test_a_fulltext_index_dropped_by_name_is_rebuilt_as_fulltext(downtime, tmp_path):
    changes = [{"op": "drop_index", "table": "art", "name": n} for n in ("art_text_ft", "art_geo")]
    result = round_trip_from("dump", "mysql", ARTICLES, "flyway", changes, tmp_path, downtime)
    if not downtime:        # its online rebuild cannot be LOCK=NONE: the caller is told writes wait
        assert [w for w in result.warnings if "art_text_ft is FULLTEXT" in w and "LOCK=SHARED" in w]
        files = "\n".join(f.content for f in result.files)
        assert re.search(r"CREATE FULLTEXT INDEX \S*art_text_ft\S* ON \S*art\S* \(\S*title\S*, \S*body\S*\) "
                         r"ALGORITHM=INPLACE LOCK=SHARED", files)


def test_the_schema_reads_each_index_type_and_the_dialect_writes_it_before_index():
    schema = parse_schema(ARTICLES[0] + ";\nCREATE FULLTEXT INDEX art_title_ft ON art (title) ALGORITHM=INPLACE "
                          "LOCK=SHARED;\nCREATE SPATIAL INDEX art_path ON art (path);", "mysql")
    art = schema.table("art")
    assert art.indexes["art_text_ft"] == IndexDef("art_text_ft", ["title", "body"], using="fulltext")
    assert art.indexes["art_geo"] == IndexDef("art_geo", ["geo"], using="spatial")
    assert art.indexes["art_title_ft"].using == "fulltext" and art.indexes["art_path"].using == "spatial"
    hashed = parse_schema(ARTICLES[0] + ";\nCREATE INDEX art_id_hash ON art (id, title) USING HASH ALGORITHM=INPLACE "
                          "LOCK=NONE;", "mysql").table("art").indexes["art_id_hash"]
    assert hashed == IndexDef("art_id_hash", ["id", "title"])    # InnoDB builds a B-tree for USING HASH
    assert str(art.columns["geo"].type).upper() == "POINT"
    mysql = get_dialect("mysql")
    assert mysql.create_index("add_index", "art", art.indexes["art_text_ft"]) == \
        "CREATE FULLTEXT INDEX art_text_ft ON art (title, body)"
    assert not mysql.builds_online(art.indexes["art_geo"]) and mysql.builds_online(art.indexes["art_title"])


def test_sqlglot_reads_mysql_spatial_types_and_still_takes_the_words_as_names():
    for sql in ("CREATE TABLE t (g POINT NOT NULL, l LINESTRING, p POLYGON, m MULTIPOLYGON, n MULTILINESTRING)",
                "SELECT point, polygon FROM t", "CREATE TABLE t (point INT)"):
        assert sqlglot.parse_one(sql, read="mysql").sql("mysql") == sql
