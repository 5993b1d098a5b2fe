"""Oracle Database 19c+ (notes back to 11g) as data. Facts from the Oracle Database SQL Language
Reference ("ALTER TABLE", "CREATE INDEX", "DROP INDEX", "Database Object Names and Qualifiers",
"Oracle SQL Reserved Words"), Oracle Database Concepts ("Automatic Locks in DDL Operations",
"Overview of DDL statements": each DDL commits before and after) and the Database Administrator's
Guide ("Creating an Index Online", "Dropping Columns").
"""
from __future__ import annotations

import re

from .base import Dialect
from .common import ANSI_FORMS, BATCH_DEFAULTS, INFO_SCHEMA_CHECKS, RESERVED_CORE, lock

X_DML = "exclusive DML lock (TM)"
BRIEF = "reads and writes are queued only briefly (dictionary change)"

_ID = r'(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_$#]*)'
_NAME = rf"{_ID}(?:\.{_ID})?"


def _identifier_limit(version: tuple[int, ...]) -> int:
    """128 bytes from 12.2 (with COMPATIBLE >= 12.2), 30 before; an unknown version is current.
    Identifiers are validated ASCII, so bytes are characters."""
    return 30 if version and version < (12, 2) else 128


# Batched data loops (T2, and T3 backfills): see skill/plan/data.py.
BATCH_FORMS: dict[str, str | tuple[str, ...]] = {
    # CREATE TABLE IF NOT EXISTS is 23ai: ORA-00955 (name already used) means an interrupted
    # run left the backup, which is the ledger to resume from.
    "batch_create_if_absent": "BEGIN\n  EXECUTE IMMEDIATE {create_lit};\nEXCEPTION WHEN OTHERS THEN\n"
                              "  IF SQLCODE != -955 THEN RAISE; END IF;\nEND;",
    # FOR UPDATE is allowed only in a top-level query, not inside INSERT ... SELECT: opening a
    # cursor FOR UPDATE locks the batch's rows to its COMMIT, then the copy reads them.
    "batch_lock": "FOR dbmig_r IN ({select}) LOOP NULL; END LOOP",
    "batch_copy": "INSERT INTO {backup} ({columns}) SELECT {columns} FROM {table} WHERE {where}",
    # PL/SQL expressions cannot hold subqueries (PLS-00405): SELECT ... INTO ... FROM dual.
    # FETCH FIRST is 12c+.
    "batch_loop": "DECLARE\n  dbmig_lo NUMBER;\n  dbmig_hi NUMBER;\n  dbmig_n NUMBER;\nBEGIN\n"
                  "{guard}  SELECT {start} INTO dbmig_lo FROM dual;\n  LOOP\n"
                  "    SELECT MAX({pk}) INTO dbmig_hi FROM (SELECT {pk} FROM {keys} WHERE {pk} > dbmig_lo "
                  "ORDER BY {pk} FETCH FIRST {size} ROWS ONLY);\n    EXIT WHEN dbmig_hi IS NULL;\n"
                  "{body}    COMMIT;\n    dbmig_lo := dbmig_hi;\n{pause}  END LOOP;\nEND;",
    "batch_statement": "    {statement};\n",
    "batch_guard": "  SELECT ({query}) INTO dbmig_n FROM dual;\n  IF dbmig_n > 0 THEN\n"
                   "    RAISE_APPLICATION_ERROR(-20001, {message} || ' (' || dbmig_n || ' rows)');\n  END IF;\n",
    "batch_pause": "    DBMS_SESSION.SLEEP({seconds});\n",      # 18c+; DBMS_LOCK.SLEEP before
    "batch_cancel": "ALTER SYSTEM CANCEL SQL '<sid>, <serial#>' (18c+; the session from v$session)",
    # No UPDATE ... FROM: MERGE joins the backup's batch.
    "batch_restore": "MERGE INTO {table} dbmig_t USING (SELECT * FROM {backup} dbmig_b WHERE {range}) dbmig_b "
                     "ON ({join}) WHEN MATCHED THEN UPDATE SET {assign}",
    "batch_assign": "dbmig_t.{column} = dbmig_b.{column}",
    # INSTR compares bytes (NLS_COMP=BINARY). Oracle stores '' as NULL: a value ending in the
    # separator has a NULL last part and counts as lacking it.
    "batch_split_before": "CASE WHEN INSTR({value}, {sep}) > 0 THEN SUBSTR({value}, 1, INSTR({value}, {sep}) - 1) "
                          "ELSE {value} END",
    "batch_length": "LENGTH({value})",
    "batch_from": "SUBSTR({value}, {start})",
    # || skips NULLs; the recombination needs NULL in, NULL out.
    "batch_concat": "CASE WHEN {a} IS NOT NULL AND {b} IS NOT NULL THEN {a} || {b} END",
    "batch_differs": "({a} IS NULL OR {a} <> {b})",
    # JSON_ARRAY drops NULLs unless told: NULL ON NULL keeps column positions.
    "batch_hash": "SELECT COUNT(*), SUM(ORA_HASH(JSON_ARRAY({columns} NULL ON NULL))) FROM {table}",
    "batch_explain": "EXPLAIN PLAN FOR {statement}",
}

