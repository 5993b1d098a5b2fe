"""`explain_migration`: per statement, what it does, the lock it takes and what that blocks,
whether it rewrites or scans the table, how long it may take, its risks and the safe form.
Structured `changes` are explained from their plan instead (skill/explain_changes.py).

Operations are recognised from the same masked text the lint rules use; the facts per
operation and database are data (`FACTS`, `OVERRIDES`), and the risks are the lint findings for
that statement, so explain and validate never disagree.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .errors import InvalidRequest
from .limits import check_time
from .lint.rules import SqlView, added_columns, column_default, observe
from .lint.rules.pg006_volatile_default import volatile_calls
from .lint import files_live, make_context, read_files, run_rules


@dataclass(frozen=True)
class Facts:
    what: str
    lock: str
    blocks: str
    cost: str          # catalog | scan | index | rewrite | rows | none
    scan: bool = False

    @property
    def rewrite(self) -> bool:
        return self.cost == "rewrite"


_AE = "ACCESS EXCLUSIVE"
_ALL = "reads and writes on the table"
_CAT = "reads and writes, but only for a moment once the lock is granted (it first waits for running queries)"

# PostgreSQL lock levels from the documentation's "Table-Level Locks" section.
FACTS = {
    "create_table": Facts("creates table {table}", _AE + " (new table)", "nothing: no one uses it yet", "catalog"),
    "create_index": Facts("builds an index on {table}", "SHARE", "writes (INSERT/UPDATE/DELETE); reads go on",
                          "index", True),
    "create_index_concurrently": Facts("builds an index on {table} without blocking writes (two table scans)",
                                       "SHARE UPDATE EXCLUSIVE", "no reads or writes; waits for running "
                                       "transactions; other DDL and VACUUM wait", "index", True),
    "drop_index": Facts("drops an index", _AE, _ALL + " (briefly)", "catalog"),
    "drop_index_concurrently": Facts("drops an index without blocking", "SHARE UPDATE EXCLUSIVE", "nothing for the app",
                                     "catalog"),
    "add_column": Facts("adds column(s) to {table}", _AE, _CAT, "catalog"),
    "add_column_rewrite": Facts("adds column(s) to {table} and fills every row", _AE, _ALL, "rewrite", True),
    "drop_column": Facts("drops column(s) of {table} (data gone; space reclaimed later)", _AE, _CAT, "catalog"),
    "rename": Facts("renames {table} or one of its columns", _AE, _CAT, "catalog"),
    "alter_type": Facts("changes a column type on {table}", _AE, _ALL, "rewrite", True),
    "set_not_null": Facts("makes a column of {table} NOT NULL, checking every row", _AE, _ALL, "scan", True),
    "set_not_null_checked": Facts("makes a column of {table} NOT NULL using a validated CHECK", _AE, _CAT, "catalog"),
    "add_fk": Facts("adds a foreign key on {table} and checks every row", "SHARE ROW EXCLUSIVE (both tables)",
                    "writes on both tables", "scan", True),
    "add_check": Facts("adds a CHECK constraint on {table} and checks every row", _AE, _ALL, "scan", True),
    "add_not_valid": Facts("adds a constraint on {table} for new rows only (NOT VALID)",
                           "SHARE ROW EXCLUSIVE / ACCESS EXCLUSIVE, briefly", _CAT, "catalog"),
    "validate": Facts("checks existing rows of {table} against a NOT VALID constraint", "SHARE UPDATE EXCLUSIVE",
                      "no reads or writes", "scan", True),
    "add_unique": Facts("adds a UNIQUE/PRIMARY KEY constraint on {table}, building its index", _AE, _ALL, "index",
                        True),
    "add_unique_using_index": Facts("turns an existing unique index on {table} into a constraint", _AE, _CAT,
                                    "catalog"),
    "alter_other": Facts("changes table {table} (defaults, nullability, constraints)", _AE, _CAT, "catalog"),
    "drop_table": Facts("drops table {table} and all its data", _AE, _ALL, "catalog"),
    "truncate": Facts("empties table {table}", _AE, _ALL, "catalog"),
    "update": Facts("updates rows of {table}", "ROW EXCLUSIVE + row locks", "writes to the touched rows until commit",
                    "rows", True),
    "delete": Facts("deletes rows of {table}", "ROW EXCLUSIVE + row locks", "writes to the touched rows until commit",
                    "rows", True),
    "insert": Facts("inserts rows into {table}", "ROW EXCLUSIVE", "nothing for readers", "rows"),
    "vacuum_full": Facts("rewrites {table} to reclaim space", _AE, _ALL, "rewrite", True),
    "cluster": Facts("rewrites {table} in index order", _AE, _ALL, "rewrite", True),
    "vacuum": Facts("vacuums {table}", "SHARE UPDATE EXCLUSIVE", "no reads or writes", "scan", True),
    "reindex": Facts("rebuilds index(es)", "SHARE on the table, ACCESS EXCLUSIVE on the index",
                     "writes, and reads that use the index", "index", True),
    "reindex_concurrently": Facts("rebuilds index(es) without blocking", "SHARE UPDATE EXCLUSIVE", "nothing for the app",
                                  "index", True),
    "optimize": Facts("rebuilds {table}", "metadata lock (brief exclusive at start and end)",
                      "writes during parts of the rebuild", "rewrite", True),
    "setting": Facts("changes a session setting", "none", "nothing", "none"),
    "transaction": Facts("transaction control", "none", "nothing", "none"),
    "select": Facts("reads data", "ACCESS SHARE", "nothing (waits for DDL)", "none"),
    "other": Facts("runs a statement dbmig has no lock facts for", "unknown", "unknown", "none"),
}

_MDL = "metadata lock (exclusive only briefly at start and end)"
_MY_COPY = "shared metadata lock for the whole copy (ALGORITHM=COPY)"
# MySQL/MariaDB InnoDB online DDL (MySQL 8.0 manual, "Online DDL Operations").
OVERRIDES = {
    "mysql": {
        "create_index": Facts("builds an index on {table} in place", _MDL, "little: DML goes on (LOCK=NONE)",
                              "index", True),
        "drop_index": Facts("drops an index", _MDL, "nothing for long", "catalog"),
        "add_column": Facts("adds column(s) to {table} (INSTANT where possible)", _MDL, _CAT, "catalog"),
        "add_column_rewrite": Facts("adds column(s) to {table} with a table rebuild", _MDL, "DML during parts of "
                                    "the rebuild", "rewrite", True),
        "drop_column": Facts("drops column(s) of {table} (rebuild before 8.0.29)", _MDL, "DML briefly", "rewrite",
                             True),
        "alter_type": Facts("changes a column definition on {table} (table copy)", _MY_COPY,
                            "writes for the whole copy", "rewrite", True),
        "add_unique": Facts("adds a key/primary key to {table} (rebuild)", _MDL, "DML for parts of the rebuild",
                            "rewrite", True),
        "truncate": Facts("drops and recreates {table}", "exclusive metadata lock", _ALL, "catalog"),
        "update": Facts("updates rows of {table}", "row locks (and gap locks)", "writes to the touched rows",
                        "rows", True),
        "delete": Facts("deletes rows of {table}", "row locks (and gap locks)", "writes to the touched rows",
                        "rows", True),
        "add_fk": Facts("adds a foreign key on {table}", _MY_COPY, "writes (COPY unless foreign_key_checks=0)",
                        "rewrite", True),
    },
    "sqlserver": {
        "create_index": Facts("builds an index on {table} offline", "S (Sch-M for clustered)",
                              "writes (and reads for a clustered index)", "index", True),
        "create_index_concurrently": Facts("builds an index on {table} online", "IS, Sch-M briefly at the end",
                                           "nothing for long", "index", True),
        "alter_type": Facts("alters a column of {table} (size-of-data operation)", "Sch-M", _ALL, "rewrite", True),
    },
    "oracle": {
        "create_index": Facts("builds an index on {table}", "table lock in SHARE mode", "DML on the table", "index",
                              True),
        "create_index_concurrently": Facts("builds an index on {table} ONLINE", "row share, brief exclusive at "
                                           "start and end", "nothing for long", "index", True),
        "alter_type": Facts("modifies a column of {table}", "exclusive DDL lock", _ALL, "rewrite", True),
    },
}

# Rows per second, conservative figures for commodity hardware; DESIGN.md measured 0.2-6.6 s per
# million rows for a blocking rewrite on PostgreSQL 15, so rewrites use the slow end.
RATES = {"rewrite": 250_000, "index": 400_000, "scan": 2_000_000, "rows": 100_000}


SOURCES = ["sql", "files", "changes"]


def explain_migration(database: str, sql: str | None = None, files: list[dict] | None = None,
                      database_version: str | None = None, table_rows: dict[str, int] | None = None,
                      changes: list | None = None, schema: str | None = None, dsn: str | None = None) -> dict:
    """Explain each statement of `sql` (text) or `files` ([{filename, content}]), or each planned
    step of `changes` (the vocabulary `generate` takes), for `database`. `schema` (CREATE TABLE
    text) is read for `changes` only: it gives the current column types a plan may need. `dsn`:
    row counts and version (and for `changes` the schema) from the live database, read-only,
    where the arguments leave them out; the result's `live` says what was read and when."""
    source = _one_source(sql=sql, files=files, changes=changes)
    if source == "changes":
        from .explain_changes import explain_changes
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
    for stmt, f in run_rules(sources, ctx):
        if stmt is not None:
            findings.setdefault(id(stmt), []).append(f)
    ctx = make_context(database, None, database_version)     # replay the state statement by statement
    out = []
    for src in sources:
        ctx.begin_file(src)
        for stmt in src.statements:
            check_time("explaining")
            view = SqlView(stmt, ctx.database)
            out.append(_explain(view, ctx, rows, findings.get(id(stmt), []), notes))
            observe(view, ctx)
    return {"statements": out, **({"live": live.summary()} if live else {})}


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


