"""`validate_migration`: lint migration files for syntax, tool conventions and unsafe operations.

Files are read into located statements (dbmig.sources), every applicable rule from
lint.rules runs over them in file order, and `-- dbmig:ignore RULE reason` comments
drop the findings they name. The verdict is `fail` on any error, `warn` on any warning,
otherwise `pass` (info findings never change the verdict).
"""
from __future__ import annotations

import re

from ..dialects import ALIASES, DATABASES as _DATABASES
from ..collector import paused
from ..errors import InvalidRequest
from ..limits import MAX_FILES, MAX_STATEMENTS, check_size, check_time, echo
from .rules import UNPARSED, Context, Hit, Rule, SqlView, all_rules, observe, rules_for, version_tuple
from .rules import _pg
from ..sources import SourceFile, Statement, file_kind, lazy_re, new_tx, read_sources
from ..sources.sqltext import offsets

DATABASES = list(_DATABASES)
TOOLS = ["liquibase", "flyway", "alembic"]
_RANK = {"error": 0, "warning": 1, "info": 2}


def __getattr__(name: str):
    """The pydantic report models (for the MCP output schema) load only when asked for: the
    `dbmig validate` process never pays for importing pydantic."""
    if name in ("LintFinding", "LintReport"):
        from . import report
        return getattr(report, name)
    raise AttributeError(name)


class Finding:
    """One finding; `LintFinding` in report.py is its schema."""
    __slots__ = ("rule_id", "severity", "file", "line", "column", "message", "safe_alternative")

    def __init__(self, rule_id: str, severity: str, file: str, line: int, column: int, message: str,
                 safe_alternative: str):
        self.rule_id, self.severity, self.file, self.line, self.column = rule_id, severity, file, line, column
        self.message, self.safe_alternative = message, safe_alternative

    def __repr__(self) -> str:
        return f"Finding({self.rule_id!r}, {self.file}:{self.line}:{self.column})"

    def as_dict(self) -> dict:
        return {"rule_id": self.rule_id, "severity": self.severity, "file": self.file, "line": self.line,
                "column": self.column, "message": self.message, "safe_alternative": self.safe_alternative}


def validate_migration(files: list[dict], database: str, migration_tool: str | None = None,
                       database_version: str | None = None, schema: str | None = None,
                       dsn: str | None = None, *, bounded: bool = True, keep: list | None = None,
                       errors_only: bool = False) -> dict:
    """Lint `files` ([{filename, content}]) for `database`; returns {verdict, findings}.
    `schema` (CREATE TABLE text of the current database) tells rules the columns' current types.
    `dsn`: the version and the schema of the files' tables, where not given, come from the live
    database, read-only, and `live` reports what was read there and when. `bounded=False`
    (the gate, linting dbmig's own output) skips the input limits. `keep`: a caller whose process
    ends right after (the CLI) gets the parsed files appended there rather than freed object by
    object (~100 per statement: 20 ms for 10,000 statements). `errors_only`: only the error-level
    rules run (a rule may lower a finding's level, never raise it): what the result gate asks,
    a quarter of the rules."""
    ctx = make_context(database, migration_tool, database_version)
    if errors_only:
        ctx.severities = ("error",)
    live = files_live(dsn, ctx, read_files(files, ctx, bounded=bounded)) if dsn else None
    if live is not None:
        ctx = make_context(database, migration_tool, database_version or live.server.version)
        schema = schema if schema is not None else live_schema(live, ctx.database)
    # parse trees are ~100 acyclic objects per statement: the collector, run over and over while they
    # pile up, only costs time (15% of a large file's lint)
    with paused():
        if schema:
            learn_schema(schema, ctx)
        sources = read_files(files, ctx, bounded=bounded)
        findings = [f for _, f in run_rules(sources, ctx)]
        # built with the collector still off: thousands of new dicts would otherwise set it off
        # over all the parse trees still alive (~10% of an in-process 10,000-statement lint)
        report = {"verdict": verdict(findings), "findings": [f.as_dict() for f in findings]}
    if keep is not None:
        keep.append(ctx)
    return report | ({"live": live.summary()} if live else {})


def files_live(dsn: str | None, ctx: Context, sources: list[SourceFile]):
    """The live facts (read-only) of the tables the files' statements work on; tables the files
    create are not there yet and are simply not found."""
    if not dsn:
        return None
    from ..dialects import get_dialect
    from ..live import read_live
    from ..live.request import statement_tables
    return read_live(dsn, get_dialect(ctx.database), statement_tables(sources, ctx.database), referencing=False)


