"""PostgreSQL's catalog, read-only: pg_class, pg_attribute, pg_constraint, pg_index, pg_trigger,
pg_depend (views on a column), pg_settings. Definitions come from the server's own deparsers
(format_type, pg_get_expr, pg_get_constraintdef), tidied of the casts PostgreSQL adds
(`'new'::character varying`, `(status)::text`) so the text reads as a person writes it.

Every query takes the request's table names as string literals (names matching the identifier
rule, quoted by the dialect), and is gated before it runs (session.select_only).
"""
from __future__ import annotations

from dataclasses import replace

import sqlglot
from sqlglot import exp

from ..dialects.postgresql import POSTGRESQL
from .model import CatalogColumn, CatalogConstraint, CatalogIndex, CatalogTable, ServerFacts

DRIVER = ("psycopg", "psycopg[binary]", "verify")

# Server facts, read before the session sets its own timeouts (they are what a migration meets).
SETTINGS = ("SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'lock_timeout', "
            "'statement_timeout', 'idle_in_transaction_session_timeout')")
SETUP = ("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
         "SET statement_timeout = '{timeout}s'",
         # a catalog read or COUNT(*) behind a migration's ACCESS EXCLUSIVE lock gives up quickly
         "SET lock_timeout = '2s'")
READ_ONLY = "SELECT current_setting('transaction_read_only')"

_IN_SCHEMA = "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
# Storage parameters: the table's, then its TOAST table's as CREATE TABLE ... WITH names them (toast.*).
TABLES = ("SELECT c.relname, c.relkind, c.reltuples::bigint, pg_total_relation_size(c.oid), pg_get_partkeydef(c.oid), "
          "p.relname, pg_get_expr(c.relpartbound, c.oid), c.reloptions || ARRAY(SELECT 'toast.' || o FROM pg_class t, "
          "unnest(t.reloptions) AS o WHERE t.oid = c.reltoastrelid), obj_description(c.oid, 'pg_class') "
          "FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
          f"AND c.relispartition LEFT JOIN pg_class p ON p.oid = i.inhparent {_IN_SCHEMA} AND c.relname IN ({{names}}) "
          "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')")
# A partitioned table's or a partition's whole family (ancestors and partitions at every level):
# a rollback that re-creates one needs the others' definitions.
PARTITION_FAMILY = ("WITH RECURSIVE up(oid) AS (SELECT c.oid FROM pg_class c " + _IN_SCHEMA + " AND c.relname IN "
                    "({names}) UNION SELECT i.inhparent FROM pg_inherits i JOIN up ON i.inhrelid = up.oid JOIN pg_class "
                    "c ON c.oid = up.oid WHERE c.relispartition), down(oid) AS (SELECT oid FROM up UNION SELECT "
                    "i.inhrelid FROM pg_inherits i JOIN down ON i.inhparent = down.oid JOIN pg_class c ON c.oid = "
                    "i.inhrelid WHERE c.relispartition) SELECT c.relname FROM down JOIN pg_class c ON c.oid = down.oid "
                    "WHERE c.relkind = 'p' OR c.relispartition ORDER BY 1")
COLUMNS = ("SELECT c.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
           "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
           "pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) IS NOT NULL, "
           "col_description(c.oid, a.attnum) FROM pg_attribute a "
           "JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
           f"AND d.adnum = a.attnum {_IN_SCHEMA} AND c.relname IN ({{names}}) AND a.attnum > 0 "
           "AND NOT a.attisdropped ORDER BY c.relname, a.attnum")
CONSTRAINTS = ("SELECT c.relname, k.conname, k.contype, k.convalidated, pg_get_constraintdef(k.oid), "
               "pg_get_expr(k.conbin, k.conrelid) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
               f"{_IN_SCHEMA} AND c.relname IN ({{names}}) ORDER BY c.relname, k.conname")
