"""The virtual schema: what the database looks like before (and, as the planner goes, after)
each change. Built from the `schema` argument (CREATE TABLE / CREATE INDEX text) parsed by
sqlglot in the target dialect; each planned change updates it for the next, as pgroll does.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .lazysqlglot import exp, sqlglot, sqlglot_errors
from .errors import InvalidRequest
from .limits import echo
from .models import IDENTIFIER_RE
from .types import Identity, SqlType, column_type


@dataclass
class ColumnDef:
    name: str
    type: SqlType | None            # None: not known (no `schema` given)
    nullable: bool = True
    default: str | None = None      # SQL expression, already in the target dialect
    collation: str | None = None    # COLLATE of the column, where the schema names one
    identity: Identity | None = None    # how the database numbers it, if it does
    # GENERATED ALWAYS AS (expr) STORED|VIRTUAL as the schema writes it: the database computes the
    # values, so none are backed up or written back, and a rollback adds the column back as such
    generated: str | None = None
    comment: str | None = None      # its description (MySQL COMMENT '...', PostgreSQL COMMENT ON COLUMN)


@dataclass
class ConstraintDef:
    name: str
    kind: str                       # primary_key | unique | check | foreign_key | exclusion
    # check: its condition; exclusion: what follows EXCLUDE (USING gist (room WITH =, ...) WHERE ...)
    columns: list[str] = field(default_factory=list)
    expression: str | None = None
    ref_table: str | None = None
    ref_columns: list[str] = field(default_factory=list)
    on_delete: str | None = None

    def rename_column(self, old: str, new: str, quoted: str) -> None:
        """Follow a rename of one of its table's columns (`quoted`: the new name as SQL)."""
        self.columns = _swapped(self.columns, old, new)
        self.expression = renamed_in(self.expression, old, quoted) if self.expression else self.expression


@dataclass
class IndexDef:
    name: str
    columns: list[str]              # its key columns; with `keys`, the columns the keys read
    unique: bool = False
    where: str | None = None
    # What a rollback must rebuild besides plain columns (pg_dump, SSMS and the catalogs print
    # them): an access method other than the default (PostgreSQL gin, gist, brin, hash, spgist),
    # the keys as SQL where one is more than a column name (DESC, an operator class, a
    # collation, an expression, a MySQL prefix length), non-key INCLUDE columns, PostgreSQL's
    # storage parameters (WITH (fillfactor = 70), see `storage_options`), MySQL's description and
    # whether the optimizer ignores it (`hidden`: INVISIBLE on MySQL 8, IGNORED on MariaDB, as written).
    using: str | None = None
    keys: list[str] | None = None
    include: list[str] = field(default_factory=list)
    storage: dict[str, str] = field(default_factory=dict)
    comment: str | None = None
    hidden: str | None = None

    @property
    def plain(self) -> bool:
        """On plain columns only: what a tool's native createIndex can say."""
        return self.using is None and self.keys is None and not self.include and not self.storage \
            and self.comment is None and self.hidden is None

    @property
    def reads(self) -> list[str]:
        """Every column it needs: dropping one drops the index."""
        return [*self.columns, *self.include]

    def rename_column(self, old: str, new: str, quoted: str) -> None:
        """Follow a column rename, as the database does (`quoted`: the new name as SQL)."""
        self.columns, self.include = _swapped(self.columns, old, new), _swapped(self.include, old, new)
        if self.keys is not None:
            self.keys = [renamed_in(k, old, quoted) for k in self.keys]
        self.where = renamed_in(self.where, old, quoted) if self.where else self.where