def live_schema(live, database: str) -> str | None:
    from ..dialects import get_dialect
    from ..live.ddl import schema_text
    return schema_text([live.tables[n] for n in sorted(live.tables)], get_dialect(database)) or None


# --- input checks ----------------------------------------------------------------------------

def make_context(database: str, tool: str | None, version: str | None) -> Context:
    db = _choice(database, DATABASES, "database", ALIASES)
    tool = None if tool in (None, "") else _choice(tool, TOOLS, "migration_tool", {})
    try:
        parsed = version_tuple(version)
    except ValueError:
        raise InvalidRequest(f"database_version {echo(version)} is not a version like '15' or '10.11'",
                             field="database_version") from None
    return Context(db, parsed, tool)


def learn_schema(schema: str, ctx: Context) -> None:
    """Columns and indexes of the existing database: known to the rules, yet not new tables."""
    if not isinstance(schema, str):
        raise InvalidRequest("schema must be SQL text (CREATE TABLE statements)", field="schema")
    seen = Context(ctx.database, ctx.version, None)
    for src in read_sources([{"filename": "schema.sql", "content": schema}], ctx.database, None, ctx.version):
        for stmt in src.statements:
            observe(SqlView(stmt, ctx.database), seen)
    ctx.columns.update(seen.columns)
    ctx.indexes.update(seen.indexes)
    ctx.not_null_checks.update(seen.not_null_checks)
    ctx.validated_not_null |= seen.validated_not_null
    ctx.partitioned |= seen.partitioned


def _choice(value: object, allowed: list[str], name: str, aliases: dict[str, str]) -> str:
    key = str(getattr(value, "value", value) or "").strip().lower()
    key = aliases.get(key, key)
    if key not in allowed:
        raise InvalidRequest(f"unknown {name} {echo(value)}", field=name, allowed=allowed)
    return key


def read_files(files: list[dict], ctx: Context, field: str = "files", bounded: bool = True) -> list[SourceFile]:
    """The files as located statements, within the limits of docs/limits.md (`field` names the
    argument the text came from in errors)."""
    if not files:
        raise InvalidRequest("no files given: pass at least one {filename, content}", field="files")
    if len(files) > MAX_FILES and bounded:
        raise InvalidRequest(f"{len(files)} files; the limit is {MAX_FILES} per call", field=field)
    for n, f in enumerate(files):
        if not isinstance(f, dict) or not isinstance(f.get("filename"), str) or not isinstance(f.get("content"), str):
            raise InvalidRequest("each file needs a string filename and content", field=f"files.{n}")
        if bounded:
            check_size(f["content"], field if field != "files" else f"files.{n}.content")
    if ctx.database == "postgresql":
        ctx.parsed_ahead = _parse_ahead(files, ctx.tool)
    sources = read_sources(files, ctx.database, ctx.tool, ctx.version)
    count = sum(len(s.statements) for s in sources)
    if count > MAX_STATEMENTS and bounded:
        raise InvalidRequest(f"{count:,} statements; the limit is {MAX_STATEMENTS:,} per call", field=field,
                             suggestion="split the input into several calls (see docs/limits.md)")
    ctx.sources = _in_run_order(sources)
    return ctx.sources


# A file from this size (~500 statements) is parsed on a second thread while it is split. Not
# smaller ones: the thread needs the GIL between two files, which the main thread gives up only
# every 5 ms while it runs rules, so many small files would wait on each other.
PARSE_AHEAD_CHARS = 32_000


def _parse_ahead(files: list[dict], tool: str | None) -> _pg.ParseAhead | None:
    """Start PostgreSQL's parse of the large SQL files that `_parse_file` will parse whole."""
    texts = [f["content"] for f in files if len(f["content"]) >= PARSE_AHEAD_CHARS
             and file_kind(f["filename"], f["content"], tool) in _WHOLE_FILE_KINDS]
    return _pg.ParseAhead(texts) if texts else None


def _in_run_order(sources: list[SourceFile]) -> list[SourceFile]:
    """Flyway runs versioned scripts by version whatever order they were given in."""
    def key(item: tuple[int, SourceFile]) -> tuple:
        n, src = item
        fw = src.flyway
        return (0, fw.version, n) if fw and fw.prefix == "V" else (1, (), n)
    return [s for _, s in sorted(enumerate(sources), key=key)]


# --- running the rules -----------------------------------------------------------------------

def applicable(ctx: Context) -> list[Rule]:
    return [r for r in rules_for(ctx.database).values()
            if r.severity in ctx.severities and r.applies(ctx.database, ctx.version, ctx.tool)]


