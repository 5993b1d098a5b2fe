"""SQL Server 2016+ as data. Facts from Microsoft Learn: "ALTER TABLE (Transact-SQL)" (Locks and
ALTER TABLE; Adding NOT NULL columns as an online operation), "CREATE INDEX (Transact-SQL)",
"Guidelines for online index operations", "sp_rename", "Lock escalation", "SET LOCK_TIMEOUT".

Version keys are the product major versions: 11 = 2012, 13 = 2016, 15 = 2019, 16 = 2022.
"""
from __future__ import annotations

import re

from .base import Dialect, ansi_literal
from .common import ANSI_FORMS, BATCH_DEFAULTS, N, ONLINE_STRATEGIES, PS, RESERVED_CORE, SQLALCHEMY_TYPES

# Identifier as the regexes of `command_allow` see it: bracketed, or regular, optionally
# schema-qualified. `[^;]` keeps each allowed statement a single statement.
_ID = r"(?:\[[^\]]+\]|[A-Za-z_][A-Za-z0-9_$@#]*)"
_NAME = rf"{_ID}(?:\.{_ID})?"

# A column's default is a named constraint on SQL Server; its name is unknown for defaults
# created outside dbmig (DF__users__name__3A81B327), so look it up in sys.default_constraints
# and drop it with dynamic SQL, as Alembic's mssql dialect does (alembic/ddl/mssql.py).
# The three statements are ONE batch (the variable lives for the batch): the renderer must
# keep the element whole and end it with GO, and Liquibase must split only on GO.
# EXEC of an empty string is a no-op, so a column without a default passes through.
# QUOTENAME: OBJECT_ID parses its argument as a multi-part name; brackets keep any catalog
# name (a keyword, a `$`) one part.
DROP_DEFAULT_CONSTRAINT = (
    "DECLARE @dbmig_sql NVARCHAR(MAX) = N'';\n"
    "SELECT @dbmig_sql = N'ALTER TABLE ' + QUOTENAME(OBJECT_SCHEMA_NAME(d.parent_object_id)) "
    "+ N'.' + QUOTENAME(OBJECT_NAME(d.parent_object_id)) + N' DROP CONSTRAINT ' "
    "+ QUOTENAME(d.name) FROM sys.default_constraints AS d "
    "WHERE d.parent_object_id = OBJECT_ID(QUOTENAME({table_lit})) "
    "AND COL_NAME(d.parent_object_id, d.parent_column_id) = {column_lit};\n"
    "EXEC sp_executesql @dbmig_sql"
)

