"""The shared parse (dbmig.sqlparse) reads SQL exactly as sqlglot does, and sharing it between
the result gate, the planners and lint changes no verdict and no tree."""
from __future__ import annotations

import threading

import pytest
import sqlglot
from sqlglot.errors import ParseError, TokenError

from dbmig import sqlparse
from dbmig.api import generate
from dbmig.dialects import get_dialect
from dbmig.errors import GateFailure
from dbmig.lint import validate_migration
from dbmig.sqlcheck import check_statement

from .test_mcp_stdio import t3_request

STATEMENTS = [
    ("postgres", "ALTER TABLE users ADD COLUMN email varchar(255)"),
    ("postgres", "SET lock_timeout = '2s'; SELECT 1"),
    ("postgres", "CREATE INDEX CONCURRENTLY ix ON t (a) WHERE b > 0"),
    ("mysql", "ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INSTANT, LOCK=NONE"),
    ("tsql", "ALTER TABLE t ADD c INT NULL"),
    ("oracle", "ALTER TABLE t ADD (c NUMBER(10) DEFAULT 0 NOT NULL)"),
    ("mysql", "FLUSH TABLES"),      # an opaque Command
]
BAD = [("postgres", "ALTER TABLE t ADD COLUMN (oops"), ("mysql", "SELECT 'unclosed")]


@pytest.mark.parametrize("read,sql", STATEMENTS)
def test_trees_are_sqlglots(read, sql):
    ours = sqlparse.parse(sql, read)
    theirs = sqlglot.parse(sql, read=read)
    assert [type(t) for t in ours] == [type(t) for t in theirs]
    assert [t.sql(read) for t in ours] == [t.sql(read) for t in theirs]
    assert sqlparse.parse(sql, read)[0] is ours[0], "a second reader gets the same tree, not a new parse"


@pytest.mark.parametrize("read,sql", BAD)
def test_errors_are_sqlglots_every_time(read, sql):
    with pytest.raises((ParseError, TokenError)) as theirs:
        sqlglot.parse(sql, read=read)
    for _ in range(2):          # kept, and raised again on each call
        with pytest.raises(type(theirs.value)) as ours:
            sqlparse.parse(sql, read)
        assert str(ours.value) == str(theirs.value)
        assert len(list(_frames(ours.value.__traceback__))) < 5, "a kept error collects no frames"


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def test_parse_one_of_several_leaves_the_shared_trees_alone():
    sql = "SELECT 1; SELECT 2"
    block = sqlparse.parse_one(sql, "postgres")
    assert block.sql("postgres") == sqlglot.parse_one(sql, read="postgres").sql("postgres")
    assert all(t.parent is None for t in sqlparse.parse(sql, "postgres"))


def test_long_texts_are_parsed_not_kept():
    sql = "INSERT INTO t (a) VALUES " + ", ".join(f"({n})" for n in range(2000))
    assert len(sql) > sqlparse.MAX_CACHED_CHARS
    before = sqlparse._kept.cache_info().currsize
    assert sqlparse.parse(sql, "postgres")[0].sql("postgres") == sql
    assert sqlparse.parse(sql, "postgres")[0] is not sqlparse.parse(sql, "postgres")[0]
    assert sqlparse._kept.cache_info().currsize == before


def test_threads_parse_alike():
    sqls = [f"ALTER TABLE t{n} ADD COLUMN c{n} int NOT NULL DEFAULT {n}" for n in range(300)]
    out: dict[int, list[str]] = {}

    def work(k: int) -> None:
        out[k] = [sqlparse._parsed(s, "postgres")[0][0].sql("postgres") for s in sqls]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(out[k] == [sqlglot.parse_one(s, read="postgres").sql("postgres") for s in sqls] for k in out)


def test_gate_verdict_kept_names_each_callers_place():
    d = get_dialect("postgresql")
    for where in ("step one", "step two"):
        with pytest.raises(GateFailure) as e:
            check_statement("ALTER TABLE t ADD COLUMN (oops", d, where)
        assert str(e.value).startswith(f"{where}: generated SQL does not parse as")
    check_statement("ALTER TABLE t ADD COLUMN c int", d, "fine")     # passes, twice
    check_statement("ALTER TABLE t ADD COLUMN c int", d, "fine")


@pytest.mark.parametrize("database", ["mysql", "sqlserver"])
def test_generate_leaves_shared_trees_unchanged(monkeypatch, database):
    """T3 results parsed by the planners and the gate and read by lint, twice: every kept tree
    still prints what a fresh sqlglot parse of its text prints. (PostgreSQL's gate and lint read
    PostgreSQL's own parser, not sqlglot.)"""
    seen: list[tuple[str, str]] = []
    kept = sqlparse._kept
    monkeypatch.setattr(sqlparse, "_kept", lambda sql, read: seen.append((sql, read)) or kept(sql, read))
    kept.cache_clear()
    request = t3_request(database=database)
    first = generate(request)
    again = generate(request)
    assert [f.content for f in again.files] == [f.content for f in first.files]
    assert len(set(seen)) > 10
    for sql, read in set(seen):
        trees, err = kept(sql, read)
        if err is None:
            fresh = [t.sql(read) for t in sqlglot.parse(sql, read=read) if t is not None]
            assert [t.sql(read) for t in trees if t is not None] == fresh, sql


def test_lint_reads_the_gates_tree_on_mysql():
    """MySQL lint rules read sqlglot's tree: the same object the gate parsed."""
    sql = "UPDATE orders SET total = total + 1 WHERE total > 100"
    tree = sqlparse.parse(sql, "mysql")[0]
    report = validate_migration([{"filename": "V2__x.sql", "content": sql + ";\n"}], "mysql", "flyway")
    assert any(f["rule_id"].startswith("SQL005") for f in report["findings"]), report
    assert sqlparse.parse(sql, "mysql")[0] is tree
