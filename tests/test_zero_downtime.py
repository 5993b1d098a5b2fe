"""T3 zero-downtime plans on real engines: every phase applies in order with rows present, its
validation tests pass, it rolls back, and the app versions the plan promises keep working
between phases. Plus squawk on PostgreSQL output, sqlglot for SQL Server/Oracle, budget and
determinism."""
from __future__ import annotations

import contextlib
import importlib.util
import json
import subprocess

import pytest

from dbmig.api import generate, parse_request
from dbmig.dialects import get_dialect
from dbmig.errors import ZeroDowntimeImpossible
from dbmig.server.fit import sent_tokens
from dbmig.intake import changes_for
from dbmig.plan import build_plan
from dbmig.runners import runner

from .conftest import live_server, require
from .roundtrip_cases import CASES, START, seed_statements

TOOLS = [t for t in ("flyway", "liquibase", "alembic") if importlib.util.find_spec(f"dbmig.runners.{t}")]
ENGINES = ["postgresql", "mysql"]

# op list, and per phase the app statements that must work after it: (sql, expected rows or None)
OLD_READ, NEW_READ = "SELECT name FROM customers WHERE id = 1", "SELECT full_name FROM customers WHERE id = 1"
ZD_CASES = {
    "drop_table": [{"op": "drop_table", "table": "orders"}],
    "add_index": CASES["add_index"],
    "drop_index": CASES["drop_index"],
    "add_foreign_key": CASES["add_foreign_key"],
    "add_unique": [{"op": "add_unique", "table": "orders", "columns": ["customer_id", "id"]}],
    "add_check_pg": CASES["add_check"],
    "set_not_null": CASES["set_not_null_backfill"],
    "add_column_not_null_default": CASES["add_column_not_null_default"],
    "add_column_volatile_pg": [{"op": "add_column", "table": "customers", "column": {
        "name": "token", "type": "uuid", "nullable": False, "default": "gen_random_uuid()"}}],
    "rename_column": CASES["rename_column"],
    "rename_column_default": [{"op": "rename_column", "table": "customers", "column": "status", "new_name": "state"}],
    "rename_table_pg": CASES["rename_table"],
    "int_to_bigint": CASES["alter_column_type_int_to_bigint"],
    "widen_varchar": CASES["alter_column_type_widen_varchar"],
    "drop_column": CASES["drop_column"],
    # data: T2's batched loop in migrate, behind the gate that the app writes the new values
    "backfill": [{"op": "backfill", "table": "customers", "column": "status", "value": "'vip'", "where": "age > 40"}],
    "update_rows": [{"op": "update_rows", "table": "orders", "set": {"total": "total + 1"}, "where": "total > 100",
                     "batch_size": 25}],
    "split_column": [{"op": "split_column", "table": "customers", "column": "name", "into": ["first_name", "last_name"],
                      "separator": " "}],
}
APP = {
    "rename_column": {
        "expand": [(OLD_READ, [["name 1"]]), (NEW_READ, [["name 1"]]),
                   ("INSERT INTO customers (id, name) VALUES (1001, 'old app')", None),
                   ("SELECT full_name FROM customers WHERE id = 1001", [["old app"]]),
                   ("INSERT INTO customers (id, full_name) VALUES (1002, 'new app')", None),
                   ("SELECT name FROM customers WHERE id = 1002", [["new app"]]),
                   ("UPDATE customers SET full_name = 'renamed' WHERE id = 2", None),
                   ("SELECT name FROM customers WHERE id = 2", [["renamed"]]),
                   # an update of the old name alone, and one of another column, keep both equal
                   ("UPDATE customers SET name = 'old write' WHERE id = 3", None),
                   ("UPDATE customers SET age = age + 1 WHERE id IN (3, 4)", None),
                   ("SELECT id, name, full_name FROM customers WHERE id IN (3, 4) ORDER BY id",
                    [[3, "old write", "old write"], [4, "name 4", "name 4"]])],
        "contract": [(NEW_READ, [["name 1"]]), ("INSERT INTO customers (id, full_name) VALUES (1002, 'x')", None)],
    },
    # status has DEFAULT 'new': whichever name an app version writes (or leaves to the default) is
    # what both versions read; the default moves to state in contract.
    "rename_column_default": {
        "expand": [("INSERT INTO customers (id, name, status) VALUES (1001, 'old app', 'vip')", None),
                   ("INSERT INTO customers (id, name) VALUES (1002, 'old app, default')", None),
                   ("INSERT INTO customers (id, name, state) VALUES (1003, 'new app', 'gold')", None),
                   ("INSERT INTO customers (id, name) VALUES (1004, 'new app, default')", None),
                   ("UPDATE customers SET status = 'moved' WHERE id = 2", None),
                   ("UPDATE customers SET state = 'back' WHERE id = 3", None),
                   ("SELECT id, status, state FROM customers WHERE id IN (2, 3, 1001, 1002, 1003, 1004) ORDER BY id",
                    [[2, "moved", "moved"], [3, "back", "back"], [1001, "vip", "vip"], [1002, "new", "new"],
                     [1003, "gold", "gold"], [1004, "new", "new"]])],
        "contract": [("INSERT INTO customers (id, name) VALUES (1005, 'new app, default')", None),
                     ("SELECT state FROM customers WHERE id = 1005", [["new"]])],
    },
    # customers -> clients: the old name is an updatable view until contract
    "rename_table_pg": {
        "expand": [("INSERT INTO customers (id, name) VALUES (1001, 'old app')", None),
                   ("SELECT name, status, age FROM clients WHERE id = 1001", [["old app", "new", 0]]),
                   ("INSERT INTO clients (id, name) VALUES (1002, 'new app')", None),
                   ("UPDATE customers SET name = 'via view' WHERE id = 1002 RETURNING id", [[1002]]),
                   ("INSERT INTO customers (id, name) VALUES (1, 'upsert') ON CONFLICT (id) DO UPDATE "
                    "SET name = EXCLUDED.name", None),
                   ("SELECT name FROM customers WHERE id = 1 FOR UPDATE", [["upsert"]]),
                   ("DELETE FROM customers WHERE id = 1001", None),
                   ("SELECT COUNT(*) FROM clients WHERE id IN (1001, 1002)", [[1]])],
        "contract": [("SELECT COUNT(*) FROM clients", [[50]]),
                     ("INSERT INTO clients (id, name) VALUES (1003, 'new app')", None)],
    },
    "int_to_bigint": {
        "expand": [("INSERT INTO customers (id, name, age) VALUES (1001, 'n', 7)", None),
                   ("SELECT age_new FROM customers WHERE id = 1001", [[7]]),
                   ("UPDATE customers SET age = 8 WHERE id = 1", None),
                   ("SELECT age_new FROM customers WHERE id = 1", [[8]])],
        # after the swap the trigger follows the new column: its updates reach age_old
        "migrate": [("INSERT INTO customers (id, name, age) VALUES (1001, 'n', 7)", None),
                    ("SELECT age, age_old FROM customers WHERE id = 1001", [[7, 7]]),
                    ("UPDATE customers SET age = 9 WHERE id = 1", None),
                    ("SELECT age, age_old FROM customers WHERE id = 1", [[9, 9]])],
        "contract": [("UPDATE customers SET age = 3000000000 WHERE id = 1", None),
                     ("SELECT age FROM customers WHERE id = 1", [[3000000000]])],
    },
    "drop_column": {"contract": [("INSERT INTO customers (id, name) VALUES (1001, 'no legacy')", None)]},
}


