"""MySQL 8 / MariaDB 10.x as data. Online DDL facts from the MySQL 8.0 manual "Online DDL
Operations" and MariaDB's "InnoDB Online DDL Operations"; measured on MariaDB 10.11 here. Lock
facts in data/mysql.toml."""
from __future__ import annotations

import re

from .base import Dialect, ansi_literal
from .common import (ANSI_FORMS, BATCH_DEFAULTS, INFO_SCHEMA_CHECKS, N, ONLINE_STRATEGIES, PS, RESERVED_CORE,
                     SQLALCHEMY_TYPES)

# MySQL names the DROP by the kind of constraint.
_DROP_BY_KIND = {"foreign_key": "drop_foreign_key", "unique": "drop_unique", "check": "drop_check"}
DEFAULT_COLLATION = "the server default (utf8mb4_general_ci on MariaDB, utf8mb4_0900_ai_ci on MySQL 8)"
INPLACE_DROP = "ALTER TABLE {table} DROP COLUMN {column}, ALGORITHM=INPLACE, LOCK=NONE"
INSTANT_DROP = "ALTER TABLE {table} DROP COLUMN {column}, ALGORITHM=INSTANT"


class MySQL(Dialect):

    name = "mysql"
    quote = ("`", "`")
    max_identifier = 64
    fold = "none"
    reserved = RESERVED_CORE | frozenset(
        "ADD ALTER ANALYZE BEFORE BIGINT BINARY BLOB CALL CASCADE CHANGE CHAR CHARACTER CONDITION "
        "CONTINUE CONVERT CURSOR DATABASE DATABASES DECIMAL DECLARE DELAYED DESCRIBE DIV DOUBLE "
        "EACH ELSEIF ENCLOSED ESCAPED EXIT EXPLAIN FLOAT FORCE FULLTEXT GENERATED IF IGNORE INDEX "
        "INFILE INT INTEGER INTERVAL ITERATE KEY KEYS KILL LEAVE LINES LOAD LOCK LONG LOOP MATCH "
        "MOD MODIFIES NUMERIC OPTIMIZE OPTION OUT PARTITION PRECISION PROCEDURE PURGE RANGE READ "
        "REAL REGEXP RELEASE RENAME REPEAT REPLACE REQUIRE RESTRICT RETURN REVOKE RLIKE ROW ROWS "
        "SCHEMA SCHEMAS SEPARATOR SHOW SIGNAL SMALLINT SPATIAL SQL STATUS STARTING STORED "
        "TERMINATED TINYINT TRIGGER UNDO UNLOCK UNSIGNED USAGE UTC_DATE VARCHAR VIRTUAL WHILE "
        "WRITE XOR YEAR_MONTH ZEROFILL".split())
    types = {
        "varchar": "VARCHAR({0})", "char": "CHAR({0})", "text": "TEXT", "smallint": "SMALLINT",
        "integer": "INT", "bigint": "BIGINT", "boolean": "TINYINT(1)", "timestamp": "DATETIME(6)",
        "timestamptz": "TIMESTAMP(6)", "date": "DATE", "time": "TIME", "decimal": "DECIMAL({0},{1})",
        "float": "FLOAT", "double": "DOUBLE", "uuid": "CHAR(36)", "json": "JSON", "blob": "LONGBLOB",
    }
    type_aliases = {"BOOLEAN": "TINYINT(1)"}
    catalog_types = {
        "varchar": ("varchar",), "char": ("char",), "text": ("text",), "smallint": ("smallint",),
        "integer": ("int",), "bigint": ("bigint",), "boolean": ("tinyint",),
        "timestamp": ("datetime",), "timestamptz": ("timestamp",), "date": ("date",),
        "time": ("time",), "decimal": ("decimal",), "float": ("float",), "double": ("double",),
        "uuid": ("char",), "json": ("json", "longtext"), "blob": ("longblob",),
    }
    transactional_ddl = False
    comments = "inline"
    restates_column = frozenset({"alter_column_type", "set_not_null", "drop_not_null"})
    identity_needs_key = True           # "there can be only one auto column and it must be defined as a key"
    forms = {
        **ANSI_FORMS,
        **BATCH_DEFAULTS,
        # descriptions are part of the definitions (MODIFY drops one it does not restate)
        "column_comment": " COMMENT {comment}",
        "table_comment": " COMMENT={comment}",
        # MODIFY restates the whole column: the planner passes the full definition.
        "alter_column_type": "ALTER TABLE {table} MODIFY COLUMN {column_def}",
        "set_not_null": "ALTER TABLE {table} MODIFY COLUMN {column_def}",
        "drop_not_null": "ALTER TABLE {table} MODIFY COLUMN {column_def}",
        "drop_index": "DROP INDEX {name} ON {table}",
        # One kind of numbering, which takes explicit values (and moves its counter past them).
        "identity_by_default": " AUTO_INCREMENT",
        "identity_always": " AUTO_INCREMENT",
        # a re-added column numbered again (its definition carries AUTO_INCREMENT); InnoDB
        # starts the counter after the largest value
        "renumber": "ALTER TABLE {table} MODIFY COLUMN {column_def}",
        "drop_foreign_key": "ALTER TABLE {table} DROP FOREIGN KEY {name}",
        "drop_unique": "ALTER TABLE {table} DROP INDEX {name}",
        "drop_check": "ALTER TABLE {table} DROP CONSTRAINT {name}",
        # InnoDB creates an index named after a foreign key when none covers its columns, and
        # keeps it when the key is dropped.
        "drop_fk_index": "ALTER TABLE {table} DROP INDEX {name}",
        "rename_table": "ALTER TABLE {table} RENAME TO {new_name}",
        "update_from_backup": "UPDATE {table} t JOIN {backup} b ON {join_t} SET t.{column} = b.{column}",
        "lock_timeout": "SET SESSION lock_wait_timeout = {timeout_s}",
        "online_suffix": ", ALGORITHM={algorithm}, LOCK={lock}",
        # Batched data migrations (skill/plan/data.py): MySQL has no anonymous block, so the
        # loop is a procedure created, called and dropped (dropped first too: an interrupted run
        # leaves it behind). START TRANSACTION/COMMIT make each batch its own transaction.
        # Reads go through SELECT ... INTO, a consistent read: `SET v = (SELECT ...)` is a
        # locking read under REPEATABLE READ (shared next-key locks on every row it scans), and
        # a guard's full-table count that way stalled every app writer for 1.1 s on 1M rows.
        "batch_loop": ("DROP PROCEDURE IF EXISTS {proc}",
                       "CREATE PROCEDURE {proc}()\nBEGIN\n  DECLARE dbmig_lo BIGINT;\n  DECLARE dbmig_hi BIGINT;\n"
                       "{guard}"
                       "  SELECT {start} INTO dbmig_lo;\n  dbmig_batches: LOOP\n"
                       "    SELECT MAX({pk}) INTO dbmig_hi FROM (SELECT {pk} FROM {keys} WHERE {pk} > dbmig_lo "
                       "ORDER BY {pk} LIMIT {size}) dbmig_batch;\n"
                       "    IF dbmig_hi IS NULL THEN LEAVE dbmig_batches; END IF;\n    START TRANSACTION;\n"
                       "{body}    COMMIT;\n    SET dbmig_lo = dbmig_hi;\n{pause}  END LOOP;\nEND",
                       "CALL {proc}()",
                       "DROP PROCEDURE {proc}"),
        "batch_statement": "    {statement};\n",
        "batch_guard": "  DECLARE dbmig_n BIGINT;\n  DECLARE dbmig_msg VARCHAR(255);\n  SELECT ({query}) INTO dbmig_n;\n  IF dbmig_n > 0 THEN\n    SET dbmig_msg = CONCAT({message}, "
                       "' (', dbmig_n, ' rows)');\n    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = dbmig_msg;\n"
                       "  END IF;\n",
        "batch_pause": "    DO SLEEP({seconds});\n",
        "guard_block": ("DROP PROCEDURE IF EXISTS {proc}", "CREATE PROCEDURE {proc}()\nBEGIN\n{guard}END",
                        "CALL {proc}()", "DROP PROCEDURE {proc}"),
        "batch_cancel": "KILL QUERY <id of the CALL in SHOW PROCESSLIST>",
        "batch_restore": "UPDATE {table} AS dbmig_t JOIN {backup} AS dbmig_b ON {join} SET {assign} WHERE {range}",
        "batch_assign": "dbmig_t.{column} = dbmig_b.{column}",
        "batch_clear": "dbmig_t.{column} = NULL",
        # A backfill's batch (skill/plan/data.py; window functions: MySQL 8.0+, MariaDB 10.2+): no
        # UPDATE ... RETURNING, so the runs of keys to fill are recorded by a locking read first
        # (FOR UPDATE holds them until COMMIT), then exactly the rows in those runs are filled.
        "batch_fill_runs": ("INSERT INTO {backup} ({pk}, {first}) SELECT MAX({pk}), MIN({pk}) FROM (SELECT {pk}, "
                            "{pk} - ROW_NUMBER() OVER (ORDER BY {pk}) AS dbmig_run FROM {table} WHERE {where} "
                            "FOR UPDATE) dbmig_runs GROUP BY dbmig_run",
                            "UPDATE {table} SET {assignments} WHERE {where} AND EXISTS (SELECT 1 FROM {backup} "
                            "dbmig_b WHERE {join} AND {range})"),
        # SUBSTRING_INDEX matches case-sensitively (LOCATE would not under a _ci collation).
        "batch_split_before": "SUBSTRING_INDEX({value}, {sep}, 1)",
        "batch_concat": "CONCAT({a}, {b})",
        # Binary: the default collations compare case-insensitively and ignore trailing spaces.
        "batch_differs": "NOT CAST({a} AS BINARY) <=> CAST({b} AS BINARY)",
        # a JSON array tells NULL from '' and keeps column boundaries
        "batch_hash": "SELECT COUNT(*), SUM(CRC32(JSON_ARRAY({columns}))) FROM {table}",
        # How a SQL script (mysql client, Flyway) must carry a procedure body full of ';'.
        "batch_delimited": "DELIMITER //\n{statement} //\nDELIMITER ;",
        # zero-downtime (T3) forms: name the algorithm so the server fails fast instead of
        # silently falling back to a locking table copy.
        "online_add_column": "ALTER TABLE {table} ADD COLUMN {column_def}, ALGORITHM=INSTANT",
        "online_add_index": "CREATE {unique}INDEX {name} ON {table} ({columns}){options} ALGORITHM=INPLACE LOCK=NONE",
        # FULLTEXT and SPATIAL refuse LOCK=NONE: named SHARED, the server fails fast rather than copy
        "add_index_blocking": "CREATE {unique}INDEX {name} ON {table} ({columns}){options} "
                              "ALGORITHM=INPLACE LOCK=SHARED",
        "online_drop_index": "ALTER TABLE {table} DROP INDEX {name}, ALGORITHM=INPLACE, LOCK=NONE",
        "online_modify": "ALTER TABLE {table} MODIFY COLUMN {column_def}, ALGORITHM=INPLACE, LOCK=NONE",
        # INSTANT named where the version has it (MySQL 8.0.29+, MariaDB 10.4+; MariaDB restarts
        # its numbering at 10.0): the server fails fast instead of rebuilding the table.
        "online_drop_column": INPLACE_DROP,
        "online_drop_column@8.0.29": INSTANT_DROP,
        "online_drop_column@10.0": INPLACE_DROP,
        "online_drop_column@10.4": INSTANT_DROP,
        "online_add_unique": "ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({columns}), "
                             "ALGORITHM=INPLACE, LOCK=NONE",
        # without foreign_key_checks InnoDB adds the key in place; a guard counts orphans first
        "online_add_foreign_key": ("SET foreign_key_checks = 0",
                                   "ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({columns}) "
                                   "REFERENCES {ref_table} ({ref_columns}){on_delete}, ALGORITHM=INPLACE, LOCK=NONE",
                                   "SET foreign_key_checks = 1"),
        "zd_rename_columns": "ALTER TABLE {table} RENAME COLUMN {a} TO {a_to}, RENAME COLUMN {b} TO {b_to}, "
                             "ALGORITHM=INSTANT",
        # one batch: MySQL has no anonymous block to loop in, so the step says to repeat it
        "zd_batch_once": "UPDATE {table} SET {assignments} WHERE {pending} LIMIT {batch}",
        # IF NOT EXISTS (MySQL 8.0.29+, MariaDB 10.1.4+): DDL commits statement by statement, so a
        # rerun after the second trigger timed out on its lock finds the first one in place.
        "zd_sync_insert": "CREATE TRIGGER IF NOT EXISTS {trigger} BEFORE INSERT ON {table} FOR EACH ROW SET {assignments}",
        "zd_sync_update": "CREATE TRIGGER IF NOT EXISTS {trigger} BEFORE UPDATE ON {table} FOR EACH ROW SET {assignments}",
        "zd_drop_trigger": "DROP TRIGGER IF EXISTS {trigger}",
        # sync bodies: one SET each (no compound statement, so scripts need no DELIMITER);
        # whichever column the app wrote wins. Assignments run left to right: on INSERT the
        # second reads the first's result (the new column has no default until contract).
        "zd_set_both_insert": "NEW.{new} = COALESCE(NEW.{new}, NEW.{old}), NEW.{old} = NEW.{new}",
        "zd_set_both_update": "NEW.{new} = IF(NOT (NEW.{old} <=> OLD.{old}), NEW.{old}, NEW.{new}), "
                              "NEW.{old} = IF(NOT (NEW.{new} <=> OLD.{new}), NEW.{new}, NEW.{old})",
        "zd_set_one": "NEW.{dst} = NEW.{src}",
        "zd_distinct": "NOT ({a} <=> {b})",
        "zd_lock_write": "LOCK TABLES {table} WRITE",
        "zd_unlock": "UNLOCK TABLES",
    }
    checks = {
        **INFO_SCHEMA_CHECKS,
        "index": "SELECT COUNT(DISTINCT index_name) FROM information_schema.statistics WHERE "
                 "table_schema = {schema} AND table_name = {table} AND index_name = {name}",
        # MariaDB reports "no default" of a nullable column as the string 'NULL'.
        "has_default": " AND COALESCE(column_default, 'NULL') <> 'NULL'",
        "no_default": " AND COALESCE(column_default, 'NULL') = 'NULL'",
        "schema": "DATABASE()",
    }
    command_allow = (
        re.compile(r"^CREATE\s+(UNIQUE\s+)?INDEX\b.*\bALGORITHM\s*=", re.I | re.S),
        # an index with its type, description or visibility (index_options), which sqlglot keeps opaque
        re.compile(r"^CREATE ((UNIQUE|FULLTEXT|SPATIAL) )?INDEX \S+ ON \S+ \([^;]*\)( COMMENT '([^'\\]|''|\\.)*')?"
                   r"( INVISIBLE| IGNORED)?( ALGORITHM=INPLACE LOCK=SHARED)?$"),
        # dbmig's sync triggers: one SET of NEW.<column> assignments, no compound body
        re.compile(r"^CREATE TRIGGER IF NOT EXISTS \S+ BEFORE (INSERT|UPDATE) ON \S+ FOR EACH ROW "
                   r"SET NEW\.[^;]*$"),
        re.compile(r"^(LOCK TABLES \S+ WRITE|UNLOCK TABLES)$"),
        # dbmig's batch loops (skill/plan/data.py): sqlglot cannot parse a procedure
        # body, so data.py gates each statement inside it on its own.
        re.compile(r"^CREATE PROCEDURE dbmig_\w+\(\)\nBEGIN\n.*\nEND$", re.S),
        re.compile(r"^CALL dbmig_\w+\(\)$"),
    )
    version_notes = {
        "8.0": "ADD COLUMN is INSTANT (8.0.12+, any position from 8.0.29).",
        "10.3": "MariaDB: ADD COLUMN is INSTANT (10.3.2+); DROP COLUMN INSTANT from 10.4.",
        "10.11": "MariaDB 10.11 picks INSTANT/INPLACE by itself; INT->BIGINT is COPY only.",
    }

    restates_default = True             # MODIFY (and CHANGE) restate the default too
    fk_index_kept = True
    index_types_before_index = frozenset({"fulltext", "spatial"})
    index_types_need_not_null = frozenset({"spatial"})    # "All parts of a SPATIAL index must be NOT NULL"
    set_assigns_left_to_right = True
    # A one-column unique key goes with its column; a foreign key refuses (MariaDB 10.11: error
    # 1553), a multi-column key or CHECK fails (1072, 1054; MDEV-11114), and MySQL 8 refuses while
    # any CHECK uses the column (ER_DEPENDENT_BY_CHECK_CONSTRAINT), so those need their names.
    drop_column_takes_unnamed = frozenset({"unique"})
    # Liquibase renames a column with CHANGE, which drops NOT NULL and the default.
    liquibase_sql_only = frozenset({"rename_column"})
    # Alembic renames with CHANGE (restating the whole column); MariaDB drops a CHECK with DROP
    # CONSTRAINT where Alembic's offline MySQL SQL says DROP CHECK.
    alembic_sql_only = frozenset({"rename_column", "drop_constraint:check", "drop_constraint:primary_key"})
    # BOOLEAN -> BIT(1) on MariaDB is rewritten by Liquibase; TIMESTAMP is left out: Liquibase adds an
    # explicit NULL, which changes the column where explicit_defaults_for_timestamp is off.
    liquibase_types = (rf"(VAR)?CHAR{N}", "TEXT", "SMALLINT", "INT", "BIGINT", r"TINYINT\(1\)", rf"DECIMAL{PS}",
                       "DATE", "TIME", r"DATETIME\(6\)", "FLOAT", "DOUBLE", "JSON", "LONGBLOB")
    sqlalchemy_types = {**SQLALCHEMY_TYPES, "TINYINT({0})": "mysql.TINYINT({0})",
                        "DATETIME({0})": "mysql.DATETIME(fsp={0})", "TIMESTAMP({0})": "mysql.TIMESTAMP(fsp={0})",
                        "LONGBLOB": "mysql.LONGBLOB()", "DOUBLE": "mysql.DOUBLE()"}

    # zero-downtime: INSTANT / INPLACE with LOCK=NONE named; two one-SET sync triggers; no
    # anonymous block to loop in without a key.
    online_strategies = {
        **ONLINE_STRATEGIES,
        # InnoDB builds these in place while DML goes on (the foreign key with foreign_key_checks=0)
        "add_foreign_key": "in_place_foreign_key", "add_unique": "in_place_unique",
        "add_column": "instant_add",
        # InnoDB checks existing rows only with ALGORITHM=COPY: a shadow-table tool's job
        "add_check": "shadow_table_tool",
        # no transactional DDL: no alias can take over the old name in the rename's instant
        "rename_table": "no_alias",
    }
    sync_trigger_style = "pair"
    not_null_online = "in_place"
    keyless_batches = "once"
    retry_note = ("A step that fails with 'Lock wait timeout exceeded' (error 1205) stopped at that "
                  "statement, and MySQL commits each DDL statement on its own: what ran before it stays. "
                  "Each zero-downtime step is its own Flyway file / Alembic revision / changeSet, and its "
                  "statements may run again, so: find the blocker (SHOW PROCESSLIST; "
                  "information_schema.innodb_trx), wait for its transaction to end, then `flyway repair` "
                  "and `flyway migrate` (or `alembic upgrade`, `liquibase update`) resume at that step.")

    def index_options(self, index) -> str:
        return self.index_clauses(index.comment, index.hidden)

    def index_clauses(self, comment: str | None, hidden: str | None) -> str:
        """An index's description, and whether the optimizer ignores it, as the schema spelled
        that (MySQL 8 INVISIBLE, MariaDB 10.6+ IGNORED)."""
        return (f" COMMENT {self.literal(comment)}" if comment else "") + (f" {hidden}" if hidden else "")

    def quote_literal(self, text: str) -> str:
        """MySQL reads a backslash in '...' as an escape unless sql_mode has NO_BACKSLASH_ESCAPES,
        so no doubling works in both modes: text holding one is written as UTF-8 bytes in hex with a
        character set introducer, a literal both modes read alike."""
        if "\\" not in text:
            return ansi_literal(text)
        return "_utf8mb4 X'" + text.encode("utf-8").hex().upper() + "'"

    def widens_in_place(self, old: str, new: str) -> bool:
        """A longer VARCHAR is changed in place while its length prefix keeps its size: both under
        256 bytes or both at least 256, at 4 bytes a character (utf8mb4)."""
        a, b = (re.fullmatch(r"VARCHAR\((\d+)\)", n) for n in (old, new))
        if not (a and b):
            return False
        before, after = int(a.group(1)) * 4, int(b.group(1)) * 4
        return after >= before and (before < 256) == (after < 256)

    def case_blind(self, collation: str | None) -> str | None:
        """Text compares by its collation: the defaults (utf8mb4_general_ci on MariaDB,
        utf8mb4_0900_ai_ci on MySQL 8) and every *_ci one ignore case, so `email <> LOWER(email)`
        is false on every row; *_bin, *_cs and binary strings do not."""
        if collation is None:
            return DEFAULT_COLLATION
        return collation if collation.lower().endswith("_ci") else None

    def renumbered(self, parts: dict[str, str], column) -> list[str]:
        """MODIFY restates the column with AUTO_INCREMENT, once its key is back."""
        return [self.sql("renumber", **parts)]

    def drop_constraint(self, kind: str, table: str, name: str) -> str:
        return self.sql(_DROP_BY_KIND.get(kind, "drop_constraint"), table=table, name=name)

    def terminate(self, statement: str) -> str:
        """A procedure body is full of ';': the mysql client and Flyway need DELIMITER around it."""
        if statement.lstrip().upper().startswith("CREATE PROCEDURE"):
            return self.sql("batch_delimited", statement=statement)
        return super().terminate(statement)


MYSQL = MySQL()
