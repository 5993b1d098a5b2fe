"""What a rule sees: one statement and the state that earlier statements built up (tables
created here, lock_timeout set, constraints validated).

PostgreSQL statements are read by PostgreSQL's own parser (`view.pg`, see _pg.py): PostgreSQL
rules match that tree. For the other databases rules match patterns on *masked* text
(upper-cased, literals and comments blanked, same length as the original) because sqlglot 30
turns many of their DDL forms into opaque `Command`s (Oracle `ONLINE`, MySQL `CREATE INDEX ...
LOCK=NONE`) and a pattern must never fire inside a string literal or a comment; sqlglot's tree
(`view.tree`) is parsed only when a rule asks for it.
"""
from __future__ import annotations

import re

from ...dialects import DATABASES, sqlglot_name
from ...sources import SourceFile, Statement, lazy_re, mask
from . import _pg

SEVERITIES = ("error", "warning", "info")
# The node kind of a statement PostgreSQL's parser refuses, for a rule that reads only those.
UNPARSED = "(unparsed)"
ALL_DATABASES = DATABASES
DIALECTS = {database: sqlglot_name(database) for database in DATABASES}     # sqlglot's names

# One identifier, quoted in any dialect's way, and a possibly schema-qualified name.
IDENT = r'(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[\w$#]+)'
QNAME = rf"{IDENT}(?:\s*\.\s*{IDENT})*"


def version_tuple(text: str | None) -> tuple[int, ...] | None:
    if text is None or str(text).strip() == "":
        return None
    parts = re.findall(r"\d+", str(text))
    if not parts:
        raise ValueError(f"not a version: {text!r}")
    return tuple(int(p) for p in parts[:3])


def name_of(raw: str | None) -> str | None:
    """Comparable table/column name: last part, unquoted, lower case."""
    if not raw:
        return None
    last = re.split(r"\s*\.\s*(?=(?:[^\"`\]]|\"[^\"]*\"|`[^`]*`|\[[^\]]*\])*$)", raw.strip())[-1]
    return last.strip('"`[]').lower()


# Plain classes, not dataclasses: importing `dataclasses` (it loads `inspect`) was the largest
# single cost of a `dbmig validate` process's start.

class Example:
    """A rule's own test case. In `bad` examples the expected finding lines carry `[bad]` in a
    comment; without the marker the finding is expected on line 1."""

    def __init__(self, content: str, database: str | None = None, version: str | None = None,
                 tool: str | None = None, filename: str | None = None, files: tuple[dict, ...] = (),
                 schema: str | None = None):
        self.content, self.database, self.version, self.tool = content, database, version, tool
        self.filename = filename
        self.files = files          # further files of the same migration (e.g. a sidecar)
        self.schema = schema        # the current schema (CREATE TABLE text), as `validate --schema`

    def __repr__(self) -> str:
        return f"Example({self.content!r}, database={self.database!r})"


class Hit:
    __slots__ = ("offset", "detail", "line", "column", "file", "severity")

    def __init__(self, offset: int = 0, detail: str = "", line: int | None = None, column: int | None = None,
                 file: str | None = None, severity: str | None = None):
        self.offset = offset        # statement rules: character offset inside the statement text
        self.detail = detail        # what exactly was found; prefixed to the rule's message
        self.line, self.column = line, column   # file and set rules give the position themselves
        self.file = file
        self.severity = severity    # a rule may lower its level for one finding (e.g. unverifiable)

    def __repr__(self) -> str:
        return f"Hit({self.offset}, {self.detail!r}, line={self.line}, column={self.column})"


