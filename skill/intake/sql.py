"""`sql` intake: DDL/DML text parsed by sqlglot in the database's dialect into changes.

Statements that map onto the vocabulary become typed changes (so they get planned, reversed
and validated like structured ones); other DDL/DML becomes `raw_sql` without `down`, with a
warning: its rollback is a manual step. Text that is no DDL/DML statement (`xxxx`, `hello
world`, a SELECT) is refused, and so is a column clause the vocabulary cannot carry (GENERATED,
COLLATE, AUTO_INCREMENT...): the error names it rather than the change silently losing it.
"""
from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from .. import models as m
from ..dialects import Dialect
from ..errors import InvalidRequest
from ..sqlcheck import split_statements
from ..limits import MAX_CHANGES, echo
from ..schema import TableDef, fold_names, identity_kind, read_constraint
from ..types import column_type, from_sqlglot

FIELD = "sql"
# What may run as raw SQL: statements that change schema or data (or a Command the dialect's
# allow-list names, which split_statements checks).
RAW_KINDS = (exp.Create, exp.Drop, exp.Alter, exp.Insert, exp.Update, exp.Delete, exp.Merge,
             exp.TruncateTable, exp.Comment, exp.Grant, exp.Command)


def changes_from_sql(text: str, dialect: Dialect) -> tuple[list[m.Change], list[str]]:
    try:
        statements = [fold_names(s, dialect.sqlglot) for s in sqlglot.parse(text, read=dialect.sqlglot)
                      if s is not None]
    except (ParseError, TokenError) as e:
        raise InvalidRequest(f"sql does not parse as {dialect.name}: {str(e).splitlines()[0][:200]}",
                             field=FIELD) from None
    if not statements:
        raise InvalidRequest("sql holds no statement", field=FIELD)
    if len(statements) > MAX_CHANGES:
        raise InvalidRequest(f"sql holds {len(statements):,} statements; the limit is {MAX_CHANGES}", field=FIELD)
    changes, warnings = [], []
    for st in statements:
        if not isinstance(st, RAW_KINDS):
            raise InvalidRequest(f"not a DDL or DML statement: {echo(st.sql(dialect.sqlglot), 80)}", field=FIELD,
                                 suggestion="give CREATE/ALTER/DROP/INSERT/UPDATE/DELETE statements, or `changes`")
        mapped = _map(st, dialect.sqlglot)
        if mapped is None:
            (sql,) = split_statements(st.sql(dialect.sqlglot), dialect, FIELD)  # refuses opaque Commands
            down = _index_drop(st, dialect)
            warnings.append(f"Not in dbmig's vocabulary, kept as raw SQL with "
                            f"{'its DROP INDEX as the rollback' if down else 'a manual rollback'}: {sql[:80]}")
            mapped = [m.RawSql(up=sql, down=down)]
        changes += mapped
    return changes, warnings


def _map(st: exp.Expression, d: str) -> list[m.Change] | None:
    try:
        if isinstance(st, exp.Create):
            return _create(st, d)
        if isinstance(st, exp.Drop) and st.kind == "TABLE":
            return [m.DropTable(table=st.this.name)]
        if isinstance(st, exp.Alter) and st.kind == "TABLE":
            table = st.this.name
            out = [_action(table, a, d) for a in st.args.get("actions") or []]
            return None if not out or any(c is None for c in out) else [c for cs in out for c in cs]
        if isinstance(st, exp.Update) and not st.args.get("from") and not st.args.get("joins"):
            return [_update(st, d)]
    except (ValueError, KeyError, AttributeError):
        return None           # a shape we do not model: keep it raw rather than guess
    return None


