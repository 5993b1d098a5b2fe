"""Oracle Database 19c+ (notes back to 11g) as data. Facts from the Oracle Database SQL Language
Reference ("ALTER TABLE", "CREATE INDEX", "DROP INDEX", "Database Object Names and Qualifiers",
"Oracle SQL Reserved Words"), Oracle Database Concepts ("Automatic Locks in DDL Operations",
"Overview of DDL statements": each DDL commits before and after) and the Database Administrator's
Guide ("Creating an Index Online", "Dropping Columns").
"""
from __future__ import annotations

import re

from .base import Dialect
from .common import (ANSI_FORMS, BATCH_DEFAULTS, COMMENT_ON, INFO_SCHEMA_CHECKS, N, ONLINE_STRATEGIES, PS,
                     RESERVED_CORE, SQLALCHEMY_TYPES)

_ID = r'(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_$#]*)'
_NAME = rf"{_ID}(?:\.{_ID})?"


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
    "guard_block": "DECLARE\n  dbmig_n NUMBER;\nBEGIN\n{guard}END;",
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

# Zero-downtime (T3) forms: see skill/plan/online/. From the SQL Language Reference ("ALTER
# TABLE": constraint_state, SET UNUSED ... ONLINE, the metadata-only DEFAULT of ADD column and
# its restrictions; "CREATE INDEX" ONLINE), Database Concepts ("Constraint States": a constraint
# moved from ENABLE NOVALIDATE to VALIDATE is checked while DML goes on) and the Administrator's
# Guide ("Redefining Tables Online"). `form@N`: the variant from version N on (`Dialect.variant`).
# Texts for the result and regexes are class attributes of Oracle.
# tests/test_zero_downtime_offline.py gates them as tests/test_dialects_offline.py does the rest.
ONLINE_FORMS: dict[str, str | tuple[str, ...]] = {
    # ENABLE NOVALIDATE: checked for every new or changed row from now on, existing rows not
    # read (a brief exclusive DDL lock); MODIFY CONSTRAINT ... VALIDATE then reads them while
    # DML goes on, because the constraint is already enforced.
    "zd_fk_not_valid": "ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({columns}) "
                       "REFERENCES {ref_table} ({ref_columns}){on_delete} ENABLE NOVALIDATE",
    "zd_check_not_valid": "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({expression}) ENABLE NOVALIDATE",
    "zd_validate": "ALTER TABLE {table} MODIFY CONSTRAINT {name} VALIDATE",
    # 19c has no DROP CONSTRAINT IF EXISTS (23ai has); a rollback only runs for applied steps.
    "zd_drop_constraint_if_exists": "ALTER TABLE {table} DROP CONSTRAINT {name}",
    # The unique index (built ONLINE first) backs the constraint: no second build, no scan.
    "zd_unique_using_index": "ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({columns}) USING INDEX {name}",
    # Its rollback: KEEP INDEX says what the index's own step then drops, whatever the
    # version's default for an index the constraint did not create.
    "zd_detach_unique": "ALTER TABLE {table} DROP CONSTRAINT {name} KEEP INDEX",
    # NOT NULL as a named NOT NULL constraint in ENABLE NOVALIDATE, then VALIDATE: once
    # validated it IS the column's nullability (ALL_TAB_COLUMNS.NULLABLE = 'N', which the
    # optimizer uses). A CHECK (c IS NOT NULL) never becomes that, and unlike PostgreSQL 12+
    # Oracle does not use a validated CHECK to skip the scan of a later MODIFY (c NOT NULL).
    "zd_not_null_novalidate": "ALTER TABLE {table} MODIFY ({column} CONSTRAINT {name} NOT NULL ENABLE NOVALIDATE)",
    # 12.1+: a dictionary change that waits for, but does not block, DML. The data stays on disk
    # until DROP UNUSED COLUMNS (a rewrite, for a window); an unused column cannot come back.
    "zd_set_unused@12.1": "ALTER TABLE {table} SET UNUSED ({column}) ONLINE",
    # rename_column: expand/contract with one BEFORE INSERT OR UPDATE row trigger keeping both
    # columns equal. Like PostgreSQL's, it edits the row before it is written, so NOT NULL holds
    # at every instant. Written values win: on INSERT the new column, else whichever changed.
    "zd_sync_trigger": "CREATE OR REPLACE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW\n"
                       "BEGIN\n{body}\nEND;",
    "zd_sync_both": "  IF INSERTING THEN\n    :NEW.{new} := NVL(:NEW.{new}, :NEW.{old});\n    :NEW.{old} := :NEW.{new};\n"
                    "  ELSIF {old_changed} THEN\n    :NEW.{new} := :NEW.{old};\n"
                    "  ELSIF {new_changed} THEN\n    :NEW.{old} := :NEW.{new};\n  END IF;",
    # ORA-04080 (no such trigger) tolerated: each DDL commits on its own, so a rerun of a contract
    # step whose column drop timed out finds the trigger already gone.
    "zd_drop_sync": "BEGIN\n  EXECUTE IMMEDIATE 'DROP TRIGGER {trigger}';\nEXCEPTION WHEN OTHERS THEN\n"
                    "  IF SQLCODE != -4080 THEN RAISE; END IF;\nEND;",
    # No IS DISTINCT FROM before 23ai: in SQL, DECODE takes two NULLs as equal; PL/SQL has no
    # DECODE, so a trigger body spells it out. A LOB compares with neither (`Oracle.lob_type`).
    "zd_distinct": "DECODE({a}, {b}, 0, 1) = 1",
    "zd_row_distinct": "{a} <> {b} OR ({a} IS NULL AND {b} IS NOT NULL) OR ({a} IS NOT NULL AND {b} IS NULL)",
    # rename_table: a PUBLIC synonym under the old name, created before the rename (`alias_first`).
    # The target is qualified with the current schema, where the unqualified rename happens.
    # Names are validated identifiers (no quote can occur), so they may stand inside the literal.
    # OR REPLACE: a rerun after the rename timed out on its lock finds the synonym in place.
    "zd_alias": "BEGIN\n  EXECUTE IMMEDIATE 'CREATE OR REPLACE PUBLIC SYNONYM {name} FOR ' || DBMS_ASSERT.ENQUOTE_NAME("
                "SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA'), FALSE) || '.{target}';\nEND;",
    "zd_drop_alias": "DROP PUBLIC SYNONYM {name}",
    "zd_alias_check": "SELECT COUNT(*) FROM all_synonyms WHERE owner = 'PUBLIC' AND synonym_name = {name_lit} "
                        "AND table_owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') AND table_name = {target_lit}",
    "zd_alias_guard": "SELECT 2 - COUNT(*) FROM session_privs WHERE privilege IN ('CREATE PUBLIC SYNONYM', "
                        "'DROP PUBLIC SYNONYM')",
}