# A word of SQL, a quoted name or a string literal (never a column: CHECK (s <> 'note') reads no `note`).
_SQL_WORD = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]|[\w$#]+")


def _swapped(columns: list[str], old: str, new: str) -> list[str]:
    return [new if c.lower() == old.lower() else c for c in columns]


def renamed_in(expression: str, old: str, quoted: str) -> str:
    """`expression` with the column `old` (as a name, quoted or not) written `quoted` instead."""
    def swap(m: re.Match) -> str:
        word = m[0]
        name = word[1:-1] if word[0] in "\"`[" else None if word[0] == "'" else word
        return quoted if name is not None and name.lower() == old.lower() else word
    return _SQL_WORD.sub(swap, expression)


@dataclass
class TableDef:
    name: str
    columns: dict[str, ColumnDef] = field(default_factory=dict)
    constraints: dict[str, ConstraintDef] = field(default_factory=dict)
    indexes: dict[str, IndexDef] = field(default_factory=dict)
    collation: str | None = None    # the table's default COLLATE, where the schema names one
    # PostgreSQL partitioning: a partitioned table's PARTITION BY (`RANGE (at)`); a partition's
    # parent and its bound (`FOR VALUES FROM (...) TO (...)`, `DEFAULT`)
    partition_by: str | None = None
    partition_of: str | None = None
    partition_bound: str | None = None
    storage: dict[str, str] = field(default_factory=dict)      # PostgreSQL: WITH (fillfactor = 80, ...)
    comment: str | None = None

    def copy(self) -> "TableDef":
        return TableDef(self.name, {k: _fields_copied(c) for k, c in self.columns.items()},
                        {k: _fields_copied(c) for k, c in self.constraints.items()},
                        {k: _fields_copied(i) for k, i in self.indexes.items()}, self.collation,
                        self.partition_by, self.partition_of, self.partition_bound, dict(self.storage),
                        self.comment)

    @property
    def primary_key(self) -> list[str]:
        return next((c.columns for c in self.constraints.values() if c.kind == "primary_key"), [])


@dataclass
class VirtualSchema:
    tables: dict[str, TableDef] = field(default_factory=dict)
    known: bool = False             # False: no `schema` given, facts are unknown, not absent

    def table(self, name: str) -> TableDef | None:
        return self.tables.get(name.lower())

    def column(self, table: str, column: str) -> ColumnDef | None:
        t = self.table(table)
        return t.columns.get(column.lower()) if t else None

    def put(self, table: TableDef) -> None:
        self.tables[table.name.lower()] = table

    def partitions(self, table: TableDef) -> list[TableDef]:
        """The partitions attached to `table` (a partitioned table), by name."""
        return sorted((t for t in self.tables.values() if (t.partition_of or "").lower() == table.name.lower()),
                      key=lambda t: t.name.lower())

    def copy(self) -> "VirtualSchema":
        """A copy a plan may change (a twentieth of what copy.deepcopy costs)."""
        return VirtualSchema({k: t.copy() for k, t in self.tables.items()}, self.known)


def _fields_copied(value):
    """A copy of a dataclass whose fields are immutable or lists or dicts of names."""
    new = object.__new__(type(value))
    new.__dict__ = {k: type(v)(v) if type(v) in (list, dict) else v for k, v in value.__dict__.items()}
    return new


def parse_schema(text: str | None, dialect: str) -> VirtualSchema:
    """The tables and indexes `text` creates, as a copy the caller may change (a plan applies its
    changes to it). Read once per text: an agent or a project sends the same schema with every
    call, and one call reads it several times (intake, plan, data steps)."""
    return _read_schema(text, dialect).copy() if text else VirtualSchema()


@functools.lru_cache(maxsize=32)
def _read_schema(text: str, dialect: str) -> VirtualSchema:
    if dialect == "postgres":           # PostgreSQL's parser, where it reads the text as sqlglot would
        from .schema_pg import read
        if (schema := read(text)) is not None:
            return schema
    return _read_with_sqlglot(text, dialect)


def _read_with_sqlglot(text: str, dialect: str) -> VirtualSchema:
    if not _tables_and_indexes_only(text, dialect):
        return _read_dump(text, dialect)
    schema = VirtualSchema(known=True)
    for st in _statements(text, dialect):
        if isinstance(st, exp.Create) and st.kind == "TABLE" and isinstance(st.this, exp.Schema):
            table = _table(st.this, dialect)
            collate = st.find(exp.CollateProperty)
            table.collation = collate.this.name if collate else None
            read_table_options(table, st, dialect)
            schema.put(table)
        elif isinstance(st, exp.Create) and st.kind == "INDEX":
            _index(schema, st, dialect)
        else:               # a form sqlglot keeps opaque (MySQL's CREATE INDEX ... USING HASH): the replay reads it
            return _read_dump(text, dialect)
    return schema


_TABLE_OR_INDEX = re.compile(r"CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\b", re.I)
# read by the replay, which knows them: partitions, MariaDB's IGNORED indexes (sqlglot reads neither)
_REPLAY_ONLY = re.compile(r"\bPARTITION\s+(?:BY|OF)\b|\bON\s+ONLY\b|\bIGNORED\b", re.I)


def _tables_and_indexes_only(text: str, dialect: str) -> bool:
    """Plain CREATE TABLE / INDEX statements; partitions and the like are read by the replay."""
    from .sources.sqltext import split_sql
    return not _REPLAY_ONLY.search(text) and all(_TABLE_OR_INDEX.match(text, a, b) for a, b in split_sql(text, dialect))


def _read_dump(text: str, dialect: str) -> VirtualSchema:
    """A schema given as a dump (pg_dump --schema-only, mysqldump --no-data, a DDL script): the
    statements are applied in order as a project's history is (dbmig.project.replay), keys and
    identities added by ALTER TABLE included, and descriptions of tables and columns; settings,
    ownership, grants, and views, sequences or functions (outside the table model) change nothing.
    A statement that changes a table in a way the model cannot hold is refused: a schema is taken
    as exact, never guessed."""
    from .dialects import sqlglot_dialect
    from .project.replay import replay
    from .sources import read_sources
    database = sqlglot_dialect(dialect).name
    statements = [st for src in read_sources([{"filename": "schema", "content": text}], database, None)
                  for st in src.statements]
    result = replay(statements, database)
    if result.unmodelled:
        first = result.unmodelled[0]
        raise InvalidRequest(f"schema line {first.line}: {first.reason}: {echo(first.statement, 120)}",
                             field="schema", suggestion="leave the statement out, or give the tables as "
                             "CREATE TABLE and CREATE INDEX statements")
    return result.schema


def _statements(text: str, dialect: str) -> tuple[exp.Expression, ...]:
    """The schema's statements, names folded (a comment after a `;` is a statement of its own to sqlglot)."""
    try:
        return tuple(fold_names(s, dialect) for s in sqlglot.parse(text, read=dialect)
                     if s is not None and not isinstance(s, exp.Semicolon))
    except (sqlglot_errors.ParseError, sqlglot_errors.TokenError) as e:
        raise InvalidRequest(f"schema does not parse as {dialect} SQL: {_first_line(e)}",
                             field="schema") from None


@functools.lru_cache(maxsize=8)
def _folds_to_lower(name: str) -> bool:
    from .dialects import sqlglot_dialect
    return sqlglot_dialect(name).fold == "lower"


def fold_names(tree: exp.Expression, sqlglot_dialect: str) -> exp.Expression:
    """Unquoted names as the database stores them: PostgreSQL folds them to lower case, so
    `CREATE TABLE MixedCase` makes `mixedcase` (a quoted "MixedCase" keeps its case). Oracle's
    upper case is applied on output by `Dialect.q`; MySQL and SQL Server keep the case."""
    if _folds_to_lower(sqlglot_dialect):
        for ident in tree.find_all(exp.Identifier):
            if not ident.quoted:
                ident.set("this", ident.this.lower())
    return tree


def resolve_names(changes: list, schema: "VirtualSchema", sqlglot_dialect: str) -> list:
    """Names in `changes` are read as unquoted SQL names: one the schema knows (in any case)
    becomes the schema's name, any other is folded as the database folds unquoted names."""
    known = {n.lower(): n for t in schema.tables.values()
             for n in [t.name, *(c.name for c in t.columns.values()), *t.constraints, *t.indexes]}
    fold = str.lower if _folds_to_lower(sqlglot_dialect) else (lambda n: n)
    resolve = lambda n: known.get(n.lower(), fold(n))  # noqa: E731
    return [type(ch).model_validate(_renamed(ch.model_dump(), resolve)) for ch in changes]


_NAME_KEYS = {"table", "column", "name", "new_name", "ref_table", "columns", "ref_columns", "into", "primary_key"}


def _renamed(value, resolve, key: str | None = None):
    if isinstance(value, dict):
        out = {k: _renamed(v, resolve, k) for k, v in value.items()}
        if key == "set":                                   # update_rows: column -> value
            out = {resolve(k): v for k, v in value.items()}
        return out
    if isinstance(value, list):
        return [_renamed(v, resolve, key) for v in value]
    return resolve(value) if key in _NAME_KEYS and isinstance(value, str) else value


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0][:200]


