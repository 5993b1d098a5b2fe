"""Replay a project's history into dbmig's schema model (`VirtualSchema`), offline.

Each statement, whether typed as SQL or synthesized from a Liquibase change or an Alembic op
by `dbmig.sources`, is parsed once with sqlglot in the database's dialect and applied to the
model: tables, columns, indexes and constraints. What the model cannot hold (a functional index,
a type with no portable equivalent, a DO block, dynamic SQL) is recorded with its file and line,
and every table it mentions becomes *unknown*: dropped from the model, so the planner treats it
as it treats a table nobody described, instead of trusting a guess.
"""
from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field, replace

from ..lazysqlglot import exp, sqlglot, sqlglot_errors
from ..dialects import get_dialect
from ..errors import DbmigError
from ..schema import (ColumnDef, IndexDef, TableDef, VirtualSchema, keys_not_null, read_column, read_index,
                      read_table_item, read_table_options, rename_in_keys, set_default, storage_options,
                      table_storage)
from ..sources import DIALECTS, Statement
from ..types import from_sqlglot
from .model import Unmodelled


@functools.cache
def _no_effect() -> tuple[type, ...]:
    """Statements with no effect on tables, columns, indexes or constraints (a function: naming
    the node types loads sqlglot)."""
    return (exp.Insert, exp.Update, exp.Delete, exp.Select, exp.Merge, exp.Set, exp.Transaction,
            exp.Commit, exp.Rollback, exp.Grant, exp.Use, exp.Analyze, exp.Union)

_NO_EFFECT_TEXT = re.compile(r"\s*(?:SET|RESET|BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK|END|SAVEPOINT|RELEASE|"
                             r"VACUUM|ANALY[SZ]E|COMMENT\s+ON|GRANT|REVOKE|LOCK\s+TABLES?|UNLOCK\s+TABLES|"
                             r"ALTER\s+TABLE\s+\S+\s+VALIDATE\s+CONSTRAINT|SELECT|INSERT|UPDATE|DELETE|"
                             r"CREATE\s+EXTENSION|OPTIMIZE\s+TABLE|FLUSH|CALL|EXEC(?:UTE)?\b|PERFORM|"
                             # a partition's index attached to its partitioned table's: both are known
                             r"ALTER\s+INDEX\s+\S+\s+ATTACH\s+PARTITION)\b", re.I)
# Objects outside the model: created or dropped without touching any table's definition.
_OUTSIDE = {"VIEW", "FUNCTION", "PROCEDURE", "TRIGGER", "SEQUENCE", "TYPE", "SCHEMA", "DATABASE",
            "EXTENSION", "MATERIALIZED VIEW", "ROLE", "USER", "DOMAIN", "PACKAGE", "SYNONYM",
            "POLICY", "RULE", "STATISTICS", "PUBLICATION", "AGGREGATE", "OPERATOR", "COLLATION", "EVENT"}
# ALTER TABLE forms that change who owns or reads a table, or how it is stored, not its definition
# (pg_dump writes a column's statistics target, storage and compression this way)
_NO_EFFECT_ALTER = re.compile(r"\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?\S+\s+(?:OWNER\s+TO|REPLICA\s+IDENTITY|"
                              r"(?:ENABLE|DISABLE|FORCE|NO\s+FORCE)\s+ROW\s+LEVEL\s+SECURITY|CLUSTER\s+ON|"
                              r"SET\s+WITHOUT\s+CLUSTER|(?:NO)?CHECK\s+CONSTRAINT|"
                              r"ALTER\s+(?:COLUMN\s+)?\S+\s+SET\s+(?:STATISTICS|STORAGE|COMPRESSION))\b", re.I)
# PostgreSQL's ALTER TABLE / INDEX ... RESET (parameter, ...), which sqlglot keeps opaque
_RESET = re.compile(r"\s*ALTER\s+(TABLE|INDEX)\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(\S+)\s+RESET\s*\((.*)\)\s*$",
                    re.I | re.S)
