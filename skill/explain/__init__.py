"""`explain_migration`: per statement, what it does, the lock it takes and what that blocks,
whether it rewrites or scans the table, how long it may take, its risks and the safe form.

No fact lives here. Which operation a statement is comes from `classify`; its lock, what it
blocks, whether it rewrites or scans and what its duration follows come from the database's
facts table (`dialects/data/<database>.toml`), the one the planner writes into every Step, so
explain, generate's scripts and its deployment guide tell the same story. The risks are the lint
findings for the statement, so explain and validate never disagree. Structured `changes` are
explained from their plan instead (`changes.py`).
"""
from __future__ import annotations

from ..dialects import Dialect, get_dialect
from ..errors import InvalidRequest
from ..limits import check_time
from ..lint import files_live, learn_schema, make_context, read_files, run_rules
from ..lint.rules import SqlView, observe
from ..schema import parse_schema
from .classify import Found, classify

SOURCES = ["sql", "files", "changes"]
# A statement that changes rows one by one: the advice that goes with its duration.
BATCHES = "; in batches of 1000 rows it takes several times longer but keeps app latency in milliseconds"


def explain_migration(database: str, sql: str | None = None, files: list[dict] | None = None,
                      database_version: str | None = None, table_rows: dict[str, int] | None = None,
                      changes: list | None = None, schema: str | None = None, dsn: str | None = None) -> dict:
    """Explain each statement of `sql` (text) or `files` ([{filename, content}]), or each planned
    step of `changes` (the vocabulary `generate` takes), for `database`. `schema` (CREATE TABLE
    text) gives the current column types: what a plan needs, and what tells a MySQL MODIFY or a
    SQL Server ALTER COLUMN that only changes NULL from a type change. `dsn`: row counts and
    version (and for `changes` the schema) from the live database, read-only, where the
    arguments leave them out; the result's `live` says what was read and when."""
    source = _one_source(sql=sql, files=files, changes=changes)
    if source == "changes":
        from .changes import explain_changes
        _rows(table_rows)
        return explain_changes(database, changes, schema, database_version, _plain_names(table_rows), dsn)
    if source == "sql" and not sql.strip():
        raise InvalidRequest("`sql` is empty", field="sql")
    ctx = make_context(database, None, database_version)
    rows = _rows(table_rows)
    field = "files" if files else "sql"
    sources = read_files(files or [{"filename": "input.sql", "content": sql}], ctx, field)
    live, notes = files_live(dsn, ctx, sources), {}
    if live is not None:
        notes = live_notes(live, rows)
        rows = {**{k.lower(): v for k, v in live.rows().items()}, **rows}
        database_version = database_version or live.server.version
        ctx = make_context(database, None, database_version)
        sources = read_files(files or [{"filename": "input.sql", "content": sql}], ctx, field)
    findings: dict[int, list] = {}
    _learn(schema, ctx)
    for stmt, f in run_rules(sources, ctx):
        if stmt is not None:
            findings.setdefault(id(stmt), []).append(f)
    d = get_dialect(ctx.database)
    known = parse_schema(schema, d.sqlglot)
    ctx = make_context(database, None, database_version)     # replay the state statement by statement
    _learn(schema, ctx)
    out = []
    for src in sources:
        ctx.begin_file(src)
        for stmt in src.statements:
            check_time("explaining")
            view = SqlView(stmt, ctx.database)
            entry = _explain(view, classify(view, ctx, d, known), d, rows, findings.get(id(stmt), []))
            entry["estimated_duration"] += notes.get(view.table or "", "")
            out.append(entry)
            observe(view, ctx)
    return {"statements": out, **({"live": live.summary()} if live else {})}


def _learn(schema: str | None, ctx) -> None:
    """The existing columns and indexes `schema` describes, known to the rules and to `classify`
    (is a primary key's index on NOT NULL columns?)."""
    if schema:
        learn_schema(schema, ctx)


def _one_source(**given) -> str:
    named = [k for k in SOURCES if given[k] is not None]
    if len(named) != 1:
        got = f": got {' and '.join(f'`{k}`' for k in named)}" if named else ""
        raise InvalidRequest(f"give exactly one of `sql`, `files` or `changes`{got}",
                             field=named[1] if named else "sql", allowed=SOURCES,
                             suggestion="pass statements as `sql`, migration files as `files`, or "
                                        "operations as `changes`")
    return named[0]


def _plain_names(table_rows: dict | None) -> dict[str, int]:
    """Row counts keyed as changes name tables: no schema prefix or quotes, case kept."""
    return {k.split(".")[-1].strip('"`[]'): v for k, v in (table_rows or {}).items()}


def _rows(table_rows: dict | None) -> dict[str, int]:
    if table_rows is None:
        return {}
    if not isinstance(table_rows, dict) or not all(isinstance(v, int) and v >= 0 for v in table_rows.values()):
        raise InvalidRequest("table_rows maps table names to non-negative row counts", field="table_rows")
    return {k.split(".")[-1].strip('"`[]').lower(): v for k, v in table_rows.items()}


def _explain(view: SqlView, found: Found, d: Dialect, rows: dict[str, int], findings: list) -> dict:
    names = {"table": view.table or "the table", "tables": f"table {view.table or ''}".strip(), **found.parts}
    lock = d.lock(found.op, **names)
    estimate = d.facts.estimate(found.table, rows.get(found.table or ""), lock.cost)
    if lock.cost == "update":
        estimate += BATCHES
    serious = [f for f in findings if f.severity != "info"] or findings
    return {"file": view.stmt.file, "line": view.stmt.line, "sql": view.text,
            "what": _sentence(d.facts.what(found.op).format(**names)),
            "lock": lock.level, "blocks": lock.blocks, "rewrite": lock.rewrite, "scan": lock.scan,
            "estimated_duration": estimate,
            "risks": [f"{f.rule_id}: {f.message}" for f in findings],
            "safe_alternative": serious[0].safe_alternative if serious else None}


def _sentence(text: str) -> str:
    """Capitalised and closed, the rest as written (a table name keeps its case)."""
    return text[:1].upper() + text[1:] + "."


def live_notes(live, given: dict[str, int]) -> dict[str, str]:
    """Per table whose row count was read from the live database (not given): what its
    estimates say about where the count comes from and when."""
    from ..live.report import estimate_note
    return {t.lower(): estimate_note(live) for t in live.rows() if t.lower() not in given}