class Rule:
    def __init__(self, id: str, severity: str, reason: str, message: str, safe_alternative: str, check: object,
                 databases: tuple[str, ...] = ALL_DATABASES, scope: str = "statement", since: dict | None = None,
                 until: dict | None = None, tools: tuple[str, ...] | None = None, rollback: bool = True,
                 ok: tuple = (), bad: tuple = (), nodes: tuple[str, ...] | None = None):
        self.id, self.severity, self.reason, self.message = id, severity, reason, message
        self.safe_alternative = safe_alternative
        self.check = check              # (SqlView | SourceFile | list[SourceFile], Context) -> Iterable[Hit]
        self.databases = databases
        self.scope = scope              # statement | file | set (all files together)
        self.since: dict[str, str] = since or {}
        self.until: dict[str, str] = until or {}
        self.tools = tools
        self.rollback = rollback        # also check rollback code (U files, downgrade)
        self.ok, self.bad = ok, bad
        self.nodes = nodes              # PostgreSQL: the parse-tree node kinds the rule reads (or UNPARSED)

    def __repr__(self) -> str:
        return f"Rule({self.id!r})"

    def applies(self, database: str, version: tuple[int, ...] | None, tool: str | None) -> bool:
        if database not in self.databases:
            return False
        if self.tools is not None and tool not in self.tools:
            return False
        if database in self.since and version is not None and version < version_tuple(self.since[database]):
            return False
        if database in self.until and (version is None or version >= version_tuple(self.until[database])):
            return False   # an unknown version is taken as a current one
        return True


# --- per-statement view ----------------------------------------------------------------------

# Statements sqlglot leaves opaque (Command) or rejects, whose risky forms our patterns cover.
UNDERSTOOD = lazy_re(
    r"\s*(?:VACUUM|CLUSTER|REINDEX|OPTIMIZE\s+TABLE|ANALYZE|DO\b|ALTER\s+(?:TYPE|INDEX|SEQUENCE|DATABASE|ROLE|"
    r"SYSTEM)|RENAME\s+TABLE|CREATE\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?(?:BITMAP\s+)?INDEX|ALTER\s+TABLE|COMMENT\s+ON|GRANT|REVOKE|"
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE|TRIGGER|VIEW|EXTENSION|SCHEMA|SEQUENCE|TYPE|PACKAGE)|"
    r"DROP\s+(?:FUNCTION|PROCEDURE|TRIGGER|EXTENSION|TYPE|SEQUENCE)|SET\b|RESET\b|EXEC(?:UTE)?\b|CALL\b|"
    r"REFRESH\s+MATERIALIZED|LOCK\s+TABLE|BEGIN\b|DECLARE\b|START\s+TRANSACTION|SAVEPOINT|RELEASE|PRAGMA|"
    r"PERFORM|SELECT\b|USE\b|PRINT\b|IF\b)")


class cached:
    """cached_property without its lock (Python 3.11 takes one per access): rules read these
    attributes tens of thousands of times per large file."""

    def __init__(self, compute):
        self.compute, self.name = compute, compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, view, owner=None):
        if view is None:
            return self
        value = view.__dict__[self.name] = self.compute(view)
        return value