def _name(node: exp.Expression) -> str:
    name = node.name
    if not IDENTIFIER_RE.fullmatch(name):
        raise InvalidRequest(f"schema names {echo(name)}: identifiers must match "
                             f"{IDENTIFIER_RE.pattern}", field="schema")
    return name


def _table(node: exp.Schema, dialect: str) -> TableDef:
    table = TableDef(_name(node.this))
    for item in node.expressions:
        read_table_item(table, item, dialect)
    return keys_not_null(table)


def read_table_item(table: TableDef, item: exp.Expression, dialect: str) -> bool:
    """One element of CREATE TABLE's list; False for one the model does not hold."""
    if isinstance(item, exp.ColumnDef):
        read_column(table, item, dialect)
    elif isinstance(item, exp.Constraint):
        read_named_constraint(table, item, dialect)
    elif isinstance(item, exp.IndexColumnConstraint):          # MySQL: KEY name (cols) inside CREATE TABLE
        kind = item.args.get("kind")                            # FULLTEXT / SPATIAL KEY: its index type
        index = _index_def(_name(item.this), item.expressions, dialect, using=kind.lower() if kind else None)
        for option in item.args.get("options") or ():
            if option.args.get("visible") is False:
                index.hidden = "INVISIBLE"
            if option.args.get("comment") is not None:
                index.comment = option.args["comment"].name
        if any(c.lower() not in table.columns for c in index.columns):
            raise InvalidRequest(f"schema: index {item.name} names a column its table lacks", field="schema")
        table.indexes[item.name.lower()] = index
    elif isinstance(item, (exp.PrimaryKey, exp.UniqueColumnConstraint, exp.CheckColumnConstraint, exp.ForeignKey)):
        read_constraint(table, _key_name(item), item, dialect)  # a table constraint without CONSTRAINT <name>
    else:
        return False
    return True


