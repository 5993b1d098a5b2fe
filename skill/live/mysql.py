"""MySQL and MariaDB catalogs, read-only: information_schema (tables, columns, table_constraints,
key_column_usage, referential_constraints, check_constraints, statistics, triggers, views) and
the server variables that change how a migration runs (sql_mode, lock waits, MariaDB's
alter_algorithm). The flavour comes from VERSION(): `10.11.19-MariaDB-...` is MariaDB.

What information_schema shows depends on the user's privileges: with SELECT only, MariaDB hides
triggers (TRIGGER privilege) and view definitions (SHOW VIEW); those facts are then absent.
"""
from __future__ import annotations

import re

from ..dialects.mysql import MYSQL
from .expressions import name_sql as q, parsed, unquoted
from .model import CatalogColumn, CatalogConstraint, CatalogIndex, CatalogTable, ServerFacts

DRIVER = ("pymysql", "pymysql", "verify")

SERVER = "SELECT VERSION(), DATABASE(), CURRENT_USER()"
# @@GLOBAL: what a migration's own session starts with (ours changes its own session only)
SETTINGS = {
    "mariadb": ("lock_wait_timeout", "innodb_lock_wait_timeout", "sql_mode", "alter_algorithm",
                "max_statement_time"),
    "mysql": ("lock_wait_timeout", "innodb_lock_wait_timeout", "sql_mode", "max_execution_time"),
}
SETUP = {
    "mariadb": ("SET SESSION TRANSACTION READ ONLY", "SET SESSION max_statement_time = {timeout}",
                "SET SESSION lock_wait_timeout = 2", "SET SESSION innodb_lock_wait_timeout = 2"),
    "mysql": ("SET SESSION TRANSACTION READ ONLY", "SET SESSION max_execution_time = {timeout}000",
              "SET SESSION lock_wait_timeout = 2", "SET SESSION innodb_lock_wait_timeout = 2"),
}
READ_ONLY = {"mariadb": "SELECT @@SESSION.tx_read_only", "mysql": "SELECT @@SESSION.transaction_read_only"}

_HERE = "table_schema = DATABASE() AND table_name IN ({names})"
TABLES = ("SELECT table_name, table_type, table_rows, data_length + index_length, table_comment "
          f"FROM information_schema.tables WHERE {_HERE}")
COLUMNS = ("SELECT table_name, column_name, column_type, data_type, is_nullable, column_default, extra, collation_name, "
           "generation_expression, column_comment "
           f"FROM information_schema.columns WHERE {_HERE} ORDER BY table_name, ordinal_position")
KEYS = ("SELECT k.table_name, k.constraint_name, t.constraint_type, k.column_name, k.referenced_table_name, "
        "k.referenced_column_name FROM information_schema.key_column_usage k JOIN information_schema.table_constraints t "
        "ON t.constraint_schema = k.constraint_schema AND t.table_name = k.table_name AND t.constraint_name = "
        "k.constraint_name WHERE k.table_schema = DATABASE() AND k.table_name IN ({names}) "
        "ORDER BY k.table_name, k.constraint_name, k.ordinal_position")