def _explain(view: SqlView, ctx, rows: dict[str, int], findings: list, notes: dict[str, str]) -> dict:
    facts = facts_for(view, ctx)
    count = rows.get(view.table or "")
    serious = [f for f in findings if f.severity != "info"] or findings
    return {"file": view.stmt.file, "line": view.stmt.line, "sql": view.text,
            "what": facts.what.format(table=view.table or "the table").capitalize() + ".",
            "lock": facts.lock, "blocks": facts.blocks, "rewrite": facts.rewrite, "scan": facts.scan,
            "estimated_duration": estimate(facts, count) + notes.get(view.table or "", ""),
            "risks": [f"{f.rule_id}: {f.message}" for f in findings],
            "safe_alternative": serious[0].safe_alternative if serious else None}


def facts_for(view: SqlView, ctx) -> Facts:
    op = classify(view, ctx)
    return OVERRIDES.get(ctx.database, {}).get(op) or FACTS[op]


_STATEMENTS = [
    (r"CREATE\s+(?:UNIQUE\s+)?(?:(?:NON)?CLUSTERED\s+|BITMAP\s+|FULLTEXT\s+)?INDEX\b", "create_index"),
    (r"DROP\s+INDEX\b", "drop_index"), (r"CREATE\s+(?:\w+\s+)*TABLE\b", "create_table"),
    (r"DROP\s+TABLE\b", "drop_table"), (r"TRUNCATE\b", "truncate"), (r"UPDATE\b", "update"),
    (r"DELETE\b", "delete"), (r"INSERT\b", "insert"), (r"VACUUM\s*(?:\([^)]*FULL|(?:\w+\s+)*FULL)", "vacuum_full"),
    (r"VACUUM\b", "vacuum"), (r"CLUSTER\b", "cluster"), (r"REINDEX\b", "reindex"), (r"OPTIMIZE\b", "optimize"),
    (r"RENAME\s+TABLE\b|EXEC(?:UTE)?\s+(?:\w+\.)*SP_RENAME\b", "rename"),
    (r"SET\b|RESET\b|ALTER\s+SESSION\b", "setting"),
    (r"(?:BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK|END)\b", "transaction"), (r"SELECT\b|WITH\b", "select"),
    (r"ALTER\s+INDEX\b.*\bREBUILD\b", "reindex"),
]
_ORDER = ["none", "catalog", "rows", "scan", "index", "rewrite"]