def _key_name(item: exp.Expression) -> str | None:
    """MySQL `UNIQUE KEY uk (a)` names the constraint inside its column list."""
    inner = item.this if isinstance(item, exp.UniqueColumnConstraint) else None
    return _name(inner.this) if isinstance(inner, exp.Schema) and isinstance(inner.this, exp.Identifier) else None


def rename_in_keys(schema: "VirtualSchema", table: TableDef, old: str, new: str, quoted: str) -> None:
    """What names a renamed column follows it: the table's indexes and constraints (their columns,
    CHECK and EXCLUDE text) and the foreign keys referencing it (`quoted`: the new name as SQL)."""
    for i in table.indexes.values():
        i.rename_column(old, new, quoted)
    for c in table.constraints.values():
        c.rename_column(old, new, quoted)
    for other in schema.tables.values():
        for c in other.constraints.values():
            if (c.ref_table or "").lower() == table.name.lower():
                c.ref_columns = _swapped(c.ref_columns, old, new)


def keys_not_null(table: TableDef) -> TableDef:
    """The database makes a primary key's columns NOT NULL, however the key was declared."""
    for c in table.constraints.values():
        if c.kind == "primary_key":
            for name in c.columns:
                if name.lower() in table.columns:
                    table.columns[name.lower()].nullable = False
    return table


def read_column(table: TableDef, node: exp.ColumnDef, dialect: str) -> None:
    name = _name(node.this)
    type_, serial = _declared_type(node.args.get("kind"), dialect)
    col = ColumnDef(name, type_, serial is None, identity=serial)
    for c in node.constraints:
        kind = c.args.get("kind")
        if isinstance(kind, (exp.GeneratedAsIdentityColumnConstraint, exp.AutoIncrementColumnConstraint)):
            col.identity = identity_kind(kind)
            col.nullable = False
        elif isinstance(kind, exp.NotNullColumnConstraint):
            col.nullable = bool(kind.args.get("allow_null"))
        elif isinstance(kind, exp.DefaultColumnConstraint):
            set_default(table.name, col, kind.this.sql(dialect))
        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
            col.nullable = False
            _add(table, "primary_key", None, [name])
        elif isinstance(kind, exp.UniqueColumnConstraint):
            _add(table, "unique", None, [name])
        elif isinstance(kind, exp.CheckColumnConstraint):
            _add(table, "check", None, [], expression=kind.this.sql(dialect))
        elif isinstance(kind, exp.Reference):
            _reference(table, None, [name], kind)
        elif isinstance(kind, exp.CollateColumnConstraint):
            col.collation = kind.this.name
        elif isinstance(kind, exp.ComputedColumnConstraint):
            col.generated = kind.sql(dialect)
        elif isinstance(kind, exp.CommentColumnConstraint):
            col.comment = kind.this.name
    table.columns[name.lower()] = col


