"""Columns the database numbers (serial, GENERATED ... AS IDENTITY, AUTO_INCREMENT, IDENTITY(1,1)).

A schema holding one is read, not refused; a table dropped and restored by the rollback comes
back numbered as it was, with its rows, and the next row the app inserts gets a fresh number
(the sequence continues after the restored values); create_table can make one; MySQL's MODIFY
restates AUTO_INCREMENT. Applied by the real tools on PostgreSQL and MariaDB."""
from __future__ import annotations

import pytest

from dbmig.api import generate
from dbmig.errors import InvalidRequest
from dbmig.runners import liquibase as lb
from dbmig.runners import runner
from dbmig.runners.alembic import offline_sql

from .conftest import liquibase_bin, live_server
from .test_live import _dsn
from .test_roundtrip import run_tests

TOOLS = ["flyway", "liquibase", "alembic"]
NUMBERED = {
    "postgresql": ["CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL)",
                   "CREATE TABLE events (id serial PRIMARY KEY, kind varchar(20))"],
    "mysql": ["CREATE TABLE tickets (id bigint AUTO_INCREMENT PRIMARY KEY, title text NOT NULL)",
              "CREATE TABLE events (id int AUTO_INCREMENT PRIMARY KEY, kind varchar(20))"],
}
# numbered by the database, then a gap: the largest id (30) is not the row count
SEED = [
    f"INSERT INTO {t} ({c}) VALUES ('{t} {i}')" for i in range(30) for t, c in (("tickets", "title"), ("events", "kind"))
] + ["DELETE FROM tickets WHERE id % 4 = 0", "DELETE FROM events WHERE id < 10"]
DROPS = [{"op": "drop_table", "table": "tickets"}, {"op": "drop_table", "table": "events"}]


def _request(tool: str, database: str, changes: list[dict], schema: str | None = None) -> dict:
    return dict(migration_tool=tool, database=database, migration_type="schema", downtime_allowed=True,
                migration_description="numbered tables", changes=changes, schema=schema, author="dbmig-tests")


def _generated(tool: str, database: str, changes: list[dict], schema: str | None = None, **extra):
    """The result and its files by name; Liquibase's CLI is required before its files are made."""
    if tool == "liquibase":
        liquibase_bin()
    result = generate(_request(tool, database, changes, schema) | extra)
    return result, {f.filename: f.content for f in result.files}


def _max_id(scratch, table: str) -> int:
    return scratch.query(f"SELECT MAX(id) FROM {table}")[0][0]


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("tool", TOOLS)
def test_dropped_numbered_tables_come_back_numbered_and_keep_counting(tool, database, tmp_path):
    result, files = _generated(tool, database, DROPS, ";\n".join(NUMBERED[database]))
    with live_server(database).scratch("numbered") as scratch:
        scratch.execute(NUMBERED[database] + SEED)
        start = scratch.snapshot()
        runner(tool).upgrade(scratch, files, tmp_path)
        run_tests(scratch, result.validation_tests)
        runner(tool).downgrade(scratch, files, tmp_path)
        after = scratch.snapshot()
        assert after["schema"] == start["schema"], "the rollback did not bring the numbering back"
        assert after["rows"] == start["rows"]
        for table, column in (("tickets", "title"), ("events", "kind")):
            top = _max_id(scratch, table)
            scratch.execute([f"INSERT INTO {table} ({column}) VALUES ('after rollback')"])
            assert _max_id(scratch, table) == top + 1, f"{table}: the next number collides or jumps back"


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
def test_numbering_read_from_the_live_database_comes_back_after_a_drop(database, tmp_path):
    """With `dsn`, the catalog says how each column is numbered (PostgreSQL shows a serial as a
    nextval() default of a sequence the column owns, which DROP TABLE takes with it)."""
    server = live_server(database)
    with server.scratch("numbered_live") as scratch:
        scratch.execute(NUMBERED[database] + SEED)
        start = scratch.snapshot()
        _, files = _generated("flyway", database, DROPS, dsn=_dsn(server, scratch.database))
        runner("flyway").upgrade(scratch, files, tmp_path)
        runner("flyway").downgrade(scratch, files, tmp_path)
        assert scratch.snapshot() == start
        scratch.execute(["INSERT INTO events (kind) VALUES ('after rollback')"])


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("tool", TOOLS)
def test_create_table_with_identity_numbers_rows_and_rolls_back(tool, database, tmp_path):
    table = {"op": "create_table", "table": "audit_log", "columns": [
        {"name": "id", "type": "bigint", "identity": "by_default", "primary_key": True},
        {"name": "note", "type": "varchar(40)"}]}
    result, files = _generated(tool, database, [table])
    with live_server(database).scratch("identity_new") as scratch:
        start = scratch.snapshot()
        runner(tool).upgrade(scratch, files, tmp_path)
        run_tests(scratch, result.validation_tests)
        scratch.execute(["INSERT INTO audit_log (note) VALUES ('one')", "INSERT INTO audit_log (note) VALUES ('two')"])
        assert scratch.query("SELECT id, note FROM audit_log ORDER BY id") == [[1, "one"], [2, "two"]]
        runner(tool).downgrade(scratch, files, tmp_path)
        assert scratch.snapshot() == start


