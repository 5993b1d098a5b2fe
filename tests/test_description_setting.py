"""The setting a developer writes into the sentence ("... on PostgreSQL, Flyway, no downtime"):
the database, its version, the tool and whether downtime is allowed fill the fields the request
leaves out, the grammar reads only the change, and a phrase that contradicts a field given is an
error naming that field, never a guess."""
from __future__ import annotations

import json

import anyio
import pytest

from dbmig.api import generate
from dbmig.errors import InvalidRequest

from .roundtrip_cases import START
from .test_zero_downtime import assert_phases

SCHEMA = {db: START[db] for db in START}

# sentence -> (tool, database, database_version, downtime_allowed, the changes' ops)
SENTENCES = {
    "rename customers.name to full_name on PostgreSQL, Flyway, no downtime":
        ("flyway", "postgresql", None, False, ["rename_column"]),
    "Rename customers.name to full_name (postgres 15, liquibase, zero-downtime)":
        ("liquibase", "postgresql", "15", False, ["rename_column"]),
    "add an index on orders(total) with Alembic on MySQL 8.0 \u2014 downtime is fine":
        ("alembic", "mysql", "8.0", True, ["add_index"]),
    "make customers.email required; MariaDB 10.11, flyway, during a maintenance window":
        ("flyway", "mysql", "mariadb-10.11", True, ["set_not_null"]),
    "drop the legacy column from customers on SQL Server using Liquibase, downtime is ok":
        ("liquibase", "sqlserver", None, True, ["drop_column"]),
    "add column phone varchar(20) to customers for our Oracle db as a Flyway migration, without downtime":
        ("flyway", "oracle", None, False, ["add_column"]),
    "AddIndexToOrdersTotal on postgres with flyway, while the app is running":
        ("flyway", "postgresql", None, False, ["add_index"]),
    "backfill customers.status with 'active' where status is null - postgresql, alembic, online":
        ("alembic", "postgresql", None, False, ["backfill"]),
    "drop customers.legacy on postgres with flyway, we can take downtime":
        ("flyway", "postgresql", None, True, ["drop_column"]),
    "add a phone varchar 20 to customers; postgres, liquibase; we can afford a short downtime":
        ("liquibase", "postgresql", None, True, ["add_column"]),
}


def test_a_call_in_the_sentence_keeps_its_brackets():
    """Removing the setting leaves no empty brackets behind (`(PostgreSQL 15)`), but a call's
    `now()` is part of the change."""
    result = generate({"migration_description": "create table audit (id bigint primary key, stamp timestamptz "
                                                "default now()) on PostgreSQL 15 with Flyway, downtime ok"})
    column = result.changes[0].columns[1]
    assert (column.name, column.type, column.default) == ("stamp", "timestamptz", "now()")


@pytest.mark.parametrize("sentence", sorted(SENTENCES))
def test_the_sentence_states_the_setting(sentence):
    tool, database, version, downtime, ops = SENTENCES[sentence]
    result = generate({"migration_description": sentence, "schema": SCHEMA[database]})
    assert (result.migration_tool.value, result.database.value, result.downtime_allowed) == (tool, database, downtime)
    assert [c.op for c in result.changes] == ops
    assert result.tier.value == ("T3" if not downtime else "T2" if ops == ["backfill"] else "T1")
    assert result.migration_type.value == ("data" if ops == ["backfill"] else "schema")
    note = next(w for w in result.warnings if w.startswith("Read from the description"))
    assert all(word in note for word in (tool, database))
    if version:
        assert f"database_version {version}" in note
    # the file names carry the change, not the setting
    assert not any(w in result.migration_script.filename.lower() for w in (tool, database, "downtime"))


def test_the_same_request_with_fields_gives_the_same_scripts():
    sentence = "rename customers.name to full_name on PostgreSQL, Flyway, no downtime"
    stated = generate({"migration_description": sentence, "schema": SCHEMA["postgresql"]})
    fields = generate({"migration_description": "rename customers.name to full_name", "schema": SCHEMA["postgresql"],
                       "migration_tool": "flyway", "database": "postgresql", "downtime_allowed": False,
                       "migration_type": "schema"})
    assert [(f.filename, f.content) for f in stated.files] == [(f.filename, f.content) for f in fields.files]


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
def test_the_headline_sentence_applies_phase_by_phase_and_rolls_back(database, tmp_path):
    name = {"postgresql": "PostgreSQL", "mysql": "MariaDB"}[database]
    result = generate({"migration_description": f"rename customers.name to full_name on {name}, Flyway, "
                                                "no downtime", "schema": SCHEMA[database]})
    assert_phases(result, "flyway", database, tmp_path, "setting", {})


