"""SQL Server's catalog, read-only: sys.objects, sys.columns, sys.types, sys.default_constraints,
sys.identity_columns, sys.key_constraints, sys.foreign_keys, sys.check_constraints, sys.indexes,
sys.index_columns, sys.triggers, sys.sql_expression_dependencies, sys.partitions,
sys.allocation_units, and SERVERPROPERTY for version and edition (Microsoft Learn, "System
catalog views"). All are readable with the metadata visibility of a login that may SELECT the
tables; none needs VIEW SERVER STATE.

SQL Server has no read-only transaction. The session reads inside one transaction that is never
committed (the connection is closed with a rollback), under SET LOCK_TIMEOUT, and runs only
gated SELECTs (session.select_only). No server runs here: tests/test_live_offline.py replays
recorded catalog answers through this module.
"""
from __future__ import annotations

from sqlglot import exp

from ..dialects.sqlserver import SQLSERVER
from .expressions import name_sql as q, parsed, unquoted
from .model import CatalogColumn, CatalogConstraint, CatalogIndex, CatalogTable, ServerFacts

DRIVER = ("pymssql", "pymssql", None)

SERVER = ("SELECT CAST(SERVERPROPERTY('ProductVersion') AS NVARCHAR(128)), CAST(SERVERPROPERTY('Edition') AS "
          "NVARCHAR(128)), CAST(SERVERPROPERTY('EngineEdition') AS INT), @@LOCK_TIMEOUT")
