"""Descriptions through `generate` (no `changes`, no `sql`): the result echoes what was read,
says what was assumed, refuses without writing anything, and the migrations it writes
apply and roll back on the real PostgreSQL and MariaDB (the T1 round-trip machinery)."""
from __future__ import annotations

import pytest

from dbmig.api import generate
from dbmig.cli import main as cli
from dbmig.intake.description.errors import DescriptionNotUnderstood

from .conftest import liquibase_bin
from .roundtrip_cases import START
from .test_description_corpus import dumped
from .test_mcp_stdio import check_error, generated, run
from .test_roundtrip import assert_roundtrip

DATABASES = ["postgresql", "mysql", "sqlserver", "oracle"]

# Each description and the changes it must be read as, on the round-trip START schema.
DESCRIBED = {
    "add a nullable phone column to customers":
        [{"op": "add_column", "table": "customers", "column": {"name": "phone", "type": "varchar(255)"}}],
    "RemoveLegacyFromCustomers": [{"op": "drop_column", "table": "customers", "column": "legacy"}],
    "rename customers.name to full_name, then add an index on it":
        [{"op": "rename_column", "table": "customers", "column": "name", "new_name": "full_name"},
         {"op": "add_index", "table": "customers", "columns": ["full_name"]}],
    "make email required on customers, backfilling with 'unknown@example.com'":
        [{"op": "set_not_null", "table": "customers", "column": "email", "backfill": "'unknown@example.com'"}],
    "widen customers.age and set its default to 18":
        [{"op": "alter_column_type", "table": "customers", "column": "age", "type": "bigint"},
         {"op": "set_default", "table": "customers", "column": "age", "default": "18"}],
    "customers.email should be unique": [{"op": "add_unique", "table": "customers", "columns": ["email"]}],
    "add soft delete to customers":
        [{"op": "add_column", "table": "customers", "column": {"name": "deleted_at", "type": "timestamp"}},
         {"op": "add_index", "table": "customers", "columns": ["deleted_at"]}],
    "copy customers.email into a new column contact_email":
        [{"op": "add_column", "table": "customers", "column": {"name": "contact_email", "type": "varchar(200)"}},
         {"op": "backfill", "table": "customers", "column": "contact_email", "value": "email"}],
}


def request(text: str, database: str, tool: str = "flyway") -> dict:
    return dict(migration_tool=tool, database=database, migration_type="schema", downtime_allowed=True,
                migration_description=text, schema=START[database],
                table_rows={"customers": 50, "orders": 100}, author="dbmig-tests")


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("text", DESCRIBED)
def test_generate_echoes_the_changes_it_read(text, database):
    if database == "oracle" and "widen" in text:     # START's ages are NUMBER(10) there: no implied wider type
        with pytest.raises(DescriptionNotUnderstood, match="decimal"):
            generate(request(text, database))
        return
    assert dumped(generate(request(text, database)).changes) == DESCRIBED[text]


def test_assumptions_travel_as_warnings():
    result = generate(request("add_phone_to_customers", "postgresql"))
    assert any("assumed type varchar(255) for customers.phone" in w for w in result.warnings)


def test_changes_given_are_not_echoed():
    result = generate(request("anything", "postgresql") | {"changes": DESCRIBED["customers.email should be unique"]})
    assert result.changes is None


def test_cli_refusal_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    code = cli(["generate", "--tool", "flyway", "--database", "postgresql", "--type", "schema",
                "--downtime-allowed", "--description", "add email to users and make it fly", "--out", str(out)])
    assert code == 2 and not out.exists()
    assert "could not understand 'make it fly' (clause 2 of 2)" in capsys.readouterr().err


def test_refusal_names_the_schema_tables_as_alternatives():
    with pytest.raises(DescriptionNotUnderstood) as info:
        generate(request("add phone to clients", "postgresql"))
    assert sorted(info.value.allowed) == ["customers", "orders"]     # no close spelling: every table


def test_mcp_echoes_the_parsed_changes_and_refuses_with_structure():
    async def test(client):
        body, _ = await generated(client, request("add a nullable phone column to customers", "postgresql"))
        assert body["changes"] == [{"op": "add_column", "table": "customers",
                                    "column": {"name": "phone", "type": "varchar(255)", "nullable": True,
                                               "primary_key": False, "unique": False}}]
        assert any("assumed type" in w for w in body["warnings"])
        result = await client.call_tool("generate_migration", request("add phone to clients", "postgresql"))
        error = check_error(result, "migration_description")
        assert "customers" in error["allowed"] and error["unclear"] == "add phone to clients"
    run(test)


# --- on the real engines ---------------------------------------------------------------------------

@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("tool", ["flyway", "alembic"])
@pytest.mark.parametrize("text", DESCRIBED)
def test_described_migration_applies_and_rolls_back(text, tool, database, tmp_path):
    assert_roundtrip(generate(request(text, database, tool)), tool, database, tmp_path, "desc")


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
def test_uppercase_changes_the_rows_under_a_case_insensitive_collation(tool, database, tmp_path):
    """"uppercase customers.email" updates the rows it changes, chosen byte for byte: MariaDB's
    default collation is case-insensitive, where `email <> UPPER(email)` is false on every row and
    the change would do nothing. Applied (every email upper case), then rolled back (rows as seeded)."""
    from dbmig.runners import runner
    from .conftest import live_server
    from .roundtrip_cases import seed_statements

    if tool == "liquibase":
        liquibase_bin()
    result = generate(request("uppercase customers.email", database, tool))
    assert [c.op for c in result.changes] == ["update_rows"]
    files = {f.filename: f.content for f in result.files}
    with live_server(database).scratch("upper") as scratch:
        scratch.execute([s for s in START[database].split(";") if s.strip()] + seed_statements())
        start = scratch.snapshot()
        runner(tool).upgrade(scratch, files, tmp_path)
        emails = [e for (e,) in scratch.query("SELECT email FROM customers WHERE email IS NOT NULL")]
        assert len(emails) == 40 and all(e == e.upper() for e in emails), emails[:3]
        runner(tool).downgrade(scratch, files, tmp_path)
        after = scratch.snapshot()
        assert after["schema"] == start["schema"] and after["rows"] == start["rows"]