HISTORY_TABLE = ("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                 "AND lower(table_name) IN ({names})")
DELETE_RULES = ("SELECT table_name, constraint_name, delete_rule FROM information_schema.referential_constraints "
                "WHERE constraint_schema = DATABASE() AND table_name IN ({names})")
# MySQL 8's check_constraints has no table_name: table_constraints says whose each one is.
CHECKS = ("SELECT t.table_name, t.constraint_name, c.check_clause FROM information_schema.table_constraints t "
          "JOIN information_schema.check_constraints c ON c.constraint_schema = t.constraint_schema "
          "AND c.constraint_name = t.constraint_name WHERE t.constraint_type = 'CHECK' "
          "AND t.table_schema = DATABASE() AND t.table_name IN ({names}) ORDER BY t.table_name, t.constraint_name")
INDEXES = ("SELECT table_name, index_name, non_unique, column_name, sub_part, index_type, collation, "
           "index_comment, {hidden} FROM information_schema.statistics WHERE " + _HERE +
           " ORDER BY table_name, index_name, seq_in_index")
# Whether the optimizer ignores an index: MariaDB 10.6+ says IGNORED, MySQL 8 IS_VISIBLE, older servers neither.
HIDDEN_COLUMNS = ("SELECT UPPER(column_name) FROM information_schema.columns WHERE table_schema = 'information_schema' "
                  "AND table_name = 'STATISTICS' AND UPPER(column_name) IN ('IGNORED', 'IS_VISIBLE')")
HIDDEN = {"IGNORED": ("ignored = 'YES'", "IGNORED"), "IS_VISIBLE": ("is_visible = 'NO'", "INVISIBLE")}
TRIGGERS = ("SELECT event_object_table, trigger_name, action_timing, event_manipulation FROM "
            "information_schema.triggers WHERE trigger_schema = DATABASE() AND event_object_table IN ({names}) "
            "ORDER BY event_object_table, trigger_name")
VIEWS = "SELECT table_name, view_definition FROM information_schema.views WHERE table_schema = DATABASE()"
REFERENCING = ("SELECT DISTINCT table_name FROM information_schema.referential_constraints "
               "WHERE constraint_schema = DATABASE() AND referenced_table_name IN ({names})")

KINDS = {"PRIMARY KEY": "primary_key", "UNIQUE": "unique", "FOREIGN KEY": "foreign_key"}
# RESTRICT and NO ACTION are the same on InnoDB and the default: a schema that omits ON DELETE
# says the same thing, so only the rules that change behaviour are written out.
ON_DELETE = {"CASCADE": " ON DELETE CASCADE", "SET NULL": " ON DELETE SET NULL"}


# --- the driver ----------------------------------------------------------------------------------

def connect(pymysql, target, timeout: int):
    from .session import STATEMENT_S
    return pymysql.connect(host=target.host, port=target.port, user=target.user or "", password=target.password or "",
                           database=target.database, connect_timeout=timeout, read_timeout=STATEMENT_S + 2,
                           write_timeout=STATEMENT_S + 2, autocommit=True, charset="utf8mb4")


def close(conn) -> None:
    conn.close()


def fetch(conn, sql: str) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return list(cur.fetchall())


def recover(conn) -> None:
    """A server-side timeout leaves the connection usable; a client-side one does not, and then
    this raises rather than reconnect (a new connection would not be read-only yet)."""
    conn.ping(reconnect=False)


# MySQL/MariaDB error numbers: 1045 login, 1044/1142/1143/1227 privileges, 1049 database,
# 1969 (MariaDB max_statement_time), 3024 (MySQL max_execution_time), 1205/1317 lock wait or
# interrupted, 1146/1054 no such table/column; 2003/2005/2013 client-side connection failures.
def classify(exc: BaseException) -> str:
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
    text = str(exc).lower()
    reasons = {1045: "authentication", 1049: "database", 1044: "privileges", 1142: "privileges",
               1143: "privileges", 1227: "privileges", 1969: "timeout", 3024: "timeout", 1205: "timeout",
               1317: "timeout", 1146: "missing_object", 1054: "missing_object"}
    if code in reasons:
        return reasons[code]
    if "timed out" in text:
        return "timeout"
    return "unreachable" if code in (0, 2003, 2005, 2006, 2013) else "other"


# --- the session -------------------------------------------------------------------------------

def start(session) -> ServerFacts:
    from .session import STATEMENT_S
    ((version, _, _),) = session.rows(SERVER)
    flavour = "mariadb" if "mariadb" in version.lower() else "mysql"
    names = SETTINGS[flavour]
    values = session.rows("SELECT " + ", ".join(f"@@GLOBAL.{n}" for n in names))[0]
    settings = {n: str(v) for n, v in zip(names, values)}
    for statement in SETUP[flavour]:
        session.engine.fetch(session.conn, statement.format(timeout=STATEMENT_S))
    ((read_only,),) = session.rows(READ_ONLY[flavour])
    if int(read_only) != 1:
        raise session.error("making the session read-only", RuntimeError("the session is not read-only"))
    number = re.match(r"\d+(?:\.\d+)*", version).group(0)
    product = f"{'MariaDB' if flavour == 'mariadb' else 'MySQL'} {number}"
    return ServerFacts(product, f"mariadb-{number}" if flavour == "mariadb" else number, settings,
                       _setting_notes(settings))


def _setting_notes(settings: dict[str, str]) -> list[str]:
    notes = []
    if "STRICT_TRANS_TABLES" not in settings.get("sql_mode", "") and "STRICT_ALL_TABLES" not in settings.get("sql_mode", ""):
        notes.append("sql_mode is not strict: a narrowing MODIFY cuts values that do not fit with only a warning "
                     "(dbmig's guard counts them first)")
    if settings.get("alter_algorithm", "DEFAULT") not in ("DEFAULT", ""):
        notes.append(f"alter_algorithm is {settings['alter_algorithm']}: ALTER TABLE without ALGORITHM= uses it")
    if int(settings.get("lock_wait_timeout", "0") or 0) >= 3600:
        notes.append(f"lock_wait_timeout is {settings['lock_wait_timeout']} s: a migration that does not set its own "
                     "waits that long for a metadata lock while every query on the table queues behind it")
    return notes


def read_tables(session, names: str) -> dict[str, CatalogTable]:
    d = session.dialect
    tables = {name: CatalogTable(name, "table" if kind == "BASE TABLE" else "view",
                                 rows=int(rows) if rows is not None else None,
                                 bytes=int(size) if size is not None else None, comment=comment or None)
              for name, kind, rows, size, comment in session.rows(TABLES.format(names=names))}
    for table, name, type_, data_type, nullable, default, extra, collation, generation, comment in session.rows(
            COLUMNS.format(names=names)):
        column = _column(name, type_, data_type, nullable == "YES", default, extra or "", generation, d)
        column.comment = comment or None
        # kept where it tells case apart: the schema text then says so (data.py's case-test warning)
        column.collation = collation if collation and not d.case_blind(collation) else None
        tables[table].columns.append(column)
    _keys(tables, session.rows(KEYS.format(names=names)), dict(
        ((t, n), r) for t, n, r in session.rows(DELETE_RULES.format(names=names))), d)
    for table, name, clause in session.rows(CHECKS.format(names=names)):
        tables[table].constraints.append(CatalogConstraint(name, "check", f"CHECK ({tidy(clause)})"))
    hidden, word = hidden_index(session.rows)
    _indexes(tables, session.rows(INDEXES.format(names=names, hidden=hidden)), word)
    for table, name, timing, event in session.rows(TRIGGERS.format(names=names)):
        tables[table].triggers.append(f"{name} ({timing} {event})")
    _views(tables, session.rows(VIEWS))
    return tables


def referencing(session, names: str) -> list[str]:
    return [name for (name,) in session.rows(REFERENCING.format(names=names))]


def _column(name, type_, data_type, nullable, default, extra, generation, d) -> CatalogColumn:
    if generated := generation_clause(extra, generation):
        return CatalogColumn(name, type_, nullable, None, generated)
    identity = "AUTO_INCREMENT" if "auto_increment" in extra.lower() else None
    return CatalogColumn(name, type_, nullable, _default(default, data_type, extra, d), identity)


_NUMBERS = {"tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "float", "double", "bit", "year"}


def generation_clause(extra: str, expression: str | None) -> str | None:
    """A generated column's clause from information_schema.columns (`extra` says VIRTUAL or STORED
    GENERATED; DEFAULT_GENERATED is an expression default), None for any other column."""
    kind = next((k for k in ("VIRTUAL", "STORED") if f"{k} GENERATED" in extra.upper()), None)
    return f"GENERATED ALWAYS AS ({expression}) {kind}" if kind and expression else None


def _default(default, data_type: str, extra: str, d) -> str | None:
    """MariaDB (10.2.7+) reports defaults as SQL: 'text' quoted, functions as calls, and 'NULL' for
    none. MySQL 8 reports a literal bare and marks an expression DEFAULT_GENERATED."""
    if default is None or default == "NULL":
        return None
    expression = default.startswith("'") or "DEFAULT_GENERATED" in extra or data_type in _NUMBERS \
        or re.fullmatch(r"(?i)current_timestamp(\(\d*\))?", default)
    return tidy(default) if expression else d.literal(default)


def _keys(tables, rows, rules, d) -> None:
    """PRIMARY KEY / UNIQUE / FOREIGN KEY clauses from their key columns, in key order."""
    grouped: dict[tuple, list] = {}
    for table, name, kind, column, ref_table, ref_column in rows:
        grouped.setdefault((table, name, kind, ref_table), []).append((column, ref_column))
    for (table, name, kind, ref_table), pairs in grouped.items():
        if kind not in KINDS:
            continue
        columns = ", ".join(q(d, c) for c, _ in pairs)
        clause = {"PRIMARY KEY": f"PRIMARY KEY ({columns})", "UNIQUE": f"UNIQUE ({columns})"}.get(kind) or (
            f"FOREIGN KEY ({columns}) REFERENCES {q(d, ref_table)} ({', '.join(q(d, r) for _, r in pairs)})"
            + ON_DELETE.get(rules.get((table, name), ""), ""))
        # the primary key is always called PRIMARY: it has no name of its own to keep
        tables[table].constraints.append(CatalogConstraint(None if kind == "PRIMARY KEY" else name, KINDS[kind], clause))


def hidden_index(rows) -> tuple[str, str | None]:
    """(a statistics expression true for an index the optimizer ignores, the server's word for
    such an index): `rows` runs a query on the server."""
    found = [HIDDEN[name] for (name,) in rows(HIDDEN_COLUMNS)]
    return found[0] if found else ("0", None)


def _indexes(tables, rows, hidden_word: str | None) -> None:
    """Indexes other than the keys' own (PRIMARY, UNIQUE constraints are indexes here too)."""
    keys = {(t.name, k.name) for t in tables.values() for k in t.constraints}
    parts: dict[tuple[str, str], list[tuple]] = {}
    options: dict[tuple[str, str], str] = {}
    for table, name, non_unique, column, sub_part, index_type, collation, comment, hidden in rows:
        if name == "PRIMARY" or (table, name) in keys:
            continue
        if (table, name) not in parts:
            tables[table].indexes.append(CatalogIndex(name, [], not int(non_unique),
                                                      definition=f"{index_type} index {name}"))
            options[table, name] = MYSQL.index_clauses(comment or None, hidden_word if int(hidden or 0) else None)
        parts.setdefault((table, name), []).append((column, sub_part, index_type, collation))
    for t in tables.values():
        for i in t.indexes:
            _index_columns(t.name, i, parts[(t.name, i.name)], options[t.name, i.name])


# Index types the model holds (BTREE: the default; the others as IndexDef.using).
_INDEX_TYPES = {"BTREE": "", "FULLTEXT": "FULLTEXT ", "SPATIAL": "SPATIAL "}


def _index_columns(table: str, index: CatalogIndex, parts: list[tuple], options: str) -> None:
    """Plain columns as such; prefix lengths, descending keys, FULLTEXT or SPATIAL types and the
    `options` (description, IGNORED / INVISIBLE) as the CREATE INDEX that makes them (which the
    schema reader takes whole); an expression index (or a HASH one, MEMORY tables) stays out of
    the model (columns empty, its definition for the note)."""
    index_type = parts[0][2]
    if index_type not in _INDEX_TYPES or any(column is None for column, *_ in parts):
        return
    plain = not options and all(sub_part is None and collation != "D" for _, sub_part, _, collation in parts)
    if plain and not _INDEX_TYPES[index_type]:
        index.columns = [column for column, *_ in parts]
        return
    keys = ", ".join(_quoted(column) + (f"({sub_part})" if sub_part and index_type == "BTREE" else "")
                     + (" DESC" if collation == "D" else "") for column, sub_part, _, collation in parts)
    kind = _INDEX_TYPES[index_type] or ("UNIQUE " if index.unique else "")
    index.definition = f"CREATE {kind}INDEX {_quoted(index.name)} ON {_quoted(table)} ({keys}){options}"


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _views(tables, rows) -> None:
    """Views that read a table (and which of its columns), from their stored definitions."""
    for view, definition in rows:
        for t in tables.values():
            if definition and f"`{t.name}`" in definition and view != t.name:
                columns = [c.name for c in t.columns if f"`{t.name}`.`{c.name}`" in definition]
                t.views[view] = columns


def tidy(text: str, d=None) -> str:
    """An expression as a person writes it (MySQL's catalog backquotes every identifier)."""
    tree = parsed(text, "mysql")
    return text if tree is None else unquoted(tree, "mysql", MYSQL.reserved)
