"""add_column's `unique` and `primary_key`: the column's unique constraint is planned as the
add_unique it is (online where downtime is not allowed), applied by the real tools and rolled
back; a new primary key column is refused with the field named, never silently dropped."""
from __future__ import annotations

import pytest

from dbmig.api import generate
from dbmig.errors import InvalidRequest
from dbmig.runners import runner

from .conftest import liquibase_bin, live_server
from .roundtrip_cases import START, seed_statements
from .test_roundtrip import assert_roundtrip

UNIQUE_CODE = {"name": "code", "type": "varchar(20)", "unique": True}


def _request(tool: str, database: str, column: dict, downtime_allowed: bool = True) -> dict:
    return dict(migration_tool=tool, database=database, migration_type="schema",
                downtime_allowed=downtime_allowed, migration_description="add customers code",
                changes=[{"op": "add_column", "table": "customers", "column": column}],
                schema=START[database], author="dbmig-tests")


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
def test_unique_column_applies_enforces_and_rolls_back(tool, database, tmp_path):
    if tool == "liquibase":
        liquibase_bin()
    result = generate(_request(tool, database, UNIQUE_CODE))
    assert any("constraint" in t.description for t in result.validation_tests)
    assert_roundtrip(result, tool, database, tmp_path / "rt", "uniq_col")
    # the constraint is real: a second row with the same code is refused by the database
    files = {f.filename: f.content for f in result.files}
    with live_server(database).scratch("uniq_dup") as scratch:
        scratch.execute([s for s in START[database].split(";") if s.strip()] + seed_statements())
        runner(tool).upgrade(scratch, files, tmp_path / "dup")
        scratch.execute(["UPDATE customers SET code = 'A' WHERE id = 1"])
        with pytest.raises(Exception, match="(?i)duplicate|unique"):
            scratch.execute(["UPDATE customers SET code = 'A' WHERE id = 2"])


@pytest.mark.parametrize("database", ["postgresql", "mysql", "sqlserver", "oracle"])
def test_unique_column_online_plan_builds_the_unique_without_blocking(database):
    result = generate(_request("flyway", database, UNIQUE_CODE, downtime_allowed=False))
    scripts = "\n".join(f.content for f in result.files)
    assert "UNIQUE" in scripts.upper()
    assert any("uq_customers_code" in t.description for t in result.validation_tests)
    if database == "postgresql":
        assert "CREATE UNIQUE INDEX CONCURRENTLY" in scripts


def test_new_primary_key_column_is_refused_with_its_field():
    column = {"name": "code", "type": "integer", "nullable": False, "default": "0", "primary_key": True}
    with pytest.raises(InvalidRequest) as err:
        generate(_request("flyway", "postgresql", column))
    assert err.value.field == "changes.0.column.primary_key"
