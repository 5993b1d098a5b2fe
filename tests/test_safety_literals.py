"""Issue 14, item 5: every literal dbmig builds from request text comes from the dialect's one
quoting function (`Dialect.literal`), and reads back as exactly that text on the real
PostgreSQL and MariaDB (MariaDB in both backslash modes). The split_column guard message that
broke MySQL's CREATE PROCEDURE (`'"`) or commented out its line (`'"",1);#`) now applies."""
from __future__ import annotations

import pytest

from dbmig.api import generate
from dbmig.dialects import get_dialect
from dbmig.errors import InvalidRequest
from dbmig.runners import flyway

HOSTILE = ["it's", "'\"", "'\"\",1);#", "back\\slash", "end\\", "\\'", "\\\\'", "two\nlines\r\n",
           "-- comment", "# hash", "/* open", "close */", "tab\there", "naïve ünïcödé ✓ 漢字 🙂",
           "$$ dollar $tag$", "''", "%s %(x)s {0}", "\\0 \\n \\x41", ";DROP TABLE canary;--"]


@pytest.mark.parametrize("database", ["postgresql", "mysql", "sqlserver", "oracle"])
def test_nul_cannot_become_a_literal(database):
    with pytest.raises(InvalidRequest):
        get_dialect(database).literal("a\x00b")


@pytest.mark.parametrize("database", ["postgresql", "mysql", "sqlserver", "oracle"])
def test_literals_parse_as_one_literal(database):
    import sqlglot
    d = get_dialect(database)
    for text in HOSTILE:
        tree = sqlglot.parse_one(f"SELECT {d.literal(text)}", read=d.sqlglot)
        assert len(tree.expressions) == 1, text


def _reads_back(server, database: str, session: str | None, select: str) -> None:
    """Every hostile text, as the dialect's literal inside `select`, comes back unchanged in a
    session set up with `session` (set for this session only, never server-wide)."""
    d = get_dialect(database)
    with server.scratch("lit") as s:
        conn = s.server.connect(s.database)
        try:
            with conn.cursor() as cur:
                if session:
                    cur.execute(session)
                for text in HOSTILE:
                    cur.execute(select.format(d.literal(text)))
                    assert cur.fetchone()[0] == text, (session, text)
        finally:
            conn.close()


@pytest.mark.engine
@pytest.mark.parametrize("conforming", ["on", "off"])
def test_postgresql_reads_every_literal_back(pg, conforming):
    """standard_conforming_strings off (a server setting) makes '...' read backslash escapes:
    text holding a backslash is an E'' literal, read alike either way."""
    _reads_back(pg, "postgresql", f"SET standard_conforming_strings = {conforming}", "SELECT {}::text")


@pytest.mark.engine
@pytest.mark.parametrize("mode", ["", "NO_BACKSLASH_ESCAPES"])
def test_mariadb_reads_every_literal_back_in_both_backslash_modes(mariadb, mode):
    _reads_back(mariadb, "mysql", mode and f"SET SESSION sql_mode = CONCAT(@@sql_mode, ',{mode}')",
                "SELECT CAST({} AS CHAR CHARACTER SET utf8mb4)")


# --- the split_column guard on MariaDB ------------------------------------------------------------

SCHEMA = "CREATE TABLE people (id INT PRIMARY KEY, full_name VARCHAR(200))"


def _split(separator: str, **change) -> dict:
    return dict(migration_tool="flyway", database="mysql", migration_type="data", downtime_allowed=True,
                migration_description="split names", schema=SCHEMA,
                changes=[{"op": "split_column", "table": "people", "column": "full_name",
                          "into": ["first_name", "last_name"], "separator": separator} | change])


@pytest.mark.engine
@pytest.mark.parametrize("separator", ["'\"", "'\"\",1);#", "--", "/*"])
def test_split_guard_with_hostile_separator_applies_on_mariadb(mariadb, tmp_path, separator):
    files = {f.filename: f.content for f in generate(_split(separator)).files}
    with mariadb.scratch("split") as s:
        s.execute([SCHEMA, "CREATE TABLE canary (id INT)",
                   f"INSERT INTO people VALUES (1, {get_dialect('mysql').literal('Ann' + separator + 'Lee')})"])
        flyway.upgrade(s, files, tmp_path)
        assert s.query("SELECT first_name, last_name FROM people") == [["Ann", "Lee"]]
        assert s.query("SELECT COUNT(*) FROM canary") == [[0]]


@pytest.mark.engine
def test_split_guard_message_carries_the_separator_on_mariadb(mariadb, tmp_path):
    separator = "'\"\",1);#"
    # the guard that aborts on a value without the separator is opt-in (the default keeps it whole)
    files = {f.filename: f.content for f in generate(_split(separator, on_unsplittable="abort")).files}
    with mariadb.scratch("split") as s:
        s.execute([SCHEMA, "INSERT INTO people VALUES (1, 'no separator here')"])
        with pytest.raises(Exception) as exc:
            flyway.upgrade(s, files, tmp_path)
        assert f"[{separator}]" in str(exc.value)
        assert s.query("SELECT full_name FROM people") == [["no separator here"]]
