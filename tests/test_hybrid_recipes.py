"""T2 hybrid conversions built from the change vocabulary, on the real engines with the real
tools: merge two columns into one, move a column to a new table, turn a text column into a
lookup table with a foreign key. Each is applied, its data checked row by row, then rolled back
to the exact start (schema and every row)."""
from __future__ import annotations

import pytest

from dbmig.api import generate
from dbmig.runners import runner

from .test_data_migrations import ENGINES, SCHEMA, TOOLS, _engine, seed
from .test_roundtrip import run_tests

N = 3_000
CONCAT = {"postgresql": "full_name || ' <' || email || '>'", "mysql": "CONCAT(full_name, ' <', email, '>')"}
TICKETS = "CREATE TABLE tickets (id INTEGER PRIMARY KEY, status VARCHAR(20) NOT NULL)"
SEED_TICKETS = {
    "postgresql": "INSERT INTO tickets SELECT g, (ARRAY['open', 'closed', 'pending'])[g % 3 + 1] "
                  "FROM generate_series(1, 3000) g",
    "mysql": "INSERT INTO tickets SELECT seq, ELT(seq % 3 + 1, 'open', 'closed', 'pending') FROM seq_1_to_3000",
}


def recipes(database: str) -> dict[str, tuple[list[dict], list[tuple[str, list]]]]:
    """recipe -> (changes, [(query, expected rows) after the migration])."""
    merge = [
        {"op": "add_column", "table": "people", "column": {"name": "contact", "type": "varchar(420)"}},
        {"op": "backfill", "table": "people", "column": "contact", "value": CONCAT[database], "batch_size": 700},
        {"op": "drop_column", "table": "people", "column": "full_name"},
    ]
    move = [
        {"op": "create_table", "table": "profiles", "columns": [
            {"name": "person_id", "type": "integer", "nullable": False, "primary_key": True},
            {"name": "full_name", "type": "varchar(200)", "nullable": False}]},
        {"op": "raw_sql", "up": "INSERT INTO profiles (person_id, full_name) SELECT id, full_name FROM people "
                                "WHERE full_name IS NOT NULL", "down": "DELETE FROM profiles"},
        {"op": "drop_column", "table": "people", "column": "full_name"},
    ]
    lookup = [
        {"op": "create_table", "table": "statuses", "columns": [
            {"name": "id", "type": "integer", "nullable": False, "primary_key": True},
            {"name": "name", "type": "varchar(20)", "nullable": False, "unique": True}]},
        {"op": "raw_sql", "up": "INSERT INTO statuses (id, name) SELECT ROW_NUMBER() OVER (ORDER BY status), status "
                                "FROM (SELECT DISTINCT status FROM tickets) s", "down": "DELETE FROM statuses"},
        {"op": "add_column", "table": "tickets", "column": {"name": "status_id", "type": "integer"}},
        {"op": "backfill", "table": "tickets", "column": "status_id",
         "value": "(SELECT s.id FROM statuses s WHERE s.name = tickets.status)"},
        {"op": "set_not_null", "table": "tickets", "column": "status_id"},
        {"op": "add_foreign_key", "table": "tickets", "columns": ["status_id"], "ref_table": "statuses",
         "ref_columns": ["id"]},
        {"op": "drop_column", "table": "tickets", "column": "status"},
    ]
    return {
        "merge": (merge, [
            ("SELECT COUNT(*) FROM people WHERE contact IS NULL", [(N // 10,)]),
            ("SELECT contact FROM people WHERE id = 7", [("First7 Last 7 <u7@ex.com>",)])]),
        "move": (move, [
            ("SELECT COUNT(*) FROM profiles", [(N - N // 10,)]),
            ("SELECT full_name FROM profiles WHERE person_id = 7", [("First7 Last 7",)])]),
        "lookup": (lookup, [
            ("SELECT name FROM statuses ORDER BY id", [("closed",), ("open",), ("pending",)]),
            ("SELECT COUNT(*) FROM tickets t JOIN statuses s ON s.id = t.status_id WHERE s.name = "
             "CASE t.id % 3 WHEN 0 THEN 'open' WHEN 1 THEN 'closed' ELSE 'pending' END", [(N,)])]),
    }


def request(recipe: str, tool: str, database: str) -> dict:
    return dict(migration_tool=tool, database=database, migration_type="hybrid", downtime_allowed=True,
                migration_description=f"hybrid {recipe}", author="dbmig-tests", confirm_data_loss=True,
                changes=recipes(database)[recipe][0], schema=SCHEMA[database] + ";\n" + TICKETS,
                table_rows={"people": N, "tickets": N})


@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("recipe", ["merge", "move", "lookup"])
def test_hybrid_recipe_round_trip(recipe, tool, database, tmp_path):
    server = _engine(database, tool)
    result = generate(request(recipe, tool, database))
    files = {f.filename: f.content for f in result.files}
    with server.scratch(f"hy{recipe}") as scratch:
        seed(scratch, n=N)
        scratch.execute([TICKETS, SEED_TICKETS[database]])
        start = scratch.snapshot()
        unchanged = {t.query: scratch.query(t.query) for t in result.validation_tests if t.compare == "unchanged"}
        runner(tool).upgrade(scratch, files, tmp_path)
        for query, expected in recipes(database)[recipe][1]:
            assert [tuple(r) for r in scratch.query(query)] == expected, query
        run_tests(scratch, result.validation_tests, unchanged)
        runner(tool).downgrade(scratch, files, tmp_path)
        end = scratch.snapshot()
        assert end["schema"] == start["schema"], "rollback did not restore the schema"
        assert end["rows"] == start["rows"], "rollback did not restore every row"


@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
@pytest.mark.parametrize("recipe", ["merge", "move", "lookup"])
def test_hybrid_recipe_without_downtime(recipe, database, tmp_path):
    """downtime_allowed=false: the same recipe in phases (what the new app needs in expand, the
    batched loop behind the app gate in migrate, the drop in contract), applied phase by phase
    with Flyway's file order; each phase's tests pass; rolling every phase back restores all."""
    from .test_zero_downtime import phase_files, phase_tests
    server = _engine(database, "flyway")
    result = generate(request(recipe, "flyway", database) | {"downtime_allowed": False})
    assert result.tier.value == "T3" and result.phases[-1].name == "contract"
    phases = phase_files(result)
    with server.scratch(f"hz{recipe}") as scratch:
        seed(scratch, n=N)
        scratch.execute([TICKETS, SEED_TICKETS[database]])
        start = scratch.snapshot()
        unchanged = {t.query: scratch.query(t.query) for t in result.validation_tests if t.compare == "unchanged"}
        for i, (name, files) in enumerate(phases):
            runner("flyway").upgrade(scratch, files, tmp_path)
            run_tests(scratch, phase_tests(result, name, i == len(phases) - 1), unchanged)
        for query, expected in recipes(database)[recipe][1]:
            assert [tuple(r) for r in scratch.query(query)] == expected, query
        for name, files in reversed(phases):
            runner("flyway").downgrade(scratch, files, tmp_path)
        end = scratch.snapshot()
        assert end["schema"] == start["schema"], "rollback did not restore the schema"
        assert end["rows"] == start["rows"], "rollback did not restore every row"
