"""Read migration files into statements that remember where they came from.

Every statement keeps the file, the 1-based line and column of its first character and the
transaction it runs in, because findings must point into the file the user wrote, also when
the SQL sits inside Liquibase XML/YAML or an Alembic revision. Alembic files are read with
`ast` only: user code is never imported or run. Liquibase change elements and Alembic `op.*`
calls become *synthetic* SQL (the statement the tool would send), so one set of SQL rules
covers hand-written SQL and tool operations alike.
"""
from __future__ import annotations

import ast
import bisect
import functools
import itertools
import re
import xml.parsers.expat
from dataclasses import dataclass, field
from pathlib import PurePath

from .limits import check_time


class lazy_re:
    """A regex compiled on first use: a `dbmig validate` process (a pre-commit hook) that never
    meets Liquibase, Oracle or MySQL text never pays for compiling their patterns."""
    __slots__ = ("args", "pattern")

    def __init__(self, *args):
        self.args, self.pattern = args, None

    def __getattr__(self, name: str):
        if self.pattern is None:
            self.pattern = re.compile(*self.args)
        return getattr(self.pattern, name)


# --- data ------------------------------------------------------------------------------------


@dataclass
class Statement:
    file: str
    text: str
    line: int
    column: int
    tx: int | None = None          # id of the transaction it runs in; None = autocommit
    direction: str = "up"          # "down" for rollback code (U files, downgrade, <rollback>)
    synthetic: bool = False        # built from a Liquibase change / Alembic op, not typed as SQL
    origin: str = ""               # e.g. "changeSet 3 (alice)", "op.create_index"
    indent: int = 0                # YAML block scalars lose their indentation: add it back
    tree: object = field(default=None, compare=False, repr=False)   # the parse, shared by every reader
    tool_tx: bool = False          # the tool (Flyway, Liquibase, Alembic) opened the transaction

    @property
    def transactional(self) -> bool:
        return self.tx is not None

    def locate(self, offset: int) -> tuple[int, int]:
        """File line and column of a character offset inside the statement text."""
        if self.synthetic:
            return self.line, self.column
        head = self.text[:max(offset, 0)]
        newlines = head.count("\n")
        if not newlines:
            return self.line, self.column + len(head)
        return self.line + newlines, len(head) - head.rfind("\n") + self.indent


@dataclass
class Problem:
    """A part of a file that could not be read (malformed XML, Python syntax error...)."""
    line: int
    column: int
    message: str


@dataclass
class ChangeSet:
    id: str | None
    author: str | None
    line: int
    column: int
    run_in_transaction: bool = True
    raw_sql: bool = False          # has <sql>/<sqlFile> or is a formatted-SQL changeset
    has_rollback: bool = False


@dataclass
class FlywayName:
    prefix: str | None             # "V", "U", "R" or None when the name does not match
    version: tuple[int, ...] = ()
    description: str = ""


@dataclass
class AlembicInfo:
    revision: str | None = None
    revision_line: int = 1
    has_down_revision: bool = False
    down_revision: object = None
    downgrade_line: int | None = None
    downgrade_empty: bool = True
    has_upgrade: bool = False
    dynamic_sql: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class SourceFile:
    filename: str
    kind: str      # sql | flyway | flyway_conf | liquibase_xml | liquibase_yaml | liquibase_sql | alembic
    content: str
    statements: list[Statement] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    flyway: FlywayName | None = None
    conf: dict[str, str] | None = None
    changesets: list[ChangeSet] = field(default_factory=list)
    alembic: AlembicInfo | None = None

    @property
    def basename(self) -> str:
        return PurePath(self.filename).name


# --- splitting SQL text ----------------------------------------------------------------------