# Batched data loops (T2, and T3 backfills): see skill/plan/data.py.
BATCH_FORMS: dict[str, str | tuple[str, ...]] = {
    "batch_var": "@{name}",
    # No CREATE TABLE IF NOT EXISTS: OBJECT_ID finds the backup an interrupted run left.
    "batch_create_if_absent": "IF OBJECT_ID({table_lit}, N'U') IS NULL CREATE TABLE {table} ({body})",
    # UPDLOCK holds the batch's rows to its COMMIT (a concurrent writer waits for one batch
    # instead of being overwritten); ROWLOCK + batches under 5,000 rows avoid lock escalation.
    "batch_copy": "INSERT INTO {backup} ({columns}) SELECT {columns} FROM {table} WITH (UPDLOCK, ROWLOCK) "
                  "WHERE {where}",
    # One batch (ended by GO). SELECT TOP walks the key in order; UPDATE TOP (n) has no ORDER
    # BY, so it could not tell which key range is done. XACT_ABORT: an error rolls back the
    # open batch instead of leaving its transaction open on the connection.
    "batch_loop": "SET XACT_ABORT ON;\nDECLARE @dbmig_lo BIGINT, @dbmig_hi BIGINT, @dbmig_n BIGINT;\n"
                  "{guard}SET @dbmig_lo = {start};\nWHILE 1 = 1\nBEGIN\n"
                  "    SELECT @dbmig_hi = MAX({pk}) FROM (SELECT TOP ({size}) {pk} FROM {keys} "
                  "WHERE {pk} > @dbmig_lo ORDER BY {pk}) AS dbmig_batch;\n"
                  "    IF @dbmig_hi IS NULL BREAK;\n    BEGIN TRANSACTION;\n"
                  "{body}    COMMIT;\n    SET @dbmig_lo = @dbmig_hi;\n{pause}END",
    "batch_statement": "    {statement};\n",
    "batch_guard": "SET @dbmig_n = ({query});\nIF @dbmig_n > 0\nBEGIN\n"
                   "    DECLARE @dbmig_msg NVARCHAR(2048) = CONCAT({message}, N' (', @dbmig_n, N' rows)');\n"
                   "    THROW 50000, @dbmig_msg, 1;\nEND;\n",
    "batch_pause": "    WAITFOR DELAY '{delay}';\n",
    "guard_block": "DECLARE @dbmig_n BIGINT;\n{guard}",
    "batch_cancel": "KILL <session_id of the batch, from sys.dm_exec_requests>",
    "batch_restore": "UPDATE dbmig_t SET {assign} FROM {table} AS dbmig_t JOIN {backup} AS dbmig_b "
                     "ON {join} WHERE {range}",
    "batch_assign": "{column} = dbmig_b.{column}",
    # CHARINDEX follows the column's collation (case-insensitive by default): a binary one
    # matches the separator exactly. Appending it makes a value without one come back whole.
    "batch_split_before": "LEFT({value}, CHARINDEX({sep} COLLATE Latin1_General_BIN2, {value} + {sep}) - 1)",
    "batch_length": "(LEN({value} + N'x') - 1)",      # LEN ignores trailing spaces
    "batch_from": "SUBSTRING({value}, {start}, 2147483647)",
    "batch_concat": "({a} + {b})",                      # NULL-propagating, as || (CONCAT is not)
    # = ignores trailing spaces even under a binary collation: compare the byte lengths too.
    "batch_differs": "({a} IS NULL OR DATALENGTH({a}) <> DATALENGTH({b}) "
                     "OR {a} COLLATE Latin1_General_BIN2 <> {b})",
    # BINARY_CHECKSUM, not CHECKSUM: CHECKSUM follows the collation and misses case changes.
    "batch_hash": "SELECT COUNT(*), SUM(CAST(BINARY_CHECKSUM({columns}) AS BIGINT)) FROM {table}",
    "batch_explain": "SET SHOWPLAN_TEXT ON, then {statement}",
}

