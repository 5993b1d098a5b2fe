"""T2 data migrations on real engines with the real tools: a 100,000-row table, each op applied,
validation tests, every row compared with the expected result, rollback back to the exact
rows; restart after a kill, a concurrent writer, guards, determinism and the T2 budget."""
from __future__ import annotations

import re
import threading
import time

import pytest

from dbmig.api import generate
from dbmig.tokens import BUDGET
from dbmig.server.fit import sent_tokens
from dbmig.runners import runner
from dbmig.runners import engines
from dbmig.runners.engines import Scratch

from .conftest import liquibase_bin, live_server
from .test_roundtrip import run_tests

TOOLS = ["flyway", "liquibase", "alembic"]
ENGINES = ["postgresql", "mysql"]
ROWS = 100_000

SCHEMA = {
    "postgresql": "CREATE TABLE people (id INTEGER PRIMARY KEY, full_name VARCHAR(200), email VARCHAR(200) "
                  "NOT NULL, score INTEGER NOT NULL, note VARCHAR(50))",
    "mysql": "CREATE TABLE people (id INT PRIMARY KEY, full_name VARCHAR(200), email VARCHAR(200) NOT NULL, "
             "score INT NOT NULL, note VARCHAR(50))",
}
# Rows 1..n: every 10th full name is NULL; `lacking` rows (id % 1000 = 7) have no space.
SEED = {
    "postgresql": "INSERT INTO people SELECT g, CASE WHEN g % 10 = 0 THEN NULL WHEN {lacking} AND g % 1000 = 7 "
                  "THEN 'Solo' || g ELSE 'First' || g || ' Last ' || g END, 'u' || g || '@ex.com', g % 1000, "
                  "NULL FROM generate_series(1, {n}) g",
    "mysql": "INSERT INTO people SELECT seq, CASE WHEN seq % 10 = 0 THEN NULL WHEN {lacking} AND seq % 1000 = 7 "
             "THEN CONCAT('Solo', seq) ELSE CONCAT('First', seq, ' Last ', seq) END, CONCAT('u', seq, '@ex.com'), "
             "seq % 1000, NULL FROM seq_1_to_{n}",
}


def _add(name: str, type_: str = "varchar(200)") -> dict:
    return {"op": "add_column", "table": "people", "column": {"name": name, "type": type_}}


# case -> (changes, expected row function over {column: value} before, lacking rows?)
CASES = {
    "hybrid_backfill": [_add("region", "varchar(20)"),
                        {"op": "backfill", "table": "people", "column": "region", "value": "UPPER(SUBSTRING(email, 1, 2))"},
                        {"op": "set_not_null", "table": "people", "column": "region"}],
    # a column that exists: every 10th row is NULL, so the backup's key runs are one key each
    "backfill_existing": [{"op": "backfill", "table": "people", "column": "full_name", "value": "email"}],
    "update_rows": [{"op": "update_rows", "table": "people", "set": {"score": "score + 1", "note": "'bumped'"},
                     "where": "score < 500", "batch_size": 2500}],
    "split_column": [{"op": "split_column", "table": "people", "column": "full_name",
                      "into": ["first_name", "last_name"], "separator": " ", "batch_size": 2000,
                      "on_unsplittable": "abort"}],
    # the default: a value without the separator stays whole in the first part
    "split_keep_in_first": [{"op": "split_column", "table": "people", "column": "full_name",
                             "into": ["first_name", "last_name"], "separator": " "}],
}


# Every op in one request: what Liquibase and Alembic run (one seed, one apply, one rollback
# per tool keeps the suite fast; Flyway runs each op on its own above).
CASES["all_ops"] = CASES["hybrid_backfill"] + CASES["update_rows"] + CASES["split_column"]
PER_OP = [c for c in sorted(CASES) if c != "all_ops"]
MATRIX = [(c, "flyway") for c in PER_OP] + [("all_ops", "liquibase"), ("all_ops", "alembic")]