# pg_dump makes identity columns this way, after the CREATE TABLE
_ADD_IDENTITY = re.compile(r"\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(\S+)\s+ALTER\s+(?:COLUMN\s+)?(\S+)\s+ADD\s+GENERATED\s+"
                           r"(ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b", re.I)
# Storage clauses sqlglot does not read, where a table's data is kept (no effect on the model):
# SQL Server scripts (SSMS "Script Table as", Generate Scripts) put them on every table with text columns.
# PostgreSQL partitioning, which sqlglot reads in part: CREATE INDEX ... ON ONLY (the partitioned
# table's own index, built before its partitions' are attached: read as an index of that table),
# ATTACH / DETACH PARTITION (opaque commands) and a partition's bound, kept as written.
_ON_ONLY = re.compile(r"^(CREATE\s+(?:UNIQUE\s+)?INDEX\b.*?\bON\s+)ONLY\s+", re.I | re.S)
_ATTACH = re.compile(r"\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(\S+)\s+ATTACH\s+PARTITION\s+(\S+)\s+(.*)",
                     re.I | re.S)
_DETACH = re.compile(r"\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(\S+)\s+DETACH\s+PARTITION\s+(\S+)"
                     r"(?:\s+(CONCURRENTLY|FINALIZE))?\s*$", re.I)
_BOUND = re.compile(r"\bPARTITION\s+OF\s+\S+\s+(FOR\s+VALUES\b.*?|DEFAULT)(?:\s+PARTITION\s+BY\b.*)?$", re.I | re.S)
# COMMENT ON ... IS NULL, which sqlglot does not read: PostgreSQL takes '' as NULL (both drop it)
_COMMENT_NULL = re.compile(r"(\s*COMMENT\s+ON\s+.*\s+IS\s+)NULL\s*$", re.I | re.S)
_STORAGE = {"tsql": re.compile(r"\s+(?:TEXTIMAGE_ON|FILESTREAM_ON)\s+(?:\[[^\]]*\]|\w+)", re.I)}
# SQL Server's default constraint, as its scripts add each column default after the CREATE TABLE
_ADD_DEFAULT_FOR = re.compile(r"\s*ALTER\s+TABLE\s+(\S+)\s+ADD\s+(?:CONSTRAINT\s+\S+\s+)?DEFAULT\s+(.+?)\s+FOR\s+(\S+)\s*$",
                              re.I | re.S)
_RENAME_TABLE = re.compile(r"\s*RENAME\s+TABLE\s+(.+)$", re.I | re.S)
_RENAME_CONSTRAINT = re.compile(r"\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(\S+)\s+RENAME\s+CONSTRAINT\s+(\S+)\s+TO\s+(\S+)\s*$", re.I)
# MySQL's trailing index options, which sqlglot keeps opaque after CREATE INDEX: how it is built and
# the index type InnoDB ignores (USING HASH builds a B-tree) or takes anyway (BTREE), which change
# nothing the model holds; its description and visibility to the optimizer, which it keeps
_INDEX_OPTIONS = re.compile(r"[\s,]+(?:(?:ALGORITHM|LOCK)\s*=?\s*\w+|USING\s+(?:BTREE|HASH)|(VISIBLE|NOT\s+IGNORED)|"
                            r"(INVISIBLE|IGNORED)|COMMENT\s*('(?:[^'\\]|''|\\.)*'))\s*$", re.I)
# MariaDB's IGNORED index (MySQL 8 says INVISIBLE), which sqlglot does not read: read as INVISIBLE,
# written back as IGNORED (Replayer.hidden)
_IGNORED = re.compile(r"(\)|'|\bALTER\s+INDEX\s+\S+)(\s+)(NOT\s+)?IGNORED\b", re.I)
# A description of what the model does not hold (a constraint, an index, a view, ...), some of which
# sqlglot does not read (pg_dump's COMMENT ON CONSTRAINT c ON t): no table changes
_OTHER_COMMENT = re.compile(r"\s*COMMENT\s+ON\s+(?!TABLE\b|COLUMN\b)", re.I)
# MySQL's CREATE FULLTEXT / SPATIAL INDEX, which sqlglot keeps opaque: read as CREATE INDEX plus its type.
_TYPED_INDEX = re.compile(r"(\s*CREATE\s+)(FULLTEXT|SPATIAL)\s+(INDEX\b.*)", re.I | re.S)