# Zero-downtime (T3) forms: see skill/plan/online/. From Microsoft Learn: "CREATE INDEX" (ONLINE;
# RESUMABLE from 2019; WAIT_AT_LOW_PRIORITY from 2022), "ALTER TABLE" (WITH CHECK | NOCHECK;
# ALTER COLUMN ... WITH (ONLINE = ON) from 2016; "Adding NOT NULL columns as an online
# operation"), "Disable check constraints" (enabling a constraint always takes Sch-M).
# `form@N`: the variant from major version N on (`Dialect.variant`); the plain add_index_online in
# `forms` is the 2016 baseline. Texts for the result and regexes are class attributes of SQLServer.
# tests/test_zero_downtime_offline.py gates them as tests/test_dialects_offline.py does the rest.
ONLINE_FORMS: dict[str, str | tuple[str, ...]] = {
    # 2019+: a resumable build that is killed or fails over pauses instead of rolling back, and
    # running the same CREATE INDEX again resumes it. Never inside an explicit transaction: the
    # planner makes index steps non-transactional.
    "add_index_online@15": "CREATE {unique}INDEX {name} ON {table} ({columns}){include}{where} "
                           "WITH (ONLINE = ON, RESUMABLE = ON)",
    # 2022+: the brief S locks at start and end wait at low priority, so app queries arriving
    # meanwhile do not queue behind the build; after a minute it gives up (SELF), to be re-run.
    "add_index_online@16": "CREATE {unique}INDEX {name} ON {table} ({columns}){include}{where} WITH (ONLINE = ON "
                           "(WAIT_AT_LOW_PRIORITY (MAX_DURATION = 1 MINUTES, ABORT_AFTER_WAIT = SELF)), "
                           "RESUMABLE = ON)",
    "zd_drop_index_if_exists": "DROP INDEX IF EXISTS {name} ON {table}",
    # WITH NOCHECK: new writes are checked from now on, existing rows are not read (brief Sch-M).
    # The constraint stays untrusted (is_not_trusted = 1: the optimizer ignores it) until
    # WITH CHECK CHECK CONSTRAINT re-reads every row -- under Sch-M for the whole scan.
    "zd_fk_not_valid": "ALTER TABLE {table} WITH NOCHECK ADD CONSTRAINT {name} FOREIGN KEY ({columns}) "
                       "REFERENCES {ref_table} ({ref_columns}){on_delete}",
    "zd_check_not_valid": "ALTER TABLE {table} WITH NOCHECK ADD CONSTRAINT {name} CHECK ({expression})",
    "zd_validate": "ALTER TABLE {table} WITH CHECK CHECK CONSTRAINT {name}",
    "zd_drop_constraint_if_exists": "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}",
    # 2016+: the column is rebuilt online (Sch-M only briefly at the end). Online alter column
    # "doesn't reduce the restrictions": a column in an index, a default, a CHECK, UNIQUE or
    # FOREIGN KEY still cannot change type (error 5074); the planner aborts for those.
    "online_set_not_null@13": "ALTER TABLE {table} ALTER COLUMN {column} {type} NOT NULL WITH (ONLINE = ON)",
    "online_alter_type@13": "ALTER TABLE {table} ALTER COLUMN {column} {type}{null} WITH (ONLINE = ON)",
    # rename_column: expand/contract with one AFTER INSERT, UPDATE trigger keeping both columns
    # equal. T-SQL has no BEFORE row trigger: the row is written first, then the trigger's UPDATE
    # (joined to `inserted`/`deleted` by the primary key, `{key_i}`/`{key_d}`) fills the other
    # column in the same transaction. A NOT NULL column would reject the app version that leaves
    # it out before the trigger runs, so both stay nullable until contract (`sync_trigger_style`).
    # RECURSIVE_TRIGGERS ON would re-fire the trigger from its own UPDATE: TRIGGER_NESTLEVEL
    # stops that. SET NOCOUNT ON keeps the client's row count that of its own statement (ORMs
    # check it). Written values win: on INSERT the new column, else whichever column changed.
    "zd_sync_trigger": "CREATE TRIGGER {trigger} ON {table} AFTER INSERT, UPDATE AS\nBEGIN\n  SET NOCOUNT ON;\n"
                       "  IF TRIGGER_NESTLEVEL(@@PROCID) > 1 RETURN;\n{body}\nEND",
    "zd_sync_both": "  IF NOT EXISTS (SELECT 1 FROM deleted)\n"
                    "    UPDATE dbmig_t SET {new} = COALESCE(i.{new}, i.{old}), {old} = COALESCE(i.{new}, i.{old}) "
                    "FROM {table} AS dbmig_t JOIN inserted AS i ON {key_i} WHERE {unequal};\n"
                    "  ELSE\n  BEGIN\n"
                    "    UPDATE dbmig_t SET {new} = i.{old} FROM {table} AS dbmig_t JOIN inserted AS i ON {key_i} "
                    "JOIN deleted AS d ON {key_d} WHERE {old_changed} AND {unequal};\n"
                    "    UPDATE dbmig_t SET {old} = i.{new} FROM {table} AS dbmig_t JOIN inserted AS i ON {key_i} "
                    "JOIN deleted AS d ON {key_d} WHERE {new_changed} AND NOT {old_changed} AND {unequal};\n"
                    "  END;",
    "zd_drop_sync": "DROP TRIGGER IF EXISTS {trigger}",
    # NULL-safe and exact: EXCEPT takes two NULLs as equal, and comparing bytes means neither a
    # case-insensitive collation nor trailing spaces hide a change ('Bob' -> 'bob').
    "zd_distinct": "EXISTS (SELECT CAST({a} AS VARBINARY(MAX)) EXCEPT SELECT CAST({b} AS VARBINARY(MAX)))",
    # rename_table: sp_rename and a synonym under the old name in ONE transaction (DDL is
    # transactional here), so app versions using either name run side by side until contract.
    "zd_alias": "CREATE SYNONYM {name} FOR {target}",
    "zd_drop_alias": "DROP SYNONYM IF EXISTS {name}",
    "zd_alias_check": "SELECT COUNT(*) FROM sys.synonyms WHERE name = {name_lit} AND schema_id = SCHEMA_ID()",
}

