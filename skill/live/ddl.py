"""Catalog tables as schema text: CREATE TABLE and CREATE INDEX statements in the target dialect,
the shape skill/schema.py parses, so a live schema reaches the planner exactly as a hand-written
`schema` does (and two such texts can be compared, see drift.py).

What the schema model cannot hold is left out of the text and said in the table's notes: a
column whose type sqlglot cannot read, an index the catalog gives no CREATE INDEX for (FULLTEXT,
SPATIAL, function-based on Oracle), a constraint sqlglot cannot read.
Types are the catalog's own spelling (`character varying(20)`, `NUMBER(10)`), mapped to portable
types by the same sqlglot path a person's schema takes; one with no portable equivalent (`text[]`,
an enum) is kept as the catalog spells it.
"""
from __future__ import annotations

from ..dialects.base import Dialect
from ..errors import DbmigError
from ..lazysqlglot import exp, sqlglot_errors
from ..schema import parse_schema
from .expressions import name_sql as q
from .model import CatalogColumn, CatalogConstraint, CatalogIndex, CatalogTable


def schema_text(tables: list[CatalogTable], dialect: Dialect) -> str:
    """Every table's statements, tables in the order given; "" when there are none."""
    statements = [s for t in tables for s in table_statements(t, dialect)]
    # partitions attached once every table exists, as pg_dump does
    statements += [dialect.attach_partition(t, lambda name: q(dialect, name)) for t in tables if t.partition_of]
    statements += [s for t in tables for s in dialect.comments_on(t.name, t.comment, t.columns,
                                                                  lambda name: q(dialect, name))]
    return "".join(f"{s};\n" for s in statements)


def table_statements(table: CatalogTable, d: Dialect) -> list[str]:
    """CREATE TABLE and its indexes; a piece the schema parser refuses is left out with a note."""
    columns = [c for c in table.columns if _readable(table, c, d)]
    table.notes += [f"index {i.name} on {table.name} is not in dbmig's schema model: {i.definition}"
                    for i in table.indexes if not _modelled(i, d)]
    constraints = [k for k in table.constraints if k.definition]
    statements = _statements(table, columns, constraints, d)
    if _parses(statements, d):
        return statements
    constraints = [k for k in constraints if _parses(_statements(table, columns, [k], d, indexes=False), d)
                   or _left_out(table, f"constraint {k.name} ({k.definition})")]
    kept = _statements(table, columns, constraints, d, indexes=False)
    return kept + [s for s in _index_statements(table, d) if _parses(kept + [s], d)
                   or _left_out(table, f"index: {s}")]


def _statements(table: CatalogTable, columns: list[CatalogColumn], constraints: list[CatalogConstraint],
                d: Dialect, indexes: bool = True) -> list[str]:
    body = [_column(table.name, c, d) for c in columns] + [_constraint(k, d) for k in constraints]
    create = d.table_options(d.sql("create_table", table=q(d, table.name), body=",\n    ".join(body)), table)
    return [create] + (_index_statements(table, d) if indexes else [])


def _column(table: str, c: CatalogColumn, d: Dialect) -> str:
    default = d.sql("default_clause", default=c.default, default_name=q(d, c.default_name or f"df_{table}_{c.name}")) \
        if c.default is not None else ""
    type_ = f"{c.type} COLLATE {c.collation}" if c.collation else c.type
    return d.sql("column_def", column=q(d, c.name), type=type_, identity=f" {c.identity}" if c.identity else "",
                 default=default, null="" if c.nullable else " NOT NULL", comment=d.comment_clause(c.comment))


def _constraint(k: CatalogConstraint, d: Dialect) -> str:
    return f"CONSTRAINT {q(d, k.name)} {k.definition}" if k.name else k.definition


def _index_statements(table: CatalogTable, d: Dialect) -> list[str]:
    return [_index_statement(table, i, d) for i in table.indexes if _modelled(i, d)]


def _index_statement(table: CatalogTable, i: CatalogIndex, d: Dialect) -> str:
    if _as_dumped(i, d):
        return i.definition
    return d.sql("add_index", unique="UNIQUE " if i.unique else "", name=q(d, i.name), table=q(d, table.name),
                 method="", columns=", ".join(q(d, c) for c in i.columns), include="", options="",
                 where=d.sql("partial_index", where=i.where) if i.where else "")


def _as_dumped(i: CatalogIndex, d: Dialect) -> bool:
    """An index on more than plain columns, as the catalog's CREATE INDEX, which the schema
    reader takes whole: PostgreSQL's own (pg_get_indexdef: access method, operator classes,
    order, expressions, INCLUDE, as pg_dump prints them), MySQL's for prefixes and descending keys."""
    return not i.columns and i.definition.startswith("CREATE ")


def _modelled(i: CatalogIndex, d: Dialect) -> bool:
    """An index the schema reader holds: the catalog's definition, or plain columns (with a
    WHERE only where the dialect has partial indexes)."""
    return _as_dumped(i, d) or bool(i.columns) and (not i.where or d.has("partial_index"))


def _readable(table: CatalogTable, c: CatalogColumn, d: Dialect) -> bool:
    """A type sqlglot reads: portable, or kept as the database spells it (text[], an enum)."""
    try:
        exp.DataType.build(c.type, dialect=d.sqlglot)
        return True
    except (sqlglot_errors.SqlglotError, ValueError):
        table.notes.append(f"{table.name}.{c.name} has type {c.type}, which dbmig cannot read: "
                           "it is left out of the schema dbmig plans against")
        return False


def _parses(statements: list[str], d: Dialect) -> bool:
    try:
        parse_schema("".join(f"{s};\n" for s in statements), d.sqlglot)
        return True
    except DbmigError:
        return False


def _left_out(table: CatalogTable, what: str) -> bool:
    table.notes.append(f"{what} on {table.name} is not in dbmig's schema model")
    return False
