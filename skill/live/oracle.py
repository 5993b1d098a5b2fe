"""Oracle's data dictionary, read-only: ALL_OBJECTS, ALL_TABLES, ALL_TAB_COLS, ALL_CONSTRAINTS,
ALL_CONS_COLUMNS, ALL_INDEXES, ALL_IND_COLUMNS, ALL_TRIGGERS, ALL_DEPENDENCIES, USER_SEGMENTS and
PRODUCT_COMPONENT_VERSION (Oracle Database Reference, "Static Data Dictionary Views"), all for
the session's current schema. ALL_* views show what the user may see; none needs DBA privileges.

The session is one transaction opened by SET TRANSACTION READ ONLY (every query sees the same
snapshot, and the database refuses any write), never committed. Row counts start from
ALL_TABLES.NUM_ROWS (the optimizer statistics). No server runs here: tests/test_live_offline.py
replays recorded dictionary answers through this module.
"""
from __future__ import annotations

import re

from ..dialects.oracle import ORACLE
from .expressions import name_sql as q, parsed, unquoted
from .model import CatalogColumn, CatalogConstraint, CatalogIndex, CatalogTable, ServerFacts

DRIVER = ("oracledb", "oracledb", None)

SERVER = "SELECT product, version FROM product_component_version"
SETUP = ("SET TRANSACTION READ ONLY",)

_OWNER = "owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')"
HISTORY_TABLE = f"SELECT table_name FROM all_tables WHERE {_OWNER} AND LOWER(table_name) IN ({{names}})"
OBJECTS = f"SELECT object_name, object_type FROM all_objects WHERE {_OWNER} AND object_name IN ({{names}}) " \
          "AND object_type IN ('TABLE', 'VIEW')"
STATISTICS = f"SELECT table_name, num_rows FROM all_tables WHERE {_OWNER} AND table_name IN ({{names}})"
SIZES = "SELECT segment_name, SUM(bytes) FROM user_segments WHERE segment_name IN ({names}) GROUP BY segment_name"
COLUMNS = ("SELECT table_name, column_name, data_type, data_length, data_precision, data_scale, char_length, "
           "char_used, nullable, data_default, identity_column, virtual_column FROM all_tab_cols WHERE "
           f"{_OWNER} AND table_name IN ({{names}}) AND hidden_column = 'NO' ORDER BY table_name, column_id")
CONSTRAINTS = ("SELECT c.table_name, c.constraint_name, c.constraint_type, c.validated, c.generated, c.delete_rule, "
               "c.search_condition, cc.column_name, r.table_name, rc.column_name FROM all_constraints c JOIN "
               "all_cons_columns cc ON cc.owner = c.owner AND cc.constraint_name = c.constraint_name LEFT JOIN "
               "all_constraints r ON r.owner = c.r_owner AND r.constraint_name = c.r_constraint_name LEFT JOIN "
               "all_cons_columns rc ON rc.owner = r.owner AND rc.constraint_name = r.constraint_name AND "
               "rc.position = cc.position WHERE c.owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') AND "
               "c.table_name IN ({names}) AND c.constraint_type IN ('P', 'U', 'R', 'C') "
               "ORDER BY c.table_name, c.constraint_name, cc.position")
# Indexes a PRIMARY KEY / UNIQUE constraint uses are the constraint's business.
INDEXES = ("SELECT i.table_name, i.index_name, i.uniqueness, i.index_type, i.status, ic.column_name FROM all_indexes i "
           "JOIN all_ind_columns ic ON ic.index_owner = i.owner AND ic.index_name = i.index_name WHERE "
           "i.table_owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') AND i.table_name IN ({names}) AND NOT EXISTS "
           "(SELECT 1 FROM all_constraints k WHERE k.owner = i.table_owner AND k.index_name = i.index_name AND "
           "k.constraint_type IN ('P', 'U')) ORDER BY i.table_name, i.index_name, ic.column_position")