def _create(st: exp.Create, d: str) -> list[m.Change] | None:
    if st.kind == "TABLE" and isinstance(st.this, exp.Schema):
        if not all(isinstance(i, exp.ColumnDef) for i in st.this.expressions) or st.args.get("properties"):
            return None       # table constraints or options (ENGINE=, PARTITION BY): kept raw, whole
        table = st.this.this.name
        columns, extra = [], []
        for item in st.this.expressions:
            column, more = _column(table, item, d, in_create=True)
            columns.append(column)
            extra += more
        pk = [c.name for c in columns if c.primary_key]
        columns = [c.model_copy(update={"primary_key": False, "nullable": c.nullable and c.name not in pk})
                   for c in columns]
        return [m.CreateTable(table=table, columns=columns, primary_key=pk or None), *extra]
    if st.kind == "INDEX" and _plain_index(st, d):
        index = st.this
        params = index.args["params"]
        where = params.args.get("where")
        return [m.AddIndex(table=index.args["table"].name, name=index.name or None,
                           columns=[(o.this if isinstance(o, exp.Ordered) else o).name
                                    for o in params.args["columns"]],
                           unique=bool(st.args.get("unique")), where=where.this.sql(d) if where else None)]
    return None


def _index_drop(st: exp.Expression, dialect: Dialect) -> str | None:
    """The reverse of a named CREATE INDEX kept raw: its DROP INDEX (CONCURRENTLY as it was made)."""
    if not (isinstance(st, exp.Create) and st.kind == "INDEX" and st.this.name):
        return None
    form = "drop_index_online" if st.args.get("concurrently") and dialect.has("drop_index_online") else "drop_index"
    return dialect.sql(form, name=dialect.q(st.this.name), table=dialect.q(st.this.args["table"].name))


def _plain_index(st: exp.Create, d: str) -> bool:
    """Only what add_index carries: column names in ascending order, UNIQUE, WHERE. A sort order
    (DESC, NULLS FIRST), an expression or prefix (lower(email), name(10)), a method (USING gin),
    INCLUDE or storage options keep the statement raw rather than be dropped from it."""
    params = st.this.args["params"]
    if any(v not in (None, [], False) for k, v in params.args.items() if k not in ("columns", "where")):
        return False
    if st.args.get("clustered") or st.args.get("properties"):
        return False
    return all(isinstance(o, exp.Column) or (isinstance(o, exp.Ordered) and isinstance(o.this, exp.Column)
                                              and not o.args.get("desc") and "NULLS" not in o.sql(d).upper())
               for o in params.args["columns"])


# Column clauses the vocabulary carries: on a column (NOT NULL, DEFAULT, PRIMARY KEY / UNIQUE
# in CREATE TABLE) or as a change of their own (CHECK, REFERENCES, UNIQUE on ADD COLUMN).
_UNSUPPORTED_NAMES = {"ComputedColumnConstraint": "GENERATED ... AS (...)", "CollateColumnConstraint": "COLLATE",
                      "CommentColumnConstraint": "COMMENT", "OnUpdateColumnConstraint": "ON UPDATE",
                      "CharacterSetColumnConstraint": "CHARACTER SET"}


def _numbering_options(kind: exp.Expression) -> list[str]:
    """START WITH / INCREMENT BY / ... other than IDENTITY(1,1): not carried, so not taken."""
    return [k for k, v in kind.args.items() if k not in ("this", "on_null") and v is not None
            and not (k in ("start", "increment") and str(v.this) == "1")]


def _column(table: str, node: exp.ColumnDef, d: str, in_create: bool) -> tuple[m.Column, list[m.Change]]:
    name, fields, extra = node.this.name, {}, []
    type_, serial = column_type(node.args["kind"], FIELD)
    if serial:                  # PostgreSQL's serial: numbered by a sequence, taking explicit values
        fields.update(identity="by_default", nullable=False)
    for c in node.constraints:
        kind = c.args.get("kind")
        if isinstance(kind, (exp.GeneratedAsIdentityColumnConstraint, exp.AutoIncrementColumnConstraint)) \
                and not _numbering_options(kind):
            fields.update(identity=identity_kind(kind), nullable=False)
        elif isinstance(kind, exp.NotNullColumnConstraint):
            fields["nullable"] = bool(kind.args.get("allow_null"))
        elif isinstance(kind, exp.DefaultColumnConstraint):
            fields["default"] = kind.this.sql(d)
        elif isinstance(kind, exp.PrimaryKeyColumnConstraint) and in_create:
            fields.update(primary_key=True, nullable=False)
        elif isinstance(kind, exp.UniqueColumnConstraint):
            if in_create:
                fields["unique"] = True
            else:
                extra.append(m.AddUnique(table=table, columns=[name]))
        elif isinstance(kind, exp.CheckColumnConstraint):
            extra.append(m.AddCheck(table=table, expression=kind.this.sql(d)))
        elif isinstance(kind, exp.Reference):
            extra.append(_foreign_key(table, name, kind))
        else:
            what = _UNSUPPORTED_NAMES.get(type(kind).__name__, c.sql(d)[:40])
            raise InvalidRequest(f"column {name}: {what} is not something the sql intake can carry, and dbmig will "
                                 "not drop it silently", field=FIELD,
                                 suggestion="give this statement as a raw_sql change (with `down`) in `changes`")
    column = m.Column(name=name, type=str(type_), **fields)
    return column, extra