def expected(case: str, row: dict) -> dict:
    if case == "all_ops":
        for part in ("hybrid_backfill", "update_rows", "split_column"):
            row = expected(part, row)
        return row
    row = dict(row)
    if case == "hybrid_backfill":
        row["region"] = row["email"][:2].upper()
    elif case == "backfill_existing" and row["full_name"] is None:
        row["full_name"] = row["email"]
    elif case == "update_rows" and row["score"] < 500:
        row["score"] += 1
        row["note"] = "bumped"
    elif case.startswith("split"):
        full = row["full_name"]
        first, _, last = (full or "").partition(" ")
        row["first_name"] = None if full is None else first
        row["last_name"] = None if full is None or " " not in full else last
    return row


def request(case: str, tool: str, database: str, changes: list | None = None) -> dict:
    return dict(migration_tool=tool, database=database, migration_type="hybrid" if "add_column" in str(
        CASES.get(case)) else "data", downtime_allowed=True, migration_description=f"t2 {case.replace('_', ' ')}",
        changes=changes or CASES[case], schema=SCHEMA[database], table_rows={"people": ROWS},
        author="dbmig-tests")


def seed(scratch: Scratch, n: int = ROWS, lacking: bool = False) -> None:
    scratch.execute([SCHEMA[scratch.kind], SEED[scratch.kind].format(n=n, lacking="TRUE" if lacking else "FALSE")])


def table_rows(scratch: Scratch) -> dict[int, dict]:
    with scratch.server.connect(scratch.database) as conn, conn.cursor() as cur:
        cur.execute("SELECT * FROM people")
        names = [d[0] for d in cur.description]
        return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}