@pytest.mark.parametrize("given, sentence, field", [
    ({"downtime_allowed": True}, "rename customers.name to full_name, no downtime", "downtime_allowed"),
    ({"downtime_allowed": False}, "rename customers.name to full_name, downtime is ok", "downtime_allowed"),
    ({"database": "mysql"}, "rename customers.name to full_name on PostgreSQL", "database"),
    ({"migration_tool": "alembic"}, "rename customers.name to full_name with Flyway", "migration_tool"),
])
def test_a_phrase_that_contradicts_a_field_is_an_error_naming_it(given, sentence, field):
    request = {"migration_tool": "flyway", "database": "postgresql", "downtime_allowed": True,
               "schema": SCHEMA["postgresql"], "migration_description": sentence} | given
    with pytest.raises(InvalidRequest) as err:
        generate(request)
    assert err.value.field == field


def test_weak_words_do_not_contradict_a_field_given():
    """'offline' in a migration's name is no request for downtime when downtime_allowed says otherwise."""
    result = generate({"migration_tool": "flyway", "database": "postgresql", "downtime_allowed": False,
                       "migration_description": "offline checks", "schema": SCHEMA["postgresql"],
                       "changes": [{"op": "add_index", "table": "orders", "columns": ["total"]}]})
    assert result.tier.value == "T3" and "offline" in result.migration_script.filename


def test_a_bare_name_does_not_contradict_a_field_given():
    """'imported from MySQL' mentions a database; only 'on/in/for/with/using ...' says where it runs."""
    result = generate({"migration_tool": "flyway", "database": "postgresql", "downtime_allowed": True,
                       "schema": SCHEMA["postgresql"],
                       "migration_description": "legacy refs imported from MySQL",
                       "changes": [{"op": "add_column", "table": "customers",
                                    "column": {"name": "legacy_ref", "type": "varchar(40)"}}]})
    assert result.database.value == "postgresql"
    assert "mysql" in result.migration_script.filename      # the description stays whole


def test_two_databases_in_one_sentence_are_refused():
    with pytest.raises(InvalidRequest) as err:
        generate({"migration_description": "add email to customers on mysql with flyway on postgres, no downtime"})
    assert err.value.field == "migration_description"


def test_downtime_neither_given_nor_said_is_required_with_its_values():
    with pytest.raises(InvalidRequest) as err:
        generate({"migration_description": "rename customers.name to full_name on PostgreSQL with Flyway",
                  "schema": SCHEMA["postgresql"]})
    assert err.value.field == "downtime_allowed" and err.value.allowed == ["true", "false"]


def test_a_table_named_like_a_database_stays_a_table():
    schema = "CREATE TABLE oracle (id int primary key, note varchar(20));"
    result = generate({"migration_description": "drop column note from oracle, postgres, flyway, downtime is ok",
                       "schema": schema})
    assert result.database.value == "postgresql"
    assert result.changes[0].table == "oracle"


def test_over_mcp_only_the_description_is_required(tmp_path):
    import sys

    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    params = StdioServerParameters(command=sys.executable, args=["-m", "dbmig.server"], cwd=str(tmp_path))

    async def main():
        async with Client(params, read_timeout_seconds=60) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert tools["generate_migration"].input_schema["required"] == ["migration_description"]
            result = await client.call_tool("generate_migration", {
                "migration_description": "rename customers.name to full_name on PostgreSQL, Flyway, no downtime",
                "schema": SCHEMA["postgresql"]})
            assert not result.is_error, result.content[0].text
            body = result.structured_content
            assert (body["migration_tool"], body["database"], body["downtime_allowed"], body["tier"]) == \
                ("flyway", "postgresql", False, "T3")
            bad = await client.call_tool("generate_migration", {"migration_description": "rename customers.name "
                                                                "to full_name on PostgreSQL with Flyway"})
            assert bad.is_error and json.loads(bad.content[0].text)["field"] == "downtime_allowed"
    anyio.run(main)