SETUP = ("SET LOCK_TIMEOUT 2000", "SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
# EngineEdition: 3 Enterprise/Developer/Evaluation, 5 Azure SQL Database, 8 Managed Instance
ONLINE_EDITIONS = {3, 5, 8}

_HERE = "t.schema_id = SCHEMA_ID() AND t.name IN ({names})"
HISTORY_TABLE = "SELECT t.name FROM sys.tables AS t WHERE t.schema_id = SCHEMA_ID() AND LOWER(t.name) IN ({names})"
OBJECTS = ("SELECT t.name, t.type FROM sys.objects AS t WHERE " + _HERE + " AND t.type IN ('U', 'V')")
ROWS = ("SELECT t.name, SUM(p.rows) FROM sys.tables AS t JOIN sys.partitions AS p ON p.object_id = t.object_id "
        "WHERE " + _HERE + " AND p.index_id IN (0, 1) GROUP BY t.name")
SIZES = ("SELECT t.name, SUM(a.total_pages) * 8192 FROM sys.tables AS t JOIN sys.partitions AS p ON p.object_id = "
         "t.object_id JOIN sys.allocation_units AS a ON a.container_id = p.partition_id WHERE " + _HERE +
         " GROUP BY t.name")
COLUMNS = ("SELECT t.name, c.name, ty.name, c.max_length, c.precision, c.scale, c.is_nullable, c.is_computed, "
           "CAST(ic.seed_value AS BIGINT), CAST(ic.increment_value AS BIGINT), dc.name, dc.definition "
           "FROM sys.columns AS c JOIN sys.tables AS t ON t.object_id = c.object_id JOIN sys.types AS ty ON "
           "ty.user_type_id = c.user_type_id LEFT JOIN sys.identity_columns AS ic ON ic.object_id = c.object_id "
           "AND ic.column_id = c.column_id LEFT JOIN sys.default_constraints AS dc ON dc.parent_object_id = "
           "c.object_id AND dc.parent_column_id = c.column_id WHERE " + _HERE + " ORDER BY t.name, c.column_id")
KEYS = ("SELECT t.name, k.name, k.type, c.name FROM sys.key_constraints AS k JOIN sys.tables AS t ON t.object_id = "
        "k.parent_object_id JOIN sys.index_columns AS ic ON ic.object_id = k.parent_object_id AND ic.index_id = "
        "k.unique_index_id JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id "
        "WHERE " + _HERE + " ORDER BY t.name, k.name, ic.key_ordinal")
FOREIGN_KEYS = ("SELECT t.name, f.name, f.is_not_trusted, f.delete_referential_action_desc, pc.name, rt.name, rc.name "
                "FROM sys.foreign_keys AS f JOIN sys.tables AS t ON t.object_id = f.parent_object_id JOIN "
                "sys.foreign_key_columns AS fc ON fc.constraint_object_id = f.object_id JOIN sys.columns AS pc ON "
                "pc.object_id = fc.parent_object_id AND pc.column_id = fc.parent_column_id JOIN sys.tables AS rt ON "
                "rt.object_id = fc.referenced_object_id JOIN sys.columns AS rc ON rc.object_id = "
                "fc.referenced_object_id AND rc.column_id = fc.referenced_column_id WHERE " + _HERE +
                " ORDER BY t.name, f.name, fc.constraint_column_id")
CHECKS = ("SELECT t.name, k.name, k.definition, k.is_not_trusted FROM sys.check_constraints AS k JOIN sys.tables "
          "AS t ON t.object_id = k.parent_object_id WHERE " + _HERE + " ORDER BY t.name, k.name")
INDEXES = ("SELECT t.name, i.name, i.is_unique, i.has_filter, i.filter_definition, i.type_desc, i.is_disabled, "
           "c.name FROM sys.indexes AS i JOIN sys.tables AS t ON t.object_id = i.object_id JOIN sys.index_columns "
           "AS ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id JOIN sys.columns AS c ON c.object_id "
           "= ic.object_id AND c.column_id = ic.column_id WHERE " + _HERE + " AND i.is_primary_key = 0 AND "
           "i.is_unique_constraint = 0 AND i.type > 0 AND ic.key_ordinal > 0 ORDER BY t.name, i.name, ic.key_ordinal")
TRIGGERS = ("SELECT t.name, tr.name, tr.is_instead_of_trigger, tr.is_disabled FROM sys.triggers AS tr JOIN "
            "sys.tables AS t ON t.object_id = tr.parent_id WHERE " + _HERE + " ORDER BY t.name, tr.name")
VIEWS = ("SELECT DISTINCT t.name, v.name, COL_NAME(d.referenced_id, d.referenced_minor_id) FROM "
         "sys.sql_expression_dependencies AS d JOIN sys.views AS v ON v.object_id = d.referencing_id JOIN sys.tables "
         "AS t ON t.object_id = d.referenced_id WHERE " + _HERE)
REFERENCING = ("SELECT DISTINCT c.name FROM sys.foreign_keys AS f JOIN sys.tables AS c ON c.object_id = "
               "f.parent_object_id JOIN sys.tables AS t ON t.object_id = f.referenced_object_id WHERE " + _HERE)

ON_DELETE = {"CASCADE": " ON DELETE CASCADE", "SET_NULL": " ON DELETE SET NULL"}
SIZED = {"nvarchar": 2, "nchar": 2, "varchar": 1, "char": 1, "varbinary": 1, "binary": 1}   # bytes per unit
SCALED = {"datetime2", "datetimeoffset", "time"}


# --- the driver ------------------------------------------------------------------------------

def connect(pymssql, target, timeout: int):
    from .session import STATEMENT_S
    return pymssql.connect(server=target.host, port=str(target.port), user=target.user, password=target.password,
                           database=target.database, login_timeout=timeout, timeout=STATEMENT_S,
                           appname="dbmig-live", autocommit=False)


def close(conn) -> None:
    try:
        conn.rollback()         # nothing was written; the transaction ends without a commit either way
    finally:
        conn.close()


def fetch(conn, sql: str) -> list[tuple]:
    cur = conn.cursor()
    try:
        cur.execute(sql)
        return list(cur.fetchall()) if cur.description else []
    finally:
        cur.close()


def recover(conn) -> None:
    conn.rollback()


# Error numbers: 18456 login failed, 4060 cannot open database, 229/230/262/297/300 permission,
# 1222 lock request timeout, 208/207 invalid object/column; DB-Library 20009/20002 unreachable,
# 20003 timed out.
def classify(exc: BaseException) -> str:
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
    text = str(exc).lower()
    reasons = {18456: "authentication", 4060: "database", 229: "privileges", 230: "privileges", 262: "privileges",
               297: "privileges", 300: "privileges", 1222: "timeout", 20003: "timeout", 208: "missing_object",
               207: "missing_object"}
    if code in reasons:
        return reasons[code]
    return "timeout" if "timed out" in text or "timeout" in text else "unreachable" if code in (0, 20009, 20002) else "other"


# --- the session -------------------------------------------------------------------------------

def start(session) -> ServerFacts:
    ((version, edition, engine_edition, lock_timeout),) = session.rows(SERVER)
    for statement in SETUP:
        fetch(session.conn, statement)
    settings = {"edition": str(edition), "engine_edition": str(engine_edition), "lock_timeout": str(lock_timeout)}
    online = int(engine_edition) in ONLINE_EDITIONS
    notes = [f"edition {edition}: ONLINE = ON index and column operations are "
             + ("available" if online else "rejected here (error 1712); plan a window for them")]
    return ServerFacts(f"SQL Server {version} ({edition})", str(version), settings, notes)


def read_tables(session, names: str) -> dict[str, CatalogTable]:
    tables = {name: CatalogTable(name, "table" if kind.strip() == "U" else "view")
              for name, kind in session.rows(OBJECTS.format(names=names))}
    for name, rows in session.rows(ROWS.format(names=names)):
        tables[name].rows = int(rows)
    for name, size in session.rows(SIZES.format(names=names)):
        tables[name].bytes = int(size)
    for table, *column in session.rows(COLUMNS.format(names=names)):
        tables[table].columns.append(_column(tables[table], *column))
    _keys(tables, session.rows(KEYS.format(names=names)), session.dialect)
    _foreign_keys(tables, session.rows(FOREIGN_KEYS.format(names=names)), session.dialect)
    for table, name, definition, not_trusted in session.rows(CHECKS.format(names=names)):
        tables[table].constraints.append(CatalogConstraint(name, "check", f"CHECK ({tidy(definition)})", not not_trusted))
    _indexes(tables, session.rows(INDEXES.format(names=names)))
    for table, name, instead_of, disabled in session.rows(TRIGGERS.format(names=names)):
        tables[table].triggers.append(f"{name} ({'INSTEAD OF' if instead_of else 'AFTER'}"
                                      f"{', disabled' if disabled else ''})")
    for table, view, column in session.rows(VIEWS.format(names=names)):
        tables[table].views.setdefault(view, [])
        if column:
            tables[table].views[view].append(column)
    return tables


def referencing(session, names: str) -> list[str]:
    return [name for (name,) in session.rows(REFERENCING.format(names=names))]


def _column(table, name, type_, length, precision, scale, nullable, computed, seed, step, default_name,
            default) -> CatalogColumn:
    if computed:
        table.notes.append(f"{table.name}.{name} is a computed column; dbmig plans it as a plain column")
    identity = f"IDENTITY({seed},{step})" if seed is not None else None
    return CatalogColumn(name, _type(type_, length, precision, scale), bool(nullable),
                         tidy(default) if default else None, identity, default_name)


def _type(name: str, length: int, precision: int, scale: int) -> str:
    if name in SIZED:
        return f"{name}(MAX)" if length == -1 else f"{name}({length // SIZED[name]})"
    if name in ("decimal", "numeric"):
        return f"{name}({precision},{scale})"
    return f"{name}({scale})" if name in SCALED else name


def _keys(tables, rows, d) -> None:
    grouped: dict[tuple, list[str]] = {}
    for table, name, kind, column in rows:
        grouped.setdefault((table, name, kind.strip()), []).append(column)
    for (table, name, kind), columns in grouped.items():
        clause = "PRIMARY KEY" if kind == "PK" else "UNIQUE"
        tables[table].constraints.append(CatalogConstraint(
            name, "primary_key" if kind == "PK" else "unique", f"{clause} ({', '.join(q(d, c) for c in columns)})"))


def _foreign_keys(tables, rows, d) -> None:
    grouped: dict[tuple, list[tuple[str, str]]] = {}
    for table, name, not_trusted, rule, column, ref_table, ref_column in rows:
        grouped.setdefault((table, name, bool(not_trusted), rule, ref_table), []).append((column, ref_column))
    for (table, name, not_trusted, rule, ref_table), pairs in grouped.items():
        clause = (f"FOREIGN KEY ({', '.join(q(d, c) for c, _ in pairs)}) REFERENCES {q(d, ref_table)} "
                  f"({', '.join(q(d, r) for _, r in pairs)})" + ON_DELETE.get(rule, ""))
        tables[table].constraints.append(CatalogConstraint(name, "foreign_key", clause, not not_trusted))


def _indexes(tables, rows) -> None:
    for table, name, unique, has_filter, where, kind, disabled, column in rows:
        index = next((i for i in tables[table].indexes if i.name == name), None)
        if index is None:
            index = CatalogIndex(name, [], bool(unique), tidy(where) if has_filter and where else None,
                                 f"{kind} index {name}", not disabled)
            tables[table].indexes.append(index)
        index.columns.append(column)


def tidy(text: str) -> str:
    """SQL Server stores defaults and checks wrapped in parentheses and brackets: `((0))`,
    `([qty]>(0))`. Unwrap them, and drop the brackets a name does not need."""
    tree = parsed(text, "tsql")
    if tree is None:
        return text
    tree = tree.transform(lambda n: n.this.copy() if isinstance(n, exp.Paren) and isinstance(
        n.this, (exp.Literal, exp.Column, exp.Neg)) else n)
    while isinstance(tree, exp.Paren):
        tree = tree.this
    return unquoted(tree, "tsql", SQLSERVER.reserved)