def run_rules(sources: list[SourceFile], ctx: Context) -> list[tuple[Statement | None, Finding]]:
    """All findings, each with the statement it is about (None for file-level findings)."""
    by_scope, dispatch = _rule_sets(ctx)
    out: list[tuple[Statement | None, Finding]] = []
    large_run = sum(len(s.statements) for s in sources) >= 500
    for src in sources:
        ctx.begin_file(src)
        if ctx.database == "postgresql":
            _parse_file(src, large_run, ctx.parsed_ahead)
        for r in by_scope["file"]:
            out += [(None, _finding(r, hit, src.filename)) for hit in r.check(src, ctx)]
        for stmt in src.statements:
            check_time("linting")
            out += _check_statement(stmt, dispatch, ctx)
    for r in by_scope["set"]:
        out += [(None, _finding(r, hit, hit.file or "")) for hit in r.check(sources, ctx)]
    out = _unsuppressed(out, sources)
    order = {s.filename: n for n, s in enumerate(sources)}
    return sorted(out, key=lambda p: (order.get(p[1].file, 0), p[1].line, p[1].column, p[1].rule_id))


# The rules by scope and the statement dispatch, by (database, version, tool, registry): the same for
# every call on one target, so built once (a warm call's rule selection was ~5% of it). Keyed by the
# registry's rules too, so a rule registered or replaced later is never missed.
_RULE_SETS: dict[tuple, tuple[dict[str, list[Rule]], "_Dispatch"]] = {}


def _rule_sets(ctx: Context) -> tuple[dict[str, list[Rule]], "_Dispatch"]:
    key = (ctx.database, ctx.version, ctx.tool, ctx.severities, tuple(map(id, rules_for(ctx.database).values())))
    sets = _RULE_SETS.get(key)
    if sets is None:
        rules = applicable(ctx)
        by_scope = {s: [r for r in rules if r.scope == s] for s in ("statement", "file", "set")}
        sets = _RULE_SETS[key] = (by_scope, _Dispatch(by_scope["statement"]))
    return sets


_WHOLE_FILE_KINDS = ("sql", "flyway")


# In a small run, files of fewer statements are parsed statement by statement, from the parse
# cache (`_pg.parse`): the result gate lints files holding the statements it has just checked one
# by one. A large run (a project's history) parses each file in one call, half the cost when
# nothing is cached.
WHOLE_FILE_STATEMENTS = 16


def _parse_file(src: SourceFile, large_run: bool, ahead: _pg.ParseAhead | None = None) -> None:
    """Plain and Flyway SQL files: one PostgreSQL parser call for the whole file."""
    few = len(src.statements) < (2 if large_run else WHOLE_FILE_STATEMENTS)
    if src.kind not in _WHOLE_FILE_KINDS or few:
        return
    spans = [(at, 0) for at in offsets(src.content, [(s.line, s.column) for s in src.statements])]
    trees = _pg.parse_spans(src.content, spans, large_run, ahead)
    for stmt, tree in zip(src.statements, trees or ()):
        stmt.tree = tree


class _Dispatch:
    """Statement rules by PostgreSQL node kind: a rule that declares the kinds it reads runs
    only on those (one dict look-up instead of ~50 calls per statement). An ALTER TABLE is keyed
    by its actions too: `AlterTableStmt.AT_AddColumn` names a rule that reads only that action."""

    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self.by_key: dict[str | tuple | None, list[Rule]] = {}

    def for_view(self, view: SqlView) -> list[Rule]:
        kind = view.kind
        key = (kind, *sorted({c.get("subtype") for c in _pg.alter_cmds(view.pg)})) \
            if kind == "AlterTableStmt" else kind
        rules = self.by_key.get(key)
        if rules is None:
            rules = self.by_key[key] = self._select(view, key)
        return rules

    def _select(self, view: SqlView, key) -> list[Rule]:
        if view.kind is None:       # not read by PostgreSQL's parser: every rule without node kinds
            return [r for r in self.rules if not r.nodes or UNPARSED in r.nodes or view.database != "postgresql"]
        kind, subs = (key[0], key[1:]) if isinstance(key, tuple) else (key, ())
        names = {kind, *(f"{kind}.{sub}" for sub in subs)}
        return [r for r in self.rules if not r.nodes or names & set(r.nodes)]


def _check_statement(stmt: Statement, dispatch: _Dispatch, ctx: Context) -> list:
    view = SqlView(stmt, ctx.database)
    out = []
    down = stmt.direction == "down"
    for r in dispatch.for_view(view):
        if down and not r.rollback:
            continue
        for hit in r.check(view, ctx):
            if not hit.line:
                hit.line, hit.column = stmt.locate(hit.offset)
            out.append((stmt, _finding(r, hit, stmt.file)))
    observe(view, ctx)
    if view.kind == "DoStmt":
        for sub in _embedded(view):
            out += _check_statement(sub, dispatch, ctx)
    return out


