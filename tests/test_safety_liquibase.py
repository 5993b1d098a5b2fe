"""Issue 14, items 2 and 11: text from a request must reach the database exactly as written in
every Liquibase changelog. Formatted SQL is read line by line (a `--rollback` line is a directive
wherever it stands) and stripped of what Liquibase takes for comments (its tokenizer reads `\\'`
as an escaped quote); every format expands `${...}`. Each attack is refused with the field named,
or carried safely (XML), and the real Liquibase 4.28 CLI leaves the canary table in place after
`update` and `rollback-count`."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dbmig.api import generate
from dbmig.errors import InvalidRequest
from dbmig.render.liquibase import liquibase_hazard, sql_comment, xml_comment
from dbmig.runners import liquibase as lb

from .conftest import liquibase_bin

SCHEMA = "CREATE TABLE users (id integer PRIMARY KEY, name varchar(100));"
# (a) a default whose second line is a rollback directive in formatted SQL
ROLLBACK_LINE = "'x\n--rollback DROP TABLE canary;\n'"
# (b) Liquibase's tokenizer reads `\'` as an escaped quote, so it takes the `--` that PostgreSQL
# reads inside '--' for a comment and cuts the rest of the line (the statement it belongs to)
BACKSLASH_QUOTE = "'\\' || '--'\n|| '; DROP TABLE canary; --'"
PROPERTY = "'${user.home}'"


def request(changes, fmt="sql", database="postgresql", **extra) -> dict:
    return dict(migration_tool="liquibase", database=database, migration_type="data", downtime_allowed=True,
                migration_description="attack", changes=changes, schema=SCHEMA.replace("integer", "int")
                if database == "mysql" else SCHEMA, liquibase_format=fmt) | extra


def add_default(value: str) -> list[dict]:
    return [{"op": "add_column", "table": "users", "column": {"name": "x", "type": "text", "default": value}}]


def backfill(value: str) -> list[dict]:
    return [{"op": "backfill", "table": "users", "column": "name", "value": value}]


def refusal(req: dict) -> dict:
    with pytest.raises(InvalidRequest) as exc:
        generate(req)
    return exc.value.to_dict()


# --- refused with the field named, no Liquibase needed -------------------------------------------

@pytest.mark.parametrize("changes, field", [
    (add_default(ROLLBACK_LINE), "changes.0.column.default"),
    (backfill(BACKSLASH_QUOTE), "changes.0.value"),
    (add_default("'a /* b'"), "changes.0.column.default"),
    (add_default("'a\rb'"), "changes.0.column.default"),
    (add_default("'a\n/\nb'"), "changes.0.column.default"),
    (add_default(PROPERTY), "changes.0.column.default"),
])
def test_formatted_sql_refuses_text_liquibase_would_rewrite(changes, field):
    body = refusal(request(changes))
    assert body["code"] == "invalid_request" and body["field"] == field
    assert "liquibase_format xml" in body["suggestion"]


def test_sql_intake_text_is_named_as_sql():
    body = refusal(request(None, sql="ALTER TABLE users ADD COLUMN x text DEFAULT 'a -- b'"))
    assert body["field"] == "sql"


def test_property_reference_is_refused_in_every_format():
    for fmt in ("xml", "yaml", "sql"):
        assert refusal(request(add_default(PROPERTY), fmt))["field"] == "changes.0.column.default"
    assert refusal(request(add_default("1"), "xml", author="${user.name}"))["field"] == "author"


def test_author_cannot_smuggle_changeset_attributes():
    body = refusal(request(add_default("1"), author="ann runAlways:true"))
    assert body["field"] == "author"


def test_yaml_refuses_unicode_line_breaks():
    body = refusal(request(add_default("'a\u2028- changeSet: {}'"), "yaml"))
    assert body["field"] == "changes.0.column.default"


def test_hazard_rules_accept_what_dbmig_writes_itself():
    assert liquibase_hazard("DO $dbmig$\nBEGIN\n  UPDATE t SET a = 'x;y';\nEND\n$dbmig$", "sql") is None
    assert liquibase_hazard("SELECT 'it''s a \\ backslash'", "sql") is None
    assert liquibase_hazard("SELECT 1\n-1", "sql")          # a line starting with '-'
    assert liquibase_hazard("SELECT 1\nGO", "sql")
    assert liquibase_hazard("SELECT 'a\nb'", "sql", one_line=True)


@pytest.mark.parametrize("text", ["changeset evil:1", "rollback DROP TABLE t", "ignoreLines:start",
                                  "property name:a value:b", "- comment: x", "Comment out x"])
def test_comment_lines_never_read_as_directives(text):
    line = "-- " + sql_comment(text)
    assert line.startswith("-- > ")


@pytest.mark.parametrize("text", ["a -- b", "ends with -", "---", "x-->y"])
def test_xml_comments_stay_well_formed(text):
    inner = xml_comment(text)
    assert "--" not in inner and not inner.endswith("-")


def test_xml_accepts_double_dash_in_description_and_author():
    """Item 11: `--` in description or author made an XML comment invalid (internal_gate_failure)."""
    result = generate(request(add_default("1"), "xml", migration_description="move -- carefully -",
                              author="ann--lee-"))
    root = ET.fromstring(result.migration_script.content)
    sets = root.findall("{http://www.liquibase.org/xml/ns/dbchangelog}changeSet")
    assert sets and all(cs.get("author") == "ann--lee-" for cs in sets)


def test_xml_keeps_carriage_returns_and_tabs_in_attributes():
    text = generate(request(add_default("'a\r\tb'"), "xml", migration_type="schema")).migration_script.content
    column = ET.fromstring(text).find(".//{http://www.liquibase.org/xml/ns/dbchangelog}column")
    assert column is not None and column.get("defaultValueComputed") == "'a\r\tb'"


# --- the real Liquibase CLI on PostgreSQL / MariaDB ----------------------------------------------

def _tables(scratch) -> set[str]:
    schema = "current_schema()" if scratch.kind == "postgresql" else "DATABASE()"
    return {r[0] for r in scratch.query(f"SELECT table_name FROM information_schema.tables "
                                        f"WHERE table_schema = {schema}")}


def _apply_and_roll_back(server, files: dict[str, str], tmp_path: Path, start: list[str]):
    """update, then rollback-count: returns the column's default after update, the tables after both."""
    with server.scratch("lbsafe") as s:
        s.execute(start + ["CREATE TABLE canary (id int)"])
        lb.upgrade(s, files, tmp_path)
        after_update = _tables(s)
        default = s.query("SELECT column_default FROM information_schema.columns WHERE table_name = 'users' "
                          "AND column_name = 'x'")
        lb.downgrade(s, files, tmp_path)
        return after_update, default, _tables(s)