# Indexes that back a PRIMARY KEY / UNIQUE / EXCLUDE constraint are the constraint's business.
# `beyond_columns`: more than ascending btree keys on plain columns (expressions, INCLUDE, another
# access method, DESC or NULLS FIRST, a non-default operator class, storage parameters): read from
# its definition.
INDEXES = ("SELECT c.relname, ic.relname, i.indisunique, i.indisvalid, i.indkey::text, i.indnkeyatts, "
           "i.indexprs IS NOT NULL OR i.indnatts <> i.indnkeyatts OR am.amname <> 'btree' "
           "OR ic.reloptions IS NOT NULL "
           "OR i.indoption::text ~ '[^0 ]' OR EXISTS (SELECT 1 FROM unnest(i.indclass) AS k(oid) "
           "JOIN pg_opclass o ON o.oid = k.oid WHERE NOT o.opcdefault), "
           "pg_get_expr(i.indpred, i.indrelid), pg_get_indexdef(i.indexrelid) "
           "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam "
           "JOIN pg_class c ON c.oid = i.indrelid "
           f"{_IN_SCHEMA} AND c.relname IN ({{names}}) AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
           "WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) "
           "ORDER BY c.relname, ic.relname")
TRIGGERS = ("SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c "
            f"ON c.oid = t.tgrelid {_IN_SCHEMA} AND c.relname IN ({{names}}) AND NOT t.tgisinternal "
            "ORDER BY c.relname, t.tgname")
# A view's rewrite rule depends on each column it reads (refobjsubid = the column's attnum).
VIEWS = ("SELECT DISTINCT c.relname, v.relname, a.attname FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
         "JOIN pg_class v ON v.oid = r.ev_class JOIN pg_class c ON c.oid = d.refobjid JOIN pg_attribute a "
         "ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
         f"{_IN_SCHEMA} AND c.relname IN ({{names}}) AND d.classid = 'pg_rewrite'::regclass "
         "AND d.refclassid = 'pg_class'::regclass AND v.oid <> c.oid ORDER BY 1, 2, 3")
# a migration tool's history table, found by its name in any case (Liquibase and Flyway create it lower case here)
HISTORY_TABLE = ("SELECT c.relname FROM pg_class c " + _IN_SCHEMA + " AND c.relkind IN ('r', 'p') "
                 "AND lower(c.relname) IN ({names})")
REFERENCING = ("SELECT DISTINCT c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
               f"JOIN pg_class p ON p.oid = k.confrelid {_IN_SCHEMA} AND k.contype = 'f' "
               "AND p.relname IN ({names})")

KINDS = {"p": "primary_key", "u": "unique", "c": "check", "f": "foreign_key", "x": "exclusion"}
RELKINDS = {"v": "view", "m": "materialized view", "f": "foreign table"}


# --- the driver ------------------------------------------------------------------------------

def connect(psycopg, target, timeout: int):
    """Read-only from the first statement: the startup packet sets default_transaction_read_only.
    Keyword arguments win over the URL's, so a DSN cannot switch that or the timeout off."""
    dsn = f"postgresql://{target.host}:{target.port}/{target.database}"
    return psycopg.connect(dsn, user=target.user, password=target.password, connect_timeout=timeout,
                           autocommit=True, application_name="dbmig-live",
                           options="-c default_transaction_read_only=on",
                           **{k: v for k, v in target.params.items() if k not in ("options", "connect_timeout")})


def close(conn) -> None:
    conn.close()


def fetch(conn, sql: str) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def recover(conn) -> None:
    """Autocommit: a failed statement leaves nothing to roll back."""


# SQLSTATE classes: 08 connection, 28 authorization, 3D no database, 42501 privileges,
# 57014 canceled (statement_timeout), 55P03 lock not available, 42P01/42703 no such table/column.
def classify(exc: BaseException) -> str:
    state = getattr(exc, "sqlstate", None) or ""
    text = str(exc).lower()
    if state.startswith("28") or "password authentication failed" in text or "no password supplied" in text:
        return "authentication"
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return "database"
    if state == "42501" or "permission denied" in text:
        return "privileges"
    if state in ("57014", "55P03") or "timeout" in text:
        return "timeout"
    if state in ("42P01", "42703"):
        return "missing_object"
    return "unreachable" if not state or state.startswith("08") else "other"