@pytest.mark.engine
@pytest.mark.parametrize("tool", TOOLS)
def test_mysql_type_change_keeps_auto_increment(tool, tmp_path):
    """MODIFY COLUMN restates the whole column: without AUTO_INCREMENT in it, MySQL drops the numbering."""
    _, files = _generated(tool, "mysql", [{"op": "alter_column_type", "table": "events", "column": "id",
                                           "type": "bigint"}], ";\n".join(NUMBERED["mysql"]))
    extra = ("SELECT column_type, extra FROM information_schema.columns WHERE table_schema = DATABASE() "
             "AND table_name = 'events' AND column_name = 'id'")
    with live_server("mysql").scratch("identity_widen") as scratch:
        scratch.execute(NUMBERED["mysql"] + SEED)
        start = scratch.snapshot()
        runner(tool).upgrade(scratch, files, tmp_path)
        assert scratch.query(extra) == [["bigint(20)", "auto_increment"]]
        runner(tool).downgrade(scratch, files, tmp_path)
        assert scratch.snapshot() == start


@pytest.mark.engine
@pytest.mark.parametrize("tool", TOOLS)
def test_postgresql_serial_widened_to_bigint_numbers_past_int_range(tool, tmp_path):
    """A serial's sequence is `AS integer` and ALTER COLUMN TYPE leaves it so: without the
    migration's ALTER SEQUENCE the bigint column's next number after 2,147,483,647 fails."""
    _, files = _generated(tool, "postgresql", [{"op": "alter_column_type", "table": "events", "column": "id",
                                                "type": "bigint"}], NUMBERED["postgresql"][1])
    sequence = "SELECT data_type FROM pg_sequences WHERE sequencename = 'events_id_seq'"
    with live_server("postgresql").scratch("serial_widen") as scratch:
        scratch.execute([NUMBERED["postgresql"][1]] + [s for s in SEED if "tickets" not in s])
        start = scratch.snapshot()
        runner(tool).upgrade(scratch, files, tmp_path)
        assert scratch.query(sequence) == [["bigint"]]
        runner(tool).downgrade(scratch, files, tmp_path)
        assert scratch.snapshot() == start and scratch.query(sequence) == [["integer"]]
        runner(tool).upgrade(scratch, files, tmp_path)
        scratch.execute(["SELECT setval('events_id_seq', 2147483647)", "INSERT INTO events (kind) VALUES ('big')"])
        assert _max_id(scratch, "events") == 2147483648


def test_project_history_keeps_how_columns_are_numbered(tmp_path):
    """Replayed offline: a serial (typed, or spelled out as its own sequence's nextval) and an
    identity stay numbered in the model, so a rollback re-creating the table numbers it too."""
    (tmp_path / "sql").mkdir()
    (tmp_path / "flyway.conf").write_text("flyway.url=jdbc:postgresql://h/db\nflyway.locations=filesystem:sql\n")
    (tmp_path / "sql" / "V1__init.sql").write_text(
        NUMBERED["postgresql"][0] + ";\n" + NUMBERED["postgresql"][1] + ";\n"
        "CREATE TABLE notes (id integer NOT NULL PRIMARY KEY, body text);\n"
        "CREATE SEQUENCE notes_id_seq OWNED BY notes.id;\n"
        "ALTER TABLE notes ALTER COLUMN id SET DEFAULT nextval('notes_id_seq'::regclass);\n")
    from dbmig.project import load_project, replay_offline
    tables = replay_offline(load_project(tmp_path), "postgresql").schema.tables
    assert [tables[t].columns["id"].identity for t in ("tickets", "events", "notes")] == ["always", "serial", "serial"]
    assert tables["notes"].columns["id"].default is None


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
def test_dry_run_sample_rows_leave_numbering_to_the_database(database):
    from dbmig.runners.samples import sample_rows
    with live_server(database).scratch("samples_numbered") as scratch:
        scratch.execute(NUMBERED[database] + sample_rows(";\n".join(NUMBERED[database]), database))
        scratch.execute(["INSERT INTO tickets (title) VALUES ('next')"])
        assert scratch.query("SELECT COUNT(*), MAX(id) FROM tickets") == [[11, 11]]