TRIGGERS = (f"SELECT table_name, trigger_name, trigger_type, triggering_event, status FROM all_triggers WHERE "
            f"table_owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') AND table_name IN ({{names}}) "
            "ORDER BY table_name, trigger_name")
VIEWS = (f"SELECT referenced_name, name FROM all_dependencies WHERE {_OWNER} AND type = 'VIEW' AND "
         "referenced_type = 'TABLE' AND referenced_name IN ({names})")
REFERENCING = ("SELECT DISTINCT c.table_name FROM all_constraints c JOIN all_constraints r ON r.owner = c.r_owner "
               "AND r.constraint_name = c.r_constraint_name WHERE c.owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') "
               "AND c.constraint_type = 'R' AND r.table_name IN ({names})")

KINDS = {"P": "primary_key", "U": "unique", "R": "foreign_key", "C": "check"}
ON_DELETE = {"CASCADE": " ON DELETE CASCADE", "SET NULL": " ON DELETE SET NULL"}
# a NOT NULL column is also a system-named CHECK ("COL" IS NOT NULL): the column says it already
_NOT_NULL_CHECK = re.compile(r'^\s*"?\w+"?\s+IS\s+NOT\s+NULL\s*$', re.I)


# --- the driver ------------------------------------------------------------------------------

def connect(oracledb, target, timeout: int):
    from .session import STATEMENT_S
    conn = oracledb.connect(user=target.user, password=target.password, host=target.host, port=target.port,
                            service_name=target.database, tcp_connect_timeout=timeout)
    conn.call_timeout = STATEMENT_S * 1000      # ms, each round trip
    return conn


def close(conn) -> None:
    try:
        conn.rollback()
    finally:
        conn.close()


def fetch(conn, sql: str) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return list(cur.fetchall()) if cur.description else []


def recover(conn) -> None:
    """A cancelled statement (call timeout) leaves the read-only transaction open."""


# ORA-01017 login, ORA-01045/01031 privileges, ORA-00942/00904 no such table/column,
# ORA-01013 / DPY-4024 cancelled by the call timeout, ORA-12xxx / DPY-6xxx the listener or network.
def classify(exc: BaseException) -> str:
    m = re.search(r"\b(ORA|DPY)-(\d+)", str(exc))
    code = f"{m[1]}-{m[2]}" if m else ""
    reasons = {"ORA-01017": "authentication", "ORA-01045": "privileges", "ORA-01031": "privileges",
               "ORA-00942": "missing_object", "ORA-00904": "missing_object", "ORA-01013": "timeout",
               "DPY-4024": "timeout", "ORA-12514": "database"}
    if code in reasons:
        return reasons[code]
    return "unreachable" if not code or code.startswith(("ORA-12", "DPY-6")) else "other"


# --- the session -------------------------------------------------------------------------------

def start(session) -> ServerFacts:
    rows = session.rows(SERVER)
    product, version = next(((p, v) for p, v in rows if p.startswith("Oracle")), rows[0])
    for statement in SETUP:
        fetch(session.conn, statement)
    edition = "Enterprise" if "Enterprise" in product else "other"
    notes = [] if edition == "Enterprise" else [
        f"{product}: CREATE/DROP INDEX ... ONLINE need Enterprise Edition (ORA-00439 here); plan a window for them"]
    return ServerFacts(product.strip(), version, {"product": product}, notes)


def read_tables(session, names: str) -> dict[str, CatalogTable]:
    tables = {stored: CatalogTable(_name(stored), "table" if kind == "TABLE" else "view")
              for stored, kind in session.rows(OBJECTS.format(names=names))}
    for stored, rows in session.rows(STATISTICS.format(names=names)):
        tables[stored].rows = int(rows) if rows is not None else None
    for stored, size in session.rows(SIZES.format(names=names)):
        if stored in tables:
            tables[stored].bytes = int(size)
    for stored, *column in session.rows(COLUMNS.format(names=names)):
        tables[stored].columns.append(_column(tables[stored], *column))
    _constraints(tables, session.rows(CONSTRAINTS.format(names=names)))
    _indexes(tables, session.rows(INDEXES.format(names=names)))
    for stored, name, kind, event, status in session.rows(TRIGGERS.format(names=names)):
        tables[stored].triggers.append(f"{_name(name)} ({kind} {event}{', disabled' if status != 'ENABLED' else ''})")
    for stored, view in session.rows(VIEWS.format(names=names)):
        tables[stored].views[_name(view)] = []
    return tables