class SqlView:
    """One statement as rules see it: PostgreSQL's parse tree (`pg`, with its node `kind`),
    masked text and sqlglot's tree for the other databases, each computed on first use."""

    def __init__(self, stmt: Statement, database: str):
        self.stmt = stmt
        self.database = database
        self.dialect = DIALECTS[database]
        self.text = stmt.text
        self.pg: _pg.Tree | None = _pg.tree_of(stmt) if database == "postgresql" else None
        self.kind: str | None = self.pg.kind if self.pg is not None else None

    @cached
    def masked(self) -> str:
        return mask(self.text, self.dialect)

    @cached
    def head(self) -> str:
        return " ".join(self.masked[:120].split())

    def search(self, pattern: str, start: int = 0) -> re.Match | None:
        return re.compile(pattern).search(self.masked, start)

    def startswith(self, pattern: str) -> re.Match | None:
        return re.compile(r"\s*(?:" + pattern + ")").match(self.masked)

    @cached
    def table(self) -> str | None:
        """The table the statement works on, if it names one."""
        if self.kind:
            return _pg_table(self.pg)
        m = re.match(rf"\s*(?:ALTER\s+TABLE(?:\s+IF\s+EXISTS)?(?:\s+ONLY)?|TRUNCATE(?:\s+TABLE)?(?:\s+ONLY)?|"
                     rf"UPDATE(?:\s+ONLY)?|DELETE\s+FROM(?:\s+ONLY)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|"
                     rf"CREATE\s+(?:GLOBAL\s+|LOCAL\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE"
                     rf"(?:\s+IF\s+NOT\s+EXISTS)?|OPTIMIZE\s+TABLE|VACUUM(?:\s+\(.*?\))?(?:\s+FULL)?(?:\s+VERBOSE)?"
                     rf"(?:\s+ANALYZE)?|CLUSTER(?:\s+VERBOSE)?)\s+({QNAME})", self.masked)
        if not m:
            m = re.match(rf"\s*CREATE\s+.*?\bINDEX\b.*?\bON\s+(?:ONLY\s+)?({QNAME})", self.masked, re.S)
        return name_of(self.text[m.start(1):m.end(1)]) if m else None

    @cached
    def clauses(self) -> list[tuple[int, str]]:
        """ALTER TABLE actions split at top-level commas: (offset, masked clause)."""
        m = re.match(rf"\s*ALTER\s+TABLE(?:\s+IF\s+EXISTS)?(?:\s+ONLY)?\s+{QNAME}\s*", self.masked)
        if not m:
            return []
        return split_top(self.masked, m.end(), len(self.masked))

    @cached
    def cmds(self) -> list[tuple[int, dict]]:
        """PostgreSQL ALTER TABLE actions from the tree: (offset of the action, AlterTableCmd)."""
        cmds = _pg.alter_cmds(self.pg) if self.kind else []
        if not cmds:
            return []
        offsets = _pg.clause_offsets(self.text, self.pg) if len(cmds) > 1 else [0]
        offsets += [offsets[-1]] * (len(cmds) - len(offsets))
        return list(zip(offsets, cmds))

    @cached
    def new_columns(self) -> list[_pg.NewColumn]:
        """PostgreSQL: the columns an ALTER TABLE adds, each at its place in the statement."""
        return [_pg.NewColumn(_pg.location(_pg.column_def(cmd), off, self.text, self.pg), _pg.column_def(cmd))
                for off, cmd in self.cmds if cmd.get("subtype") == "AT_AddColumn"]

    @cached
    def parsed(self):
        """sqlglot's reading: (tree, None) or (None, ParseError). The tree is shared with the
        result gate, which parsed the same statement text already (dbmig.sqlparse): read only."""
        import logging
        from sqlglot.errors import ParseError
        from ...sqlparse import parse_one
        logger = logging.getLogger("sqlglot")
        level = logger.level
        if level < logging.ERROR:      # setLevel clears every logger's cache: only when it changes
            logger.setLevel(logging.ERROR)     # sqlglot logs "unsupported" for forms it still prints
        try:
            return parse_one(self.text, self.dialect), None
        except ParseError as err:
            return None, err
        except Exception as err:           # sqlglot raises other errors on odd input too
            return None, ParseError(str(err))
        finally:
            if level < logging.ERROR:
                logger.setLevel(level)

    @property
    def tree(self):
        return self.parsed[0]

    def understood(self) -> bool:
        """A pattern here knows the statement, or the dialect's gate allow-list names it."""
        from ...dialects import get_dialect
        allow = get_dialect(self.database).command_allow
        text = self.text.strip().rstrip(";").strip()
        return bool(UNDERSTOOD.match(self.masked)) or any(p.match(text) for p in allow)


# Where each PostgreSQL statement kind names its table.
_RELATION = {"AlterTableStmt": "relation", "IndexStmt": "relation", "UpdateStmt": "relation",
             "DeleteStmt": "relation", "CreateStmt": "relation", "ClusterStmt": "relation",
             "ReindexStmt": "relation", "InsertStmt": "relation", "CreateTrigStmt": "relation"}