_DOLLAR = lazy_re(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_BATCH_SEP = {"tsql": lazy_re(r"^[ \t]*GO[ \t]*(?:--.*)?$", re.I | re.M),
              "oracle": lazy_re(r"^[ \t]*/[ \t]*$", re.M)}
# Bodies that contain ';' and only end at a batch separator (GO in T-SQL, '/' in Oracle).
_BODY = r"CREATE\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?(?:PROCEDURE|PROC|FUNCTION|TRIGGER|PACKAGE|TYPE\s+BODY)\b"
_BLOCK_START = {
    "oracle": lazy_re(rf"(?:{_BODY}|BEGIN\b|DECLARE\b)", re.I),
    "tsql": lazy_re(rf"(?:{_BODY}|BEGIN\b(?!\s+(?:TRAN|TRANSACTION|DISTRIBUTED)\b))", re.I),
}


@functools.cache
def tokens(dialect: str) -> re.Pattern:
    """One alternation that consumes comments, literals and quoted names whole, so that a ';'
    found by it is always a real statement end. Regexes keep splitting fast on large files."""
    # A quote left open runs to the end of the text (as comments and dollar quotes do): if it
    # had to close, every later quote would start a new failing scan of the rest, quadratic
    # in a file of `\'` pairs. Possessive repeats never re-split what they consumed.
    quote = r"'(?:[^'\\]|''|\\.)*+(?:'|\Z)" if dialect == "mysql" else r"'(?:[^']|'')*+(?:'|\Z)"
    parts = [r"(?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z)" + (r"|\#[^\n]*" if dialect == "mysql" else "") + ")",
             rf"(?P<string>{quote})", r'"(?:[^"]|"")*+(?:"|\Z)']
    if dialect == "mysql":
        parts.append(r"`[^`]*+(?:`|\Z)")
    if dialect == "tsql":
        parts.append(r"\[[^\]]*+(?:\]|\Z)")
    if dialect == "postgres":
        parts.append(r"(?P<dollar>\$(?P<tag>[A-Za-z_]\w*|)\$.*?(?:\$(?P=tag)\$|\Z))")
    parts += [r"(?P<semi>;)", r"[^-/'\"`#\[$;]+", r"."]
    return re.compile("|".join(parts), re.S)


@functools.cache
def _leading(dialect: str) -> re.Pattern:
    """Blanks and comments before a statement (compiled for the dialects in use only)."""
    return re.compile(r"(?:\s+|--[^\n]*|/\*.*?(?:\*/|\Z)" + (r"|\#[^\n]*" if dialect == "mysql" else "") + ")*", re.S)


def statement_start(text: str, i: int, end: int, dialect: str) -> int:
    """First character of code at or after i (skips blanks and comments)."""
    return min(_leading(dialect).match(text, i, end).end(), end)


def split_sql(text: str, dialect: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of each statement: split at top-level ';' and batch separators."""
    end = len(text) if end is None else end
    spans = []
    for a, b in _batches(text, dialect, start, end):
        if _opens_block(text, a, b, dialect):
            spans.append((a, b))
            continue
        begin = a
        for m in tokens(dialect).finditer(text, a, b):
            if m.lastgroup == "semi":
                spans.append((begin, m.start()))
                begin = m.end()
        spans.append((begin, b))
    return _trim(text, spans, dialect)


def _batches(text: str, dialect: str, start: int, end: int) -> list[tuple[int, int]]:
    sep = _BATCH_SEP.get(dialect)
    if not sep:
        return [(start, end)]
    out, begin = [], start
    for m in sep.finditer(text, start, end):
        out.append((begin, m.start()))
        begin = m.end()
    return out + [(begin, end)]


def _opens_block(text: str, a: int, b: int, dialect: str) -> bool:
    """A procedural body holds ';' inside; only GO (T-SQL) or '/' (Oracle) ends it."""
    pattern = _BLOCK_START.get(dialect)
    return bool(pattern and pattern.match(text, statement_start(text, a, b, dialect)))


def _trim(text: str, spans: list[tuple[int, int]], dialect: str) -> list[tuple[int, int]]:
    out = []
    for a, b in spans:
        a = statement_start(text, a, b, dialect)
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def mask(text: str, dialect: str) -> str:
    """Upper-cased text with comments and literal contents blanked, same length, so that
    patterns never match inside a string or comment and offsets stay valid."""
    def blank(m: re.Match) -> str:
        tok = m.group(0)
        if m.lastgroup == "comment":
            return re.sub(r"[^\n]", " ", tok)
        if m.lastgroup == "string":     # an unterminated one keeps its length too
            end = "'" if len(tok) > 1 and tok.endswith("'") else ""
            return "'" + re.sub(r"[^\n]", " ", tok[1:len(tok) - len(end)]) + end
        if m.group("dollar") if dialect == "postgres" else False:
            return re.sub(r"[^\n$]", " ", tok)
        return tok
    return tokens(dialect).sub(blank, text).upper()


def blank_literals(text: str, dialect: str) -> str:
    """`text` with the contents of its string literals replaced by `x` (same length, case kept):
    a pattern over statement shapes then never sees a ';' or a line break a literal holds."""
    def blank(m: re.Match) -> str:
        tok = m.group(0)
        if m.lastgroup != "string" or len(tok) < 2 or not tok.endswith("'"):
            return tok
        return "'" + "x" * (len(tok) - 2) + "'"
    return tokens(dialect).sub(blank, text) if "'" in text else text


@functools.lru_cache(maxsize=16)
def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def offset(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based line and column (the inverse of line_col)."""
    return _line_starts(text)[line - 1] + column - 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset`, by bisection over the line starts: counting the
    newlines before every statement made a 10,000-statement file quadratic."""
    starts = _line_starts(text)
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


# --- transactions ----------------------------------------------------------------------------

_TX_BEGIN = lazy_re(r"^(?:BEGIN(?:\s+(?:WORK|TRANSACTION|TRAN))?|START\s+TRANSACTION)\b[^;]*$", re.I)
_TX_END = lazy_re(r"^(?:COMMIT|ROLLBACK|END)(?:\s+(?:WORK|TRANSACTION|TRAN))?\s*$", re.I)
_tx_ids = itertools.count(1)


def new_tx() -> int:
    return next(_tx_ids)


def sql_statements(filename: str, text: str, dialect: str, tx: int | None, *, start: int = 0,
                   end: int | None = None, base: tuple[int, int] | None = None,
                   direction: str = "up", origin: str = "", indent: int = 0) -> list[Statement]:
    """Statements of a SQL region. `base` is where text[0] sits in the file when `text` is an
    excerpt (XML text, Python string); explicit BEGIN/COMMIT open their own transaction."""
    out, current = [], tx
    for a, b in split_sql(text, dialect, start, end):
        body = text[a:b]
        control = body[:1] in "BbSsCcRrEe"      # BEGIN, START, COMMIT, ROLLBACK, END: a cheap first look
        if control and tx is None and _TX_BEGIN.match(body) and not (dialect == "oracle"):
            current = new_tx()
        elif control and tx is None and _TX_END.match(body):
            current = None
        line, col = line_col(text, a)
        if base:
            line, col = base[0] + line - 1, (base[1] + col - 1 if line == 1 else col + indent)
        out.append(Statement(filename, body, line, col, current, direction, False, origin, indent,
                             tool_tx=tx is not None))
        if control and tx is not None and _TX_END.match(body):
            current = new_tx()   # the tool's connection opens the next transaction by itself
    return out


# --- file kinds ------------------------------------------------------------------------------

FLYWAY_NAME = lazy_re(r"^(?P<prefix>[VU])(?P<version>\d+(?:[._]\d+)*)__(?P<desc>.+)\.sql$"
                         r"|^(?P<rprefix>R)__(?P<rdesc>.+)\.sql$")
# Flyway callbacks (beforeMigrate.sql, afterEachMigrate__x.sql...) are legitimate non-versioned names.
FLYWAY_CALLBACK = lazy_re(r"^(?:before|after)[A-Za-z]+(?:__.+)?\.sql$")
_LIQUIBASE_SQL = lazy_re(r"^\s*--\s*liquibase\s+formatted\s+sql", re.I)


def flyway_name(basename: str) -> FlywayName:
    m = FLYWAY_NAME.fullmatch(basename)
    if not m:
        return FlywayName(None)
    if m.group("rprefix"):
        return FlywayName("R", (), m.group("rdesc"))
    version = tuple(int(p) for p in re.split(r"[._]", m.group("version")))
    return FlywayName(m.group("prefix"), version, m.group("desc"))


def file_kind(filename: str, content: str, tool: str | None) -> str:
    name = PurePath(filename).name.lower()
    if name.endswith(".conf"):
        return "flyway_conf"
    if name.endswith(".py"):
        return "alembic"
    if name.endswith(".xml"):
        return "liquibase_xml"
    if name.endswith((".yaml", ".yml", ".json")):
        return "liquibase_yaml"
    if _LIQUIBASE_SQL.match(content):
        return "liquibase_sql"
    if tool == "flyway" or (tool is None and flyway_name(PurePath(filename).name).prefix):
        return "flyway"
    return "sql"


def read_sources(files: list[dict], database: str, tool: str | None,
                 version: tuple[int, ...] | None = None) -> list[SourceFile]:
    """Read every file; Flyway `.sql.conf` sidecars decide whether their script is transactional."""
    dialect = DIALECTS[database]
    sources = [SourceFile(f["filename"], file_kind(f["filename"], f["content"], tool), f["content"])
               for f in files]
    confs = {s.filename[:-len(".conf")]: s for s in sources if s.kind == "flyway_conf"}
    confs[_VERSION] = version
    for src in sorted(sources, key=lambda s: s.kind != "flyway_conf"):   # sidecars first
        check_time("reading the files")
        _READERS[src.kind](src, dialect, database, confs)
    return sources


_VERSION = "\0version"     # the target version travels to the readers with the sidecars


DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "sqlserver": "tsql", "oracle": "oracle"}


def _read_plain(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    src.statements = sql_statements(src.filename, src.content, dialect, None)


def _read_flyway(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    src.flyway = flyway_name(src.basename)
    direction = "down" if src.flyway.prefix == "U" else "up"
    src.statements = sql_statements(src.filename, src.content, dialect, new_tx(), direction=direction)
    if not flyway_in_transaction(src, confs.get(src.filename), database, confs.get(_VERSION)):
        src.statements = sql_statements(src.filename, src.content, dialect, None, direction=direction)


# Statements Flyway will not run in a transaction, matched on a statement's leading keywords
# (flyway-database-postgresql, PostgreSQLParser.detectCanExecuteInTransaction). Flyway's own list:
# REINDEX ... CONCURRENTLY on a table or index is not on it, so Flyway runs that in a transaction.
FLYWAY_NON_TX = {"postgresql": lazy_re(
    r"\s*(?:(?:CREATE|DROP)\s+(?:DATABASE|TABLESPACE|SUBSCRIPTION)\b|ALTER\s+SYSTEM\b|"
    r"(?:CREATE|DROP)(?:\s+UNIQUE)?\s+INDEX\s+CONCURRENTLY\b|REINDEX(?:\s+VERBOSE)?\s+(?:SCHEMA|DATABASE|SYSTEM)\b|"
    r"VACUUM\b|DISCARD\s+ALL\b)", re.I)}
FLYWAY_ENUM_ADD = lazy_re(r"\s*ALTER\s+TYPE\b[^;]*?\bADD\s+VALUE\b", re.I)   # non-transactional before PG 12


def flyway_non_transactional(text: str, database: str, version: tuple[int, ...] | None) -> bool:
    pattern = FLYWAY_NON_TX.get(database)
    if pattern is None:
        return False
    old = version is not None and version < (12,)
    return bool(pattern.match(text) or (old and FLYWAY_ENUM_ADD.match(text)))


def flyway_in_transaction(src: SourceFile, conf: SourceFile | None, database: str,
                          version: tuple[int, ...] | None) -> bool:
    """How Flyway decides: the sidecar's executeInTransaction wins; otherwise a script whose
    statements all cannot run in a transaction runs outside one, any other runs in one (a script
    mixing both is refused unless flyway.mixed=true: rule FW004)."""
    setting = (conf.conf or {}).get("executeInTransaction") if conf else None
    if setting is not None:
        return setting.strip().lower() != "false"
    texts = [s.text for s in src.statements]
    return not texts or not all(flyway_non_transactional(t, database, version) for t in texts)


def _read_conf(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    values = {}
    for raw in src.content.splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip().removeprefix("flyway.")] = value.strip()
    src.conf = values



# --- small helpers shared by the tool readers ------------------------------------------------

def expat_tree(content: str):
    """Parse XML keeping line/column of each element and of its text (ElementTree drops them)."""
    root = Element("#document", {}, 1, 1)
    stack = [root]
    parser = xml.parsers.expat.ParserCreate()

    def start(tag, attrs):
        el = Element(tag.split(":")[-1], attrs, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        stack[-1].children.append(el)
        stack.append(el)

    def text(data):
        el = stack[-1]
        if not el.text_parts:
            el.text_pos = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        el.text_parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: stack.pop()
    parser.CharacterDataHandler = text
    parser.Parse(content, True)
    return root


@dataclass
class Element:
    """One node of a Liquibase changelog, from XML or YAML alike."""
    tag: str
    attrs: dict
    line: int
    column: int
    children: list["Element"] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)
    text_pos: tuple[int, int] | None = None
    indent: int = 0

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def find(self, tag: str) -> "Element | None":
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list["Element"]:
        return [c for c in self.children if c.tag == tag]


def literal(node: ast.AST) -> object:
    """The value of a literal AST node, or raise ValueError for anything computed."""
    return ast.literal_eval(node)


# --- Liquibase -------------------------------------------------------------------------------

_LB_DBMS = {"postgresql": {"postgresql"}, "mysql": {"mysql", "mariadb"}, "sqlserver": {"mssql"},
            "oracle": {"oracle"}}
# Elements inside a changeSet that are not changes.
_LB_META = {"comment", "preConditions", "validCheckSum", "tagDatabase", "modifySql", "rollback"}


def _flag(value: object, default: bool) -> bool:
    return default if value is None else str(value).strip().lower() != "false"


def _dbms_applies(dbms: str | None, database: str) -> bool:
    if not dbms or dbms.strip() in ("all", ""):
        return True
    names = {d.strip().lower() for d in dbms.split(",")}
    ours = _LB_DBMS[database]
    if any(n.startswith("!") for n in names):
        return not ours & {n[1:] for n in names if n.startswith("!")}
    return bool(ours & names)


def _read_liquibase_xml(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    try:
        root = expat_tree(src.content)
    except xml.parsers.expat.ExpatError as err:
        src.problems.append(Problem(err.lineno, err.offset + 1, f"malformed XML: {err}"))
        return
    _read_changelog(src, root, dialect, database)


def _read_changelog(src: SourceFile, root: Element, dialect: str, database: str) -> None:
    for log in root.findall("databaseChangeLog") or [root]:
        for el in log.findall("changeSet"):
            _read_changeset(src, el, dialect, database)


def _read_changeset(src: SourceFile, el: Element, dialect: str, database: str) -> None:
    cs = ChangeSet(_str_or_none(el.attrs.get("id")), _str_or_none(el.attrs.get("author")),
                   el.line, el.column, _flag(el.attrs.get("runInTransaction"), True))
    cs.has_rollback = el.find("rollback") is not None
    src.changesets.append(cs)
    if not _dbms_applies(el.attrs.get("dbms"), database):
        return
    tx = new_tx() if cs.run_in_transaction else None
    origin = f"changeSet {cs.id} ({cs.author})"
    for change in el.children:
        if change.tag in _LB_META or not _dbms_applies(change.attrs.get("dbms"), database):
            continue
        cs.raw_sql |= change.tag in ("sql", "sqlFile", "createProcedure")
        src.statements += change_statements(src.filename, change, dialect, tx, origin)


def _str_or_none(value: object) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value)


def change_statements(filename: str, el: Element, dialect: str, tx: int | None,
                      origin: str) -> list[Statement]:
    """The statements Liquibase sends for one change element."""
    if el.tag == "sql":
        return _sql_element(filename, el, dialect, tx, origin)
    build = LIQUIBASE_CHANGES.get(el.tag)
    if not build:
        return []
    return [Statement(filename, sql, el.line, el.column, tx, "up", True, f"{origin} <{el.tag}>")
            for sql in build(el, dialect) if sql]


def _sql_element(filename: str, el: Element, dialect: str, tx: int | None, origin: str) -> list[Statement]:
    text = el.text
    pos = el.text_pos or (el.line, el.column)
    if not _flag(el.attrs.get("splitStatements"), True):
        a = statement_start(text, 0, len(text), dialect)
        line, col = line_col(text, a)
        line, col = pos[0] + line - 1, (pos[1] + col - 1 if line == 1 else col)
        return [Statement(filename, text[a:].strip(), line, col, tx, "up", False, origin)] if text.strip() else []
    return sql_statements(filename, text, dialect, tx, base=pos, origin=origin, indent=el.indent)


def _q(name: object) -> str:
    name = str(name or "?")
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$.]*", name) else f'"{name}"'


def _table(el: Element) -> str:
    schema = el.attrs.get("schemaName")
    return _q(f"{schema}.{el.attrs.get('tableName')}" if schema else el.attrs.get("tableName"))


def _cols(el: Element, attr: str = "columnNames") -> str:
    if el.attrs.get(attr):
        return ", ".join(_q(c.strip()) for c in str(el.attrs[attr]).split(","))
    return ", ".join(_q(c.attrs.get("name")) for c in el.findall("column"))


def _lb_default(col: Element) -> str:
    a = col.attrs
    for key in ("defaultValueComputed", "defaultValueNumeric", "defaultValueBoolean"):
        if a.get(key) is not None:
            return f" DEFAULT {a[key]}"
    for key in ("defaultValue", "defaultValueDate"):
        if a.get(key) is not None:
            return " DEFAULT '" + str(a[key]).replace("'", "''") + "'"
    return ""


def _lb_column(col: Element) -> str:
    sql = f"{_q(col.attrs.get('name'))} {col.attrs.get('type', 'TEXT')}{_lb_default(col)}"
    cons = col.find("constraints")
    c = cons.attrs if cons is not None else {}
    if not _flag(c.get("nullable"), True):
        sql += " NOT NULL"
    if _flag(c.get("primaryKey"), False):
        sql += " PRIMARY KEY"
    if _flag(c.get("unique"), False):
        sql += " UNIQUE"
    if c.get("references") or c.get("referencedTableName"):
        ref = c.get("references") or f"{c.get('referencedTableName')} ({c.get('referencedColumnNames')})"
        sql += f" REFERENCES {ref}"
    return sql


def _add_column_clause(dialect: str) -> str:
    return {"tsql": "ADD", "oracle": "ADD"}.get(dialect, "ADD COLUMN")


def _lb_add_column(el: Element, dialect: str) -> list[str]:
    return [f"ALTER TABLE {_table(el)} {_add_column_clause(dialect)} {_lb_column(c)}"
            for c in el.findall("column")]


def _lb_create_table(el: Element, dialect: str) -> list[str]:
    return [f"CREATE TABLE {_table(el)} ({', '.join(_lb_column(c) for c in el.findall('column'))})"]


def _lb_create_index(el: Element, dialect: str) -> list[str]:
    unique = "UNIQUE " if _flag(el.attrs.get("unique"), False) else ""
    return [f"CREATE {unique}INDEX {_q(el.attrs.get('indexName'))} ON {_table(el)} ({_cols(el)})"]


def _lb_modify_type(el: Element, dialect: str) -> list[str]:
    return [modify_type_sql(dialect, _table(el), _q(el.attrs.get("columnName")), el.attrs.get("newDataType"))]


def modify_type_sql(dialect: str, table: str, column: str, new_type: object) -> str:
    form = {"postgres": "ALTER COLUMN {c} TYPE {t}", "mysql": "MODIFY COLUMN {c} {t}",
            "tsql": "ALTER COLUMN {c} {t}", "oracle": "MODIFY ({c} {t})"}[dialect]
    return f"ALTER TABLE {table} " + form.format(c=column, t=new_type)


def not_null_sql(dialect: str, table: str, column: str, col_type: object) -> str:
    form = {"postgres": "ALTER COLUMN {c} SET NOT NULL", "mysql": "MODIFY COLUMN {c} {t} NOT NULL",
            "tsql": "ALTER COLUMN {c} {t} NOT NULL", "oracle": "MODIFY ({c} NOT NULL)"}[dialect]
    return f"ALTER TABLE {table} " + form.format(c=column, t=col_type or "?")


def _lb_not_null(el: Element, dialect: str) -> list[str]:
    table, column = _table(el), _q(el.attrs.get("columnName"))
    out = []
    if el.attrs.get("defaultNullValue") is not None:
        # Liquibase fills NULLs first with one unbatched UPDATE.
        value = str(el.attrs["defaultNullValue"]).replace("'", "''")
        out.append(f"UPDATE {table} SET {column} = '{value}' WHERE {column} IS NULL")
    return out + [not_null_sql(dialect, table, column, el.attrs.get("columnDataType"))]


def _lb_fk(el: Element, dialect: str) -> list[str]:
    a = el.attrs
    sql = (f"ALTER TABLE {_q(a.get('baseTableName'))} ADD CONSTRAINT {_q(a.get('constraintName'))} "
           f"FOREIGN KEY ({_cols(el, 'baseColumnNames')}) REFERENCES {_q(a.get('referencedTableName'))} "
           f"({_cols(el, 'referencedColumnNames')})")
    return [sql + (" NOT VALID" if not _flag(a.get("validate"), True) else "")]


def _lb_constraint(kind: str):
    def build(el: Element, dialect: str) -> list[str]:
        name = el.attrs.get("constraintName")
        named = f"CONSTRAINT {_q(name)} " if name else ""
        return [f"ALTER TABLE {_table(el)} ADD {named}{kind} ({_cols(el)})"]
    return build


def _lb_where(el: Element) -> str:
    where = el.find("where")
    text = where.text if where is not None else el.attrs.get("where")
    return f" WHERE {text.strip()}" if text and str(text).strip() else ""


def _lb_update(el: Element, dialect: str) -> list[str]:
    sets = ", ".join(f"{_q(c.attrs.get('name'))} = {_lb_default(c)[9:] or 'NULL'}" for c in el.findall("column"))
    return [f"UPDATE {_table(el)} SET {sets or 'x = NULL'}{_lb_where(el)}"]


LIQUIBASE_CHANGES = {
    "createTable": _lb_create_table,
    "addColumn": _lb_add_column,
    "createIndex": _lb_create_index,
    "dropIndex": lambda el, d: [f"DROP INDEX {_q(el.attrs.get('indexName'))}"],
    "dropColumn": lambda el, d: [f"ALTER TABLE {_table(el)} DROP COLUMN {_q(n)}" for n in
                                 ([el.attrs["columnName"]] if el.attrs.get("columnName")
                                  else [c.attrs.get("name") for c in el.findall("column")])],
    "dropTable": lambda el, d: [f"DROP TABLE {_table(el)}"],
    "renameColumn": lambda el, d: [f"ALTER TABLE {_table(el)} RENAME COLUMN {_q(el.attrs.get('oldColumnName'))} "
                                   f"TO {_q(el.attrs.get('newColumnName'))}"],
    "renameTable": lambda el, d: [f"ALTER TABLE {_q(el.attrs.get('oldTableName'))} RENAME TO "
                                  f"{_q(el.attrs.get('newTableName'))}"],
    "modifyDataType": _lb_modify_type,
    "addNotNullConstraint": _lb_not_null,
    "addForeignKeyConstraint": _lb_fk,
    "addUniqueConstraint": _lb_constraint("UNIQUE"),
    "addPrimaryKey": _lb_constraint("PRIMARY KEY"),
    "addDefaultValue": lambda el, d: [f"ALTER TABLE {_table(el)} ALTER COLUMN {_q(el.attrs.get('columnName'))} "
                                      f"SET{_lb_default(el)}"],
    "update": _lb_update,
    "delete": lambda el, d: [f"DELETE FROM {_table(el)}{_lb_where(el)}"],
}


def _read_liquibase_yaml(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    try:
        import yaml   # only needed for YAML/JSON changelogs
        node = compose_bounded(src.content)
    except ImportError:
        src.problems.append(Problem(1, 1, "YAML changelogs need PyYAML installed"))
        return
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        src.problems.append(Problem(line, col, f"malformed YAML: {err}"))
        return
    if node is not None:
        _read_changelog(src, _yaml_element("#document", node, src.content), dialect, database)


def compose_bounded(content: str):
    """The YAML node tree, refusing what makes reading it explode: aliases (`*a` repeats the
    node it names, so nine levels of ten aliases each are a billion nodes from 475 bytes),
    more than MAX_YAML_NODES nodes, or nesting deeper than MAX_NESTING (the composer recurses).
    A Liquibase changelog never needs an alias."""
    import yaml
    from .limits import MAX_NESTING, MAX_YAML_NODES

    class Loader(yaml.SafeLoader):
        nodes = depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not accepted in a "
                                                  "changelog: write the value out", self.peek_event().start_mark)
            self.nodes, self.depth = self.nodes + 1, self.depth + 1
            if self.nodes > MAX_YAML_NODES or self.depth > MAX_NESTING:
                raise yaml.composer.ComposerError(None, None, f"YAML changelog over the limits of "
                                                  f"{MAX_YAML_NODES:,} nodes and {MAX_NESTING} levels",
                                                  self.peek_event().start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def compose_mapping_node(self, anchor):
            node = super().compose_mapping_node(anchor)
            for key, _ in node.value:
                if key.id != "scalar":         # `{[a]: b}`: no changelog key is a list or a map
                    raise yaml.composer.ComposerError(None, None, "a mapping key must be a plain value",
                                                      key.start_mark)
            return node

    loader = Loader(content)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


# YAML keys whose list items are children of the parent (XML nests them directly).
_YAML_FLATTEN = {"changes", "columns", "databaseChangeLog"}
# Scalar YAML keys that XML writes as a child element with text.
_YAML_TEXT = {"sql", "where", "rollback", "comment"}


def _yaml_element(tag: str, node, content: str, key=None) -> Element:
    mark = (key or node).start_mark      # an element is where its key is written
    el = Element(tag, {}, mark.line + 1, mark.column + 1)
    if node.id == "scalar":
        _yaml_text(el, node, content)
    elif node.id == "sequence":
        el.children += _yaml_items(node, content)
    else:
        for key, value in node.value:
            _yaml_member(el, key, value, content)
    return el


def _yaml_member(el: Element, key_node, value, content: str) -> None:
    key = key_node.value
    if value.id == "scalar" and key not in _YAML_TEXT:
        el.attrs[key] = value.value
    elif value.id == "scalar" and key == el.tag:      # `sql: {sql: "..."}`: the text of the element
        _yaml_text(el, value, content)
    elif value.id == "sequence" and key in _YAML_FLATTEN:
        el.children += _yaml_items(value, content)
    else:
        el.children.append(_yaml_element(key, value, content, key_node))


def _yaml_items(node, content: str) -> list[Element]:
    out = []
    for item in node.value:
        if item.id == "mapping" and len(item.value) == 1:
            key, value = item.value[0]
            out.append(_yaml_element(key.value, value, content, key))
        else:
            out.append(_yaml_element("item", item, content))
    return out


def _yaml_text(el: Element, node, content: str) -> None:
    el.text_parts = [node.value]
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if node.style in ("|", ">"):   # block scalar: text starts on the next line, indented
        lines = content.splitlines()
        nxt = lines[line] if line < len(lines) else ""
        el.indent = len(nxt) - len(nxt.lstrip())
        el.text_pos = (line + 1, el.indent + 1)
    else:
        el.text_pos = (line, col + (1 if node.style in ("'", '"') else 0))


# `--changeset author:id`; an author with spaces is quoted: `--changeset "Ann Lee":id`.
_CHANGESET_HEADER = lazy_re(r'^--\s*changeset\s+("[^"\n]*"|[^\s:]+)(?::(\S*))?(.*)$', re.I | re.M)
_ROLLBACK_MARK = lazy_re(r"^--\s*rollback\b|/\*\s*liquibase\s+rollback", re.I | re.M)


def _read_liquibase_sql(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    text = src.content
    headers = list(_CHANGESET_HEADER.finditer(text))
    for n, m in enumerate(headers):
        end = headers[n + 1].start() if n + 1 < len(headers) else len(text)
        author, cs_id = m.group(1).strip('"'), m.group(2) or ""
        attrs = dict(re.findall(r"(\w+):(\S+)", m.group(3)))
        line, col = line_col(text, m.start())
        cs = ChangeSet(_str_or_none(cs_id), _str_or_none(author), line, col,
                       _flag(attrs.get("runInTransaction"), True), raw_sql=True,
                       has_rollback=bool(_ROLLBACK_MARK.search(text, m.end(), end)))
        src.changesets.append(cs)
        if not _dbms_applies(attrs.get("dbms"), database):
            continue
        tx = new_tx() if cs.run_in_transaction else None
        src.statements += sql_statements(src.filename, text, dialect, tx, start=m.end(), end=end,
                                         origin=f"changeSet {cs.id} ({cs.author})")


# --- Alembic ---------------------------------------------------------------------------------

def _read_alembic(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    try:
        tree = ast.parse(src.content)
    except SyntaxError as err:
        src.problems.append(Problem(err.lineno or 1, (err.offset or 1), f"Python syntax error: {err.msg}"))
        return
    except (MemoryError, RecursionError):     # CPython's parser gives up on deep nesting this way
        src.problems.append(Problem(1, 1, "Python code nested too deeply to read"))
        return
    info = src.alembic = AlembicInfo()
    for node in tree.body:
        _alembic_module_node(src, info, node, dialect)


def _alembic_module_node(src: SourceFile, info: AlembicInfo, node: ast.stmt, dialect: str) -> None:
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for name in (t.id for t in targets if isinstance(t, ast.Name)):
            _alembic_assignment(info, name, node)
    elif isinstance(node, ast.FunctionDef) and node.name == "upgrade":
        info.has_upgrade = True
        AlembicReader(src, dialect, "up").body(node.body, new_tx())
    elif isinstance(node, ast.FunctionDef) and node.name == "downgrade":
        info.downgrade_line, info.downgrade_empty = node.lineno, _empty_body(node.body)
        AlembicReader(src, dialect, "down").body(node.body, new_tx())


def _alembic_assignment(info: AlembicInfo, name: str, node) -> None:
    try:
        value = literal(node.value) if node.value is not None else None
    except ValueError:
        value = "<computed>"
    if name == "revision":
        info.revision, info.revision_line = (str(value) if value is not None else None), node.lineno
    elif name == "down_revision":
        info.has_down_revision, info.down_revision = True, value


def _empty_body(body: list[ast.stmt]) -> bool:
    """Only `pass`, `...` or a docstring: the revision cannot be rolled back."""
    for node in body:
        if isinstance(node, ast.Pass):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        return False
    return True


_SA_TYPES = {"Integer": "INTEGER", "BigInteger": "BIGINT", "SmallInteger": "SMALLINT", "String": "VARCHAR",
             "Unicode": "VARCHAR", "Text": "TEXT", "Boolean": "BOOLEAN", "DateTime": "TIMESTAMP",
             "Date": "DATE", "Time": "TIME", "Numeric": "NUMERIC", "Float": "FLOAT", "JSON": "JSON",
             "JSONB": "JSONB", "UUID": "UUID", "Uuid": "UUID", "LargeBinary": "BYTEA", "Enum": "TEXT"}


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _lit(node: ast.AST | None, default: object = None) -> object:
    if node is None:
        return default
    try:
        return literal(node)
    except ValueError:
        return default


class AlembicReader:
    """Walks upgrade()/downgrade() and turns `op.*` calls and executed SQL into statements."""

    def __init__(self, src: SourceFile, dialect: str, direction: str):
        self.src, self.dialect, self.direction = src, dialect, direction
        self.batch: dict[str, str] = {}    # `with op.batch_alter_table("t") as b` -> {"b": "t"}

    def body(self, nodes: list[ast.stmt], tx: int | None) -> None:
        for node in nodes:
            self.statement(node, tx)

    def statement(self, node: ast.stmt, tx: int | None) -> None:
        if isinstance(node, (ast.With, ast.AsyncWith)):
            self.with_block(node, tx)
        elif isinstance(node, (ast.If, ast.For, ast.While, ast.Try)):
            for part in ("body", "orelse", "finalbody"):
                self.body(getattr(node, part, []) or [], tx)
            for handler in getattr(node, "handlers", []):
                self.body(handler.body, tx)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for call in sorted((n for n in ast.walk(node) if isinstance(n, ast.Call)),
                               key=lambda n: (n.lineno, n.col_offset)):
                self.call(call, tx)

    def with_block(self, node: ast.With, tx: int | None) -> None:
        for item in node.items:
            name = _call_name(item.context_expr)
            if name == "autocommit_block":
                tx = None      # Alembic commits, runs the body outside a transaction, then reopens one
            elif name == "batch_alter_table" and isinstance(item.optional_vars, ast.Name):
                self.batch[item.optional_vars.id] = str(_lit(item.context_expr.args[0], "?"))
        self.body(node.body, tx)

    def call(self, call: ast.Call, tx: int | None) -> None:
        if not isinstance(call.func, ast.Attribute):
            return
        owner = call.func.value.id if isinstance(call.func.value, ast.Name) else None
        name = call.func.attr
        if name == "execute" and call.args:
            self.execute(call.args[0], tx)
        elif owner == "op" or owner in self.batch:
            build = ALEMBIC_OPS.get(name)
            for sql in (build(self, call, self.batch.get(owner)) if build else []):
                self.src.statements.append(Statement(self.src.filename, sql, call.lineno, call.col_offset + 1,
                                                     tx, self.direction, True, f"op.{name}"))

    def execute(self, arg: ast.AST, tx: int | None) -> None:
        if isinstance(arg, ast.Call) and _call_name(arg) == "text" and arg.args:
            arg = arg.args[0]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            if self.src.alembic is not None and self.direction == "up":
                self.src.alembic.dynamic_sql.append((arg.lineno, arg.col_offset + 1))
            return
        base = self.literal_start(arg)
        self.src.statements += sql_statements(self.src.filename, arg.value, self.dialect, tx, base=base,
                                              direction=self.direction, origin="execute")

    def literal_start(self, node: ast.Constant) -> tuple[int, int]:
        """File position of the first character inside a string literal's quotes."""
        line = self.src.content.splitlines()[node.lineno - 1]
        m = re.compile(r"[rRbBuU]*('''|\"\"\"|'|\")").match(line, node.col_offset)
        return node.lineno, (m.end() if m else node.col_offset) + 1

    # -- helpers used by the op translators
    def arg(self, call: ast.Call, index: int, keyword: str, default: object = None) -> object:
        node = self.arg_node(call, index, keyword)
        return _lit(node, default)

    @staticmethod
    def arg_node(call: ast.Call, index: int, keyword: str) -> ast.AST | None:
        for kw in call.keywords:
            if kw.arg == keyword:
                return kw.value
        return call.args[index] if index < len(call.args) else None

    def column(self, node: ast.AST) -> str:
        """`sa.Column("name", sa.Integer(), nullable=False, server_default=...)` as SQL."""
        if not isinstance(node, ast.Call):
            return "? TEXT"
        name = _lit(node.args[0], "?") if node.args else "?"
        parts = [_q(name), _sa_type(node.args[1] if len(node.args) > 1 else None)]
        kw = {k.arg: k.value for k in node.keywords}
        if "server_default" in kw:
            parts.append("DEFAULT " + _sa_default(kw["server_default"]))
        parts += [_sa_column_arg(a) for a in node.args[2:]]
        if "primary_key" in kw and _lit(kw["primary_key"]):
            parts.append("PRIMARY KEY")
        elif "nullable" in kw and _lit(kw["nullable"], True) is False:
            parts.append("NOT NULL")
        if "unique" in kw and _lit(kw["unique"]):
            parts.append("UNIQUE")
        return " ".join(p for p in parts if p)


def _sa_type(node: ast.AST | None) -> str:
    if node is None:
        return "TEXT"
    name = _call_name(node)
    sql = _SA_TYPES.get(name, name.upper() or "TEXT")
    if isinstance(node, ast.Call):
        args = [str(_lit(a)) for a in node.args if isinstance(_lit(a), (int, float))]
        if args:
            sql += f"({', '.join(args)})"
        if name == "DateTime" and any(k.arg == "timezone" and _lit(k.value) for k in node.keywords):
            sql = "TIMESTAMPTZ"
    return sql


def _sa_default(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return "'" + node.value.replace("'", "''") + "'"      # Alembic renders a str as a literal
    if isinstance(node, ast.Call) and _call_name(node) == "text" and node.args:
        return str(_lit(node.args[0], "NULL"))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return f"{node.func.attr}()"                          # sa.func.now() -> now()
    return str(_lit(node, "NULL"))


def _sa_column_arg(node: ast.AST) -> str:
    name = _call_name(node)
    if name == "ForeignKey" and isinstance(node, ast.Call) and node.args:
        target = str(_lit(node.args[0], "?.?"))
        table, _, col = target.rpartition(".")
        return f"REFERENCES {table} ({col})"
    if name == "Computed" and isinstance(node, ast.Call) and node.args:
        stored = any(k.arg == "persisted" and _lit(k.value) is not False for k in node.keywords)
        return f"GENERATED ALWAYS AS ({_lit(node.args[0], '?')})" + (" STORED" if stored else "")
    if name == "Identity":
        return "GENERATED BY DEFAULT AS IDENTITY"
    return ""


def _names(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_q(v) for v in value)
    return _q(value)


def _op_add_column(r: AlembicReader, call: ast.Call, batch: str | None) -> list[str]:
    table = batch or r.arg(call, 0, "table_name")
    col = r.arg_node(call, 0 if batch else 1, "column")
    return [f"ALTER TABLE {_q(table)} {_add_column_clause(r.dialect)} {r.column(col)}"]


def _op_create_table(r: AlembicReader, call: ast.Call, batch: str | None) -> list[str]:
    cols = [r.column(a) for a in call.args[1:] if _call_name(a) == "Column"]
    return [f"CREATE TABLE {_q(r.arg(call, 0, 'table_name'))} ({', '.join(cols)})"]


def _op_create_index(r: AlembicReader, call: ast.Call, batch: str | None) -> list[str]:
    name = r.arg(call, 0, "index_name")
    table = batch or r.arg(call, 1, "table_name")
    cols = r.arg(call, 1 if batch else 2, "columns", ["?"])
    unique = "UNIQUE " if r.arg(call, 99, "unique", False) else ""
    conc = "CONCURRENTLY " if r.arg(call, 99, "postgresql_concurrently", False) else ""
    return [f"CREATE {unique}INDEX {conc}{_q(name)} ON {_q(table)} ({_names(cols)})"]


def _op_drop_index(r: AlembicReader, call: ast.Call, batch: str | None) -> list[str]:
    conc = "CONCURRENTLY " if r.arg(call, 99, "postgresql_concurrently", False) else ""
    return [f"DROP INDEX {conc}{_q(r.arg(call, 0, 'index_name'))}"]


def _op_alter_column(r: AlembicReader, call: ast.Call, batch: str | None) -> list[str]:
    table = _q(batch or r.arg(call, 0, "table_name"))
    column = _q(r.arg(call, 0 if batch else 1, "column_name"))
    kw = {k.arg: k.value for k in call.keywords}
    out = []
    if "type_" in kw:
        out.append(modify_type_sql(r.dialect, table, column, _sa_type(kw["type_"])))
    if "nullable" in kw and _lit(kw["nullable"], True) is False:
        out.append(not_null_sql(r.dialect, table, column, _sa_type(kw.get("existing_type"))))
    if "server_default" in kw and _lit(kw["server_default"], "x") is not None:
        out.append(f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {_sa_default(kw['server_default'])}")
    if "new_column_name" in kw:
        out.append(f"ALTER TABLE {table} RENAME COLUMN {column} TO {_q(_lit(kw['new_column_name']))}")
    return out


def _op_constraint(kind: str, cols_index: int):
    def build(r: AlembicReader, call: ast.Call, batch: str | None) -> list[str]:
        name = r.arg(call, 0, "constraint_name")
        table = batch or r.arg(call, 1, "table_name")
        cols = r.arg(call, cols_index - (1 if batch else 0), "columns", ["?"])
        return [f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {kind} ({_names(cols)})"]
    return build


def _op_create_fk(r: AlembicReader, call: ast.Call, batch: str | None) -> list[str]:
    shift = 1 if batch else 0
    name, source = r.arg(call, 0, "constraint_name"), batch or r.arg(call, 1, "source_table")
    referent = r.arg(call, 2 - shift, "referent_table")
    local, remote = r.arg(call, 3 - shift, "local_cols", ["?"]), r.arg(call, 4 - shift, "remote_cols", ["?"])
    not_valid = " NOT VALID" if r.arg(call, 99, "postgresql_not_valid", False) else ""
    return [f"ALTER TABLE {_q(source)} ADD CONSTRAINT {_q(name)} FOREIGN KEY ({_names(local)}) "
            f"REFERENCES {_q(referent)} ({_names(remote)}){not_valid}"]


def _op_create_check(r: AlembicReader, call: ast.Call, batch: str | None) -> list[str]:
    shift = 1 if batch else 0
    name, table = r.arg(call, 0, "constraint_name"), batch or r.arg(call, 1, "table_name")
    cond = r.arg_node(call, 2 - shift, "condition")
    text = _lit(cond) if isinstance(cond, ast.Constant) else (_lit(cond.args[0]) if isinstance(cond, ast.Call)
                                                              and cond.args else "?")
    not_valid = " NOT VALID" if r.arg(call, 99, "postgresql_not_valid", False) else ""
    return [f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} CHECK ({text}){not_valid}"]


ALEMBIC_OPS = {
    "add_column": _op_add_column,
    "create_table": _op_create_table,
    "create_index": _op_create_index,
    "drop_index": _op_drop_index,
    "alter_column": _op_alter_column,
    "drop_column": lambda r, c, b: [f"ALTER TABLE {_q(b or r.arg(c, 0, 'table_name'))} DROP COLUMN "
                                    f"{_q(r.arg(c, 0 if b else 1, 'column_name'))}"],
    "drop_table": lambda r, c, b: [f"DROP TABLE {_q(r.arg(c, 0, 'table_name'))}"],
    "rename_table": lambda r, c, b: [f"ALTER TABLE {_q(r.arg(c, 0, 'old_table_name'))} RENAME TO "
                                     f"{_q(r.arg(c, 1, 'new_table_name'))}"],
    "create_unique_constraint": _op_constraint("UNIQUE", 2),
    "create_primary_key": _op_constraint("PRIMARY KEY", 2),
    "create_foreign_key": _op_create_fk,
    "create_check_constraint": _op_create_check,
}

_READERS = {"sql": _read_plain, "flyway": _read_flyway, "flyway_conf": _read_conf,
            "liquibase_xml": _read_liquibase_xml, "liquibase_yaml": _read_liquibase_yaml,
            "liquibase_sql": _read_liquibase_sql, "alembic": _read_alembic}
