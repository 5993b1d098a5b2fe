"""`validate_migration`: lint migration files for syntax, tool conventions and unsafe operations.

Files are read into located statements (dbmig.sources), every applicable rule from
lint.rules runs over them in file order, and `-- dbmig:ignore RULE reason` comments
drop the findings they name. The verdict is `fail` on any error, `warn` on any warning,
otherwise `pass` (info findings never change the verdict).
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from ..errors import InvalidRequest
from ..limits import MAX_FILES, MAX_STATEMENTS, check_size, check_time, echo
from .rules import RULES, Context, Hit, Rule, SqlView, observe, version_tuple
from ..sources import SourceFile, Statement, read_sources

DATABASES = ["postgresql", "mysql", "sqlserver", "oracle"]
TOOLS = ["liquibase", "flyway", "alembic"]
_RANK = {"error": 0, "warning": 1, "info": 2}


class LintFinding(BaseModel):
    rule_id: str
    severity: Literal["error", "warning", "info"]
    file: str
    line: int
    column: int
    message: str
    safe_alternative: str


class LintReport(BaseModel):
    verdict: Literal["pass", "warn", "fail"]
    findings: list[LintFinding]


def validate_migration(files: list[dict], database: str, migration_tool: str | None = None,
                       database_version: str | None = None, *, bounded: bool = True) -> dict:
    """Lint `files` ([{filename, content}]) for `database`; returns {verdict, findings}.
    `bounded=False` (the gate, linting dbmig's own output) skips the input limits."""
    ctx = make_context(database, migration_tool, database_version)
    sources = read_files(files, ctx, bounded=bounded)
    findings = [f for _, f in run_rules(sources, ctx)]
    return LintReport(verdict=verdict(findings), findings=findings).model_dump()


# --- input checks ----------------------------------------------------------------------------

def make_context(database: str, tool: str | None, version: str | None) -> Context:
    db = _choice(database, DATABASES, "database", {"postgres": "postgresql", "mariadb": "mysql",
                                                   "mssql": "sqlserver"})
    tool = None if tool in (None, "") else _choice(tool, TOOLS, "migration_tool", {})
    try:
        parsed = version_tuple(version)
    except ValueError:
        raise InvalidRequest(f"database_version {echo(version)} is not a version like '15' or '10.11'",
                             field="database_version") from None
    return Context(db, parsed, tool)


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
    sources = read_sources(files, ctx.database, ctx.tool)
    count = sum(len(s.statements) for s in sources)
    if count > MAX_STATEMENTS and bounded:
        raise InvalidRequest(f"{count:,} statements; the limit is {MAX_STATEMENTS:,} per call", field=field,
                             suggestion="split the input into several calls (see docs/limits.md)")
    ctx.sources = _in_run_order(sources)
    return ctx.sources


def _in_run_order(sources: list[SourceFile]) -> list[SourceFile]:
    """Flyway runs versioned scripts by version whatever order they were given in."""
    def key(item: tuple[int, SourceFile]) -> tuple:
        n, src = item
        fw = src.flyway
        return (0, fw.version, n) if fw and fw.prefix == "V" else (1, (), n)
    return [s for _, s in sorted(enumerate(sources), key=key)]


# --- running the rules -----------------------------------------------------------------------

def applicable(ctx: Context) -> list[Rule]:
    return [r for r in RULES.values() if r.applies(ctx.database, ctx.version, ctx.tool)]


def run_rules(sources: list[SourceFile], ctx: Context) -> list[tuple[Statement | None, LintFinding]]:
    """All findings, each with the statement it is about (None for file-level findings)."""
    rules = applicable(ctx)
    by_scope = {s: [r for r in rules if r.scope == s] for s in ("statement", "file", "set")}
    out: list[tuple[Statement | None, LintFinding]] = []
    for src in sources:
        ctx.begin_file(src)
        for r in by_scope["file"]:
            out += [(None, _finding(r, hit, src.filename)) for hit in r.check(src, ctx)]
        for stmt in src.statements:
            check_time("linting")
            out += _check_statement(stmt, by_scope["statement"], ctx)
    for r in by_scope["set"]:
        out += [(None, _finding(r, hit, hit.file or "")) for hit in r.check(sources, ctx)]
    out = _unsuppressed(out, sources)
    order = {s.filename: n for n, s in enumerate(sources)}
    return sorted(out, key=lambda p: (order.get(p[1].file, 0), p[1].line, p[1].column, p[1].rule_id))


def _check_statement(stmt: Statement, rules: list[Rule], ctx: Context) -> list:
    view = SqlView(stmt, ctx.database)
    out = []
    for r in rules:
        if stmt.direction == "down" and not r.rollback:
            continue
        for hit in r.check(view, ctx):
            line, col = stmt.locate(hit.offset)
            out.append((stmt, _finding(r, Hit(hit.offset, hit.detail, line, col), stmt.file)))
    observe(view, ctx)
    return out


def _finding(r: Rule, hit: Hit, file: str) -> LintFinding:
    message = f"{hit.detail}: {r.message}" if hit.detail else r.message
    return LintFinding(rule_id=r.id, severity=r.severity, file=hit.file or file, line=hit.line or 1,
                       column=hit.column or 1, message=message, safe_alternative=r.safe_alternative)


def verdict(findings: list[LintFinding]) -> str:
    levels = {f.severity for f in findings}
    return "fail" if "error" in levels else "warn" if "warning" in levels else "pass"


# --- inline suppression ----------------------------------------------------------------------

_IGNORE = re.compile(r"dbmig:ignore(-file)?\s+([A-Za-z0-9_,\- ]+?)(?:\s+[a-z(\"'].*)?(?:-->|\*/)?\s*$")
_COMMENT_LINE = re.compile(r"^\s*(?:--|#|<!--|/\*|\*|$)")


class _Ignores:
    """The `dbmig:ignore` comments of one file, indexed by line."""

    def __init__(self, src: SourceFile):
        self.lines = src.content.splitlines()
        self.whole_file: set[str] = set()
        self.by_line: dict[int, set[str]] = {}
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

def to_sarif(report: dict | LintReport) -> dict:
    """SARIF 2.1.0, for code-scanning UIs."""
    data = report.model_dump() if isinstance(report, LintReport) else report
    levels = {"error": "error", "warning": "warning", "info": "note"}
    used = sorted({f["rule_id"] for f in data["findings"]})
    rules = [{"id": rid, "shortDescription": {"text": RULES[rid].message},
              "help": {"text": RULES[rid].safe_alternative},
              "defaultConfiguration": {"level": levels[RULES[rid].severity]}} for rid in used if rid in RULES]
    results = [{"ruleId": f["rule_id"], "level": levels[f["severity"]],
                "message": {"text": f"{f['message']} Safe alternative: {f['safe_alternative']}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": f["file"]},
                                                    "region": {"startLine": f["line"], "startColumn": f["column"]}}}]}
               for f in data["findings"]]
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "dbmig", "informationUri": "https://github.com/dbmig",
                                          "rules": rules}}, "results": results}]}
