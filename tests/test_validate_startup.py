"""A `dbmig validate` process (a pre-commit hook) loads only what linting needs: no sqlglot,
pydantic, MCP or Jinja, none of the standard modules slowest to import (dataclasses with inspect,
pathlib, importlib.resources, shutil, ast), no Liquibase or Alembic reader for plain SQL, and
pglast's C parser without its Python AST classes, which still load in full when something else
in the process asks for them."""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlglot", "pydantic", "mcp", "jinja2", "dbmig.server", "dbmig.types", "dbmig.dialects.postgresql",
         "pglast.enums.nodes", "decimal", "tomllib", "dataclasses", "inspect", "pathlib", "importlib.resources",
         "shutil", "ast", "dbmig.sources.alembic", "dbmig.sources.liquibase", "dbmig.sources.translate",
         "dbmig.dialects.facts")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_validate_process_imports_nothing_heavy(tmp_path):
    sql = tmp_path / "V1__idx.sql"
    sql.write_text("SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN c timestamptz DEFAULT clock_timestamp();\n"
                   "CREATE INDEX t_c_idx ON t (c);\n")
    loaded = _modules_after(
        "import contextlib, io\nfrom dbmig.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = main(['validate', '--database', 'postgresql', '--format', 'json', '--fail-on', 'warning', {str(sql)!r}])\n"
        "assert code == 1 and 'PG001' in out.getvalue() and 'PG006' in out.getvalue(), out.getvalue()")
    assert "pglast.parser" in loaded
    # what the interpreter itself loads here (a .pth file of this environment may import pathlib)
    # is not the process's doing
    loaded -= _modules_after("pass")
    assert not [m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY]


def test_lean_pglast_still_loads_in_full_for_other_readers():
    loaded = _modules_after(
        "from dbmig.lint.rules._pg import pg_parser, parse\n"
        "assert parse('CREATE INDEX i ON t (c)').kind == 'IndexStmt'\n"
        "import sys; assert 'pglast.enums.nodes' not in sys.modules\n"
        "import pglast\nfrom pglast import enums\n"
        "stmt = pglast.parse_sql('SELECT 1 LIMIT 2')[0].stmt\n"
        "assert type(stmt).__name__ == 'SelectStmt' and stmt.limitOption == enums.LimitOption.LIMIT_OPTION_COUNT\n"
        "assert pglast.prettify('select 1') == 'SELECT 1'\n"
        "assert pg_parser() is pglast.parser")
    assert "pglast.enums.nodes" in loaded


def test_process_ends_with_its_whole_report_and_exit_code(tmp_path):
    """The process skips the interpreter's teardown: its report (far larger than a pipe's buffer)
    still arrives whole, and the exit code still follows --fail-on."""
    sql = tmp_path / "big.sql"
    sql.write_text("".join(f"CREATE INDEX t{i}_idx ON t{i} (c);\n" for i in range(3000)))
    cmd = [sys.executable, "-m", "dbmig.cli", "validate", "--database", "postgresql", "--format", "json", str(sql)]
    warn = subprocess.run([*cmd, "--fail-on", "warning"], capture_output=True, text=True)
    report = json.loads(warn.stdout)
    assert warn.returncode == 1 and len(warn.stdout) > 1 << 20
    assert sum(f["rule_id"].startswith("PG001") for f in report["findings"]) == 3000
    assert subprocess.run([*cmd, "--fail-on", "error"], capture_output=True).returncode == 0