# --- the session -------------------------------------------------------------------------------

def start(session) -> ServerFacts:
    from .session import STATEMENT_S
    settings = dict(session.rows(SETTINGS))
    for statement in SETUP:
        session.conn.execute(statement.format(timeout=STATEMENT_S))
    ((read_only,),) = session.rows(READ_ONLY)
    if read_only != "on":
        raise session.error("making the session read-only", RuntimeError("transaction_read_only is off"))
    version = settings["server_version"].split()[0]
    return ServerFacts(f"PostgreSQL {version}", version, settings, _setting_notes(settings))


def _setting_notes(settings: dict[str, str]) -> list[str]:
    notes = []
    if settings.get("statement_timeout", "0") != "0":
        notes.append(f"The server's default statement_timeout is {settings['statement_timeout']} ms: a step "
                     "that runs longer is cancelled unless its session sets statement_timeout = 0.")
    return notes


def read_tables(session, names: str) -> dict[str, CatalogTable]:
    # reltuples is -1 until the table is first vacuumed or analyzed: unknown, not empty
    tables = {name: CatalogTable(name, RELKINDS.get(kind, "table"), rows=rows if rows >= 0 else None, bytes=size,
                                 partition_by=by, partition_of=parent, partition_bound=bound,
                                 storage=dict(o.split("=", 1) for o in options or ()), comment=comment)
              for name, kind, rows, size, by, parent, bound, options, comment
              in session.rows(TABLES.format(names=names))}
    attnums: dict[str, dict[int, str]] = {}
    for table, column, attnum, type_, notnull, default, identity, generated, owns_sequence, comment in session.rows(
            COLUMNS.format(names=names)):
        attnums.setdefault(table, {})[attnum] = column
        tables[table].columns.append(replace(_column(tables[table], column, type_, notnull, default, identity,
                                                     generated, owns_sequence), comment=comment))
    for table, name, kind, validated, definition, check in session.rows(CONSTRAINTS.format(names=names)):
        _constraint(tables[table], name, kind, validated, definition, check)
    for row in session.rows(INDEXES.format(names=names)):
        _index(tables[row[0]], attnums.get(row[0], {}), *row[1:])
    for table, name, definition in session.rows(TRIGGERS.format(names=names)):
        tables[table].triggers.append(f"{name} ({_trigger_when(definition)})")
    for table, view, column in session.rows(VIEWS.format(names=names)):
        tables[table].views.setdefault(view, []).append(column)
    return tables


def partition_family(session, names: str) -> list[str]:
    return [name for (name,) in session.rows(PARTITION_FAMILY.format(names=names))]


def referencing(session, names: str) -> list[str]:
    return [name for (name,) in session.rows(REFERENCING.format(names=names))]


def _serial_type(type_: str) -> str | None:
    """The serial type of an integer type as the catalog names it (`bigint` -> BIGSERIAL)."""
    portable = next((p for p, names in POSTGRESQL.catalog_types.items() if type_ in names), None)
    return POSTGRESQL.serial_types.get(portable)


def _column(table: CatalogTable, name, type_, notnull, default, identity, generated, owns_sequence) -> CatalogColumn:
    # serial as the catalog shows it: an integer whose default is the next value of a sequence it
    # owns (dropped with the table, so a table re-created from this DDL must make its own again)
    serial = _serial_type(type_) if owns_sequence and not identity and (default or "").startswith("nextval(") else None
    if serial:
        return CatalogColumn(name, serial, not notnull, None, None)
    if generated:                   # attgenerated 's': the default is its expression
        return CatalogColumn(name, type_, not notnull, None, f"GENERATED ALWAYS AS ({default}) STORED")
    ident = {"a": "GENERATED ALWAYS AS IDENTITY", "d": "GENERATED BY DEFAULT AS IDENTITY"}.get(identity or "")
    return CatalogColumn(name, type_, not notnull, tidy(default, type_) if default else None, ident)