def _foreign_key(table: str, column: str, ref: exp.Reference) -> m.AddForeignKey:
    t = TableDef(table)
    read_constraint(t, None, exp.ForeignKey(expressions=[exp.to_identifier(column)], reference=ref), "")
    (c,) = t.constraints.values()
    return m.AddForeignKey(table=table, columns=c.columns, ref_table=c.ref_table, ref_columns=c.ref_columns,
                           on_delete=c.on_delete)


def _action(table: str, a: exp.Expression, d: str) -> list[m.Change] | None:
    if isinstance(a, exp.ColumnDef):
        column, extra = _column(table, a, d, in_create=False)
        return [m.AddColumn(table=table, column=column), *extra]
    change = _one_action(table, a, d)
    return None if change is None else [change]


def _one_action(table: str, a: exp.Expression, d: str) -> m.Change | None:
    if isinstance(a, exp.Drop) and a.kind in ("COLUMN", "CONSTRAINT"):
        (target,) = [a.this] if a.this is not None else a.args["tables"]
        if a.kind == "COLUMN":
            return m.DropColumn(table=table, column=target.name)
        return m.DropConstraint(table=table, name=target.name)
    if isinstance(a, exp.RenameColumn):
        return m.RenameColumn(table=table, column=a.this.name, new_name=a.args["to"].name)
    if isinstance(a, exp.AlterRename):
        return m.RenameTable(table=table, new_name=a.this.name)
    if isinstance(a, exp.AlterColumn):
        return _alter_column(table, a, d)
    if isinstance(a, exp.AddConstraint):
        return _add_constraint(table, a, d)
    return None


def _alter_column(table: str, a: exp.AlterColumn, d: str) -> m.Change | None:
    column = a.this.name
    if a.args.get("collate"):
        raise InvalidRequest(f"column {column}: COLLATE is not something the sql intake can carry, and dbmig "
                             "will not drop it silently", field=FIELD,
                             suggestion="give this statement as a raw_sql change (with `down`) in `changes`")
    if a.args.get("dtype"):
        using = a.args.get("using")
        return m.AlterColumnType(table=table, column=column, type=str(from_sqlglot(a.args["dtype"], FIELD)),
                                 using=using.sql(d) if using else None)
    if a.args.get("allow_null") is not None:
        cls = m.DropNotNull if a.args.get("drop") else m.SetNotNull
        return cls(table=table, column=column)
    if a.args.get("default") is not None:
        return m.SetDefault(table=table, column=column, default=a.args["default"].sql(d))
    if a.args.get("drop"):
        return m.DropDefault(table=table, column=column)
    return None


def _add_constraint(table: str, a: exp.AddConstraint, d: str) -> m.Change | None:
    (constraint,) = a.expressions
    t = TableDef(table)
    for kind in constraint.expressions:
        read_constraint(t, constraint.name, kind, d)
    (c,) = t.constraints.values()
    if c.kind == "foreign_key":
        return m.AddForeignKey(table=table, name=c.name, columns=c.columns, ref_table=c.ref_table,
                               ref_columns=c.ref_columns, on_delete=c.on_delete)
    if c.kind == "unique":
        return m.AddUnique(table=table, name=c.name, columns=c.columns)
    if c.kind == "check":
        return m.AddCheck(table=table, name=c.name, expression=c.expression)
    return None


def _update(st: exp.Update, d: str) -> m.Change:
    where = st.args.get("where")
    assignments = {eq.this.name: eq.expression.sql(d) for eq in st.expressions}
    return m.UpdateRows(table=st.this.name, set=assignments, where=where.this.sql(d) if where else None)