def _files(result) -> dict[str, str]:
    return {f.filename: f.content for f in result.files}


@pytest.mark.liquibase
@pytest.mark.engine
def test_unprotected_rollback_line_really_drops_the_canary(pg, tmp_path):
    """The attack is real: the formatted SQL dbmig used to write for default (a) drops `canary`
    on `rollback-count` (so the refusal above guards a real hole)."""
    liquibase_bin()
    old = ("--liquibase formatted sql\n\n--changeset dbmig:1 dbms:postgresql endDelimiter:/ rollbackEndDelimiter:/\n"
           f"ALTER TABLE users ADD COLUMN x TEXT DEFAULT {ROLLBACK_LINE}\n/\n"
           "--rollback ALTER TABLE users DROP COLUMN x\n--rollback /\n")
    after_update, _, after_rollback = _apply_and_roll_back(pg, {"changelog-old.sql": old}, tmp_path, [SCHEMA])
    assert "canary" in after_update and "canary" not in after_rollback


@pytest.mark.liquibase
@pytest.mark.engine
@pytest.mark.parametrize("value", [ROLLBACK_LINE, BACKSLASH_QUOTE.replace("\n", " ")])
def test_xml_carries_hostile_defaults_and_keeps_the_canary(pg, tmp_path, value):
    liquibase_bin()
    result = generate(request(add_default(value), "xml", migration_type="schema"))
    after_update, default, after_rollback = _apply_and_roll_back(pg, _files(result), tmp_path, [SCHEMA])
    assert "canary" in after_update and "canary" in after_rollback
    stored = pg_string(pg, default[0][0])
    assert stored == pg_string(pg, value)          # the database holds exactly the literal we wrote


def pg_string(server, expression: str) -> str:
    with server.scratch("lbval") as s:
        return s.query(f"SELECT ({expression})::text")[0][0]


@pytest.mark.liquibase
@pytest.mark.engine
def test_formatted_sql_with_allowed_hostile_text_applies_as_written(pg, tmp_path):
    """Quotes, a backslash, ';' and '/' inside a literal are fine in formatted SQL."""
    liquibase_bin()
    value = "'it''s; a \\ back/slash'"
    result = generate(request(add_default(value), "sql", migration_type="schema"))
    after_update, default, after_rollback = _apply_and_roll_back(pg, _files(result), tmp_path, [SCHEMA])
    assert {"canary", "users"} <= after_update and "canary" in after_rollback
    assert pg_string(pg, default[0][0]) == "it's; a \\ back/slash"


@pytest.mark.liquibase
@pytest.mark.engine
def test_mariadb_xml_carries_the_rollback_line_default(mariadb, tmp_path):
    liquibase_bin()
    result = generate(request([{"op": "add_column", "table": "users",
                                "column": {"name": "x", "type": "varchar(100)", "default": ROLLBACK_LINE}}],
                              "xml", database="mysql", migration_type="schema"))
    after_update, default, after_rollback = _apply_and_roll_back(
        mariadb, _files(result), tmp_path, [SCHEMA.replace("integer", "int")])
    assert "canary" in after_update and "canary" in after_rollback
    # MariaDB shows a string default as a literal with its line feeds escaped
    assert default[0][0] == "'x\\n--rollback DROP TABLE canary;\\n'"
