"""The T1 round-trip matrix on real engines with the real tools: seed, apply, validation tests,
rollback, then schema and rows must equal the start."""
from __future__ import annotations

import pytest

from dbmig.api import generate
from dbmig.runners import runner
from dbmig.runners.engines import Scratch

from .conftest import liquibase_bin, live_server
from .roundtrip_cases import CASES, START, request, seed_statements

TOOLS = ["flyway", "liquibase", "alembic"]
ENGINES = ["postgresql", "mysql"]


def run_tests(scratch: Scratch, tests, before: dict[str, list] | None = None) -> None:
    for t in tests:
        rows = scratch.query(t.query)
        if t.compare == "unchanged":
            if before is not None:
                assert rows == before[t.query], f"{t.description}: {rows} != {before[t.query]}"
        else:
            assert rows == t.expected_rows, f"validation test failed: {t.description}\n{t.query}\n{rows}"


@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_roundtrip(case, tool, database, tmp_path):
    if tool == "liquibase":
        liquibase_bin()
    assert_roundtrip(generate(request(case, tool, database)), tool, database, tmp_path, case[:20])


def assert_roundtrip(result, tool: str, database: str, tmp_path, label: str) -> None:
    """Seed START, apply the result's files with the real tool, run its validation tests,
    roll back, and compare schema and rows with the start."""
    server = live_server(database)
    files = {f.filename: f.content for f in result.files}
    with server.scratch(label) as scratch:
        scratch.execute([s for s in START[database].split(";") if s.strip()] + seed_statements())
        start = scratch.snapshot()
        before = {t.query: scratch.query(t.query) for t in result.validation_tests if t.compare == "unchanged"}
        tool_runner = runner(tool)
        tool_runner.upgrade(scratch, files, tmp_path)
        run_tests(scratch, result.validation_tests, before)
        assert scratch.snapshot() != start, "the migration changed nothing"
        tool_runner.downgrade(scratch, files, tmp_path)
        after = scratch.snapshot()
        assert after["schema"] == start["schema"], "rollback did not restore the schema"
        assert after["rows"] == start["rows"], "rollback did not restore the rows"