class Oracle(Dialect):
    name = "oracle"
    quote = ('"', '"')
    max_identifier = 128
    fold = "upper"                      # unquoted names are stored upper case
    # "Oracle SQL Reserved Words" (SQL Language Reference, appendix), V$RESERVED_WORDS.RESERVED='Y'.
    reserved = RESERVED_CORE | frozenset(
        "ACCESS ADD ALTER AUDIT CHAR CLUSTER COMMENT COMPRESS CONNECT CURRENT DATE DECIMAL "
        "EXCLUSIVE FILE FLOAT IDENTIFIED IMMEDIATE INCREMENT INDEX INITIAL INTEGER LEVEL LOCK "
        "LONG MAXEXTENTS MINUS MLSLABEL MODE MODIFY NOAUDIT NOCOMPRESS NOWAIT NUMBER OFFLINE "
        "ONLINE OPTION PCTFREE PRIOR PRIVILEGES PUBLIC RAW RENAME RESOURCE REVOKE ROW ROWID "
        "ROWNUM ROWS SESSION SHARE SIZE SMALLINT START SUCCESSFUL SYNONYM SYSDATE TRIGGER UID "
        "VALIDATE VARCHAR VARCHAR2 VIEW WHENEVER".split())
    # VARCHAR2(n CHAR): n characters whatever NLS_LENGTH_SEMANTICS says, still at most 4000
    # bytes unless MAX_STRING_SIZE = EXTENDED. Integers as NUMBER(p) wide enough for the
    # portable range. BOOLEAN exists only from 23ai, so NUMBER(1) keeps 19c.
    # uuid -> VARCHAR2(36), not RAW(16): values stay the canonical text that defaults, backfill
    # expressions and validation queries are written in (MySQL maps it to CHAR(36) too); RAW
    # would need HEXTORAW(REPLACE(x, '-')) around every value.
    # `time` is absent: Oracle has no time-of-day type, so native_type() raises Unsupported.
    types = {
        "varchar": "VARCHAR2({0} CHAR)", "char": "CHAR({0} CHAR)", "text": "CLOB",
        "smallint": "NUMBER(5)", "integer": "NUMBER(10)", "bigint": "NUMBER(19)",
        "boolean": "NUMBER(1)", "timestamp": "TIMESTAMP", "timestamptz": "TIMESTAMP WITH TIME ZONE",
        "date": "DATE", "decimal": "NUMBER({0},{1})", "float": "BINARY_FLOAT",
        "double": "BINARY_DOUBLE", "uuid": "VARCHAR2(36)", "json": "CLOB", "blob": "BLOB",
    }
    # ALL_TAB_COLUMNS.DATA_TYPE: the fractional precision is part of the timestamp names.
    catalog_types = {
        "varchar": ("VARCHAR2",), "char": ("CHAR",), "text": ("CLOB",), "smallint": ("NUMBER",),
        "integer": ("NUMBER",), "bigint": ("NUMBER",), "boolean": ("NUMBER",),
        "timestamp": ("TIMESTAMP(6)",), "timestamptz": ("TIMESTAMP(6) WITH TIME ZONE",),
        "date": ("DATE",), "decimal": ("NUMBER",), "float": ("BINARY_FLOAT",),
        "double": ("BINARY_DOUBLE",), "uuid": ("VARCHAR2",), "json": ("CLOB", "JSON"),
        "blob": ("BLOB",),
    }
    transactional_ddl = False           # every DDL commits the open transaction, then itself
    comments = "statement"
    forms = {
        **ANSI_FORMS,
        **COMMENT_ON,
        **BATCH_DEFAULTS,
        **BATCH_FORMS,
        **ONLINE_FORMS,
        "add_column": "ALTER TABLE {table} ADD ({column_def})",
        # restore_rows: an identity column takes explicit values only BY DEFAULT, and continues
        # after the largest value present once told START WITH LIMIT VALUE.
        "identity_modify": "ALTER TABLE {table} MODIFY ({column} GENERATED {kind} AS IDENTITY{start})",
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
    }
    # ALL_* views filtered by CURRENT_SCHEMA rather than USER_* views: Flyway and Liquibase
    # switch the target with ALTER SESSION SET CURRENT_SCHEMA, which USER_* ignore.
    checks = {
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
    }
    # "Automatic Locks in DDL Operations": DDL takes an exclusive DDL lock on the object and an
    # exclusive DML (TM) lock on the table; it waits for open transactions (ORA-00054 without
    # ddl_lock_timeout) and new DML queues behind it. DDL never waits inside a transaction:
    # it commits first.
    command_allow = (
        # dbmig's batch loop and create-if-absent (skill/plan/data.py): PL/SQL blocks, which
        # sqlglot cannot parse; data.py gates each statement inside them on its own.
        re.compile(r"^DECLARE\n  dbmig_lo NUMBER;\n  dbmig_hi NUMBER;\n  dbmig_n NUMBER;\nBEGIN\n.*\nEND;$", re.S),
        re.compile(r"^DECLARE\n  dbmig_n NUMBER;\nBEGIN\n.*\nEND;$", re.S),        # guard_block
        re.compile(r"^BEGIN\n  EXECUTE IMMEDIATE '(?:[^']|'')*';\nEXCEPTION WHEN OTHERS THEN\n"
                   r"  IF SQLCODE != -955 THEN RAISE; END IF;\nEND;$"),
        # alter_column_type, set/drop_not_null, set/drop_default: sqlglot 30.30 knows no MODIFY.
        re.compile(rf"^ALTER\s+TABLE\s+{_NAME}\s+MODIFY\s*\(\s*{_ID}\s+[^;]+\)$", re.I),
        # add_index_online: the trailing ONLINE is a Command.
        re.compile(rf"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+{_NAME}\s+ON\s+{_NAME}\s*\([^();]+\)"
                   r"\s+ONLINE$", re.I),
        # drop_index_online: a ParseError, not even a Command.
        re.compile(rf"^DROP\s+INDEX\s+{_NAME}\s+ONLINE$", re.I),
        # T3 (ONLINE_FORMS): sqlglot 30.30 reads constraint states and SET UNUSED as Commands.
        re.compile(rf"^ALTER\s+TABLE\s+{_NAME}\s+ADD\s+CONSTRAINT\s+{_ID}\s+(?:FOREIGN\s+KEY|CHECK)"
                   r"\s*\([^;]+\s+ENABLE\s+NOVALIDATE$", re.I),
        re.compile(rf"^ALTER\s+TABLE\s+{_NAME}\s+MODIFY\s+CONSTRAINT\s+{_ID}\s+VALIDATE$", re.I),
        re.compile(rf"^ALTER\s+TABLE\s+{_NAME}\s+ADD\s+CONSTRAINT\s+({_ID})\s+UNIQUE\s*\([^();]+\)"
                   r"\s+USING\s+INDEX\s+\1$", re.I),
        re.compile(rf"^ALTER\s+TABLE\s+{_NAME}\s+DROP\s+CONSTRAINT\s+{_ID}\s+KEEP\s+INDEX$", re.I),
        re.compile(rf"^ALTER\s+TABLE\s+{_NAME}\s+SET\s+UNUSED\s*\(\s*{_ID}\s*\)\s+ONLINE$", re.I),
        # T3 rename_column / rename_table: stored code, a PL/SQL block and a public synonym.
        re.compile(rf"^CREATE OR REPLACE TRIGGER {_ID} BEFORE INSERT OR UPDATE ON {_NAME} FOR EACH ROW\n"
                   r"BEGIN\n.*\nEND;$", re.S),
        re.compile(r"^BEGIN\n  EXECUTE IMMEDIATE 'DROP TRIGGER [^';]+';\nEXCEPTION WHEN OTHERS THEN\n"
                   r"  IF SQLCODE != -4080 THEN RAISE; END IF;\nEND;$"),
        re.compile(r"^BEGIN\n  EXECUTE IMMEDIATE 'CREATE OR REPLACE PUBLIC SYNONYM [^';]+ FOR ' \|\| "
                   r"DBMS_ASSERT\.ENQUOTE_NAME\(SYS_CONTEXT\('USERENV', 'CURRENT_SCHEMA'\), FALSE\) \|\| "
                   r"'\.[^';]+';\nEND;$"),
        re.compile(rf"^DROP\s+PUBLIC\s+SYNONYM\s+{_ID}$", re.I),
        # lock_timeout: ALTER SESSION is a Command.
        re.compile(r"^ALTER\s+SESSION\s+SET\s+ddl_lock_timeout\s*=\s*\d+$", re.I),
    )
    batch_separator = "/"
    # "/" ends a PL/SQL block or a CREATE of stored code; after a plain `stmt;` it would
    # re-run the statement (SQL*Plus). None of the forms above is a block.
    batch_separator_after = re.compile(
        r"^\s*(?:DECLARE|BEGIN|CREATE\s+(?:OR\s+REPLACE\s+)?(?:EDITIONABLE\s+|NONEDITIONABLE\s+)?"
        r"(?:PROCEDURE|FUNCTION|PACKAGE|TRIGGER|TYPE))\b", re.I)
    statement_end = ";"
    version_notes = {
        "11.1": "ADD COLUMN ... DEFAULT x NOT NULL is metadata-only (no row is updated).",
        "12.1": "ADD COLUMN with a DEFAULT on a nullable column is metadata-only; DROP INDEX, "
                "DROP CONSTRAINT and SET UNUSED take ONLINE.",
        "12.2": "Identifiers up to 128 bytes (30 before, and while COMPATIBLE < 12.2).",
        "23": "Native BOOLEAN type and DATA_DEFAULT_VC; dbmig keeps NUMBER(1) for 19c.",
    }

    # Oracle has ON DELETE CASCADE and SET NULL only; its default is NO ACTION, which is what
    # restrict/no action ask for, so the clause is empty (the planner warns).
    on_delete = {"cascade": " ON DELETE CASCADE", "set null": " ON DELETE SET NULL",
                 "restrict": "", "no action": ""}
    batch_rows_locked_apart = True      # FOR UPDATE only in a top-level query (`batch_lock`)
    # Alembic writes a bare MODIFY where the planner writes ADD (...) / MODIFY (...), the form
    # sqlglot's gate allow-lists.
    alembic_sql_only = frozenset({"add_column", "set_not_null", "drop_not_null", "set_default", "drop_default",
                                  "modify_type"})
    # Liquibase rewrites SMALLINT -> NUMBER(5) and BIGINT -> NUMBER(38,0); these it passes through.
    liquibase_types = (rf"N?VARCHAR2{N}", rf"CHAR{N}", "CLOB", "BLOB", rf"NUMBER({N}|{PS})", "DATE", "INTEGER",
                       rf"TIMESTAMP({N})?( WITH TIME ZONE)?", "FLOAT")
    # `VARCHAR2({0})` (byte semantics) is deliberately absent: SQLAlchemy renders `VARCHAR2(n CHAR)`.
    sqlalchemy_types = {**SQLALCHEMY_TYPES, "VARCHAR2({0} CHAR)": "oracle.VARCHAR2({0})",
                        "NUMBER({0})": "oracle.NUMBER({0})", "NUMBER({0},{1})": "oracle.NUMBER({0}, {1})",
                        "BINARY_FLOAT": "oracle.BINARY_FLOAT()", "BINARY_DOUBLE": "oracle.BINARY_DOUBLE()"}

    # zero-downtime. The version assumed when the request gives none: 19c, as the module docstring says.
    baseline_version = (19,)
    # a widening is a dictionary change; anything else needs DBMS_REDEFINITION (the strategy says so)
    online_strategies = {**ONLINE_STRATEGIES, "alter_column_type": "online_alter_column"}
    # rename_column: one BEFORE INSERT OR UPDATE row trigger keeping both columns equal. Like
    # PostgreSQL's, it edits the row before it is written, so NOT NULL holds at every instant.
    sync_trigger_style = "row"
    not_null_online = "novalidate"
    # rename_table: a PUBLIC synonym under the old name, created BEFORE the rename. Names resolve
    # in the current schema first, then among public synonyms ("Managing Object Name
    # Resolution"), so the synonym is shadowed by the table until the rename and takes over at
    # once after it: each DDL commits on its own, and at no instant does the old name fail.
    # (A private synonym cannot share the table's namespace, so it could only follow the rename.)
    alias_first = True
    unique_using_index = True
    detach_keeps_index = True
    unchecked_words = "ENABLE NOVALIDATE"  # for step descriptions
    dropped_column_note = ("{table}.{column} is only marked unused: reclaim its space in a maintenance "
                           "window with `ALTER TABLE {table} DROP UNUSED COLUMNS CHECKPOINT 10000` (rewrites "
                           "every block and blocks DML on {table} meanwhile).")
    dropped_table_note = ("DROP TABLE keeps {table} in the recycle bin until it is purged: "
                          "`FLASHBACK TABLE {table} TO BEFORE DROP` brings it back with its rows, indexes "
                          "and constraints faster than the restore from the backup table.")
    row_new = ":NEW."
    row_old = ":OLD."
    rename_column_options = ("allow downtime and deploy the app with the rename (RENAME COLUMN is a brief "
                             "dictionary change); or Edition-Based Redefinition: an editioning view per edition "
                             "exposing {column} under either name, with crossedition triggers instead of the sync "
                             "trigger")
    alias_kind = "public synonym"
    alias_guard_message = ("privileges missing for the online rename of {name} (CREATE PUBLIC SYNONYM, "
                           "DROP PUBLIC SYNONYM)")
    alias_note = ("Until the contract phase the public synonym {name} stands for {target}: SELECT, INSERT, "
                  "UPDATE, DELETE and LOCK TABLE through the old name reach the renamed table; DDL and "
                  "catalog lookups (USER_TABLES) need {target}. Views and PL/SQL naming {name} are "
                  "invalidated by the rename and recompile on first use. It serves sessions whose current "
                  "schema owns the table; an app that connects as another user through its own private "
                  "synonym {name} must re-point it (CREATE OR REPLACE SYNONYM <app>.{name} FOR "
                  "<owner>.{target}) right after the expand phase, and fails until then.")
    retry_note = ("A step that fails with ORA-00054 ('resource busy and acquire with NOWAIT specified or "
                  "timeout expired') changed nothing: find the blocker (v$session.blocking_session), wait "
                  "for its transaction to end and run the same phase again.")
    edition_note = ("CREATE INDEX ... ONLINE and DROP INDEX ... ONLINE need Oracle Enterprise Edition (other "
                    "editions raise ORA-00439 and nothing changes; there, schedule a window for them).")
    interrupted_index_note = ("If the online build of {name} is killed it can leave a half-built index "
                              "behind: have a DBA run `DECLARE done BOOLEAN; BEGIN done := "
                              "DBMS_REPAIR.ONLINE_INDEX_CLEAN(); END;` before running the step again.")
    type_change_why = ("{table}.{column} from {old} to {new} is not a widening Oracle makes in its "
                       "dictionary: on a column holding rows MODIFY either fails (ORA-01439) or rewrites "
                       "every row under an exclusive lock")
    type_change_options = ("online redefinition with DBMS_REDEFINITION (CAN_REDEF_TABLE; an interim table "
                           "with {column} {type}; START_REDEF_TABLE with col_mapping 'CAST({column} AS "
                           "{type}) {column}'; COPY_TABLE_DEPENDENTS; SYNC_INTERIM_TABLE; FINISH_REDEF_TABLE, "
                           "which locks {table} only briefly at the end); or allow downtime")
    # Regex over '<native type> NULL|NOT NULL[ DEFAULT <expr>]' of an added column: the DEFAULT of
    # these is written into every row (LOB columns; SYS_GUID and sequences differ per row). Others
    # keep it in the dictionary: NOT NULL from 11g, nullable from 12c -- unless the table has a
    # LOB column (`lob_type` over its columns' types).
    slow_add_column_since = (12,)
    slow_add_column = r"^(?:N?CLOB|BLOB) (?:NOT )?NULL DEFAULT |\bDEFAULT\b.*(?:\bSYS_GUID\s*\(|\.NEXTVAL\b)"
    lob_type = r"^(?:N?CLOB|BLOB)$"
    # Regex over the old and the new native type: a longer VARCHAR2 or a wider NUMBER is a
    # dictionary change on a non-empty column; any other change is ORA-01439 or a rewrite ...
    inplace_widening = r"^(?:VARCHAR2\(\d+(?: CHAR| BYTE)?\)|NUMBER\(\d+(?:,\s*\d+)?\)|RAW\(\d+\))$"
    narrowing_refused = r"^NUMBER\b"      # ... and Oracle will not narrow it back while rows exist (ORA-01440)

    def restore_rows(self, parts: dict[str, str], numbered: list[tuple[str, str]]) -> list[str]:
        def modify(name: str, kind: str, start: str = "") -> str:
            return self.sql("identity_modify", table=parts["table"], column=self.q(name),
                            kind="ALWAYS" if kind == "always" else "BY DEFAULT", start=start)
        return ([modify(name, "by_default") for name, kind in numbered if kind == "always"]
                + super().restore_rows(parts, numbered)
                + [modify(name, kind, " (START WITH LIMIT VALUE)") for name, kind in numbered])

    def identifier_limit(self, version: tuple[int, ...]) -> int:
        """128 bytes from 12.2 (with COMPATIBLE >= 12.2), 30 before; an unknown version is current.
        Identifiers are validated ASCII, so bytes are characters."""
        return 30 if version and version < (12, 2) else 128

    def alias_guard(self, name: str) -> tuple[str, str] | None:
        """(query, message): the privileges the public synonym needs, counted before the rename."""
        return self.sql("zd_alias_guard"), self.alias_guard_message.format(name=name)


ORACLE = Oracle()