def request(case: str, tool: str, database: str, **extra) -> dict:
    return dict(migration_tool=tool, database=database, migration_type="schema", downtime_allowed=False,
                migration_description=f"zero downtime {case.replace('_', ' ')}", changes=ZD_CASES[case],
                schema=START.get(database), table_rows={"customers": 50, "orders": 100}, author="dbmig-tests",
                **extra)


def applies(case: str, database: str) -> bool:
    return not (case.endswith("_pg") and database != "postgresql")


def phase_tests(result, phase: str, last: bool):
    """Tests of this phase, plus the final-state ones after the last phase."""
    mine = [t for t in result.validation_tests if t.phase == phase]
    final = [t for t in result.validation_tests if t.phase is None and t.compare == "equals"]
    return mine + (final if last else [])


def run_app(scratch, statements) -> None:
    """App statements in one transaction that is rolled back: they prove, they do not change."""
    with contextlib.closing(scratch.server.connect(scratch.database, autocommit=False)) as conn:
        with conn.cursor() as cur:
            for sql, expected in statements:
                cur.execute(sql)
                if expected is not None:
                    assert [list(r) for r in cur.fetchall()] == expected, sql
        conn.rollback()


def phase_files(result) -> list[tuple[str, dict[str, str]]]:
    if result.phases:
        return [(p.name, {f.filename: f.content for f in p.files}) for p in result.phases]
    return [("migrate", {f.filename: f.content for f in result.files})]