def _constraint(table: CatalogTable, name, kind, validated, definition, check) -> None:
    if kind not in KINDS:
        table.notes.append(f"constraint {name} on {table.name} ({definition}) is not in dbmig's schema model")
        return
    definition = definition.removesuffix(" NOT VALID")
    if kind == "c":
        definition = f"CHECK ({tidy(check)})"
    table.constraints.append(CatalogConstraint(name, KINDS[kind], definition, bool(validated)))


def _index(table: CatalogTable, attnums: dict[int, str], name, unique, valid, indkey, nkey, beyond_columns,
           where, definition) -> None:
    keys = [int(k) for k in indkey.split()][:nkey]
    plain = not beyond_columns and all(k in attnums for k in keys)
    table.indexes.append(CatalogIndex(name, [attnums[k] for k in keys] if plain else [], bool(unique),
                                      tidy(where) if where else None, definition, bool(valid)))


def _trigger_when(definition: str) -> str:
    words = definition.split()
    at = next((i for i, w in enumerate(words) if w in ("BEFORE", "AFTER", "INSTEAD")), None)
    end = words.index("ON") if "ON" in words else len(words)
    return " ".join(words[at:end]) if at is not None else definition[:60]


# --- tidying PostgreSQL's deparsed expressions ----------------------------------------------------

_T = exp.DataType.Type
_TEXTY = {_T.TEXT, _T.VARCHAR, _T.CHAR, _T.NVARCHAR, _T.NCHAR, _T.BPCHAR} if hasattr(_T, "BPCHAR") else \
    {_T.TEXT, _T.VARCHAR, _T.CHAR, _T.NVARCHAR, _T.NCHAR}
_NUMERIC = {_T.DECIMAL, _T.INT, _T.BIGINT, _T.SMALLINT, _T.DOUBLE, _T.FLOAT}


def tidy(text: str, own_type: str | None = None) -> str:
    """An expression without the casts PostgreSQL's deparser adds: a literal cast to a text or
    numeric type (or to the column's own type, for a default), a column cast to text, and
    `x = ANY (ARRAY[a, b])` for `x IN (a, b)`. Text sqlglot cannot read stays as it is."""
    if "::" not in text and "(" not in text:
        return text                 # `0`, `false`: nothing PostgreSQL added
    try:
        tree = sqlglot.parse_one(text, read="postgres")
        own = exp.DataType.build(own_type, dialect="postgres").this if own_type else None
    except (sqlglot.errors.SqlglotError, ValueError):
        return text
    tree = tree.transform(lambda node: _uncast(node, own))
    while isinstance(tree, exp.Paren):
        tree = tree.this
    return tree.sql("postgres")


def _tidied(node: exp.Expression, own) -> exp.Expression:
    return _bare(node.copy().transform(lambda n: _uncast(n, own)))


def _bare(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _uncast(node: exp.Expression, own) -> exp.Expression:
    if isinstance(node, exp.Cast):
        inner, to = _bare(node.this), node.to.this
        if isinstance(inner, exp.Literal) and (to in (_TEXTY if inner.is_string else _NUMERIC) or to == own):
            return inner.copy()
        if isinstance(inner, (exp.Column, exp.Array)) and (to == _T.TEXT or to == _T.ARRAY):
            return inner.copy()
    if isinstance(node, exp.Paren) and isinstance(node.this, (exp.Column, exp.Literal)):
        return node.this.copy()
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        items = _bare(node.expression.this)
        items = _bare(items.this) if isinstance(items, exp.Cast) else items
        if isinstance(items, exp.Array):
            return exp.In(this=_tidied(node.this, own), expressions=[_tidied(i, own) for i in items.expressions])
    return node
