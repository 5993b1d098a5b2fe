"""The MCP server's first PostgreSQL T1 generate loads only what it needs: PostgreSQL's statements
are checked by its own parser (pglast), so sqlglot (~29 MiB, ~100 ms to import) is not loaded.

Request text that is an expression still goes through sqlglot (it parses the expression and its
rendering is the SQL emitted): loaded at that first use, it refuses what it always refused."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.test_mcp_stdio import t1_request, t3_request

FIRST_CALL = """\
import json
from dbmig.server.app import build_server
spec = build_server()._specs["generate_migration"]
spec.load()
result = spec.call(json.loads({request!r}))
print(json.dumps({{"error": bool(result.is_error), "text": result.content[0].text,
                  "fields": sorted(result.structured_content or ())}}))
"""


def _first_call(request: dict) -> tuple[dict, set[str]]:
    """The outcome of a fresh server process's first generate call, and the modules it loaded."""
    script = FIRST_CALL.format(request=json.dumps(request)) + "\nimport sys; print(json.dumps(sorted(sys.modules)))"
    lines = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    outcome, modules = lines.splitlines()[-2:]
    return json.loads(outcome), set(json.loads(modules))


def test_postgresql_t1_generate_loads_no_sqlglot():
    outcome, loaded = _first_call(t1_request())
    assert not outcome["error"], outcome["text"]
    assert "migration_script" in outcome["fields"]
    assert "pglast.parser" in loaded                     # the gate checked every statement
    assert "dbmig.lint.rules.pg001_index_not_concurrent" in loaded     # and linted the result
    assert not [m for m in loaded if m.split(".")[0] == "sqlglot"]
    assert "bpe_openai._bindings" not in loaded          # the answer is within budget by its bound


def test_a_postgresql_sentence_loads_no_sqlglot():
    """The sentence reader names sqlglot only for type words it does not know itself."""
    request = t1_request(changes=None, migration_description="add a nullable text column nickname to users")
    outcome, loaded = _first_call(request)
    assert not outcome["error"], outcome["text"]
    assert not [m for m in loaded if m.split(".")[0] == "sqlglot"]


def test_other_databases_load_sqlglot_at_first_use():
    outcome, loaded = _first_call(t1_request(database="mysql"))
    assert not outcome["error"], outcome["text"]
    assert "sqlglot" in loaded


def test_request_expressions_are_still_refused_at_first_use():
    """sqlglot loads at the expression check, inside its `except` clause's first read included:
    a second statement, a statement, a subquery statement are refused naming the field."""
    for default in ("1); DROP TABLE x; --", "0; DROP TABLE users", "1, 2", "(SELECT 1)", "DROP TABLE users"):
        column = {"name": "email", "type": "varchar(255)", "default": default}
        outcome, loaded = _first_call(t1_request(changes=[{"op": "add_column", "table": "users", "column": column}]))
        assert outcome["error"], default
        body = json.loads(outcome["text"])
        assert (body["code"], body["field"]) == ("invalid_request", "changes.0.column.default"), body
        assert "sqlglot" in loaded


def test_a_postgresql_t3_with_its_schema_loads_no_sqlglot():
    """The `schema` of a PostgreSQL call is read by PostgreSQL's parser (dbmig.schema_pg) where it
    reads it as sqlglot does: the T3 answer, its rollback and its lint need no sqlglot."""
    outcome, loaded = _first_call(t3_request())
    assert not outcome["error"], outcome["text"]
    assert "phases" in outcome["fields"]
    assert not [m for m in loaded if m.split(".")[0] == "sqlglot"]