@pytest.mark.engine
@pytest.mark.parametrize("case,tool,database", [(c, t, d) for c in sorted(ZD_CASES) for t in TOOLS
                                                for d in ENGINES if applies(c, d)])
def test_phases_on_real_engine(case, tool, database, tmp_path):
    result = generate(request(case, tool, database))
    assert_phases(result, tool, database, tmp_path, case, APP.get(case, {}))


def assert_phases(result, tool: str, database: str, tmp_path, case: str, app: dict) -> None:
    """Apply each phase with the real tool on START's seeded rows: its tests pass, the app's
    statements work, its rollback restores the phase before, it reapplies the same; finally
    rolling every phase back restores the start."""
    server = live_server(database)
    assert result.tier.value == "T3"
    phases = phase_files(result)
    run = runner(tool)
    with server.scratch(f"zd{case[:14]}") as scratch:
        scratch.execute([s for s in START[database].split(";") if s.strip()] + seed_statements())
        snapshots = [scratch.snapshot()]
        unchanged = {t.query: scratch.query(t.query) for t in result.validation_tests if t.compare == "unchanged"}
        for i, (name, files) in enumerate(phases):
            run.upgrade(scratch, files, tmp_path)
            for t in phase_tests(result, name, i == len(phases) - 1):
                assert scratch.query(t.query) == t.expected_rows, f"{name}: {t.description}\n{t.query}"
            for query, rows in unchanged.items():
                assert scratch.query(query) == rows
            run_app(scratch, app.get(name, []))
            after = scratch.snapshot()
            run.downgrade(scratch, files, tmp_path)
            back = scratch.snapshot()
            assert back == snapshots[-1], f"rollback of phase {name} did not restore the schema and rows"
            run.upgrade(scratch, files, tmp_path)
            again = scratch.snapshot()
            key = "schema" if "volatile" in case else "rows"    # per-row defaults differ per run
            assert again["schema"] == after["schema"] and again[key] == after[key], f"phase {name} is not repeatable"
            snapshots.append(after)
        for name, files in reversed(phases):
            run.downgrade(scratch, files, tmp_path)
        end = scratch.snapshot()
        assert end["schema"] == snapshots[0]["schema"], "rolling back every phase did not restore the schema"
        assert end["rows"] == snapshots[0]["rows"], "rolling back every phase did not restore the rows"


@pytest.mark.parametrize("database", ["mysql", "oracle"])
@pytest.mark.parametrize("tool", ["flyway", "alembic"])
def test_ddl_that_commits_on_its_own_gets_one_unit_per_step(tool, database):
    """MySQL and Oracle commit each DDL statement: every T3 step is its own Flyway file /
    Alembic revision, so the tool's history records exactly the steps that ran and a rerun after
    a lock timeout starts at the step that failed."""
    for case in sorted(c for c in ZD_CASES if applies(c, database)):
        req = request(case, tool, database)
        try:
            result = generate(req)
        except ZeroDowntimeImpossible:
            continue
        r, d = parse_request(req), get_dialect(database)
        steps = build_plan(r, d, changes_for(r, d)[0])[0].steps
        units = [n for n in (f.filename for f in result.files)
                 if (n.startswith("V") and n.endswith(".sql")) or n.endswith(".py")]
        assert len(units) == len(steps), f"{case}: {len(units)} units for {len(steps)} steps"