def _declared_type(kind: exp.DataType | None, dialect: str) -> tuple[SqlType | None, str | None]:
    """(the column's type, "serial" for PostgreSQL's serial types)."""
    if kind is None:                    # SQL Server's computed column `c AS (expr)`: typed by its expression
        return None, None
    try:
        type_, serial = column_type(kind, "schema")
    except InvalidRequest:              # kept as the database spells it (not sqlglot's generic ARRAY<TEXT>)
        return SqlType("native", native=kind.sql(dialect)), None
    return (type_, serial) if serial else (as_written(type_, kind, dialect), None)


def as_written(t: SqlType, kind: exp.DataType, dialect: str) -> SqlType:
    """`t` spelled as the schema writes it where the database would write `t` otherwise, so that a
    column a rollback restores comes back as it was: MySQL's DATETIME (a new timestamp is
    DATETIME(6)), PostgreSQL's unbounded NUMERIC (not NUMERIC(18,0)) and json (not jsonb), SQL
    Server's DATETIME and VARCHAR (not DATETIME2 and NVARCHAR), Oracle's unbounded NUMBER."""
    rendered = _rendered(t, dialect)
    if _same_type(rendered, kind):      # the common case, without writing the type out
        return t
    written = kind.sql(dialect)
    if _same_type(rendered, _stored(written, dialect)):
        return t
    return SqlType(t.name, t.args, written)


@functools.lru_cache(maxsize=256)
def _rendered(t: SqlType, dialect: str) -> exp.DataType:
    from .dialects import sqlglot_dialect
    return _stored(sqlglot_dialect(dialect).native_type(t), dialect)


@functools.lru_cache(maxsize=256)
def _stored(written: str, dialect: str) -> exp.DataType:
    """The type the database stores for one written so: read back as the dialect writes it
    (PostgreSQL's DATETIME is TIMESTAMP), aliases resolved (MySQL's BOOLEAN is TINYINT(1))."""
    from .dialects import sqlglot_dialect
    return exp.DataType.build(sqlglot_dialect(dialect).type_aliases.get(written, written), dialect=dialect)


def _same_type(a: exp.DataType, b: exp.DataType) -> bool:
    """The same type and size. An integer's display width (MySQL's INT(11)) changes nothing, nor
    does a decimal's zero scale left out; Oracle's length semantics (VARCHAR2(n) in bytes by
    default, n CHAR as dbmig writes it) are not compared: dbmig writes CHAR."""
    if a.this != b.this:
        return False
    return a.this in exp.DataType.INTEGER_TYPES or _sizes(a) == _sizes(b)


def _sizes(t: exp.DataType) -> tuple:
    sizes = tuple(p.this.name for p in t.expressions if isinstance(p, exp.DataTypeParam))
    return sizes + ("0",) if t.this == exp.DataType.Type.DECIMAL and len(sizes) == 1 else sizes


def set_default(table: str, col: ColumnDef, default: str | None) -> None:
    """The column's default; a serial's own nextval() makes it the serial it is. DEFAULT NULL is
    no default (what every database does without one; MariaDB's dumps write it on each column)."""
    if default is not None and default.strip().upper() == "NULL":
        default = None
    if col.type is not None and col.type.is_integer and is_serial_default(table, col.name, default):
        col.identity, col.default, col.nullable = "serial", None, False
    else:
        col.default = default


def is_serial_default(table: str, column: str, default: str | None) -> bool:
    """PostgreSQL's serial spelled out (SQLAlchemy, ALTER ... SET DEFAULT, a catalog): the next
    value of the sequence named for the column, `<table>_<column>_seq`, which the column owns.
    Another sequence's nextval is a plain default: that sequence outlives the table."""
    own = re.escape(f"{table}_{column}_seq".lower())
    name = rf"'(?:\w+\.)?\"?{own}\"?'"           # 'seq', 'public.seq', '"seq"'; ::regclass, or CAST as sqlglot writes it
    return bool(default) and re.fullmatch(rf"nextval\((?:{name}(?:::regclass)?|cast\({name} as regclass\))\)",
                                          default.strip().lower()) is not None