class SQLServer(Dialect):
    name = "sqlserver"
    quote = ("[", "]")
    max_identifier = 128                # sysname = NVARCHAR(128)
    fold = "none"                       # names keep their case; collation decides matching
    # "Reserved Keywords (Transact-SQL)", plus the ODBC ones that collide with column names.
    reserved = RESERVED_CORE | frozenset(
        "ADD ALTER AUTHORIZATION BACKUP BEGIN BREAK BROWSE BULK CASCADE CHECKPOINT CLOSE "
        "CLUSTERED COALESCE COLLATE COMMIT COMPUTE CONTAINS CONTAINSTABLE CONTINUE CONVERT "
        "CURRENT CURSOR DATABASE DBCC DEALLOCATE DECLARE DENY DISK DISTRIBUTED DOUBLE DUMP "
        "ERRLVL ESCAPE EXEC EXECUTE EXIT EXTERNAL FILE FILLFACTOR FREETEXT FREETEXTTABLE "
        "FUNCTION GOTO HOLDLOCK IDENTITY IDENTITY_INSERT IDENTITYCOL IF INDEX KEY KILL LINENO "
        "LOAD MERGE NATIONAL NOCHECK NONCLUSTERED NULLIF OFF OFFSETS OPEN OPENDATASOURCE "
        "OPENQUERY OPENROWSET OPENXML OPTION OVER PERCENT PIVOT PLAN PRECISION PRINT PROC "
        "PROCEDURE PUBLIC RAISERROR READ READTEXT RECONFIGURE REPLICATION RESTORE RESTRICT "
        "RETURN REVERT REVOKE ROLLBACK ROWCOUNT ROWGUIDCOL RULE SAVE SCHEMA SECURITYAUDIT "
        "SEMANTICKEYPHRASETABLE SEMANTICSIMILARITYDETAILSTABLE SEMANTICSIMILARITYTABLE SETUSER "
        "SHUTDOWN STATISTICS SYSTEM_USER TEXTSIZE TOP TRAN TRANSACTION TRIGGER TRUNCATE "
        "TRY_CONVERT TSEQUAL UNPIVOT UPDATETEXT USE VARYING VIEW WAITFOR WHILE WITHIN "
        "WRITETEXT".split())
    # N-types: text from the other databases is Unicode. NVARCHAR(n) takes n <= 4000; a longer
    # varchar must become `text` (NVARCHAR(MAX)) -- the planner checks, this table cannot.
    types = {
        "varchar": "NVARCHAR({0})", "char": "NCHAR({0})", "text": "NVARCHAR(MAX)",
        "smallint": "SMALLINT", "integer": "INT", "bigint": "BIGINT", "boolean": "BIT",
        "timestamp": "DATETIME2", "timestamptz": "DATETIMEOFFSET", "date": "DATE",
        "time": "TIME", "decimal": "DECIMAL({0},{1})", "float": "REAL", "double": "FLOAT",
        "uuid": "UNIQUEIDENTIFIER", "json": "NVARCHAR(MAX)", "blob": "VARBINARY(MAX)",
    }
    # INFORMATION_SCHEMA.COLUMNS.DATA_TYPE; (MAX) shows as CHARACTER_MAXIMUM_LENGTH = -1.
    catalog_types = {
        "varchar": ("nvarchar",), "char": ("nchar",), "text": ("nvarchar",),
        "smallint": ("smallint",), "integer": ("int",), "bigint": ("bigint",),
        "boolean": ("bit",), "timestamp": ("datetime2",), "timestamptz": ("datetimeoffset",),
        "date": ("date",), "time": ("time",), "decimal": ("decimal",), "float": ("real",),
        "double": ("float",), "uuid": ("uniqueidentifier",), "json": ("nvarchar",),
        "blob": ("varbinary",),
    }
    transactional_ddl = True            # DDL commits or rolls back with the transaction
    # ALTER COLUMN restates type and nullability: without NULL/NOT NULL the column becomes
    # nullable, so the planner passes the current type and `null` from `schema`.
    restates_column = frozenset({"alter_column_type", "set_not_null", "drop_not_null"})
    forms = {
        **ANSI_FORMS,
        **BATCH_DEFAULTS,
        **BATCH_FORMS,
        **ONLINE_FORMS,
        # sp_rename: objname may be bracketed (it is split like PARSENAME); newname is taken
        # literally, brackets included, so it gets the bare catalog name as a literal.
        "rename_table": "EXEC sp_rename '{table}', {new_name_lit}",
        "rename_column": "EXEC sp_rename '{table}.{column}', {new_name_lit}, 'COLUMN'",
        "add_column": "ALTER TABLE {table} ADD {column_def}",
        # DROP COLUMN fails while a default constraint is bound to the column.
        "drop_column": (DROP_DEFAULT_CONSTRAINT, "ALTER TABLE {table} DROP COLUMN {column}"),
        # No USING: the conversion is an implicit CAST. The type cannot change while a default
        # constraint or an index depends on the column (error 5074): drop and re-create them.
        "alter_column_type": "ALTER TABLE {table} ALTER COLUMN {column} {type}{null}",
        "set_not_null": "ALTER TABLE {table} ALTER COLUMN {column} {type} NOT NULL",
        "drop_not_null": "ALTER TABLE {table} ALTER COLUMN {column} {type} NULL",
        # A column has at most one default constraint: drop the old one first, so that this
        # form replaces a default like SET DEFAULT does elsewhere.
        "set_default": (DROP_DEFAULT_CONSTRAINT,
                        "ALTER TABLE {table} ADD CONSTRAINT {default_name} DEFAULT {default} "
                        "FOR {column}"),
        "drop_default": (DROP_DEFAULT_CONSTRAINT,),
        # Filtered index: the predicate allows only simple comparisons (CREATE INDEX, WHERE).
        "partial_index": " WHERE {where}",
        "drop_index": "DROP INDEX {name} ON {table}",
        # Online index operations need Enterprise edition (or Azure SQL).
        "add_index_online": "CREATE {unique}INDEX {name} ON {table} ({columns}){include}{where} "
                            "WITH (ONLINE = ON)",
        # DROP INDEX ... WITH (ONLINE = ON) applies to clustered indexes only; dropping a
        # nonclustered index (all dbmig creates) is a brief Sch-M either way.
        "drop_index_online": "DROP INDEX {name} ON {table}",
        "copy_table": "SELECT {columns} INTO {backup} FROM {table}{where}",
        "update_from_backup": "UPDATE t SET {column} = b.{column} FROM {table} t "
                              "JOIN {backup} b ON {join_t}",
        "lock_timeout": "SET LOCK_TIMEOUT {timeout_ms}",
        # NULL/NOT NULL before the named default: the order of the ALTER TABLE ADD examples.
        # A nullable column added with a DEFAULT keeps NULL in existing rows unless WITH
        # VALUES is given; sqlglot 30.30 cannot parse WITH VALUES, so the planner backfills.
        "column_def": "{column} {type}{identity}{null}{default}",
        # One kind of numbering; explicit values only under SET IDENTITY_INSERT (restore_rows).
        "identity_by_default": " IDENTITY(1,1)",
        "identity_always": " IDENTITY(1,1)",
        "identity_insert": "SET IDENTITY_INSERT {table} {switch}",
        "default_clause": " CONSTRAINT {default_name} DEFAULT {default}",
    }
    checks = {
        # Upper-case INFORMATION_SCHEMA: catalog names are case-sensitive under a _CS_
        # database collation.
        "column": "SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = {schema} "
                  "AND TABLE_NAME = {table} AND COLUMN_NAME = {column}{filters}",
        "table": "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = {schema} "
                 "AND TABLE_NAME = {table}",
        "constraint": "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE "
                      "TABLE_SCHEMA = {schema} AND TABLE_NAME = {table} "
                      "AND CONSTRAINT_NAME = {name}",
        "index": "SELECT COUNT(*) FROM sys.indexes AS i JOIN sys.tables AS t "
                 "ON t.object_id = i.object_id WHERE SCHEMA_NAME(t.schema_id) = {schema} "
                 "AND t.name = {table} AND i.name = {name}",
        "type_in": " AND DATA_TYPE IN ({types})",
        "length": " AND CHARACTER_MAXIMUM_LENGTH = {n}",
        "not_null": " AND IS_NULLABLE = 'NO'",
        "null": " AND IS_NULLABLE = 'YES'",
        "has_default": " AND COLUMN_DEFAULT IS NOT NULL",
        "no_default": " AND COLUMN_DEFAULT IS NULL",
        "row_count": "SELECT COUNT(*) FROM {table}",
        "null_count": "SELECT COUNT(*) FROM {table} WHERE {column} IS NULL",
        "not_null_count": "SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL",
        "schema": "SCHEMA_NAME()",      # the caller's default schema: where unqualified DDL goes
    }
    command_allow = (
        # restore_rows: explicit values into an IDENTITY column (a Command in sqlglot 30.30).
        re.compile(rf"^SET\s+IDENTITY_INSERT\s+{_NAME}\s+(?:ON|OFF)$", re.I),
        # dbmig's batch loop (skill/plan/data.py): sqlglot cannot parse WHILE; data.py gates
        # each statement inside it on its own.
        re.compile(r"^SET XACT_ABORT ON;\nDECLARE @dbmig_lo BIGINT, @dbmig_hi BIGINT, @dbmig_n BIGINT;\n"
                   r".*\nWHILE 1 = 1\nBEGIN\n.*\nEND$", re.S),
        re.compile(r"^DECLARE @dbmig_n BIGINT;\nSET @dbmig_n = \(.*\nEND;$", re.S),   # guard_block
        # set_default: ADD CONSTRAINT ... DEFAULT ... FOR col is a Command in sqlglot 30.30.
        re.compile(rf"^ALTER\s+TABLE\s+{_NAME}\s+ADD\s+CONSTRAINT\s+{_ID}\s+DEFAULT\s+[^;]+"
                   rf"\s+FOR\s+{_ID}$", re.I),
        # add_index_online with a filter: WHERE followed by WITH (...) is a Command; either
        # clause alone parses.
        re.compile(rf"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+{_ID}\s+ON\s+{_NAME}\s*\([^();]+\)\s+"
                   r"WHERE\s+[^;]+\s+WITH\s*\(\s*ONLINE\s*=\s*ON\s*\)$", re.I),
        # add_index_online@15/@16 (T3): WHERE before WITH is a Command, and WAIT_AT_LOW_PRIORITY
        # a ParseError in sqlglot 30.30; the pattern admits exactly dbmig's two option lists.
        re.compile(rf"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+{_ID}\s+ON\s+{_NAME}\s*\([^();]+\)"
                   r"(?:\s+WHERE\s+[^;]+?)?\s+WITH\s*\(\s*ONLINE\s*=\s*ON\s*(?:\(\s*WAIT_AT_LOW_PRIORITY\s*"
                   r"\(\s*MAX_DURATION\s*=\s*\d+\s+MINUTES\s*,\s*ABORT_AFTER_WAIT\s*=\s*SELF\s*\)\s*\)\s*)?"
                   r",\s*RESUMABLE\s*=\s*ON\s*\)$", re.I),
        # zd_fk_not_valid / zd_check_not_valid (T3): WITH NOCHECK ADD is a Command.
        re.compile(rf"^ALTER\s+TABLE\s+{_NAME}\s+WITH\s+NOCHECK\s+ADD\s+CONSTRAINT\s+{_ID}\s+"
                   r"(?:FOREIGN\s+KEY|CHECK)\s*\([^;]+$", re.I),
        # zd_alias / zd_drop_alias (T3 rename_table): synonyms are Commands.
        re.compile(rf"^CREATE\s+SYNONYM\s+{_NAME}\s+FOR\s+{_NAME}$", re.I),
        re.compile(rf"^DROP\s+SYNONYM\s+IF\s+EXISTS\s+{_NAME}$", re.I),
        # zd_sync_trigger (T3 rename_column): CREATE TRIGGER is a Command; the planner gates each
        # UPDATE of its body on its own (online/expand.py `sync_sql`).
        re.compile(rf"^CREATE TRIGGER {_ID} ON {_NAME} AFTER INSERT, UPDATE AS\nBEGIN\n  SET NOCOUNT ON;\n"
                   r"  IF TRIGGER_NESTLEVEL\(@@PROCID\) > 1 RETURN;\n.*\nEND$", re.S),
        # zd_validate (T3): WITH CHECK CHECK CONSTRAINT is a Command.
        re.compile(rf"^ALTER\s+TABLE\s+{_NAME}\s+WITH\s+CHECK\s+CHECK\s+CONSTRAINT\s+{_ID}$", re.I),
    )
    batch_separator = "GO"              # after every statement: a batch compiles as a whole,
    statement_end = ";"                 # so a column added above is unknown below without GO
    version_notes = {
        "11": "SQL Server 2012 Enterprise: ADD COLUMN NOT NULL with a runtime-constant DEFAULT "
              "is metadata-only; other editions and NEWID()-like defaults update every row.",
        "13": "SQL Server 2016 Enterprise: ALTER COLUMN ... WITH (ONLINE = ON) changes a type "
              "without blocking reads and writes.",
        "15": "SQL Server 2019 Enterprise: CREATE INDEX ... WITH (ONLINE = ON, RESUMABLE = ON).",
    }
    on_delete = {"cascade": " ON DELETE CASCADE", "set null": " ON DELETE SET NULL",
                 # No RESTRICT keyword; NO ACTION is checked at once, which is RESTRICT.
                 "restrict": " ON DELETE NO ACTION", "no action": " ON DELETE NO ACTION"}

    select_into_creates_table = True
    generated_columns = False
    partial_indexes = True              # filtered indexes: the predicate allows simple comparisons
    named_defaults = True
    # Liquibase looks a default constraint up at run time; ours names it.
    liquibase_sql_only = frozenset({"drop_default"})
    # Alembic's mssql sp_rename leaves the new name unquoted, its default drop is its own batch,
    # and its ALTER COLUMN says NULL where the planner leaves nullability to the session.
    alembic_sql_only = frozenset({"rename_column", "rename_table", "drop_column", "set_default", "drop_default",
                                  "modify_type"})
    # Liquibase rewrites TEXT -> varchar(max); these it passes through.
    liquibase_types = (rf"N?(VAR)?CHAR{N}", r"N?VARCHAR\(MAX\)", "SMALLINT", "INT", "BIGINT", "BIT",
                       rf"(DECIMAL|NUMERIC){PS}", "DATE", "TIME", rf"DATETIME2({N})?", "DATETIMEOFFSET", "REAL",
                       "UNIQUEIDENTIFIER", r"VARBINARY\(MAX\)")
    sqlalchemy_types = {**SQLALCHEMY_TYPES, "BIT": "mssql.BIT()", "DATETIME2": "mssql.DATETIME2()",
                        "DATETIMEOFFSET": "mssql.DATETIMEOFFSET()", "UNIQUEIDENTIFIER": "mssql.UNIQUEIDENTIFIER()",
                        "NVARCHAR(MAX)": "sa.NVARCHAR()", "VARBINARY(MAX)": "sa.VARBINARY()"}

    # zero-downtime. The version assumed when the request gives none: 13 = SQL Server 2016, the
    # oldest one these strategies support (ALTER COLUMN ... WITH (ONLINE = ON)).
    baseline_version = (13,)
    # a type change is rebuilt online by the engine (2016+), not swapped column for column
    online_strategies = {**ONLINE_STRATEGIES, "alter_column_type": "online_alter_column"}
    # rename_column: T-SQL has no BEFORE row trigger: the row is written first, then the trigger's
    # UPDATE (joined to `inserted`/`deleted` by the primary key) fills the other column in the same
    # transaction. A NOT NULL column would reject the app version that leaves it out before the
    # trigger runs, so both stay nullable until contract.
    sync_trigger_style = "after"
    not_null_online = "online_alter"
    unchecked_words = "WITH NOCHECK"  # for step descriptions
    dropped_column_note = ("{table}.{column} is dropped from the catalog only: its space comes back when "
                           "{table} is rebuilt (`ALTER TABLE {table} REBUILD WITH (ONLINE = ON)` on Enterprise, "
                           "or DBCC CLEANTABLE for a variable-length column), in a quiet period.")
    rename_column_options = ("allow downtime and deploy the app with the rename (sp_rename is a brief Sch-M); "
                             "or give {table} a primary key, which the sync trigger finds rows by")
    sync_note = ("While the sync trigger on {table} exists (expand to contract): a statement with an OUTPUT "
                 "clause without INTO fails on a table with triggers (error 334), which is how EF Core 7+ "
                 "saves by default: configure the entity with HasTrigger(\"{trigger}\") before the expand "
                 "phase. Bulk loads (bcp, BULK INSERT, SqlBulkCopy) skip triggers unless FIRE_TRIGGERS is "
                 "given, and an UPDATE that changes the primary key is not synced: run the expand phase's "
                 "sync check again before contract.")
    alias_kind = "synonym"
    alias_note = ("Until the contract phase the synonym {name} stands for {target}: it serves SELECT, "
                  "INSERT, UPDATE, DELETE and EXEC, but not DDL, TRUNCATE, catalog lookups (sys.tables, "
                  "INFORMATION_SCHEMA) or bulk-copy APIs: an old app version that uses those needs {target}.")
    retry_note = ("A step that fails with error 1222 ('Lock request time out period exceeded') changed "
                  "nothing: find the blocker (sys.dm_exec_requests.blocking_session_id), wait for its "
                  "transaction to end and run the same phase again.")
    edition_note = ("ONLINE = ON needs SQL Server Enterprise or Developer edition, Azure SQL Database or "
                    "Managed Instance: other editions reject the statement (error 1712) and nothing "
                    "changes; there, schedule a window for these steps instead.")
    add_column_note = ("ADD COLUMN ... NOT NULL with a constant DEFAULT is metadata-only on SQL Server 2012+ "
                       "Enterprise (and Azure SQL); Standard edition writes the default into every row "
                       "under Sch-M: schedule a window there.")
    interrupted_index_note = ("A resumable build of {name} that is killed or interrupted stays PAUSED "
                              "(sys.index_resumable_operations) and blocks other DDL on {table}: run "
                              "the step again to resume it, or `ALTER INDEX {name} ON {table} ABORT`.")
    trust_note = ("{name} is enforced for new writes from its first step; the second, WITH CHECK CHECK "
                  "CONSTRAINT, makes it trusted (used by the optimizer) but holds Sch-M on {table} while "
                  "it reads every row ({estimate}): run it when {table} is quiet, or leave the "
                  "constraint untrusted.")
    unique_note = ("SQL Server cannot turn an existing index into a constraint: the online form of "
                   "UNIQUE ({columns}) is the unique index {name} (enforces the same; not listed in "
                   "INFORMATION_SCHEMA.TABLE_CONSTRAINTS, and a valid foreign key target). Like a "
                   "UNIQUE constraint there, it lets only one row hold NULL in ({columns}); for "
                   "several, index WHERE the columns are NOT NULL (a filtered unique index).")
    type_change_why = ("before SQL Server 2016 ALTER COLUMN has no ONLINE option: {table}.{column} would be "
                       "converted from {old} to {new} row by row under Sch-M")
    type_change_options = ("allow downtime (a window), or do it by hand: add the new column, keep it in "
                           "sync with an AFTER INSERT, UPDATE trigger, backfill in batches, switch the app, "
                           "then drop the old column and sp_rename the new one")
    # Regex over '<native type> NULL|NOT NULL[ DEFAULT <expr>]' of an added column: these add it
    # size-of-data under Sch-M (a MAX type; a default that is not a runtime constant). The rest is
    # metadata-only on 2012+ Enterprise; a nullable column never fills existing rows.
    slow_add_column_since = (11,)
    slow_add_column = (r"^(?:N?VARCHAR|VARBINARY)\(MAX\) NOT NULL DEFAULT "
                       r"|^\S.* NOT NULL DEFAULT .*\b(?:NEWID|NEWSEQUENTIALID)\s*\(")
    # Regex over the old and the new native type: a longer variable-length string keeps every
    # stored value as it is (metadata-only); any other type change rewrites every row.
    inplace_widening = r"^(?:N?VARCHAR|VARBINARY)\(\d+\)$"
    row_new = "i."
    row_old = "d."
    interrupted_index_since = (15,)     # RESUMABLE builds (2019)

    def restore_rows(self, parts: dict[str, str], numbered: list[tuple[str, str]]) -> list[str]:
        """An IDENTITY column takes the rows' own values only under IDENTITY_INSERT, one table at a
        time per session; the identity then continues after the largest value inserted."""
        insert = super().restore_rows(parts, numbered)
        if not numbered:
            return insert
        switch = lambda on: self.sql("identity_insert", table=parts["table"], switch=on)  # noqa: E731
        return [switch("ON"), *insert, switch("OFF")]

    def quote_literal(self, text: str) -> str:
        """'...' is read in the column's code page: text beyond ASCII becomes an N'' (Unicode) literal."""
        return ("N" if not text.isascii() else "") + ansi_literal(text)


SQLSERVER = SQLServer()