@pytest.mark.engine
@pytest.mark.parametrize("tool", ["flyway", "alembic"])
def test_mysql_rerun_after_a_lock_timeout_resumes_at_that_step(tool, tmp_path):
    """The sync trigger step waits behind a long transaction and hits its 2 s lock timeout after
    the ADD COLUMN step committed; once the transaction ends, running the phase again resumes at
    the trigger (no 'Duplicate column'), and the phase then holds what it promises."""
    server = live_server("mysql")
    result = generate(request("rename_column", tool, "mysql"))
    _, files = phase_files(result)[0]
    first = {n: c for n, c in files.items() if "ADD COLUMN full_name" in c and "CREATE TRIGGER" not in c
             and (n.startswith("V") or n.endswith(".py"))}
    assert len(first) == 1, sorted(files)
    run = runner(tool)
    with server.scratch("zdresume") as scratch:
        scratch.execute([s for s in START["mysql"].split(";") if s.strip()] + seed_statements())
        run.upgrade(scratch, first, tmp_path)
        blocker = server.connect(scratch.database, autocommit=False)
        try:
            with blocker.cursor() as cur:
                cur.execute("SELECT id FROM customers WHERE id = 1")     # holds a metadata lock
            with pytest.raises(Exception, match="Lock wait timeout"):
                run.upgrade(scratch, files, tmp_path)
        finally:
            blocker.rollback()
            blocker.close()
        run.upgrade(scratch, files, tmp_path)
        for t in phase_tests(result, "expand", False):
            assert scratch.query(t.query) == t.expected_rows, t.description
        run_app(scratch, APP["rename_column"]["expand"])


@pytest.mark.parametrize("case,database", [(c, d) for c in sorted(ZD_CASES)
                                           for d in ENGINES + ["sqlserver", "oracle"] if applies(c, d)])
def test_budget_and_determinism(case, database):
    req = request(case, "flyway", database)
    try:
        a, b = generate(req), generate(req)
    except ZeroDowntimeImpossible as e:
        assert e.message.startswith("Zero-downtime not possible for operation"), e.message
        return
    assert sent_tokens(a) <= 12_000
    assert a.model_dump(exclude={"timestamp"}) == b.model_dump(exclude={"timestamp"})


def test_mysql_rename_table_is_impossible_with_options():
    with pytest.raises(ZeroDowntimeImpossible, match="without transactional DDL") as e:
        generate(request("rename_table_pg", "flyway", "mysql"))
    assert "allow downtime" in e.value.suggestion


@pytest.mark.parametrize("database", ENGINES + ["sqlserver", "oracle"])
def test_rename_of_a_column_a_check_names_aborts(database):
    """ck_orders_total CHECK (total >= 0) names orders.total but lists no columns: renaming the
    column by expand/contract would let contract drop the check with the old column."""
    changes = [{"op": "rename_column", "table": "orders", "column": "total", "new_name": "amount"}]
    with pytest.raises(ZeroDowntimeImpossible, match="ck_orders_total"):
        generate(dict(request("rename_column", "flyway", database), changes=changes))


def test_mysql_check_is_impossible_with_options():
    with pytest.raises(ZeroDowntimeImpossible) as e:
        generate(request("add_check_pg", "flyway", "mysql"))
    assert "pt-online-schema-change" in e.value.suggestion and "gh-ost" in e.value.suggestion


def test_pg_set_not_null_before_12_is_impossible():
    with pytest.raises(ZeroDowntimeImpossible, match="before PostgreSQL 12"):
        generate(request("set_not_null", "flyway", "postgresql", database_version="11"))


def test_concurrent_index_has_recovery_and_flyway_lock_note():
    r = generate(request("add_index", "flyway", "postgresql"))
    text = " ".join(r.warnings)
    assert "indisvalid" in text and "postgresql.transactional.lock=false" in text
    assert any(f.filename.endswith(".conf") and "executeInTransaction=false" in f.content for f in r.files)