# Zero-downtime (T3) forms: see skill/plan/online/.
ONLINE_FORMS: dict[str, str | tuple[str, ...]] = {
}

ORACLE = Dialect(
    name="oracle",
    sqlglot="oracle",
    quote=('"', '"'),
    max_identifier=128,
    fold="upper",                       # unquoted names are stored upper case
    # "Oracle SQL Reserved Words" (SQL Language Reference, appendix), V$RESERVED_WORDS.RESERVED='Y'.
    reserved=RESERVED_CORE | frozenset(
        "ACCESS ADD ALTER AUDIT CHAR CLUSTER COMMENT COMPRESS CONNECT CURRENT DATE DECIMAL "
        "EXCLUSIVE FILE FLOAT IDENTIFIED IMMEDIATE INCREMENT INDEX INITIAL INTEGER LEVEL LOCK "
        "LONG MAXEXTENTS MINUS MLSLABEL MODE MODIFY NOAUDIT NOCOMPRESS NOWAIT NUMBER OFFLINE "
        "ONLINE OPTION PCTFREE PRIOR PRIVILEGES PUBLIC RAW RENAME RESOURCE REVOKE ROW ROWID "
        "ROWNUM ROWS SESSION SHARE SIZE SMALLINT START SUCCESSFUL SYNONYM SYSDATE TRIGGER UID "
        "VALIDATE VARCHAR VARCHAR2 VIEW WHENEVER".split()),
    # VARCHAR2(n CHAR): n characters whatever NLS_LENGTH_SEMANTICS says, still at most 4000
    # bytes unless MAX_STRING_SIZE = EXTENDED. Integers as NUMBER(p) wide enough for the
    # portable range. BOOLEAN exists only from 23ai, so NUMBER(1) keeps 19c.
    # uuid -> VARCHAR2(36), not RAW(16): values stay the canonical text that defaults, backfill
    # expressions and validation queries are written in (MySQL maps it to CHAR(36) too); RAW
    # would need HEXTORAW(REPLACE(x, '-')) around every value.
    # `time` is absent: Oracle has no time-of-day type, so native_type() raises Unsupported.
    types={
        "varchar": "VARCHAR2({0} CHAR)", "char": "CHAR({0} CHAR)", "text": "CLOB",
        "smallint": "NUMBER(5)", "integer": "NUMBER(10)", "bigint": "NUMBER(19)",
        "boolean": "NUMBER(1)", "timestamp": "TIMESTAMP", "timestamptz": "TIMESTAMP WITH TIME ZONE",
        "date": "DATE", "decimal": "NUMBER({0},{1})", "float": "BINARY_FLOAT",
        "double": "BINARY_DOUBLE", "uuid": "VARCHAR2(36)", "json": "CLOB", "blob": "BLOB",
    },
    # ALL_TAB_COLUMNS.DATA_TYPE: the fractional precision is part of the timestamp names.
    catalog_types={
        "varchar": ("VARCHAR2",), "char": ("CHAR",), "text": ("CLOB",), "smallint": ("NUMBER",),
        "integer": ("NUMBER",), "bigint": ("NUMBER",), "boolean": ("NUMBER",),
        "timestamp": ("TIMESTAMP(6)",), "timestamptz": ("TIMESTAMP(6) WITH TIME ZONE",),
        "date": ("DATE",), "decimal": ("NUMBER",), "float": ("BINARY_FLOAT",),
        "double": ("BINARY_DOUBLE",), "uuid": ("VARCHAR2",), "json": ("CLOB", "JSON"),
        "blob": ("BLOB",),
    },
    transactional_ddl=False,            # every DDL commits the open transaction, then itself
    forms={
        **ANSI_FORMS,
        **BATCH_DEFAULTS,
        **BATCH_FORMS,
        **ONLINE_FORMS,
        "add_column": "ALTER TABLE {table} ADD ({column_def})",
        # DROP COLUMN rewrites every row block; SET UNUSED is the metadata-only alternative.
        # MODIFY names only what changes: no restated column.
        # A type change of a non-empty column must be a compatible one (wider VARCHAR2, more
        # NUMBER precision), else ORA-01439: the planner copies into a new column instead.
        "alter_column_type": "ALTER TABLE {table} MODIFY ({column} {type})",
        "set_not_null": "ALTER TABLE {table} MODIFY ({column} NOT NULL)",
        "drop_not_null": "ALTER TABLE {table} MODIFY ({column} NULL)",
        "set_default": "ALTER TABLE {table} MODIFY ({column} DEFAULT {default})",
        # There is no DROP DEFAULT: DEFAULT NULL leaves the text 'NULL' in DATA_DEFAULT.
        "drop_default": "ALTER TABLE {table} MODIFY ({column} DEFAULT NULL)",
        # No partial_index: Oracle has no filtered indexes.
        "add_index": "CREATE {unique}INDEX {name} ON {table} ({columns})",
        # ONLINE: DML goes on during the build (Enterprise Edition).
        "add_index_online": "CREATE {unique}INDEX {name} ON {table} ({columns}) ONLINE",
        # 12.1+: does not wait for, nor block, DML.
        "drop_index_online": "DROP INDEX {name} ONLINE",
        "lock_timeout": "ALTER SESSION SET ddl_lock_timeout = {timeout_s}",
        "default_clause": " DEFAULT {default}",
    },
    # ALL_* views filtered by CURRENT_SCHEMA rather than USER_* views: Flyway and Liquibase
    # switch the target with ALTER SESSION SET CURRENT_SCHEMA, which USER_* ignore.
    checks={
        **INFO_SCHEMA_CHECKS,
        "column": "SELECT COUNT(*) FROM all_tab_columns WHERE owner = {schema} "
                  "AND table_name = {table} AND column_name = {column}{filters}",
        "table": "SELECT COUNT(*) FROM all_tables WHERE owner = {schema} AND table_name = {table}",
        "index": "SELECT COUNT(*) FROM all_indexes WHERE table_owner = {schema} "
                 "AND table_name = {table} AND index_name = {name}",
        "constraint": "SELECT COUNT(*) FROM all_constraints WHERE owner = {schema} "
                      "AND table_name = {table} AND constraint_name = {name}",
        "type_in": " AND data_type IN ({types})",
        "length": " AND char_length = {n}",
        "not_null": " AND nullable = 'N'",
        "null": " AND nullable = 'Y'",
        # DATA_DEFAULT is a LONG, which no WHERE clause may read; DEFAULT_LENGTH is its length.
        # drop_default leaves 'NULL' (length 4), so a real 4-character default such as 1000
        # would read as "no default": a known blind spot, exact from 23ai's DATA_DEFAULT_VC.
        "has_default": " AND default_length IS NOT NULL",
        "no_default": " AND (default_length IS NULL OR default_length = 4)",
        "schema": "SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')",
    },
    # "Automatic Locks in DDL Operations": DDL takes an exclusive DDL lock on the object and an
    # exclusive DML (TM) lock on the table; it waits for open transactions (ORA-00054 without
    # ddl_lock_timeout) and new DML queues behind it. DDL never waits inside a transaction:
    # it commits first.
    locks={
        "create_table": lock("none (new table)", "nothing"),
        "drop_table": lock(X_DML, BRIEF),
        "rename_table": lock(X_DML, BRIEF + "; dependent views and code are invalidated"),
        # Metadata-only: nullable without default always; NOT NULL with DEFAULT from 11g;
        # nullable with DEFAULT from 12c (the default lives in the dictionary).
        "add_column": lock(X_DML, BRIEF),
        "drop_column": lock(X_DML, "reads and writes while every row is rewritten", rewrite=True),
        "rename_column": lock(X_DML, BRIEF),
        "alter_column_type": lock(X_DML, "reads and writes while every row is converted",
                                  rewrite=True),
        "set_not_null": lock(X_DML, "writes while every row is checked", scan=True),
        "drop_not_null": lock(X_DML, BRIEF),
        "set_default": lock(X_DML, BRIEF),
        "drop_default": lock(X_DML, BRIEF),
        # Without ONLINE the build holds a share (TM) lock: queries go on, DML waits.
        "add_index": lock("share lock (TM, mode 4)", "writes for the whole index build", scan=True),
        "drop_index": lock(X_DML, BRIEF),
        # ENABLE VALIDATE scans under the lock; ENABLE NOVALIDATE + later VALIDATE does not block.
        "add_foreign_key": lock(X_DML, "writes while every row is checked", scan=True),
        "add_unique": lock("share lock (TM, mode 4)", "writes for the index build", scan=True),
        "add_primary_key": lock("share lock (TM, mode 4)", "writes for the index build", scan=True),
        "add_check": lock(X_DML, "writes while every row is checked", scan=True),
        "drop_constraint": lock(X_DML, BRIEF),
        # Oracle never escalates row locks.
        "update": lock("row locks (TX) + row exclusive table lock", "writers of the same rows"),
    },
    command_allow=(
        # dbmig's batch loop and create-if-absent (skill/plan/data.py): PL/SQL blocks, which
        # sqlglot cannot parse; data.py gates each statement inside them on its own.
        re.compile(r"^DECLARE\n  dbmig_lo NUMBER;\n  dbmig_hi NUMBER;\n  dbmig_n NUMBER;\nBEGIN\n.*\nEND;$", re.S),
        re.compile(r"^BEGIN\n  EXECUTE IMMEDIATE '(?:[^']|'')*';\nEXCEPTION WHEN OTHERS THEN\n"
                   r"  IF SQLCODE != -955 THEN RAISE; END IF;\nEND;$"),
        # alter_column_type, set/drop_not_null, set/drop_default: sqlglot 30.30 knows no MODIFY.
        re.compile(rf"^ALTER\s+TABLE\s+{_NAME}\s+MODIFY\s*\(\s*{_ID}\s+[^;]+\)$", re.I),
        # add_index_online: the trailing ONLINE is a Command.
        re.compile(rf"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+{_NAME}\s+ON\s+{_NAME}\s*\([^();]+\)"
                   r"\s+ONLINE$", re.I),
        # drop_index_online: a ParseError, not even a Command.
        re.compile(rf"^DROP\s+INDEX\s+{_NAME}\s+ONLINE$", re.I),
        # lock_timeout: ALTER SESSION is a Command.
        re.compile(r"^ALTER\s+SESSION\s+SET\s+ddl_lock_timeout\s*=\s*\d+$", re.I),
    ),
    batch_separator="/",
    # "/" ends a PL/SQL block or a CREATE of stored code; after a plain `stmt;` it would
    # re-run the statement (SQL*Plus). None of the forms above is a block.
    batch_separator_after=re.compile(
        r"^\s*(?:DECLARE|BEGIN|CREATE\s+(?:OR\s+REPLACE\s+)?(?:EDITIONABLE\s+|NONEDITIONABLE\s+)?"
        r"(?:PROCEDURE|FUNCTION|PACKAGE|TRIGGER|TYPE))\b", re.I),
    statement_end=";",
    identifier_limit=_identifier_limit,
    version_notes={
        "11.1": "ADD COLUMN ... DEFAULT x NOT NULL is metadata-only (no row is updated).",
        "12.1": "ADD COLUMN with a DEFAULT on a nullable column is metadata-only; DROP INDEX, "
                "DROP CONSTRAINT and SET UNUSED take ONLINE.",
        "12.2": "Identifiers up to 128 bytes (30 before, and while COMPATIBLE < 12.2).",
        "23": "Native BOOLEAN type and DATA_DEFAULT_VC; dbmig keeps NUMBER(1) for 19c.",
    },
    # Oracle has ON DELETE CASCADE and SET NULL only; its default is NO ACTION, which is what
    # restrict/no action ask for, so the clause is empty (the planner warns).
    on_delete={"cascade": " ON DELETE CASCADE", "set null": " ON DELETE SET NULL",
               "restrict": "", "no action": ""},
)