def identity_kind(kind: exp.Expression) -> Identity:
    """How `GENERATED ... AS IDENTITY`, `IDENTITY(s, i)` or `AUTO_INCREMENT` numbers its column."""
    return "always" if isinstance(kind, exp.GeneratedAsIdentityColumnConstraint) and kind.this else "by_default"


def read_named_constraint(table: TableDef, item: exp.Constraint, dialect: str) -> None:
    """CONSTRAINT <name> <kind>. SQL Server's scripts write `PRIMARY KEY CLUSTERED (a ASC)`, which
    sqlglot reads as a key without columns followed by a CLUSTERED part holding them."""
    kinds, name = item.expressions, _name(item.this)
    for kind, following in zip(kinds, [*kinds[1:], None]):
        if isinstance(kind, exp.PrimaryKeyColumnConstraint) and (columns := _clustered(following)) is not None:
            _add(table, "primary_key", name, columns)
        else:
            read_constraint(table, name, kind, dialect)


def read_constraint_text(name: str, definition: str, dialect: str) -> ConstraintDef:
    """A constraint as a catalog prints it (pg_get_constraintdef), read as schema text is."""
    table, node = TableDef("t"), sqlglot.parse_one(f"CREATE TABLE t (CONSTRAINT c {definition})", read=dialect)
    read_table_item(table, node.this.expressions[0], dialect)
    (constraint,) = table.constraints.values()
    constraint.name = name
    return constraint


def _clustered(node: exp.Expression | None) -> list[str] | None:
    """The columns of SQL Server's CLUSTERED / NONCLUSTERED (a ASC, b) part of a key."""
    if isinstance(node, (exp.ClusteredColumnConstraint, exp.NonClusteredColumnConstraint)):
        return [_name(o.this if isinstance(o, exp.Ordered) else o) for o in node.this]
    return None


def read_constraint(table: TableDef, name: str | None, kind: exp.Expression, dialect: str) -> None:
    if isinstance(kind, exp.UniqueColumnConstraint):
        columns = _clustered(kind.this)
        _add(table, "unique", name, columns if columns is not None else [_name(i) for i in kind.this.expressions])
    elif isinstance(kind, exp.CheckColumnConstraint):
        _add(table, "check", name, [], expression=kind.this.sql(dialect))
    elif isinstance(kind, exp.ForeignKey):
        _reference(table, name, [_name(i) for i in kind.expressions], kind.args["reference"])
    elif isinstance(kind, exp.PrimaryKey):
        _add(table, "primary_key", name, [_name(i) for i in kind.expressions])
    elif isinstance(kind, exp.ExcludeColumnConstraint):      # PostgreSQL EXCLUDE USING gist (a WITH =, ...)
        _add(table, "exclusion", name, list(dict.fromkeys(_name(c) for c in kind.find_all(exp.Column))),
             expression=kind.sql(dialect).removeprefix("EXCLUDE "))


def _reference(table: TableDef, name: str | None, columns: list[str], ref: exp.Reference) -> None:
    target = ref.this
    options = " ".join(str(o) for o in ref.args.get("options") or []).upper()
    on_delete = next((a for a in ("cascade", "set null", "restrict", "no action")
                      if f"ON DELETE {a.upper()}" in options), None)
    _add(table, "foreign_key", name, columns, ref_table=_name(target.this),
         ref_columns=[_name(i) for i in target.expressions], on_delete=on_delete)


def _add(table: TableDef, kind: str, name: str | None, columns: list[str], **extra) -> None:
    # Unnamed constraints get the name the database would not guarantee: we mark them with
    # a synthetic key so that rollbacks can still recreate them, but never drop them by name.
    key = name or f"<{kind}:{table.name}:{','.join(columns) or len(table.constraints)}>"
    table.constraints[key] = ConstraintDef(key, kind, columns, **extra)


def _index(schema: VirtualSchema, node: exp.Create, dialect: str) -> None:
    if not node.this.this:
        raise InvalidRequest("schema: name each CREATE INDEX (as the database named it: pg_dump and "
                             "SHOW CREATE TABLE print the names)", field="schema")
    table_name, index = read_index(node, dialect)
    table = schema.table(table_name)
    if table is None:
        raise InvalidRequest(f"schema: index {index.name} is on a table not in the schema", field="schema")
    table.indexes[index.name.lower()] = index