class NotModelled(Exception):
    """A statement the model cannot hold; `tables` are the ones it touches."""

    def __init__(self, reason: str, tables: list[str] | None = None):
        super().__init__(reason)
        self.reason, self.tables = reason, tables


class Gap(Statement):
    """Where a tool change became no statement (a Liquibase change sources does not translate,
    SQL an Alembic revision builds at run time): replayed as a statement the model cannot hold."""
    __slots__ = ("reason", "tables")

    def __init__(self, file: str, text: str, line: int, column: int, *, reason: str = "",
                 tables: list[str] | None = None):
        super().__init__(file, text, line, column)
        self.reason = reason
        self.tables = tables            # None: the known tables the text mentions


@dataclass
class Replay:
    schema: VirtualSchema
    unmodelled: list[Unmodelled] = field(default_factory=list)
    unknown: dict[str, str] = field(default_factory=dict)      # table -> why it is unknown
    statements: int = 0
    outside: list[Unmodelled] = field(default_factory=list)    # views, functions...: no table affected


def replay(statements: list[Statement], database: str) -> Replay:
    r = Replayer(database)
    for stmt in statements:
        r.apply(stmt)
    if r.hidden != "INVISIBLE":         # a MariaDB history: its hidden indexes are IGNORED ones
        for index in (i for t in r.schema.tables.values() for i in t.indexes.values() if i.hidden):
            index.hidden = r.hidden
    return r.result