def classify(view: SqlView, ctx) -> str:
    for pattern, op in _STATEMENTS:
        if view.startswith(pattern):
            return _online_variant(view, op)
    if view.clauses:
        ops = [_clause_op(view, ctx, off, clause) for off, clause in view.clauses]
        return max(ops, key=lambda o: _ORDER.index(FACTS[o].cost))
    return "other"


def _online_variant(view: SqlView, op: str) -> str:
    online = view.search(r"\bCONCURRENTLY\b|\bONLINE\s*=\s*ON\b|\bONLINE\b")
    if online and op in ("create_index", "drop_index", "reindex"):
        return {"create_index": "create_index_concurrently", "drop_index": "drop_index_concurrently",
                "reindex": "reindex_concurrently"}[op]
    return op


_CLAUSES = [
    (r"ADD\s+(?:CONSTRAINT\s+\S+\s+)?(?:UNIQUE|PRIMARY\s+KEY)\b.*\bUSING\s+INDEX\b", "add_unique_using_index"),
    (r"ADD\s+(?:CONSTRAINT\s+\S+\s+)?(?:FOREIGN\s+KEY|CHECK)\b.*\bNOT\s+VALID\b", "add_not_valid"),
    (r"ADD\s+(?:CONSTRAINT\s+\S+\s+)?FOREIGN\s+KEY\b", "add_fk"), (r"ADD\s+(?:CONSTRAINT\s+\S+\s+)?CHECK\b", "add_check"),
    (r"ADD\s+(?:CONSTRAINT\s+\S+\s+)?(?:UNIQUE|PRIMARY\s+KEY)\b", "add_unique"),
    (r"ADD\s+(?:UNIQUE\s+|FULLTEXT\s+)?(?:INDEX|KEY)\b", "create_index"),
    (r"VALIDATE\s+CONSTRAINT\b", "validate"), (r"ADD\b", "add_column"),
    (r"DROP\s+(?:COLUMN\s+)?(?!CONSTRAINT|INDEX|KEY|PRIMARY|FOREIGN|CHECK|DEFAULT|NOT\b)", "drop_column"),
    (r"RENAME\b|CHANGE\s+(?:COLUMN\s+)?(\S+)\s+(?!\1\b)", "rename"),
    (r"ALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET\s+DATA\s+)?TYPE\b|MODIFY\b|CHANGE\b", "alter_type"),
    (r"ALTER\s+(?:COLUMN\s+)?\S+\s+SET\s+NOT\s+NULL\b", "set_not_null"),
]


