"""Read a database's schema back from its catalog into the schema model (read-only queries).

Used by `replay: "database"` (apply the history with the real tool on a throwaway database,
then read what it built) and by the tests that hold the offline replay to the real result.
Types go through sqlglot and `dbmig.types`, as schema text does, so both paths meet in the
same portable types; the tools' own history tables are left out.
"""
from __future__ import annotations

import sqlglot
from sqlglot import exp

from ..errors import DbmigError
from ..live.mysql import generation_clause
from ..runners.engines import TOOL_TABLES, Scratch
from ..schema import (ColumnDef, ConstraintDef, IndexDef, TableDef, VirtualSchema, as_written, read_constraint_text,
                      read_index, set_default)
from ..types import from_sqlglot

_PG_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by_default' END,
       a.attgenerated = 's'
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum"""
_PG_CONSTRAINTS = """
SELECT c.relname, k.conname, k.contype,
       ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i),
       f.relname,
       ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
             JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.i),
       k.confdeltype, pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class f ON f.oid = k.confrelid
WHERE n.nspname = current_schema() AND k.contype IN ('p', 'u', 'f', 'c', 'x') ORDER BY 1, 2"""
_PG_INDEXES = """
SELECT t.relname, pg_get_indexdef(x.indexrelid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND t.relkind = 'r'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
ORDER BY t.relname, i.relname"""
_FK_ACTIONS = {"c": "cascade", "n": "set null", "r": "restrict"}


def read_catalog(scratch: Scratch) -> VirtualSchema:
    read = _postgresql if scratch.kind == "postgresql" else _mysql
    schema = VirtualSchema(known=True)
    read(scratch, schema)
    return schema


class _Ignored(TableDef):
    """Where the facts of a tool's own history table go: nowhere."""


def _table(schema: VirtualSchema, name: str) -> TableDef:
    return schema.table(name) or _Ignored(name)


def _column(schema: VirtualSchema, table: str, name: str, native: str, nullable: bool,
            default: str | None, identity: str | None, dialect: str, generated: str | None = None) -> None:
    if table.lower() in TOOL_TABLES:
        return
    t = schema.table(table) or TableDef(table)
    schema.put(t)
    try:
        declared = exp.DataType.build(native, dialect=dialect)
        kind = as_written(from_sqlglot(declared, "schema"), declared, dialect)
    except (DbmigError, ValueError):
        kind = None                          # a type outside the portable set: known to exist, not modelled
    col = t.columns[name.lower()] = ColumnDef(name, kind, bool(nullable), identity=identity, generated=generated)
    set_default(table, col, default)


def _postgresql(s: Scratch, schema: VirtualSchema) -> None:
    for table, name, native, nullable, default, identity, generated in s.query(_PG_COLUMNS):
        stored = f"GENERATED ALWAYS AS ({default}) STORED" if generated else None   # the default is its expression
        _column(schema, table, name, native, nullable, None if generated else default, identity, "postgres", stored)
    for table, name, kind, cols, ref, ref_cols, on_delete, definition in s.query(_PG_CONSTRAINTS):
        kinds = {"p": "primary_key", "u": "unique", "f": "foreign_key", "c": "check"}
        if kind == "x":
            _table(schema, table).constraints[name] = read_constraint_text(name, definition, "postgres")
            continue
        _table(schema, table).constraints[name] = ConstraintDef(
            name, kinds[kind], list(cols) if kind != "c" else [], definition if kind == "c" else None,
            ref, list(ref_cols or []), _FK_ACTIONS.get(on_delete))
    for table, definition in s.query(_PG_INDEXES):     # as pg_dump prints it, read as schema text is
        _, index = read_index(sqlglot.parse_one(definition, read="postgres"), "postgres")
        _table(schema, table).indexes[index.name.lower()] = index


def _mysql(s: Scratch, schema: VirtualSchema) -> None:
    here = "table_schema = DATABASE()"
    for table, name, native, nullable, default, extra, generation in s.query(
            f"SELECT c.table_name, column_name, column_type, is_nullable = 'YES', column_default, extra, "
            f"generation_expression FROM information_schema.columns c JOIN information_schema.tables t "
            f"USING (table_schema, table_name) "
            f"WHERE c.{here} AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, ordinal_position"):
        generated = generation_clause(extra, generation)
        _column(schema, table, name, native, nullable, None if default in (None, "NULL") or generated else default,
                "by_default" if "auto_increment" in extra.lower() else None, "mysql", generated)
    keys = {}
    for table, name, kind in s.query(f"SELECT table_name, constraint_name, constraint_type FROM "
                                     f"information_schema.table_constraints WHERE {here}"):
        keys[(table, name)] = kind
    _mysql_keys(s, schema, keys)
    for table, name, clause in s.query("SELECT table_name, constraint_name, check_clause FROM "
                                       "information_schema.check_constraints WHERE constraint_schema = DATABASE()"):
        _table(schema, table).constraints[name] = ConstraintDef(name, "check", [], clause)


def _mysql_keys(s: Scratch, schema: VirtualSchema, keys: dict) -> None:
    columns: dict[tuple, list] = {}
    for table, name, non_unique, column in s.query(
            "SELECT table_name, index_name, non_unique, column_name FROM information_schema.statistics "
            "WHERE table_schema = DATABASE() ORDER BY table_name, index_name, seq_in_index"):
        columns.setdefault((table, name, non_unique), []).append(column)
    refs = {(t, n): (rt, d.lower()) for t, n, rt, d in s.query(
        "SELECT table_name, constraint_name, referenced_table_name, delete_rule FROM "
        "information_schema.referential_constraints WHERE constraint_schema = DATABASE()")}
    fk_columns: dict[tuple, tuple[list, list]] = {}
    for t, n, c, rc in s.query("SELECT table_name, constraint_name, column_name, referenced_column_name FROM "
                               "information_schema.key_column_usage WHERE table_schema = DATABASE() "
                               "AND referenced_table_name IS NOT NULL ORDER BY ordinal_position"):
        fk_columns.setdefault((t, n), ([], []))[0].append(c)
        fk_columns[(t, n)][1].append(rc)
    for (table, name), (cols, ref_cols) in fk_columns.items():
        ref_table, rule = refs[(table, name)]
        _table(schema, table).constraints[name] = ConstraintDef(
            name, "foreign_key", cols, None, ref_table, ref_cols,
            None if rule in ("restrict", "no action") else rule)
    for (table, name, non_unique), cols in columns.items():
        kind = keys.get((table, name))
        if kind == "PRIMARY KEY":
            _table(schema, table).constraints[name] = ConstraintDef(name, "primary_key", cols)
        elif kind == "UNIQUE":
            _table(schema, table).constraints[name] = ConstraintDef(name, "unique", cols)
        elif (table, name) not in fk_columns:      # InnoDB's own index for a foreign key carries its name
            _table(schema, table).indexes[name.lower()] = IndexDef(name, cols, not non_unique)


def comparable(schema: VirtualSchema) -> dict:
    """The facts both the replay and the catalog can state, in one shape: columns (type,
    nullability, whether a default exists, how the database numbers it), keys and foreign keys by
    columns, named checks, and indexes by name. Constraint names the history left to the database are not compared;
    a unique index counts as a unique key (MySQL lists it as a constraint, and it is one)."""
    out = {}
    for t in schema.tables.values():
        unique = [("unique", tuple(x.lower() for x in i.columns), "", ()) for i in t.indexes.values()
                  if i.unique and not i.where]
        out[t.name.lower()] = {
            "columns": {c.name.lower(): (str(c.type) if c.type else None, c.nullable, c.default is not None,
                                         c.identity) for c in t.columns.values()},
            "keys": sorted([(c.kind, tuple(x.lower() for x in c.columns), (c.ref_table or "").lower(),
                            tuple(x.lower() for x in c.ref_columns)) for c in t.constraints.values()
                            if c.kind != "check"] + unique),
            "checks": sorted(c.name.lower() for c in t.constraints.values()
                             if c.kind == "check" and not c.name.startswith("<")),
            "indexes": sorted((i.name.lower(), tuple(x.lower() for x in i.columns), i.unique, i.using)
                              for i in t.indexes.values() if not (i.unique and not i.where)),
        }
    return out
