"""PostgreSQL's parse of a statement is kept per text and shared by every reader (the result
gate's syntax check, the lint rules, the planner): each statement a generate call emits is parsed
once, and no reader changes the shared tree."""
from __future__ import annotations

import functools

from dbmig.api import generate
from dbmig.lint import validate_migration
from dbmig.lint.rules import _pg, rules_for
from tests.roundtrip_cases import request


class CountingParser:
    """pglast's parser with a count of the texts it was given."""

    def __init__(self, parser):
        self.parser, self.texts = parser, []

    def parse_sql_json(self, text: str) -> str:
        self.texts.append(text)
        return self.parser.parse_sql_json(text)

    def __getattr__(self, name: str):
        return getattr(self.parser, name)


def test_a_generate_call_parses_each_statement_it_emits_once(monkeypatch):
    counting = CountingParser(_pg.pg_parser())
    monkeypatch.setattr(_pg, "pg_parser", lambda: counting)
    for tool in ("flyway", "liquibase", "alembic"):
        _pg._kept.cache_clear()
        counting.texts.clear()
        result = generate(request("add_column_not_null_default", tool, "postgresql"))
        assert counting.texts, tool
        repeated = {t for t in counting.texts if counting.texts.count(t) > 1}
        assert not repeated, f"{tool}: parsed more than once: {sorted(repeated)}"
        assert any("ADD COLUMN" in t for t in counting.texts) and result.migration_script.content


def test_no_reader_changes_a_shared_tree(monkeypatch):
    """Every PostgreSQL rule's own examples linted: the kept trees still equal a fresh parse."""
    kept = functools.lru_cache(maxsize=None)(_pg._parsed)
    texts: set[str] = set()

    def recording(text: str):
        texts.add(text)
        return kept(text)
    monkeypatch.setattr(_pg, "_kept", recording)
    examples = [e for r in rules_for("postgresql").values() if "postgresql" in r.databases
                for e in (*r.ok, *r.bad) if e.database in (None, "postgresql")]
    assert len(examples) > 100
    for e in examples:
        files = [{"filename": e.filename or "V1__example.sql", "content": e.content}, *e.files]
        validate_migration(files, "postgresql", e.tool, e.version, e.schema)
    assert len(texts) > 100
    changed = [t for t in sorted(texts) if kept(t) != _pg._parsed(t)]
    assert not changed