def _clause_op(view: SqlView, ctx, off: int, clause: str) -> str:
    op = next((op for pattern, op in _CLAUSES if re.match(pattern, clause, re.S)), "alter_other")
    if ctx.database == "sqlserver" and re.match(r"ALTER\s+COLUMN\b", clause):
        op = "alter_type"
    if op == "add_column" and _column_rewrites(view, ctx, off):
        op = "add_column_rewrite"
    if op == "set_not_null" and ctx.database == "postgresql" and ctx.at_least(12) and \
            any(t == view.table for t, _ in ctx.validated_not_null):
        op = "set_not_null_checked"
    return op


def _column_rewrites(view: SqlView, ctx, off: int) -> bool:
    """PostgreSQL >= 11 stores constant/stable defaults in the catalog; volatile ones fill every row."""
    added = added_columns(view)
    # the first column at or after this clause, by bisection: a scan from the start for every
    # clause was quadratic in the clauses (5,000 ADD COLUMNs: 1.2 s)
    first = bisect.bisect_left(added, off, key=lambda item: item[0])
    for start, definition in added[first:first + 1]:
        default = column_default(definition)
        if re.search(r"\bSTORED\b|\bPERSISTED\b|\bSERIAL\b|\bIDENTITY\b", definition):
            return True
        if default and ctx.database == "postgresql":
            return not ctx.at_least(11) or bool(volatile_calls(default))
        return False
    return False


def live_notes(live, given: dict[str, int]) -> dict[str, str]:
    """Per table whose row count was read from the live database (not given): what its
    estimates say about where the count comes from and when."""
    from .live.report import estimate_note
    return {t.lower(): estimate_note(live) for t in live.rows() if t.lower() not in given}


def estimate(facts: Facts, rows: int | None) -> str:
    if facts.cost in ("none", "catalog"):
        return "under a second once the lock is granted (waiting for the lock can take much longer)" \
            if facts.cost == "catalog" else "instant"
    rate = RATES[facts.cost]
    if rows is None:
        return f"depends on table size: about {1_000_000 / rate:.1f} s per million rows (pass table_rows)"
    seconds = rows / rate
    text = f"about {_human(seconds)} for {rows:,} rows"
    if facts.cost == "rows":
        text += "; in batches of 1000 rows it takes several times longer but keeps app latency in milliseconds"
    return text


def _human(seconds: float) -> str:
    if seconds < 1:
        return "under a second"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