def read_index(node: exp.Create, dialect: str) -> tuple[str, IndexDef]:
    """CREATE INDEX as the model holds it: (its table's name, the index)."""
    index, params = node.this, node.this.args.get("params")
    using = params.args.get("using")
    using = using.name.lower() if isinstance(using, exp.Expression) else (using or "").lower()
    where, storage = params.args.get("where"), params.args.get("with_storage")
    postgres = dialect == "postgres"
    return _name(index.args["table"]), _index_def(
        _name(index.this), params.args.get("columns") or [], dialect, bool(node.args.get("unique")),
        where.this.sql(dialect) if where else None,
        using if postgres and using not in ("", "btree") else None,
        [_name(c) for c in params.args.get("include") or []],
        storage_options(storage or (), dialect) if postgres else {})


def storage_options(nodes, dialect: str) -> dict[str, str]:
    """PostgreSQL storage parameters (WITH (...) of CREATE TABLE / INDEX, ALTER ... SET (...)) by
    lower-case name, each value as text: `fillfactor = 70` and pg_dump's `fillfactor='70'` alike."""
    options = {}
    for node in nodes:
        name, value = (node.this, node.args.get("value")) if isinstance(node, exp.Property) else \
            (node.this, node.expression)
        options[name.sql(dialect).lower()] = ("true" if value.this else "false") if isinstance(value, exp.Boolean) \
            else value.name if isinstance(value, (exp.Literal, exp.Var)) else value.sql(dialect)
    return options


def table_storage(node: exp.Create, dialect: str) -> dict[str, str]:
    """A PostgreSQL CREATE TABLE's WITH (...) parameters (plain properties only: sqlglot gives
    every other table option, PARTITION BY, COLLATE, ..., a node of its own)."""
    props = node.args.get("properties")
    if dialect != "postgres" or props is None:
        return {}
    return storage_options([p for p in props.expressions if type(p) is exp.Property], dialect)


def read_table_options(table: TableDef, node: exp.Create, dialect: str) -> None:
    """What a CREATE TABLE says after its body that the model keeps: PostgreSQL's storage
    parameters, MySQL's COMMENT='...' (PostgreSQL's is a COMMENT ON statement)."""
    comment = node.find(exp.SchemaCommentProperty)
    table.storage, table.comment = table_storage(node, dialect), comment.this.name if comment else None


def _index_def(name: str, elements: list[exp.Expression], dialect: str, unique: bool = False,
               where: str | None = None, using: str | None = None, include: list[str] = (),
               storage: dict[str, str] | None = None) -> IndexDef:
    read = [_index_key(el, dialect) for el in elements]
    columns = list(dict.fromkeys(c for _, names in read for c in names))
    keys = None if all(key is None for key, _ in read) else [key or names[0] for key, names in read]
    return IndexDef(name, columns, unique, where, using, keys, list(include), storage or {})


def _index_key(element: exp.Expression, dialect: str) -> tuple[str | None, list[str]]:
    """(the key as SQL, None for a plain column; the columns it reads)."""
    this = element.this if isinstance(element, exp.Ordered) else element
    if isinstance(this, (exp.Column, exp.Identifier)):
        text, bare = element.sql(dialect), this.sql(dialect)
        return (None if text in (bare, f"{bare} ASC") else text.removesuffix(" ASC")), [_name(this)]
    order = " DESC" if isinstance(element, exp.Ordered) and element.args.get("desc") else ""
    if isinstance(this, exp.ColumnPrefix):                  # MySQL KEY (name(10)): its first 10 characters
        return f"{this.this.sql(dialect)}({this.expression.name}){order}", [_name(this.this)]
    if dialect == "mysql" and _is_prefix(this):              # the same in CREATE INDEX, read as a call
        column = exp.to_identifier(this.this)
        return f"{column.sql(dialect)}({this.expressions[0].name}){order}", [_name(column)]
    return element.sql(dialect).removesuffix(" ASC"), [_name(c) for c in this.find_all(exp.Column)]


def _is_prefix(node: exp.Expression) -> bool:
    return isinstance(node, exp.Anonymous) and len(node.expressions) == 1 \
        and isinstance(node.expressions[0], exp.Literal) and not node.expressions[0].is_string