class Replayer:
    def __init__(self, database: str):
        self.dialect = DIALECTS[database]
        self.quote = get_dialect(database).q        # a renamed column as the indexes' SQL names it
        self.result = Replay(VirtualSchema(known=True))
        self.schema = self.result.schema
        self.hidden = "INVISIBLE"                   # how the history spells an index the optimizer ignores

    # --- the loop ------------------------------------------------------------------------------
    def apply(self, stmt: Statement) -> None:
        self.result.statements += 1
        try:
            if isinstance(stmt, Gap):
                raise NotModelled(stmt.reason, stmt.tables)
            self.statement(stmt.text)
        except NotModelled as e:
            self.not_modelled(stmt, e)
        except DbmigError as e:          # a name or type schema.py refuses
            self.not_modelled(stmt, NotModelled(e.message.removeprefix("schema: ")))

    def not_modelled(self, stmt: Statement, e: NotModelled) -> None:
        tables = e.tables if e.tables is not None else self.mentioned(stmt.text)
        entry = Unmodelled(stmt.file, stmt.line, " ".join(stmt.text.split()), e.reason, sorted(tables))
        if e.tables == [] and not tables:
            self.result.outside.append(entry)
            return
        self.result.unmodelled.append(entry)
        for name in tables:
            self.forget(name, f"{stmt.file}:{stmt.line}: {e.reason}")

    def forget(self, table: str, why: str) -> None:
        self.schema.tables.pop(table.lower(), None)
        self.result.unknown.setdefault(table.lower(), why)

    def mentioned(self, text: str) -> list[str]:
        """Known (or already unknown) tables whose names appear in the statement."""
        words = {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_$]*", text)}
        return sorted(words & (set(self.schema.tables) | set(self.result.unknown)))

    def parse(self, text: str) -> exp.Expression:
        logger = logging.getLogger("sqlglot")
        level, logger.level = logger.level, logging.ERROR     # "falling back to Command" is expected
        try:
            return sqlglot.parse_one(text, read=self.dialect)
        except (sqlglot_errors.SqlglotError, ValueError) as e:    # a TokenError too: an unclosed quote
            raise NotModelled(f"does not parse as {self.dialect} SQL: {str(e).splitlines()[0][:120]}") from None
        finally:
            logger.level = level

    # --- dispatch --------------------------------------------------------------------------------
    def statement(self, text: str) -> None:
        text = text.strip().rstrip(";").strip()
        if not text or (self.dialect == "postgres" and text.startswith("\\")):
            return                      # a psql command (`\\restrict` in a pg_dump): no table changes
        if self.dialect in _STORAGE:
            text = _STORAGE[self.dialect].sub("", text)
        if _OTHER_COMMENT.match(text):
            return
        if self.dialect == "postgres":
            text = _COMMENT_NULL.sub(r"\1''", _ON_ONLY.sub(r"\1", text))
        if self.dialect == "mysql" and _IGNORED.search(text):
            self.hidden = "IGNORED"
            text = _IGNORED.sub(lambda m: m[1] + m[2] + ("VISIBLE" if m[3] else "INVISIBLE"), text)
        node = self.parse(text)
        if isinstance(node, exp.Command):
            return self.command(text)
        if isinstance(node, _no_effect()):
            return
        if isinstance(node, exp.Comment):
            return self.comment(node)
        if isinstance(node, exp.Create):
            return self.create(node, text)
        if isinstance(node, exp.Drop):
            return self.drop(node)
        if isinstance(node, exp.Alter):
            return self.alter(node)
        raise NotModelled(f"{type(node).__name__} statements are not modelled")

    def command(self, text: str) -> None:
        """Statements sqlglot keeps opaque: the few that change tables are read by pattern."""
        if m := _RENAME_TABLE.match(text):
            for pair in m.group(1).split(","):
                old, new = re.split(r"\s+TO\s+", pair.strip(), flags=re.I)
                self.rename_table(_bare(old), _bare(new))
            return
        if m := _RENAME_CONSTRAINT.match(text):
            return self.rename_constraint(_bare(m.group(1)), _bare(m.group(2)), _bare(m.group(3)))
        if m := _ADD_IDENTITY.match(text):
            col = self.column(self.table(_bare(m.group(1))), _bare(m.group(2)))
            col.identity, col.nullable = "always" if m.group(3).upper() == "ALWAYS" else "by_default", False
            return
        if _NO_EFFECT_ALTER.match(text):
            return
        if m := _ADD_DEFAULT_FOR.match(text):
            table = self.table(_bare(m.group(1)))
            return set_default(table.name, self.column(table, _bare(m.group(3))),
                               self.parse(m.group(2)).sql(self.dialect))
        typed = _TYPED_INDEX.match(text)
        if typed or re.match(r"\s*CREATE\s+(?:UNIQUE\s+)?INDEX\b", text, re.I) and _INDEX_OPTIONS.search(text):
            text, options = _index_options(typed.group(1) + typed.group(3) if typed else text)
            return self.create_index(self.parse(text), typed.group(2).lower() if typed else None, **options)
        if m := _ATTACH.match(text):
            return self.attach(_bare(m.group(1)), _bare(m.group(2)), m.group(3).strip())
        if m := _DETACH.match(text):
            return self.attach(None, _bare(m.group(2)), None)
        if m := _RESET.match(text):
            storage = self.storage_of(m.group(1).upper(), _bare(m.group(2)))
            for name in m.group(3).split(","):
                storage.pop(name.strip().lower(), None)
            return
        if _NO_EFFECT_TEXT.match(text):
            return
        kind = re.match(r"\s*(?:CREATE|DROP|ALTER)\s+(?:OR\s+REPLACE\s+)?(\w+(?:\s+VIEW)?)", text, re.I)
        if kind and kind.group(1).upper() in _OUTSIDE:
            raise NotModelled(f"{kind.group(1).lower()}s are outside dbmig's schema model", [])
        raise NotModelled("a statement sqlglot cannot read (kept as an opaque command)")

    def comment(self, node: exp.Comment) -> None:
        """COMMENT ON TABLE / COLUMN ... IS '...' (or NULL, which removes it). On a view's column,
        an index or anything else outside the model, no table changes."""
        kind, text = (node.args.get("kind") or "").upper(), node.expression
        text = (text.name or None) if isinstance(text, exp.Literal) and text.is_string else None
        table = self.schema.table(node.this.table if kind == "COLUMN" else node.this.name)
        if table is not None and kind == "TABLE":
            table.comment = text
        elif table is not None and kind == "COLUMN" and (col := self.column(table, node.this.name, True)):
            col.comment = text

    # --- CREATE ----------------------------------------------------------------------------------
    def create(self, node: exp.Create, text: str) -> None:
        kind = (node.kind or "").upper()
        if kind == "TABLE" and node.find(exp.PartitionedOfProperty):
            return self.create_partition(node, text)
        if kind == "TABLE":
            return self.create_table(node)
        if kind in ("INDEX", "CLUSTERED INDEX", "NONCLUSTERED INDEX"):     # the last two: SQL Server's
            return self.create_index(node)
        if kind in _OUTSIDE:
            raise NotModelled(f"{kind.lower()}s are outside dbmig's schema model", [])
        raise NotModelled(f"CREATE {kind or '?'} is not modelled")

    def create_table(self, node: exp.Create) -> None:
        if not isinstance(node.this, exp.Schema) or node.expression is not None:
            name = node.this.name if node.this is not None else "?"
            raise NotModelled("CREATE TABLE without column definitions (AS SELECT / LIKE)", [name])
        if any(isinstance(p, exp.TemporaryProperty) for p in (node.args.get("properties") or exp.Properties()).expressions):
            return                                              # a temp table is gone after the session
        name = node.this.this.name
        if node.args.get("exists") and self.schema.table(name):
            return
        table = TableDef(name)
        try:
            for item in node.this.expressions:
                self.table_item(table, item)
        except DbmigError as e:              # a type or name schema.py refuses: the table is unknown
            raise NotModelled(e.message.removeprefix("schema: "), [name]) from None
        table.partition_by = _partition_by(node, self.dialect)
        read_table_options(table, node, self.dialect)
        self.put(table)

    def create_partition(self, node: exp.Create, text: str) -> None:
        """CREATE TABLE p PARTITION OF t FOR VALUES ...: t's columns; keys and indexes come from t."""
        schema, of = node.this, node.find(exp.PartitionedOfProperty)
        name = (schema.this if isinstance(schema, exp.Schema) else schema).name
        if isinstance(schema, exp.Schema) and schema.expressions:
            raise NotModelled("a partition with constraints of its own is not modelled", [name])
        parent = self.table(of.this.name)
        bound = _BOUND.search(text)
        columns = {k: replace(c, comment=None) for k, c in parent.columns.items()}     # descriptions stay on t
        self.put(TableDef(name, columns, partition_by=_partition_by(node, self.dialect), partition_of=parent.name,
                          partition_bound=bound.group(1).strip() if bound else None,
                          storage=table_storage(node, self.dialect)))

    def attach(self, parent: str | None, child: str, bound: str | None) -> None:
        """ATTACH PARTITION (parent and bound as written) or DETACH PARTITION (None)."""
        table = self.table(child)
        table.partition_of = self.table(parent).name if parent else None
        table.partition_bound = bound

    def table_item(self, table: TableDef, item: exp.Expression) -> None:
        if not read_table_item(table, item, self.dialect):
            raise NotModelled(f"table element {type(item).__name__} is not modelled", [table.name])

    def put(self, table: TableDef) -> None:
        self.result.unknown.pop(table.name.lower(), None)
        self.schema.put(keys_not_null(table))

    def create_index(self, node: exp.Create, using: str | None = None, **options) -> None:
        table_name, index = read_index(node, self.dialect)
        index.using = using or index.using
        for name, value in options.items():
            setattr(index, name, value)
        table = self.table(table_name)
        if node.args.get("exists") and index.name.lower() in table.indexes:
            return
        self.add_index(table, index)

    def add_index(self, table: TableDef, index: IndexDef) -> None:
        for c in index.reads:
            self.column(table, c)
        table.indexes[index.name.lower()] = index

    # --- DROP ------------------------------------------------------------------------------------
    def drop(self, node: exp.Drop) -> None:
        kind = (node.kind or "").upper()
        names = [t.name for t in node.expressions or node.args.get("tables") or []]
        if kind == "TABLE":
            for name in names:
                self.drop_table(name, bool(node.args.get("exists")), bool(node.args.get("cascade")))
        elif kind == "INDEX":
            on = node.args.get("cluster")
            for name in names:
                self.drop_index(on.this.name if isinstance(on, exp.OnProperty) else None, name,
                                bool(node.args.get("exists")))
        elif kind in _OUTSIDE:
            raise NotModelled(f"{kind.lower()}s are outside dbmig's schema model", [])
        else:
            raise NotModelled(f"DROP {kind or '?'} is not modelled")

    def drop_table(self, name: str, exists: bool, cascade: bool) -> None:
        if self.result.unknown.pop(name.lower(), None) is not None:
            return
        if self.schema.table(name) is None:
            if exists:
                return
            raise NotModelled(f"drops table {name}, which the history never created", [name])
        del self.schema.tables[name.lower()]
        for other in self.schema.tables.values():       # the database drops or refuses their FKs
            if cascade:
                other.constraints = {k: c for k, c in other.constraints.items()
                                     if (c.ref_table or "").lower() != name.lower()}

    def drop_index(self, table_name: str | None, name: str, exists: bool) -> None:
        tables = [self.table(table_name)] if table_name else list(self.schema.tables.values())
        for table in tables:
            if table.indexes.pop(name.lower(), None) is not None:
                return
            key = _constraint_key(table, name)          # MySQL: a UNIQUE constraint is an index
            if key is not None and table.constraints[key].kind == "unique":
                del table.constraints[key]
                return
        if not exists:
            raise NotModelled(f"drops index {name}, which the history never created",
                              [table_name] if table_name else None)

    # --- ALTER TABLE ----------------------------------------------------------------------------------
    def alter(self, node: exp.Alter) -> None:
        kind = (node.args.get("kind") or "").upper()
        actions = node.args.get("actions") or []
        if kind == "INDEX" and len(actions) == 1 and isinstance(actions[0], exp.AlterSet):
            return self.set_storage(self.storage_of(kind, node.this.name), actions[0])
        if kind == "INDEX" and len(actions) == 1 and isinstance(actions[0], exp.AlterRename):
            return self.rename_index(node)
        if kind != "TABLE":
            if kind in _OUTSIDE:
                raise NotModelled(f"{kind.lower()}s are outside dbmig's schema model", [])
            raise NotModelled(f"ALTER {kind or '?'} is not modelled")
        name = node.this.name
        if name.lower() in self.result.unknown:
            return                                      # already unknown, already reported
        table = self.table(name)
        for action in node.args.get("actions") or []:
            self.action(table, action)

    def action(self, table: TableDef, a: exp.Expression) -> None:
        if isinstance(a, exp.ColumnDef):
            if a.args.get("exists") and a.name.lower() in table.columns:
                return
            read_column(table, a, self.dialect)
        elif isinstance(a, exp.AlterColumn):
            self.alter_column(table, a)
        elif isinstance(a, exp.ModifyColumn):
            self.modify_column(table, a)
        elif isinstance(a, exp.RenameColumn):
            self.rename_column(table, a.this.name, a.args["to"].name)
        elif isinstance(a, exp.AlterRename):
            self.rename_table(table.name, a.this.name)
        elif isinstance(a, exp.AddConstraint):
            for item in a.expressions:
                self.table_item(table, item)
            self.put(table)
        elif isinstance(a, exp.Drop):
            self.drop_in_table(table, a)
        elif isinstance(a, exp.DropPrimaryKey):
            table.constraints = {k: c for k, c in table.constraints.items() if c.kind != "primary_key"}
        elif isinstance(a, exp.RenameIndex):
            self.rename_index_in(table, a.this.name, a.args["to"].name)
        elif isinstance(a, exp.AlterSet):
            self.set_storage(table.storage, a)
        elif isinstance(a, exp.AlterIndex):         # MySQL ALTER INDEX i [IN]VISIBLE
            self.index(table, a.name).hidden = None if a.args.get("visible") else "INVISIBLE"
        else:
            raise NotModelled(f"ALTER TABLE action {type(a).__name__} is not modelled", [table.name])

    def alter_column(self, table: TableDef, a: exp.AlterColumn) -> None:
        col = self.column(table, a.name)
        if a.args.get("dtype") is not None:
            col.type = from_sqlglot(a.args["dtype"], "schema")
        elif a.args.get("allow_null") is not None:
            col.nullable = bool(a.args.get("drop"))
        elif a.args.get("default") is not None:
            set_default(table.name, col, a.args["default"].sql(self.dialect))
        elif a.args.get("drop"):
            col.default = None
        else:
            raise NotModelled(f"ALTER COLUMN form {a.sql(self.dialect)[:60]!r} is not modelled", [table.name])

    def modify_column(self, table: TableDef, a: exp.ModifyColumn) -> None:
        """MySQL MODIFY / CHANGE: the whole column definition is restated."""
        old = a.args.get("rename_from")
        previous = self.column(table, old.name if old else a.this.name)
        scratch = TableDef(table.name)
        read_column(scratch, a.this, self.dialect)
        new = next(iter(scratch.columns.values()))
        del table.columns[previous.name.lower()]
        table.columns[new.name.lower()] = new
        if old:
            self.rename_in_keys(table, old.name, new.name)
        for key, c in scratch.constraints.items():
            table.constraints.setdefault(key, c)

    def drop_in_table(self, table: TableDef, a: exp.Drop) -> None:
        kind = (a.args.get("kind") or "").upper()
        targets = a.args.get("tables") or a.expressions
        name = targets[0].name if targets else ""
        if kind == "COLUMN":
            if self.column(table, name, missing_ok=bool(a.args.get("exists"))) is not None:
                self.drop_column(table, name)
        elif kind in ("INDEX", "KEY"):
            self.drop_index(table.name, name, bool(a.args.get("exists")))
        elif kind in ("CONSTRAINT", "FOREIGN KEY", "CHECK"):
            key = _constraint_key(table, name)
            if key is None and name.lower() in table.indexes:      # MySQL: a UNIQUE key dropped as a constraint
                del table.indexes[name.lower()]
            elif key is not None:
                del table.constraints[key]
            elif not a.args.get("exists"):
                raise NotModelled(f"drops constraint {name}, which the history never created", [table.name])
        else:
            raise NotModelled(f"ALTER TABLE DROP {kind or '?'} is not modelled", [table.name])

    def drop_column(self, table: TableDef, name: str) -> None:
        """The database drops the indexes and constraints that use the column with it."""
        del table.columns[name.lower()]
        table.indexes = {k: i for k, i in table.indexes.items() if name.lower() not in _lower(i.reads)}
        table.constraints = {k: c for k, c in table.constraints.items()
                             if name.lower() not in _lower(c.columns)}

    # --- renames -----------------------------------------------------------------------------------
    def rename_table(self, old: str, new: str) -> None:
        table = self.table(old)
        del self.schema.tables[old.lower()]
        table.name = new
        self.put(table)
        for other in self.schema.tables.values():
            for c in other.constraints.values():
                if (c.ref_table or "").lower() == old.lower():
                    c.ref_table = new

    def rename_column(self, table: TableDef, old: str, new: str) -> None:
        col = self.column(table, old)
        del table.columns[old.lower()]
        col.name = new
        table.columns[new.lower()] = col
        self.rename_in_keys(table, old, new)

    def rename_in_keys(self, table: TableDef, old: str, new: str) -> None:
        rename_in_keys(self.schema, table, old, new, self.quote(new))

    def rename_constraint(self, table_name: str, old: str, new: str) -> None:
        table = self.table(table_name)
        key = _constraint_key(table, old)
        if key is None:
            raise NotModelled(f"renames constraint {old}, which the history never created", [table.name])
        c = table.constraints.pop(key)
        c.name = new
        table.constraints[new] = c

    def set_storage(self, storage: dict[str, str], a: exp.AlterSet) -> None:
        """ALTER TABLE / INDEX ... SET (parameter = value, ...); SET TABLESPACE, LOGGED and the
        like change where or how rows are kept, which the model does not hold."""
        if a.expressions and all(isinstance(e, exp.EQ) for e in a.expressions):
            storage.update(storage_options(a.expressions, self.dialect))
        elif a.expressions or not (a.args.get("tablespace") or a.args.get("option")):
            raise NotModelled(f"ALTER ... SET form {a.sql(self.dialect)[:60]!r} is not modelled")

    def storage_of(self, kind: str, name: str) -> dict[str, str]:
        """The storage parameters of table or index `name`, to change in place. An index the model
        does not hold as an index is a key's own (`orders_pkey`): its parameters are not kept."""
        if kind == "TABLE":
            return self.table(name).storage
        index = next((t.indexes[name.lower()] for t in self.schema.tables.values() if name.lower() in t.indexes), None)
        return index.storage if index is not None else {}

    def rename_index(self, node: exp.Alter) -> None:
        old, new = node.this.name, node.args["actions"][0].this.name
        for table in self.schema.tables.values():
            if old.lower() in table.indexes:
                return self.rename_index_in(table, old, new)
        raise NotModelled(f"renames index {old}, which the history never created")

    def rename_index_in(self, table: TableDef, old: str, new: str) -> None:
        index = table.indexes.pop(old.lower(), None)
        if index is None:
            raise NotModelled(f"renames index {old}, which the history never created", [table.name])
        index.name = new
        table.indexes[new.lower()] = index

    # --- lookups ------------------------------------------------------------------------------------
    def table(self, name: str) -> TableDef:
        table = self.schema.table(name)
        if table is None:
            if name.lower() in self.result.unknown:
                raise NotModelled(f"table {name} is already unknown", [name])
            raise NotModelled(f"table {name} was not created by the history", [name])
        return table

    def index(self, table: TableDef, name: str) -> IndexDef:
        index = table.indexes.get(name.lower())
        if index is None:
            raise NotModelled(f"changes index {name}, which the history never created", [table.name])
        return index

    def column(self, table: TableDef, name: str, missing_ok: bool = False) -> ColumnDef | None:
        col = table.columns.get(name.lower())
        if col is None and not missing_ok:
            raise NotModelled(f"column {table.name}.{name} was not created by the history", [table.name])
        return col


def _bare(name: str) -> str:
    return name.strip().split(".")[-1].strip('"`[]')


def _lower(names: list[str]) -> set[str]:
    return {n.lower() for n in names}


def _constraint_key(table: TableDef, name: str) -> str | None:
    return next((k for k, c in table.constraints.items() if c.name.lower() == name.lower()), None)


def _partition_by(node: exp.Create, dialect: str) -> str | None:
    by = node.find(exp.PartitionedByProperty)
    return by.this.sql(dialect) if by else None


def _index_options(text: str) -> tuple[str, dict]:
    """CREATE INDEX without its trailing MySQL options, and the options the model keeps."""
    options = {}
    while m := _INDEX_OPTIONS.search(text):
        visible, hidden, comment = m.groups()
        if (visible or hidden) and "hidden" not in options:    # the last word counts: read from the end
            options["hidden"] = "INVISIBLE" if hidden else None
        if comment and "comment" not in options:
            options["comment"] = sqlglot.parse_one(comment, read="mysql").name
        text = text[:m.start()]
    return text, options
