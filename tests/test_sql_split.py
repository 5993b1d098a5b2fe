"""Splitting SQL text at top-level ';' with one regex match per statement gives exactly the
statements a token-by-token scan gives (the scan `tokens` defines: comments, literals, quoted
names and dollar quotes hold their ';'), on real migrations and on random text made of the
characters that open and close those."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from dbmig.sources.sqltext import _trim, mask, split_sql, tokens

TESTS = Path(__file__).parent
PIECES = ["'", '"', "`", "$", "$a$", "$$", ";", "--", "/*", "*/", "\n", " ", "x", "\\", "[", "]", "#", "-", "/",
          "E'", "''", "BEGIN ", "END", "\n/\n", "DELIMITER //\n", "//", "DELIMITER ;\n"]


def by_tokens(text: str, dialect: str) -> list[tuple[int, int]]:
    """The reference: a Python step per token, split where the token is a ';'."""
    spans, begin = [], 0
    for m in tokens(dialect).finditer(text):
        if m.lastgroup == "semi":
            spans.append((begin, m.start()))
            begin = m.end()
    return _trim(text, spans + [(begin, len(text))], dialect)


def _texts() -> list[str]:
    rnd = random.Random(21)
    real = [p.read_text(encoding="utf-8") for p in sorted((TESTS / "corpus").rglob("*.sql"))]
    fuzz = ["".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 50))) for _ in range(3000)]
    return real + fuzz


@pytest.mark.parametrize("dialect", ["postgres", "mysql", "oracle"])
def test_split_matches_token_scan(dialect):
    texts = [t for t in _texts() if not _own_path(t, dialect)]
    assert len(texts) > 500
    differ = [t for t in texts if split_sql(t, dialect) != by_tokens(t, dialect)]
    assert not differ, differ[:3]


def _own_path(text: str, dialect: str) -> bool:
    """Split by other rules first: the mysql client's DELIMITER, Oracle's `/` lines and blocks,
    psql's command lines."""
    if dialect == "mysql":
        return "DELIMITER" in text
    if dialect == "postgres":
        return bool(re.search(r"^[ \t]*\\", mask(text, dialect), re.M))
    return dialect == "oracle" and bool(re.search(r"^[ \t]*/[ \t]*$|BEGIN|DECLARE|CREATE", text, re.M | re.I))


def test_split_keeps_semicolons_inside_literals_comments_and_dollar_quotes():
    text = "SELECT ';' AS a; -- no; split\nSELECT $f$ x; y $f$; /* ; */ SELECT \"a;b\" FROM t"
    assert [text[a:b] for a, b in split_sql(text, "postgres")] == [
        "SELECT ';' AS a", "SELECT $f$ x; y $f$", "SELECT \"a;b\" FROM t"]


def test_psql_command_lines_are_statements_of_their_own():
    """pg_dump (17.6, 15.14 and later) opens with `\\restrict <key>`: a line of psql's, with no ';'.
    Joined to the next statement, the linter read `\\restrict ... SET lock_timeout = 0` as one
    unparseable statement and never saw the setting. A `\\` line inside a literal is not one."""
    text = "\\restrict k1\nSET lock_timeout = 0;\nSELECT '\n\\x';\n  \\connect db\nCREATE TABLE t (a int);\n\\unrestrict k1\n"
    assert [text[a:b] for a, b in split_sql(text, "postgres")] == [
        "\\restrict k1", "SET lock_timeout = 0", "SELECT '\n\\x'", "\\connect db", "CREATE TABLE t (a int)",
        "\\unrestrict k1"]