def _embedded(view: SqlView) -> list[Statement]:
    """The SQL a PostgreSQL DO block runs, as statements of their own at their place in the file
    (read with the PL/pgSQL parser; a DO block is one transaction)."""
    body = _pg.do_body(view.pg) if view.kind == "DoStmt" else None
    if not body:
        return []
    stmt, subs, start = view.stmt, [], view.text.find(body)
    tx = stmt.tx if stmt.tx is not None else new_tx()
    queries, _ = _pg.plpgsql_statements(_pg.as_function(body))
    for query in queries:
        at = view.text.find(query, start)
        line, col = stmt.locate(max(at, 0))
        subs.append(Statement(stmt.file, query, line, col, tx, stmt.direction, stmt.synthetic,
                              stmt.origin or "DO block", stmt.indent))
        start = max(at, start)
    return subs


def _finding(r: Rule, hit: Hit, file: str) -> Finding:
    message = f"{hit.detail}: {r.message}" if hit.detail else r.message
    return Finding(r.id, hit.severity or r.severity, hit.file or file, hit.line or 1, hit.column or 1, message,
                   r.safe_alternative)


def verdict(findings: list[Finding]) -> str:
    levels = {f.severity for f in findings}
    return "fail" if "error" in levels else "warn" if "warning" in levels else "pass"


# --- inline suppression ----------------------------------------------------------------------

_IGNORE = lazy_re(r"dbmig:ignore(-file)?\s+([A-Za-z0-9_,\- ]+?)(?:\s+[a-z(\"'].*)?(?:-->|\*/)?\s*$")
_COMMENT_LINE = lazy_re(r"^\s*(?:--|#|<!--|/\*|\*|$)")


class _Ignores:
    """The `dbmig:ignore` comments of one file, indexed by line."""

    def __init__(self, src: SourceFile):
        self.lines = src.content.splitlines()
        self.whole_file: set[str] = set()
        self.by_line: dict[int, set[str]] = {}
        if "dbmig:ignore" not in src.content:
            return
        for n, line in enumerate(self.lines, 1):
            m = _IGNORE.search(line) if "dbmig:ignore" in line else None
            if m:
                tokens = {t for t in re.split(r"[,\s]+", m.group(2)) if t}
                (self.whole_file.update if m.group(1) else self.by_line.setdefault(n, set()).update)(tokens)

    def covers(self, rule_id: str, first: int, last: int) -> bool:
        if _matches(rule_id, self.whole_file):
            return True
        if not self.by_line:
            return False
        candidates = list(range(first, max(last, first) + 1))
        k = first - 1
        while k >= 1 and _COMMENT_LINE.match(self.lines[k - 1]):   # the comment block just above
            candidates.append(k)
            k -= 1
        return any(_matches(rule_id, self.by_line.get(n, set())) for n in candidates)


def _matches(rule_id: str, tokens: set[str]) -> bool:
    """`PG001` and `PG001-index-not-concurrent` both name the rule."""
    return any(rule_id == t or rule_id.split("-")[0] == t for t in tokens)


def _unsuppressed(pairs: list, sources: list[SourceFile]) -> list:
    ignores = {s.filename: _Ignores(s) for s in sources}
    out = []
    for stmt, f in pairs:
        ig = ignores.get(f.file)
        if not (ig and ig.covers(f.rule_id, stmt.line if stmt else f.line, f.line)):
            out.append((stmt, f))
    return out


# --- SARIF -----------------------------------------------------------------------------------

def to_sarif(report: dict) -> dict:
    """SARIF 2.1.0, for code-scanning UIs."""
    data = report.model_dump() if hasattr(report, "model_dump") else report
    levels = {"error": "error", "warning": "warning", "info": "note"}
    used = sorted({f["rule_id"] for f in data["findings"]})
    registry = all_rules()
    rules = [{"id": rid, "shortDescription": {"text": registry[rid].message},
              "help": {"text": registry[rid].safe_alternative},
              "defaultConfiguration": {"level": levels[registry[rid].severity]}} for rid in used if rid in registry]
    results = [{"ruleId": f["rule_id"], "level": levels[f["severity"]],
                "message": {"text": f"{f['message']} Safe alternative: {f['safe_alternative']}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": f["file"]},
                                                    "region": {"startLine": f["line"], "startColumn": f["column"]}}}]}
               for f in data["findings"]]
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "dbmig", "informationUri": "https://github.com/dbmig",
                                          "rules": rules}}, "results": results}]}