_TABLES = {"postgresql": "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                         "AND table_name LIKE 'dbmig%'",
           "mysql": "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                    "AND table_name LIKE 'dbmig%'"}


def schema_of(scratch: Scratch) -> dict:
    """Columns, indexes and constraints (the snapshot's schema part, without its slow row dump)."""
    return engines._pg_schema(scratch) if scratch.kind == "postgresql" else engines._my_schema(scratch)


def generated(req: dict):
    return generate(req)


def apply(tool: str, scratch: Scratch, files: dict, tmp_path, direction: str = "upgrade") -> None:
    getattr(runner(tool), direction)(scratch, files, tmp_path)


def _engine(database: str, tool: str):
    server = live_server(database)
    if tool == "liquibase":
        liquibase_bin()
    return server


# --- the matrix ----------------------------------------------------------------------------

@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
@pytest.mark.parametrize("case,tool", MATRIX)
def test_data_roundtrip(case, tool, database, tmp_path):
    server = _engine(database, tool)
    result = generated(request(case, tool, database))
    files = {f.filename: f.content for f in result.files}
    with server.scratch(f"t2{case[:12]}") as scratch:
        seed(scratch, lacking=case == "split_keep_in_first")
        start, before = schema_of(scratch), table_rows(scratch)
        unchanged = {t.query: scratch.query(t.query) for t in result.validation_tests if t.compare == "unchanged"}
        apply(tool, scratch, files, tmp_path)
        run_tests(scratch, result.validation_tests, unchanged)
        after = table_rows(scratch)
        assert after.keys() == before.keys()
        wrong = [i for i, row in after.items() if row != expected(case, before[i])]
        assert not wrong, f"{len(wrong)} rows differ, e.g. {after[wrong[0]]} != {expected(case, before[wrong[0]])}"
        apply(tool, scratch, files, tmp_path, "downgrade")
        assert table_rows(scratch) == before, "rollback did not restore every row exactly"
        assert schema_of(scratch) == start, "rollback did not restore the schema"
        assert not [t for t in scratch.query(_TABLES[scratch.kind]) if t[0] != "people"], "backup left behind"


# --- restart, concurrency, guards -----------------------------------------------------------

def _backend_of(scratch: Scratch, conn) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()" if scratch.kind == "postgresql" else "SELECT CONNECTION_ID()")
        return cur.fetchone()[0]


@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
@pytest.mark.parametrize("tool", TOOLS)
def test_restart_after_kill_does_no_row_twice(tool, database, tmp_path):
    """`score = score + 1` is not idempotent: a row updated twice would show +2. The column added
    before the loop is committed when the loop starts: the rerun must not add it again (Flyway
    and Alembic put the loop in its own file / revision, Liquibase in its own changeSet)."""
    server = _engine(database, tool)
    changes = [_add("flag", "varchar(5)"),
               {"op": "update_rows", "table": "people", "set": {"score": "score + 1"}, "batch_size": 500,
                "pause_ms": 2}]
    result = generated(request("restart", tool, database, changes))
    files = {f.filename: f.content for f in result.files}
    with server.scratch("t2restart") as scratch:
        seed(scratch)
        start, before = schema_of(scratch), table_rows(scratch)
        bak = "dbmig_bak_people_score"
        killer = threading.Thread(target=_kill_when_started, args=(scratch, bak, 20 * 500))
        killer.start()
        try:    # the kill fails the run (the mariadb runner may still exit 0: see the guard test)
            apply(tool, scratch, files, tmp_path)
        except Exception:  # noqa: BLE001
            pass
        killer.join()
        done = scratch.query(f"SELECT COUNT(*) FROM {bak}")[0][0]
        assert 0 < done < ROWS, f"the kill should land midway ({done} rows done)"
        if tool == "liquibase":                              # as the guide says after a kill
            runner(tool).release_locks(scratch, files, tmp_path)
        apply(tool, scratch, files, tmp_path)                # rerun: resumes
        after = table_rows(scratch)
        assert all(after[i]["score"] == before[i]["score"] + 1 for i in before), "a row was done twice or not at all"
        apply(tool, scratch, files, tmp_path, "downgrade")
        assert table_rows(scratch) == before and schema_of(scratch) == start


@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
def test_backfill_killed_midway_resumes_and_rolls_back_exactly(database, tmp_path):
    """The backfill's backup holds key runs (broken where score = 7, which the where skips):
    after a kill the rerun resumes after the last recorded run, and the rollback restores NULL
    on exactly the rows filled, those of the killed run included."""
    server = _engine(database, "flyway")
    changes = [{"op": "backfill", "table": "people", "column": "note", "value": "SUBSTRING(email, 1, 5)",
                "where": "score <> 7", "batch_size": 500, "pause_ms": 2}]
    result = generated(request("resume", "flyway", database, changes))
    files = {f.filename: f.content for f in result.files}
    with server.scratch("t2resume") as scratch:
        seed(scratch)
        before = table_rows(scratch)
        bak = "dbmig_bak_people_note"
        killer = threading.Thread(target=_kill_when_started, args=(scratch, bak, 20))
        killer.start()
        try:
            apply("flyway", scratch, files, tmp_path)
        except Exception:  # noqa: BLE001 - the kill fails the run
            pass
        killer.join()
        [[runs, last]] = scratch.query(f"SELECT COUNT(*), MAX(id) FROM {bak}")
        assert 0 < last < ROWS, f"the kill should land midway (last key {last})"
        assert runs >= 20
        apply("flyway", scratch, files, tmp_path)
        after = table_rows(scratch)
        assert all(after[i]["note"] == (None if r["score"] == 7 else r["email"][:5]) for i, r in before.items())
        apply("flyway", scratch, files, tmp_path, "downgrade")
        assert table_rows(scratch) == before, "rollback did not restore every row exactly"


def _kill_when_started(scratch: Scratch, bak: str, rows: int) -> None:
    """Kill the migration's session once the backup holds `rows` rows."""
    conn = scratch.server.connect(scratch.database)
    try:
        for _ in range(3000):
            try:
                with conn.cursor() as cur:
                    cur.execute(f"SELECT COUNT(*) FROM {bak}")
                    if cur.fetchone()[0] >= rows:
                        break
            except Exception:  # noqa: BLE001 - the backup table is not there yet
                if scratch.kind == "mysql":
                    conn.rollback()
            time.sleep(0.005)
        with conn.cursor() as cur:
            if scratch.kind == "postgresql":
                cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND pid <> pg_backend_pid() AND query LIKE 'DO %'")
            else:
                # inside the procedure the processlist shows the running inner statement, not CALL
                cur.execute("SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND "
                            "id <> CONNECTION_ID() AND command = 'Query'")
                for (pid,) in cur.fetchall():
                    cur.execute(f"KILL {pid}")
    finally:
        conn.close()


@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
def test_concurrent_writer_loses_nothing(database, tmp_path):
    """While the backfill runs, the app updates rows and inserts new ones already filled."""
    server = _engine(database, "flyway")
    result = generated(request("hybrid_backfill", "flyway", database))
    files = {f.filename: f.content for f in result.files}
    with server.scratch("t2writer") as scratch:
        seed(scratch)
        before = table_rows(scratch)
        stop, log = threading.Event(), {"bumped": {}, "inserted": []}
        writer = threading.Thread(target=_writer, args=(scratch, stop, log))
        writer.start()
        try:
            apply("flyway", scratch, files, tmp_path)
        finally:
            stop.set()
            writer.join()
        after = table_rows(scratch)
        assert log["bumped"] and log["inserted"], "the writer did not overlap the backfill"
        for i, row in before.items():
            want = expected("hybrid_backfill", row)
            want["score"] += log["bumped"].get(i, 0)
            assert after[i] == want, f"row {i}: {after[i]} != {want}"
        for i in log["inserted"]:
            assert after[i]["region"] == "AP", f"the backfill overwrote the app's value in row {i}"


def _writer(scratch: Scratch, stop: threading.Event, log: dict) -> None:
    conn = scratch.server.connect(scratch.database)
    step, new_id = 0, ROWS + 1
    try:
        while not stop.is_set():
            row = 1 + (step * 7919) % ROWS
            with conn.cursor() as cur:
                cur.execute(f"UPDATE people SET score = score + 1 WHERE id = {row}")
                log["bumped"][row] = log["bumped"].get(row, 0) + 1
                if step % 5 == 0 and _has_region(cur, scratch):
                    cur.execute(f"INSERT INTO people (id, full_name, email, score, region) VALUES "
                                f"({new_id}, 'New {new_id}', 'n{new_id}@ex.com', 1, 'AP')")
                    log["inserted"].append(new_id)
                    new_id += 1
            step += 1
            time.sleep(0.002)
    finally:
        conn.close()


def _has_region(cur, scratch: Scratch) -> bool:
    cur.execute("SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'people' AND "
                "column_name = 'region' AND table_schema = " + ("current_schema()" if scratch.kind == "postgresql"
                                                                  else "DATABASE()"))
    return cur.fetchone()[0] == 1


@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
@pytest.mark.parametrize("tool", TOOLS)
def test_split_guard_aborts_and_leaves_data_intact(tool, database, tmp_path):
    server = _engine(database, tool)
    result = generated(request("split_column", tool, database))
    files = {f.filename: f.content for f in result.files}
    with server.scratch("t2guard") as scratch:
        seed(scratch, n=20_000, lacking=True)
        before = table_rows(scratch)
        try:
            apply(tool, scratch, files, tmp_path)
            aborted = None
        except Exception as e:  # noqa: BLE001 - the tool's own error type
            aborted = str(e)
        after = table_rows(scratch)
        assert {i: {k: v for k, v in r.items() if k in before[i]} for i, r in after.items()} == before
        assert all(r.get("first_name") is None for r in after.values()), "the guard let a batch through"
        assert aborted and re.search(r"lack the separator|dbmig guard|Precondition failed", aborted), aborted


NARROW = {   # case -> (changes, SQL that makes some rows not fit, whether they then do not fit)
    "varchar_cut": ([{"op": "alter_column_type", "table": "people", "column": "note", "type": "varchar(5)"}],
                    "UPDATE people SET note = 'a long note' WHERE id % 100 = 0"),
    # every value fits: the guard lets it through and the rollback converts back
    "int_fits": ([{"op": "alter_column_type", "table": "people", "column": "score", "type": "smallint"}], None),
    # NUMERIC scale cut: PostgreSQL would round 12.25 to 12.3 without a word
    "decimal_rounds": ([{"op": "alter_column_type", "table": "prices", "column": "amount", "type": "decimal(10,1)"}],
                       "UPDATE prices SET amount = amount + 0.05 WHERE id % 7 = 0"),
}
PRICES = "CREATE TABLE prices (id INTEGER PRIMARY KEY, amount DECIMAL(10,2) NOT NULL)"


@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("case", sorted(NARROW))
def test_narrowing_guard_stops_before_damage(case, tool, database, tmp_path):
    """A type change that would cut or round values stops before any change, with the count;
    one where every value fits applies and rolls back."""
    server = _engine(database, tool)
    changes, damage = NARROW[case]
    req = request("x", tool, database, changes)
    req["schema"] += ";\n" + PRICES
    files = {f.filename: f.content for f in generated(req).files}
    with server.scratch("t2narrow") as scratch:
        seed(scratch, n=2_000)
        scratch.execute([PRICES, "INSERT INTO prices SELECT id, id / 10.0 FROM people"] + ([damage] if damage else []))
        start, before = scratch.snapshot(), table_rows(scratch)
        try:
            apply(tool, scratch, files, tmp_path)
            aborted = None
        except Exception as e:  # noqa: BLE001 - the tool's own error type
            aborted = str(e)
        if case == "int_fits":
            assert aborted is None, aborted
            assert table_rows(scratch) == before
            apply(tool, scratch, files, tmp_path, "downgrade")
        else:
            assert aborted and re.search(r"dbmig guard|Precondition failed", aborted), aborted
        assert scratch.snapshot() == start, "the data or the schema changed"


# --- pure: determinism, budget, refusals -----------------------------------------------------

@pytest.mark.parametrize("database", ENGINES)
@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_deterministic_and_within_t2_budget(case, tool, database):
    a, b = generated(request(case, tool, database)), generated(request(case, tool, database))
    assert [(f.filename, f.content) for f in a.files] == [(f.filename, f.content) for f in b.files]
    assert a.model_dump(exclude={"timestamp"}) == b.model_dump(exclude={"timestamp"})
    assert a.tier.value == "T2"
    tokens = sent_tokens(a)
    assert tokens <= BUDGET["T2"], f"{tokens} tokens > T2 budget"


def test_batching_is_keyset_never_offset():
    r = generate(request("update_rows", "flyway", "postgresql"))
    loop = next(f.content for f in r.files if "DO $dbmig$" in f.content)
    assert "OFFSET" not in loop.upper() and "LIMIT 2500" in loop and "COMMIT;" in loop
    assert "id > dbmig_lo AND id <= dbmig_hi" in loop
    assert any(f.filename.endswith(".conf") for f in r.files), "the DO block must run outside a transaction"


@pytest.mark.parametrize("changes,field", [
    ([{"op": "backfill", "table": "people", "column": "nope", "value": "1"}], "changes.0.column"),
    ([{"op": "update_rows", "table": "people", "set": {"id": "id + 1"}}], "changes.0.set.id"),
    ([{"op": "backfill", "table": "people", "column": "note", "value": "'$dbmig$'"}], "changes.0.value"),
    ([{"op": "split_column", "table": "people", "column": "full_name", "into": ["full_name", "b"],
       "separator": " "}], "changes.0.into"),
])
def test_bad_data_requests_name_the_field(changes, field):
    from dbmig.errors import DbmigError
    with pytest.raises(DbmigError) as e:
        generate(request("x", "flyway", "postgresql", changes))
    assert e.value.field == field


def test_no_schema_means_no_keyset():
    from dbmig.errors import UnsafeRollback
    req = request("x", "flyway", "postgresql", CASES["update_rows"])
    req.pop("schema")
    with pytest.raises(UnsafeRollback, match="primary key"):
        generate(req)


@pytest.mark.engine
def test_case_test_under_a_ci_collation_is_warned_and_the_warning_holds(tmp_path):
    """`email <> LOWER(email)` under MariaDB's default (case-insensitive) collation matches no row:
    dbmig says so, naming the column and collation, and the byte comparison it suggests matches
    the mixed-case rows (both queries taken from the warning, run on the real engine)."""
    server = _engine("mysql", "flyway")
    schema = "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL)"
    result = generated(dict(migration_tool="flyway", database="mysql", migration_type="data", downtime_allowed=True,
                            migration_description="lower the emails", schema=schema,
                            changes=[{"op": "update_rows", "table": "users", "set": {"email": "LOWER(email)"},
                                      "where": "email <> LOWER(email)"}]))
    [warning] = [w for w in result.warnings if "case-insensitively" in w]
    assert warning.startswith("changes.0.where: users.email") and "utf8mb4_general_ci on MariaDB" in warning
    naive, suggested = re.findall(r"`([^`]+)`", warning)
    with server.scratch("t2collate") as scratch:
        scratch.execute([schema, "INSERT INTO users VALUES (1, 'Bob@X.org'), (2, 'amy@x.org'), (3, 'CARL@x.org')"])
        [[collation]] = scratch.query("SELECT collation_name FROM information_schema.columns WHERE "
                                      "table_schema = DATABASE() AND table_name = 'users' AND column_name = 'email'")
        assert collation.endswith("_ci")
        assert scratch.query(f"SELECT COUNT(*) FROM users WHERE {naive}") == [[0]]
        assert scratch.query(f"SELECT id FROM users WHERE {suggested} ORDER BY id") == [[1], [3]]
    # a binary collation named in the schema: nothing to warn about
    binary = generated(dict(migration_tool="flyway", database="mysql", migration_type="data", downtime_allowed=True,
                            migration_description="lower the emails",
                            schema=schema.replace("NOT NULL", "COLLATE utf8mb4_bin NOT NULL"),
                            changes=[{"op": "update_rows", "table": "users", "set": {"email": "LOWER(email)"},
                                      "where": "email <> LOWER(email)"}]))
    assert not [w for w in binary.warnings if "case-insensitively" in w]


@pytest.mark.engine
def test_case_test_warning_reads_the_live_collation(tmp_path):
    """With only a dsn, the live catalog says which column tells case apart: no warning on the
    utf8mb4_bin column, a warning on the column under the default collation."""
    server = _engine("mysql", "flyway")
    with server.scratch("t2livecoll") as scratch:
        scratch.execute(["CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100) CHARACTER SET utf8mb4 "
                         "COLLATE utf8mb4_bin, name VARCHAR(100))"])
        dsn = f"mysql://{server.user}@{server.host}:{server.port}/{scratch.database}"
        warned = {}
        for column in ("email", "name"):
            result = generated(dict(migration_tool="flyway", database="mysql", migration_type="data",
                                    downtime_allowed=True, migration_description="lower", dsn=dsn,
                                    changes=[{"op": "update_rows", "table": "users", "set": {column: f"LOWER({column})"},
                                              "where": f"{column} <> LOWER({column})"}]))
            warned[column] = [w for w in result.warnings if "case-insensitively" in w]
        assert warned["email"] == [] and len(warned["name"]) == 1 and "users.name" in warned["name"][0]