SERVER_RESTORE = {
    "sqlserver": ("CREATE TABLE tickets (id bigint IDENTITY(1,1) PRIMARY KEY, title nvarchar(100) NOT NULL)",
                  ["SET IDENTITY_INSERT tickets ON", "INSERT INTO tickets (id, title) SELECT id, title FROM "
                   "dbmig_bak_tickets", "SET IDENTITY_INSERT tickets OFF"]),
    "oracle": ("CREATE TABLE tickets (id NUMBER(19) GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title VARCHAR2(100))",
               ["ALTER TABLE TICKETS MODIFY (ID GENERATED BY DEFAULT AS IDENTITY)",
                "INSERT INTO TICKETS (ID, TITLE) SELECT ID, TITLE FROM DBMIG_BAK_TICKETS",
                "ALTER TABLE TICKETS MODIFY (ID GENERATED ALWAYS AS IDENTITY (START WITH LIMIT VALUE))"]),
}


@pytest.mark.parametrize("database", sorted(SERVER_RESTORE))
def test_sqlserver_and_oracle_restore_identity_values_in_order(database):
    schema, expected = SERVER_RESTORE[database]
    result = generate(_request("flyway", database, [{"op": "drop_table", "table": "tickets"}], schema))
    undo = next(f.content for f in result.files if f.filename.startswith("U"))
    positions = [undo.find(statement) for statement in expected]
    assert -1 not in positions and positions == sorted(positions), undo


@pytest.mark.liquibase
@pytest.mark.parametrize("database", sorted(SERVER_RESTORE))
def test_sqlserver_and_oracle_restore_offline_with_the_tools(database, tmp_path):
    """No server here: Liquibase's own update-sql / future-rollback-sql and Alembic's --sql mode
    read the files, and their rollback SQL keeps the restore's order."""
    schema, expected = SERVER_RESTORE[database]
    drop = [{"op": "drop_table", "table": "tickets"}]
    _, files = _generated("liquibase", database, drop, schema)
    lb.validate(files, tmp_path / "lb", database)
    rollback = lb.offline_rollback_sql(files, tmp_path / "lb", database)
    alembic = offline_sql(_generated("alembic", database, drop, schema)[1], tmp_path / "al", database).downgrade
    for text in (rollback, alembic):
        flat = " ".join(text.split())
        positions = [flat.upper().find(" ".join(e.split()).upper()) for e in expected]
        assert -1 not in positions and positions == sorted(positions), text


@pytest.mark.parametrize("change, field", [
    ({"op": "add_column", "table": "events", "column": {"name": "seq", "type": "bigint", "identity": "always"}},
     "changes.0.column.identity"),
    ({"op": "create_table", "table": "t", "columns": [{"name": "id", "type": "text", "identity": "by_default"}]},
     "changes.0.columns.0.type"),
])
def test_identity_where_it_cannot_go_is_refused_with_its_field(change, field):
    with pytest.raises(InvalidRequest) as err:
        generate(_request("flyway", "postgresql", [change], NUMBERED["postgresql"][1]))
    assert err.value.field == field


def test_mysql_identity_must_be_a_key():
    table = {"op": "create_table", "table": "t", "columns": [
        {"name": "id", "type": "bigint", "primary_key": True}, {"name": "n", "type": "bigint", "identity": "by_default"}]}
    with pytest.raises(InvalidRequest) as err:
        generate(_request("flyway", "mysql", [table]))
    assert err.value.field == "changes.0.columns.1.identity"
    assert generate(_request("flyway", "postgresql", [table])).files


def test_sql_intake_carries_identity_and_refuses_what_it_cannot_carry():
    made = generate(_request("flyway", "postgresql", None) | {
        "changes": None, "sql": "CREATE TABLE audit (id bigserial PRIMARY KEY, note text)"})
    assert made.changes[0].columns[0].identity == "by_default"
    assert "id BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL" in made.files[0].content
    with pytest.raises(InvalidRequest, match="START"):
        generate(_request("flyway", "postgresql", None) | {
            "changes": None, "sql": "CREATE TABLE audit (id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 9))"})


@pytest.mark.parametrize("sentence, database, identity", [
    ("create table audit_log (id bigserial primary key, payload jsonb)", "postgresql", "by_default"),
    ("create table tags (id int auto increment primary key, name varchar(50) not null)", "mysql", "by_default"),
    ("create table tags (id int auto_increment primary key, name varchar(50))", "mysql", "by_default"),
    ("create table events (id bigint generated always as identity primary key, kind text)", "postgresql", "always"),
])
def test_sentences_say_how_a_column_is_numbered(sentence, database, identity):
    made = generate(_request("flyway", database, None) | {"changes": None, "migration_description": sentence})
    (table,) = made.changes
    assert table.columns[0].identity == identity and table.columns[0].type in ("bigint", "integer")
    assert table.columns[1].identity is None