def referencing(session, names: str) -> list[str]:
    return [_name(name) for (name,) in session.rows(REFERENCING.format(names=names))]


def _name(stored: str) -> str:
    """The name as written unquoted: Oracle stores those upper case."""
    return stored.lower() if stored == stored.upper() and re.fullmatch(r"[A-Z][A-Z0-9_$#]*", stored) else stored


def _column(table, name, type_, length, precision, scale, char_length, char_used, nullable, default, identity,
            virtual) -> CatalogColumn:
    if virtual == "YES":
        table.notes.append(f"{table.name}.{_name(name)} is a virtual column; dbmig plans it as a plain column")
    return CatalogColumn(_name(name), _type(type_, length, precision, scale, char_length, char_used),
                         nullable == "Y", tidy(default.strip()) if default and default.strip() else None,
                         "GENERATED BY DEFAULT AS IDENTITY" if identity == "YES" else None)


def _type(name: str, length, precision, scale, char_length, char_used) -> str:
    if name in ("VARCHAR2", "CHAR", "NVARCHAR2", "NCHAR"):
        unit = " CHAR" if char_used == "C" and not name.startswith("N") else ""
        return f"{name}({char_length}{unit})"
    if name == "NUMBER" and precision is not None:
        return f"NUMBER({precision},{scale})" if scale else f"NUMBER({precision})"
    if name == "RAW":
        return f"RAW({length})"
    return name


def _constraints(tables, rows) -> None:
    grouped: dict[tuple, list] = {}
    for stored, name, kind, validated, generated, rule, condition, column, ref_table, ref_column in rows:
        key = (stored, name, kind, validated, generated, rule, condition, ref_table)
        grouped.setdefault(key, []).append((_name(column), _name(ref_column) if ref_column else None))
    d = ORACLE
    for (stored, name, kind, validated, generated, rule, condition, ref_table), pairs in grouped.items():
        if kind == "C" and _NOT_NULL_CHECK.match(condition or "") and generated == "GENERATED NAME":
            continue
        columns = ", ".join(q(d, c) for c, _ in pairs)
        clause = {"P": f"PRIMARY KEY ({columns})", "U": f"UNIQUE ({columns})",
                  "C": f"CHECK ({tidy(condition or '')})"}.get(kind) or (
            f"FOREIGN KEY ({columns}) REFERENCES {q(d, _name(ref_table))} ({', '.join(q(d, r) for _, r in pairs)})"
            + ON_DELETE.get(rule or "", ""))
        tables[stored].constraints.append(CatalogConstraint(_name(name), KINDS[kind], clause, validated == "VALIDATED"))


def _indexes(tables, rows) -> None:
    for stored, name, uniqueness, kind, status, column in rows:
        index = next((i for i in tables[stored].indexes if i.name == _name(name)), None)
        if index is None:
            index = CatalogIndex(_name(name), [], uniqueness == "UNIQUE", None, f"{kind} index {name}",
                                 status in ("VALID", "N/A"))
            tables[stored].indexes.append(index)
        index.columns.append(_name(column) if kind == "NORMAL" else None)
    for t in tables.values():
        for i in t.indexes:
            if None in i.columns:         # function-based or bitmap: not in the schema model
                i.columns = []


def tidy(text: str) -> str:
    """Oracle keeps a default or CHECK as typed; names quoted upper case read the same unquoted."""
    tree = parsed(text, "oracle")
    return text if tree is None else unquoted(tree, "oracle", ORACLE.reserved, fold_upper=True)