def _pg_table(tree: _pg.Tree) -> str | None:
    node = tree.node
    if tree.kind in _RELATION:
        return _pg.relname(node.get(_RELATION[tree.kind]))
    if tree.kind == "TruncateStmt":
        return _pg.relname(node["relations"][0].get("RangeVar"))
    if tree.kind == "VacuumStmt" and node.get("rels"):
        return _pg.relname(node["rels"][0]["VacuumRelation"].get("relation"))
    if tree.kind == "CreateTableAsStmt":
        return _pg.relname(node.get("into", {}).get("rel"))
    if tree.kind == "DropStmt" and node.get("removeType") == "OBJECT_TABLE":
        return _pg.svals(node["objects"][0]["List"]["items"])[-1].lower()
    if tree.kind == "RenameStmt" and node.get("renameType") in ("OBJECT_TABLE", "OBJECT_COLUMN"):
        return _pg.relname(node.get("relation"))
    return None


def split_top(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """Pieces of text[start:end] between commas at parenthesis depth 0."""
    out, depth, begin = [], 0, start
    for i in range(start, end):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append((begin, text[begin:i]))
            begin = i + 1
    out.append((begin, text[begin:end]))
    return [(a + len(c) - len(c.lstrip()), c.strip()) for a, c in out if c.strip()]


_NOT_A_COLUMN = r"(?:CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK|INDEX|KEY|FULLTEXT|SPATIAL|PARTITION|EXCLUDE|PERIOD)\b"


def added_columns(view: SqlView) -> list[tuple[int, str]]:
    """Column definitions added by an ALTER TABLE: (offset, masked definition). Computed once
    per statement: explain asks for them once per clause, which was quadratic in the clauses."""
    if "_added_columns" not in view.__dict__:
        view.__dict__["_added_columns"] = _added_columns(view)
    return view.__dict__["_added_columns"]


def _added_columns(view: SqlView) -> list[tuple[int, str]]:
    out = []
    for off, clause in view.clauses:
        m = re.match(rf"ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?!{_NOT_A_COLUMN})", clause)
        if not m:
            continue
        rest = clause[m.end():]
        if rest.startswith("("):        # Oracle/MySQL: ADD (col type, col type)
            inner = off + m.end() + 1
            out += split_top(view.masked, inner, inner + _paren_len(rest) - 1)
        else:
            out.append((off + m.end(), rest))
    return out


def _paren_len(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return i
    return len(text)


# Where a column default ends: the next column-constraint keyword that starts a word. Matched
# only at word starts (the lookbehind), so each position is tried once: the old lazy `.+?`
# with a `\s+` lookahead re-scanned every run of blanks (a masked 32 KB literal is one) per
# character, 14 s for 32 KB.
_DEFAULT_START = lazy_re(r"\bDEFAULT\s")
_DEFAULT_END = lazy_re(r"(?<!\S)(?:NOT\s+NULL|NULL|CONSTRAINT|CHECK|REFERENCES|UNIQUE|PRIMARY|GENERATED|"
                          r"COLLATE|ON\s+UPDATE|AFTER|FIRST|COMMENT)\b")


def column_default(definition: str) -> str | None:
    """The default expression of a (masked) column definition, in linear time."""
    start = _DEFAULT_START.search(definition)
    if not start:
        return None
    begin = len(definition) - len(definition[start.end():].lstrip())      # past the blanks after DEFAULT
    end = _DEFAULT_END.search(definition, begin + 1) if begin < len(definition) else None
    value = definition[begin:end.start() if end else len(definition)].strip()
    return value or None


# --- state carried from statement to statement -----------------------------------------------

class Column:
    """What the migration itself says about a column (CREATE TABLE, ADD COLUMN, SET NOT NULL)."""
    __slots__ = ("type", "mods", "not_null")

    def __init__(self, type: str = "", mods: tuple[int, ...] = (), not_null: bool = False):
        self.type = type            # PostgreSQL: type name; MySQL: the masked definition
        self.mods = mods            # PostgreSQL type modifiers: varchar(20) -> (20,)
        self.not_null = not_null

    def __repr__(self) -> str:
        return f"Column({self.type!r}, {self.mods!r}, not_null={self.not_null})"


class Context:
    def __init__(self, database: str, version: tuple[int, ...] | None, tool: str | None):
        self.database, self.version, self.tool = database, version, tool
        self.sources: list[SourceFile] = []
        self.file: SourceFile | None = None
        self.lock_timeout = False                       # per file: each file is its own session
        self.lock_timeout_reported = False
        self.statement_timeout = False
        self.statement_timeout_reported = False
        self.open_tx: Statement | None = None           # per file: an explicit BEGIN not yet committed
        self.fk_checks_off = False                      # MySQL: SET foreign_key_checks = 0 in this session
        self.created_tables: set[str] = set()
        self.columns: dict[tuple[str, str], Column] = {}
        self.indexes: dict[str, tuple[str, tuple[str, ...]]] = {}     # name -> (table, columns)
        self.not_null_checks: dict[str, tuple[str, str]] = {}         # name -> (table, column)
        self.validated_not_null: set[tuple[str, str]] = set()
        self.not_valid: dict[str, int | None] = {}                    # name -> tx it was added in
        self.validated: set[str] = set()                              # constraints VALIDATEd so far
        self.partitioned: set[str] = set()          # PostgreSQL partitioned tables (PARTITION BY)
        self.parsed_ahead: _pg.ParseAhead | None = None     # PostgreSQL: whole files parsed on a second thread
        self.severities: tuple[str, ...] = SEVERITIES       # the rules run: those of these levels

    def at_least(self, *version: int) -> bool:
        """True when the target is at least this version; an unknown version counts as current."""
        return self.version is None or self.version >= version

    @property
    def mariadb(self) -> bool:
        return self.database == "mysql" and self.version is not None and self.version[0] >= 10

    def begin_file(self, src: SourceFile) -> None:
        self.file, self.lock_timeout, self.lock_timeout_reported = src, False, False
        self.statement_timeout, self.statement_timeout_reported = False, False
        self.open_tx, self.fk_checks_off = None, False

    def is_partitioned(self, table: str | None) -> bool:
        return table is not None and table in self.partitioned

    def is_new_table(self, view: SqlView) -> bool:
        """Tables created earlier in this migration are empty and unseen by the app: no risk."""
        return view.table is not None and view.table in self.created_tables

    def column(self, table: str | None, name: str) -> Column | None:
        return self.columns.get((table or "", name.lower()))

    def maybe_null(self, table: str | None, index: str) -> list[str] | None:
        """Columns of `index` not known to be NOT NULL (what ADD PRIMARY KEY USING INDEX must
        scan for); None when the index is not known."""
        known = self.indexes.get(index.lower())
        if known is None:
            return None
        return [c for c in known[1] if not self._not_null(table, c)]

    def _not_null(self, table: str | None, column: str) -> bool:
        col = self.column(table, column)
        return bool(col and col.not_null) or (self.at_least(12) and (table, column) in self.validated_not_null)


# Each run of blanks has one way to match (no `\s*\(?\s*`, whose two `\s*` split a long run in
# quadratically many ways before failing).
_CHECK_NOT_NULL = lazy_re(rf"ADD\s+CONSTRAINT\s+({IDENT})\s+CHECK\s*\(\s*(?:\(\s*)?({IDENT})\s+IS\s+NOT\s+NULL"
                          r"\s*(?:\)\s*)?\)")
_NOT_VALID_ADD = lazy_re(rf"ADD\s+CONSTRAINT\s+({IDENT})\b.*\bNOT\s+VALID\b", re.S)
_VALIDATE = lazy_re(rf"VALIDATE\s+CONSTRAINT\s+({IDENT})")
# MySQL lock_wait_timeout, SQL Server LOCK_TIMEOUT, Oracle ddl_lock_timeout (PostgreSQL reads the tree).
_LOCK_TIMEOUT = lazy_re(r"\s*(?:SET\s+(?:SESSION\s+|LOCAL\s+|@@SESSION\.)?(?:LOCK_TIMEOUT|LOCK_WAIT_TIMEOUT)|"
                           r"ALTER\s+SESSION\s+SET\s+DDL_LOCK_TIMEOUT)\s*(?:=|TO)?\s*(\S+)")
_FK_CHECKS = lazy_re(r"\s*SET\s+(?:SESSION\s+|@@SESSION\.|@@)?FOREIGN_KEY_CHECKS\s*(?:=|TO)\s*(\S+)")
_MY_COLUMN = lazy_re(rf"({IDENT})\s+(.*)", re.S)


def observe(view: SqlView, ctx: Context) -> None:
    """Record what this statement changes for the statements after it."""
    if view.kind:
        _observe_pg.observe_pg(view, ctx)
        return
    m = _LOCK_TIMEOUT.match(view.masked)
    if m:
        value = view.text[m.start(1):m.end(1)].strip("'\" ")
        ctx.lock_timeout = value not in ("0", "DEFAULT", "default")
    m = _FK_CHECKS.match(view.masked) if view.database == "mysql" else None
    if m:
        ctx.fk_checks_off = m.group(1).strip("'\";") in ("0", "OFF", "FALSE")
    if view.startswith(r"CREATE\s+(?:GLOBAL\s+|LOCAL\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE") and view.table:
        ctx.created_tables.add(view.table)
        _observe_create(view, ctx)
    for off, clause in view.clauses:
        _observe_clause(view, ctx, off, clause)
    for _, definition in (added_columns(view) if view.database == "mysql" else ()):
        m = _MY_COLUMN.match(definition)
        if m:
            ctx.columns[(view.table, name_of(m.group(1)))] = Column(m.group(2).strip())


def _observe_create(view: SqlView, ctx: Context) -> None:
    """Column definitions of a CREATE TABLE (masked): later MODIFYs compare against them."""
    open_at = view.masked.find("(")
    if open_at < 0:
        return
    inner = open_at + 1
    for _, part in split_top(view.masked, inner, inner + _paren_len(view.masked[open_at:]) - 1):
        m = _MY_COLUMN.match(part)
        if m and not re.match(_NOT_A_COLUMN, part):
            ctx.columns[(view.table, name_of(m.group(1)))] = Column(m.group(2).strip())


def _observe_clause(view: SqlView, ctx: Context, off: int, clause: str) -> None:
    raw = view.text[off:off + len(clause)]
    m = _CHECK_NOT_NULL.match(clause)
    if m:
        name, column = name_of(raw[m.start(1):m.end(1)]), name_of(raw[m.start(2):m.end(2)])
        ctx.not_null_checks[name] = (view.table, column)
        if not re.search(r"\bNOT\s+VALID\b", clause):
            ctx.validated_not_null.add((view.table, column))
    m = _NOT_VALID_ADD.match(clause)
    if m:
        ctx.not_valid[name_of(raw[m.start(1):m.end(1)])] = view.stmt.tx
    m = _VALIDATE.match(clause)
    if m:
        name = name_of(raw[m.start(1):m.end(1)])
        if name in ctx.not_null_checks:
            ctx.validated_not_null.add(ctx.not_null_checks[name])
    m = re.match(rf"(?:MODIFY|CHANGE\s+(?:COLUMN\s+)?{IDENT})\s+(?:COLUMN\s+)?({IDENT})\s+(.*)", clause, re.S) \
        if view.database == "mysql" else None
    if m:
        ctx.columns[(view.table, name_of(m.group(1)))] = Column(m.group(2).strip())



from . import _observe_pg  # noqa: E402  (it builds on the classes above)
