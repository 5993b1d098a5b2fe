"""Intake as users write requests, and the contract's shape of validation tests: enum-like values in
any case give the same migration as the canonical spelling; a blank description and duplicate
column names are refused by field; split_column keeps a value without the separator whole unless
asked to abort; expected_result is the contract's string with the rows beside it."""
from __future__ import annotations

import pytest

from dbmig.api import generate
from dbmig.errors import DbmigError
from dbmig.models import UNCHANGED, ValidationTest
from dbmig.server.tools import tool_specs

SCHEMA = "CREATE TABLE people (id integer PRIMARY KEY, full_name varchar(200)); CREATE TABLE teams (id integer PRIMARY KEY);"
SPECS = {s.name: s for s in tool_specs()}


def request(**overrides) -> dict:
    return {"migration_tool": "liquibase", "database": "postgresql", "migration_type": "schema",
            "downtime_allowed": True, "migration_description": "team of a person", "schema": SCHEMA,
            "changes": [{"op": "add_column", "table": "people", "column": {"name": "team_id", "type": "integer"}},
                        {"op": "add_foreign_key", "table": "people", "columns": ["team_id"], "ref_table": "teams",
                         "ref_columns": ["id"], "on_delete": "set null"}]} | overrides


def files(result) -> list[tuple[str, str]]:
    return [(f.filename, f.content) for f in result.files]


def test_enum_values_in_any_case_give_the_same_migration():
    shouting = request(migration_tool="LiquiBase", database=" PostgreSQL", migration_type="SCHEMA",
                       liquibase_format="XML")
    shouting["changes"] = [dict(c, op=c["op"].upper()) for c in shouting["changes"]]
    shouting["changes"][1]["on_delete"] = "SET  NULL"
    a, b = generate(request()), generate(shouting)
    assert files(a) == files(b) and "SET NULL" in "".join(c for _, c in files(a)).upper()
    assert b.migration_tool.value == "liquibase" and b.database.value == "postgresql"


@pytest.mark.parametrize("said,database", [("postgres", "postgresql"), ("MariaDB", "mysql"), ("mssql", "sqlserver")])
def test_the_other_names_of_a_database_are_read_as_the_cli_reads_them(said, database):
    """An agent says "postgres" or "mariadb" (dbmig's CLI and lint took them; generate answered an
    error): the result names the database in its canonical spelling."""
    result = SPECS["generate_migration"].call(request(database=said))
    assert not result.is_error and result.structured_content["database"] == database
    assert files(generate(request(database=said))) == files(generate(request(database=database)))
    assert not SPECS["explain_migration"].call({"database": said, "sql": "SELECT 1"}).is_error


def test_other_tools_and_detail_take_any_case_too():
    assert not SPECS["validate_migration"].call({"database": "PostgreSQL", "migration_tool": "FLYWAY", "files": [
        {"filename": "V1__a.sql", "content": "SELECT 1;"}]}).is_error
    assert not SPECS["explain_migration"].call({"database": "MySQL", "sql": "SELECT 1"}).is_error
    part = SPECS["generate_migration"].call(request(detail="Validation_Tests"))
    assert not part.is_error and part.structured_content["detail"] == "validation_tests"


@pytest.mark.parametrize("overrides,field", [
    ({"migration_description": "   "}, "migration_description"),
    ({"migration_description": "\t \n"}, "migration_description"),
    ({"changes": [{"op": "create_table", "table": "t", "columns": [
        {"name": "id", "type": "integer"}, {"name": "Id", "type": "text"}]}]}, "changes.0.columns"),
    ({"changes": [{"op": "add_foreign_key", "table": "people", "columns": ["id"], "ref_table": "teams",
                   "ref_columns": ["id"], "on_delete": "explode"}]}, "changes.0.on_delete"),
])
def test_blank_description_and_duplicate_columns_name_the_field(overrides, field):
    with pytest.raises(DbmigError) as e:
        generate(request(**overrides))
    assert e.value.field == field, e.value.to_dict()
    if field == "changes.0.on_delete":
        assert e.value.allowed == ["cascade", "set null", "restrict", "no action"]


def split(**extra) -> dict:
    return request(migration_type="data", changes=[
        {"op": "split_column", "table": "people", "column": "full_name", "into": ["first_name", "last_name"],
         "separator": " "} | extra])


def test_split_keeps_a_single_name_whole_by_default_and_aborts_on_request():
    kept = generate(split())
    assert not any("lack the separator" in c for _, c in files(kept))
    assert any("stay whole in first_name" in w for w in kept.warnings)
    for policy in ("abort", "ABORT", "fail"):
        guarded = generate(split(on_unsplittable=policy))
        assert any("lack the separator" in c for _, c in files(guarded)), policy
    with pytest.raises(DbmigError) as e:
        generate(split(on_unsplittable="drop"))
    assert e.value.field == "changes.0.on_unsplittable"


def test_expected_result_is_a_string_with_the_rows_beside_it():
    tests = generate(request()).validation_tests
    equals = [t for t in tests if t.compare == "equals"]
    unchanged = [t for t in tests if t.compare == "unchanged"]
    assert equals and unchanged
    assert all(t.expected_result == str(t.expected_rows[0][0]) for t in equals)
    assert all(t.expected_result == UNCHANGED and t.expected_rows is None for t in unchanged)


def test_tests_in_the_earlier_shape_are_still_read():
    """verify_migration takes tests as earlier versions returned them: rows in expected_result."""
    old = ValidationTest.model_validate({"description": "d", "query": "SELECT 1", "expected_result": [[1, "a"]]})
    assert (old.expected_result, old.expected_rows) == ("1, a", [[1, "a"]])
    same = ValidationTest.model_validate({"description": "d", "query": "SELECT 1", "expected_result": [],
                                          "compare": "unchanged"})
    assert (same.expected_result, same.expected_rows) == (UNCHANGED, None)