# squawk findings that the result's warnings explain (see SQUAWK_EXPLAINED in the report)
SQUAWK_EXPLAINED = {
    "require-timeout-settings",      # lock_timeout is set; squawk also wants statement_timeout per file
    "prefer-robust-stmts",           # re-runs are planned through rollback + retry, not IF NOT EXISTS
    "prefer-bigint-over-int", "prefer-big-int", "prefer-text-field",  # the caller's types
    "renaming-column",               # only inside the expand/contract swap, explained in warnings
    "adding-serial-primary-key-field", "ban-drop-column",  # contract phase, explained in warnings
    "constraint-missing-not-valid", "adding-not-nullable-field",  # false positives on rollback/U files
    "require-statement-timeout",     # a statement_timeout would kill the long online steps (CIC, VALIDATE, batches)
    "ban-drop-constraint",           # the helper CHECK (c IS NOT NULL) once SET NOT NULL used it
    "ban-drop-function",             # the sync trigger's function, in contract
    "ban-drop-table",                # drop_table: contract phase after its backup, explained in warnings
    "renaming-table", "ban-drop-view",  # rename_table: the old name is a view until contract drops it (warned)
    "changing-column-type",          # varchar widening: binary-coercible, catalog only (warned)
}


@pytest.mark.parametrize("case", sorted(ZD_CASES))
def test_squawk_on_postgresql_output(case, tmp_path):
    import shutil
    require(shutil.which("squawk") is not None, "squawk (pip install squawk-cli)")
    result = generate(request(case, "flyway", "postgresql"))
    paths = []
    for f in result.files:
        if f.filename.startswith("V") and f.filename.endswith(".sql"):
            (tmp_path / f.filename).write_text(f.content)
            paths.append(str(tmp_path / f.filename))
    proc = subprocess.run(["squawk", "--reporter", "json", *paths], capture_output=True, text=True)
    findings = json.loads(proc.stdout or "[]")
    rules = {f.get("rule_name") or f.get("code") for f in findings}
    assert rules <= SQUAWK_EXPLAINED, f"unexplained squawk findings: {rules - SQUAWK_EXPLAINED}"


def _table_id(scratch, table: str) -> int:
    """InnoDB's id of the table: a rebuild (INPLACE or COPY) gives it a new one, INSTANT keeps it."""
    [[tid]] = scratch.query("SELECT table_id FROM information_schema.innodb_sys_tables "
                            f"WHERE name = '{scratch.database}/{table}'")
    return tid


@pytest.mark.engine
def test_mariadb_drops_a_column_instantly_as_the_guide_says(tmp_path):
    """rename_column's contract on MariaDB 10.4+ names ALGORITHM=INSTANT, the guide says INSTANT with
    no rewrite, and the engine keeps the table (same InnoDB table id); a forced rebuild changes it."""
    server = live_server("mysql")
    result = generate(request("rename_column", "flyway", "mysql", database_version="10.11"))
    contract = dict(phase_files(result))["contract"]
    drop = [line for f in contract.values() for line in f.splitlines() if "DROP COLUMN name" in line]
    assert drop == ["ALTER TABLE customers DROP COLUMN name, ALGORITHM=INSTANT;"], drop
    [estimate] = [e for e in result.deployment_guide.lock_estimates if e.statement.startswith("contract:")]
    assert "INSTANT" in estimate.lock and not estimate.rewrite, estimate
    run = runner("flyway")
    with server.scratch("zdinstant") as scratch:
        [[v]] = scratch.query("SELECT VERSION()")
        require("mariadb" in v.lower(), f"MariaDB (the mysql server here is {v})")
        scratch.execute([s for s in START["mysql"].split(";") if s.strip()] + seed_statements())
        for name, files in phase_files(result):
            before = _table_id(scratch, "customers")
            run.upgrade(scratch, files, tmp_path)
        assert _table_id(scratch, "customers") == before, "the contract's DROP COLUMN rebuilt the table"
        assert scratch.query("SELECT COUNT(*) FROM customers") == [[50]]
        scratch.execute(["ALTER TABLE customers FORCE"])            # the measure tells a rebuild apart
        assert _table_id(scratch, "customers") != before
