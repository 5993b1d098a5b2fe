"""Which operation a statement is, in the words of the facts tables (`dialects/data/*.toml`).

Recognition only: the lock, what it blocks and what the duration follows are the dialect's
facts for the operation found here, the same ones the planner writes into each Step. PostgreSQL
statements are read from PostgreSQL's parse tree (`pg.py`); the other databases' from the same
masked text the lint rules use; where the SQL alone cannot tell (MySQL
MODIFY and SQL Server ALTER COLUMN restate a column: is it a type change or only NOT NULL?), the
`schema` given to explain decides, as it does for the planner.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from ..dialects import Dialect
from ..errors import DbmigError
from ..lint.rules import IDENT, QNAME, SqlView, added_columns, column_default, name_of
from ..schema import ColumnDef, VirtualSchema
from ..types import SqlType, from_sqlglot

# Statement starts -> operation. First match wins: a copy into a new table before CREATE TABLE.
_STATEMENTS = [
    (r"CREATE\s+(?:UNIQUE\s+)?(?:(?:NON)?CLUSTERED\s+|BITMAP\s+|FULLTEXT\s+)?INDEX\b", "add_index"),
    (r"DROP\s+INDEX\b", "drop_index"),
    (rf"CREATE\s+(?:\w+\s+)*TABLE\s+{QNAME}\s+AS\s*\(?\s*SELECT\b", "copy_table"),
    (r"CREATE\s+(?:\w+\s+)*TABLE\b", "create_table"), (r"DROP\s+TABLE\b", "drop_table"),
    (r"TRUNCATE\b", "truncate"), (r"UPDATE\b", "update"), (r"DELETE\b", "delete"), (r"INSERT\b", "insert"),
    (r"VACUUM\s*(?:\([^)]*FULL|(?:\w+\s+)*FULL)", "vacuum_full"), (r"VACUUM\b", "vacuum"),
    (r"CLUSTER\b", "cluster"), (r"REINDEX\b", "reindex"), (r"OPTIMIZE\b", "optimize"),
    (r"RENAME\s+TABLE\b", "rename_table"),
    (r"EXEC(?:UTE)?\s+(?:\w+\.)*SP_RENAME\s+'[^']*'\s*,\s*'[^']*'\s*,\s*'", "rename_column"),  # third: 'COLUMN'
    (r"EXEC(?:UTE)?\s+(?:\w+\.)*SP_RENAME\b", "rename_table"),
    # a named default constraint looked up, to be dropped (SQL Server's DROP DEFAULT)
    (r"(?s:SELECT\s+@\w+\s*=.*\bFROM\s+SYS\.DEFAULT_CONSTRAINTS\b)", "drop_default"),
    (r"SET\b|RESET\b|ALTER\s+SESSION\b", "setting"),
    (r"(?:BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK|END)\b", "transaction"),
    (rf"(?s:SELECT\b(?:(?!\bFROM\b).)*\bINTO\s+(?!@){QNAME}\s+FROM\b)", "copy_into"),
    (r"SELECT\b|WITH\b", "select"), (r"ALTER\s+INDEX\b.*\bREBUILD\b", "reindex"),
]

# ALTER TABLE actions -> operation (one statement may hold several: the costliest counts).
_CLAUSES = [
    (r"ADD\s+(?:CONSTRAINT\s+\S+\s+)?(?:UNIQUE|PRIMARY\s+KEY)\b.*\bUSING\s+INDEX\b", "zd_unique_using_index"),
    (r"(?:WITH\s+NOCHECK\s+)?ADD\s+(?:CONSTRAINT\s+\S+\s+)?FOREIGN\s+KEY\b.*\b(?:NOT\s+VALID|ENABLE\s+NOVALIDATE)\b",
     "zd_fk_not_valid"),
    (r"(?:WITH\s+NOCHECK\s+)?ADD\s+(?:CONSTRAINT\s+\S+\s+)?CHECK\b.*\b(?:NOT\s+VALID|ENABLE\s+NOVALIDATE)\b",
     "zd_check_not_valid"),
    (r"WITH\s+NOCHECK\s+ADD\s+(?:CONSTRAINT\s+\S+\s+)?FOREIGN\s+KEY\b", "zd_fk_not_valid"),
    (r"WITH\s+NOCHECK\s+ADD\s+(?:CONSTRAINT\s+\S+\s+)?CHECK\b", "zd_check_not_valid"),
    (r"ADD\s+(?:CONSTRAINT\s+\S+\s+)?FOREIGN\s+KEY\b", "add_foreign_key"),
    (r"ADD\s+(?:CONSTRAINT\s+\S+\s+)?CHECK\b", "add_check"),
    (r"ADD\s+(?:CONSTRAINT\s+\S+\s+)?PRIMARY\s+KEY\b", "add_primary_key"),
    (r"ADD\s+(?:CONSTRAINT\s+\S+\s+)?UNIQUE\b", "add_unique"),
    (r"ADD\s+CONSTRAINT\s+\S+\s+DEFAULT\b", "set_default"),
    (r"ADD\s+(?:UNIQUE\s+|FULLTEXT\s+)?(?:INDEX|KEY)\b", "add_index"),
    (r"(?:VALIDATE\s+CONSTRAINT|WITH\s+CHECK\s+CHECK\s+CONSTRAINT|MODIFY\s+CONSTRAINT\s+\S+\s+VALIDATE)\b",
     "zd_validate"),
    (r"MODIFY\s*\(\s*\S+\s+CONSTRAINT\s+\S+\s+NOT\s+NULL\s+ENABLE\s+NOVALIDATE", "zd_not_null_novalidate"),
    (r"SET\s+UNUSED\b", "zd_set_unused"),
    (r"ADD\b", "add_column"),
    (r"DROP\s+(?:FOREIGN\s+KEY|CHECK|CONSTRAINT|PRIMARY\s+KEY)\b", "drop_constraint"),
    (r"DROP\s+(?:INDEX|KEY)\b", "drop_index"),
    (r"DROP\s+(?:COLUMN\s+)?(?!DEFAULT|NOT\b)", "drop_column"),
    (r"RENAME\s+TO\b", "rename_table"),
    (r"RENAME\b|CHANGE\s+(?:COLUMN\s+)?(\S+)\s+(?!\1\b)", "rename_column"),
    (r"ALTER\s+(?:COLUMN\s+)?\S+\s+SET\s+NOT\s+NULL\b", "set_not_null"),
    (r"ALTER\s+(?:COLUMN\s+)?\S+\s+DROP\s+NOT\s+NULL\b", "drop_not_null"),
    (r"ALTER\s+(?:COLUMN\s+)?\S+\s+SET\s+DEFAULT\b", "set_default"),
    (r"ALTER\s+(?:COLUMN\s+)?\S+\s+DROP\s+DEFAULT\b", "drop_default"),
    (r"MODIFY\s*\(\s*\S+\s+NOT\s+NULL\s*\)", "set_not_null"),
    (r"MODIFY\s*\(\s*\S+\s+NULL\s*\)", "drop_not_null"),
    (r"MODIFY\s*\(\s*\S+\s+DEFAULT\s+NULL\s*\)", "drop_default"),
    (r"MODIFY\s*\(\s*\S+\s+DEFAULT\b", "set_default"),
    (r"ALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET\s+DATA\s+)?TYPE\b|MODIFY\b|CHANGE\b|ALTER\s+COLUMN\b", "alter_column_type"),
]

# The online form of an operation, where the statement asks for it (first the dialect has wins).
_ONLINE = {"add_index": ("add_index_online",), "drop_index": ("drop_index_online",),
           "reindex": ("reindex_online",), "add_column": ("online_add_column",),
           "alter_column_type": ("online_alter_type", "online_modify"), "drop_not_null": ("online_modify",),
           "set_not_null": ("online_set_not_null",), "add_unique": ("online_add_unique",),
           "add_foreign_key": ("online_add_foreign_key",)}
_ONLINE_MARK = r"\bCONCURRENTLY\b|\bONLINE\s*=\s*ON\b|\bONLINE\s*$|\bLOCK\s*=\s*NONE\b|\bALGORITHM\s*=\s*(?:INPLACE|INSTANT)\b"
# What the duration follows, cheapest first: the costliest part of a statement counts.
ORDER = ["none", "unknown", "catalog", "scan", "update", "batched_update", "index", "rewrite"]
_GENERATED = re.compile(r"\bSTORED\b|\bPERSISTED\b|\bSERIAL\b|\bIDENTITY\b")


@dataclass
class Found:
    op: str                     # a key of the facts table
    table: str | None           # whose rows the duration follows
    parts: dict = field(default_factory=dict)   # names the facts' texts mention ({referenced}...)


def classify(view: SqlView, ctx, d: Dialect, schema: VirtualSchema) -> Found:
    """The operation `view` is, for the facts table of `d`. PostgreSQL statements are read from
    PostgreSQL's parse tree (`pg.py`); the patterns below serve the other databases, and
    PostgreSQL text its parser refuses."""
    if view.kind:
        from .pg import classify_pg
        return classify_pg(view, ctx, d, schema)
    raw = view.text.upper()
    if re.search(r"\b(?:LOOP|WHILE)\b", raw) and re.search(r"\b(?:UPDATE|MERGE)\b", raw) and "COMMIT" in raw:
        return Found("batch_update", _updated(view))          # a batched data migration's loop
    marked = bool(view.search(_ONLINE_MARK))    # once a statement: per clause it was quadratic
    for pattern, op in _STATEMENTS:
        if view.startswith(pattern):
            found = _statement(view, ctx, op, d, marked)
            return Found(fact_op(d, found.op), found.table)
    if view.clauses:
        ops = [_clause(view, ctx, d, schema, off, clause, marked) for off, clause in view.clauses]
        return Found(max(ops, key=lambda o: ORDER.index(d.lock(o).cost)), view.table)
    return Found("other", view.table)


def _statement(view: SqlView, ctx, op: str, d: Dialect, marked: bool) -> Found:
    if op == "copy_into":
        op = "copy_table" if d.select_into_creates_table else "select"
    if op == "copy_table":                 # the rows copied are the source table's
        m = view.search(rf"\bFROM\s+({QNAME})")
        return Found(op, name_of(view.text[m.start(1):m.end(1)]) if m else view.table)
    if ctx.is_new_table(view) and op in ("add_index", "insert"):
        return Found("create_table", view.table)               # a table made here: nobody uses it yet
    return Found(online(op, d, marked), view.table)


def online(op: str, d: Dialect, marked: bool) -> str:
    """The online variant of `op` where the statement asks for it (`marked`: CONCURRENTLY,
    ONLINE ...) and the database has one."""
    if not marked:
        return op
    return next((o for o in _ONLINE.get(op, ()) if o in d.facts), op)


def fact_op(d: Dialect, op: str) -> str:
    """`op`, or the nearest operation the database has facts for (a hand-written NOT VALID on a
    database without it is explained as the plain constraint)."""
    while op not in d.facts:
        op = _FALLBACK.get(op, "other")
    return op


_FALLBACK = {"add_primary_key": "add_unique", "set_not_null_validated": "set_not_null",
             "zd_fk_not_valid": "add_foreign_key", "zd_check_not_valid": "add_check", "zd_validate": "add_check",
             "zd_unique_using_index": "add_unique", "alter_column_type_coercible": "alter_column_type",
             "zd_not_null_novalidate": "set_not_null", "zd_set_unused": "drop_column",
             "add_column_rewrite": "add_column", "reindex_online": "reindex"}


def _clause(view: SqlView, ctx, d: Dialect, schema: VirtualSchema, off: int, clause: str, marked: bool) -> str:
    op = next((op for pattern, op in _CLAUSES if re.match(pattern, clause, re.S)), "alter_table")
    raw = view.text[off:off + len(clause)]
    if op == "alter_column_type":
        op = _restated(view, d, schema, raw)
    if op == "add_column" and _column_rewrites(view, ctx, d, off):
        op = "add_column_rewrite"
    if op == "set_not_null" and d.validated_check_skips_scan(ctx.version or ()) and \
            any(t == view.table for t, _ in ctx.validated_not_null):
        op = "set_not_null_validated"
    return fact_op(d, online(op, d, marked))


def _column_rewrites(view: SqlView, ctx, d: Dialect, off: int) -> bool:
    """A generated or identity column fills every row; else the dialect judges the DEFAULT."""
    added = added_columns(view)
    # the first column at or after this clause, by bisection: a scan from the start for every
    # clause was quadratic in the clauses (5,000 ADD COLUMNs: 1.2 s)
    first = bisect.bisect_left(added, off, key=lambda item: item[0])
    for _, definition in added[first:first + 1]:
        if _GENERATED.search(definition):
            return True
        return d.add_column_rewrites(column_default(definition), ctx.version or ())
    return False


_RESTATE = re.compile(rf"(?:ALTER\s+COLUMN|MODIFY(?:\s+COLUMN)?|CHANGE(?:\s+COLUMN)?\s+{IDENT})\s+({IDENT})\s+"
                      r"(?:(?:SET\s+DATA\s+)?TYPE\s+)?(.+?)(\s+NOT\s+NULL|\s+NULL)?(?:\s+DEFAULT\s.*?|\s+USING\s.*?)?"
                      r"(?:\s+WITH\s*\(.*\))?\s*$", re.I | re.S)


def _restated(view: SqlView, d: Dialect, schema: VirtualSchema, clause: str) -> str:
    """A clause that restates a column (type, nullability) against the column it was: a type
    change, or only NOT NULL / NULL (MySQL MODIFY, SQL Server ALTER COLUMN). Without `schema`
    it counts as the type change it may be."""
    inner = re.sub(r"^MODIFY\s*\((.*)\)$", r"MODIFY \1", clause.strip(), flags=re.I | re.S)   # Oracle
    m = _RESTATE.match(inner)
    old = schema.column(view.table, name_of(m.group(1))) if m and view.table else None
    new = native_type(m.group(2), d) if m else None
    if old is None or old.type is None or new is None:
        return "alter_column_type"
    if new != old.type:
        return "alter_column_type_coercible" if d.type_change_in_catalog(old.type, new) else "alter_column_type"
    return _nullability(old, m.group(3))


def _nullability(old: ColumnDef, null: str | None) -> str:
    wants_null = null is None or "NOT" not in null.upper()
    if old.nullable and not wants_null:
        return "set_not_null"
    if not old.nullable and wants_null:
        return "drop_not_null"
    return "alter_table"


def native_type(text: str, d: Dialect) -> SqlType | None:
    """The portable type of a native type text; None when it is none dbmig knows."""
    try:
        return from_sqlglot(exp.DataType.build(text.strip(), dialect=d.sqlglot), "sql")
    except (ParseError, TokenError, ValueError, DbmigError):
        return None


def _updated(view: SqlView) -> str | None:
    """The table a loop updates (the first UPDATE or MERGE INTO in its body)."""
    m = re.search(rf"\b(?:UPDATE|MERGE\s+INTO)\s+(?!dbmig_t\b)({QNAME})", view.text, re.I)
    return name_of(m.group(1)) if m else None

