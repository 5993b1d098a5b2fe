"""Builders for indexes and constraints: add_index, add_unique, add_foreign_key (and Rails'
add_reference), add_check, drop_index, drop_constraint (found by name or by columns)."""
from __future__ import annotations

import re

from .builders import referenced, stated_name, said, target_of, with_optional
from .errors import Unclear, closest
from .lexicon import plural, singular
from .resolve import Resolver
from .slots import Name

def add_index(m: dict, r: Resolver) -> list[dict]:
    table, columns = target_of(m, r)
    change = {"op": "add_index", "table": table, "columns": columns}
    return [with_optional(change, name=stated_name(m), unique=said(m, "unique"), where=m.get("where"))]


def add_unique(m: dict, r: Resolver) -> list[dict]:
    table, columns = target_of(m, r)
    return [with_optional({"op": "add_unique", "table": table, "columns": columns}, name=stated_name(m))]


def add_foreign_key(m: dict, r: Resolver) -> list[dict]:
    if "src" in m:
        table, columns = r.locate(m["src"])
    else:
        table = r.table(m["table"])
    ref_table, ref_columns = referenced(m["ref"], r)
    if "src" not in m:
        columns = [r.key_column(table, ref_table)]
    change = {"op": "add_foreign_key", "table": table, "columns": columns,
              "ref_table": ref_table, "ref_columns": ref_columns}
    return [with_optional(change, name=stated_name(m), on_delete=m.get("action"))]


def add_reference(m: dict, r: Resolver) -> list[dict]:
    """Rails' add_reference: the `<name>_id` column, its index and the foreign key."""
    table = r.table(m["table"])
    if "refname" in m:
        word = m["refname"].text
        ref_table = r.find_table(word) if r.known else None
        if ref_table is None:
            ref_table = r.table(Name(_plural_table(word, r), word))
        column = f"{word}_id"
    else:
        ref_table = r.table(m["reftable"])
        column = f"{singular(ref_table.lower())}_id"
    column = r.new_column(table, Name(column, column))
    key = r.referenced_key(ref_table)
    return [{"op": "add_column", "table": table, "column": {"name": column, "type": r.type_for_new(table, column)}},
            {"op": "add_index", "table": table, "columns": [column]},
            {"op": "add_foreign_key", "table": table, "columns": [column], "ref_table": ref_table,
             "ref_columns": key}]


def _plural_table(word: str, r: Resolver) -> str:
    r.notes.append(f"assumed the table {plural(word)} for the reference {word} (Rails names tables in the plural)")
    return plural(word)


def add_check(m: dict, r: Resolver) -> list[dict]:
    if "target" in m:
        table, (column, *_) = target_of(m, r)
        expression = f"{column} {m['check']}"
    elif "table" in m:
        table, expression = r.table(m["table"]), m["expr"].strip()
    else:
        table, expression = _qualified_check(m["expr"].strip(), r)
    return [with_optional({"op": "add_check", "table": table, "expression": expression}, name=stated_name(m))]


# `orders.total` in a check's text (outside quotes): the table it is on
_QUALIFIED = re.compile(r"'(?:[^']|'')*'|\b([A-Za-z_][A-Za-z0-9_]*)\.(?=[A-Za-z_])")


def _qualified_check(expression: str, r: Resolver) -> tuple[str, str]:
    """`add a check that orders.total >= 0`: the one table its columns are qualified by, and the
    expression without that qualifier (a check sees only its own row)."""
    tables = {t.lower() for t in _QUALIFIED.findall(expression) if t}
    if len(tables) != 1:
        raise Unclear("a check names the table it is on: `add check (total >= 0) to orders`, or qualify its "
                      "columns with one table (`orders.total >= 0`)")
    (table,) = tables
    found = r.table(Name(table, table))
    return found, _QUALIFIED.sub(lambda q: q.group(0) if q.group(0).startswith("'") else "", expression)


def drop_index(m: dict, r: Resolver) -> list[dict]:
    if "target" in m:
        table, columns = target_of(m, r)
        return [{"op": "drop_index", "table": table, "name": _index_on(r, table, columns)}]
    table = r.table(m["table"]) if "table" in m else _owner_of(r, m["name"].text, "indexes", "drop_index")
    return [{"op": "drop_index", "table": table, "name": m["name"].text}]


def drop_constraint(m: dict, r: Resolver) -> list[dict]:
    if "target" in m:
        table, columns = target_of(m, r)
        return [{"op": "drop_constraint", "table": table, "name": _constraint_on(r, table, columns, m)}]
    table = r.table(m["table"]) if "table" in m else _owner_of(r, m["name"].text, "constraints", "drop_constraint")
    return [{"op": "drop_constraint", "table": table, "name": m["name"].text}]


def _owner_of(r: Resolver, name: str, kind: str, op: str) -> str:
    """The table holding the index or constraint `name` (the change needs its table)."""
    if not r.known:
        raise Unclear(f"{op} {name} needs its table: {op.replace('_', ' ')} {name} on <table>", op=op)
    owners = [t.name for t in r.schema.tables.values() if name.lower() in {k.lower() for k in getattr(t, kind)}]
    if len(owners) == 1:
        return owners[0]
    if owners:
        raise Unclear(f"{name} is on {', '.join(owners)}: say which", owners, op=op)
    every = [k for t in r.schema.tables.values() for k in getattr(t, kind) if not k.startswith("<")]
    raise Unclear(f"the schema has no {'index' if kind == 'indexes' else 'constraint'} named {name}",
                  closest(name, every), op=op)


def _index_on(r: Resolver, table: str, columns: list[str]) -> str:
    return _named_on(r, table, columns, r.schema.table(table).indexes if r.known else {}, "index", "drop_index")


def _constraint_on(r: Resolver, table: str, columns: list[str], m: dict) -> str:
    kinds = {"unique": "unique", "fk": "foreign_key", "check": "check"}
    kind = next((k for word, k in kinds.items() if said(m, word)), None)
    found = {n: c for n, c in (r.schema.table(table).constraints.items() if r.known else [])
             if not n.startswith("<") and (kind is None or c.kind == kind)}
    return _named_on(r, table, columns, found, "constraint", "drop_constraint")


def _named_on(r: Resolver, table: str, columns: list[str], found: dict, what: str, op: str) -> str:
    if not r.known:
        raise Unclear(f"{op} needs the {what}'s name (or give the `schema`): {op.replace('_', ' ')} <name> on {table}", op=op)
    want = [c.lower() for c in columns]
    hits = [getattr(d, "name", n) for n, d in found.items() if [c.lower() for c in d.columns] == want]
    if len(hits) == 1:
        return hits[0]
    raise Unclear(f"{table} has no single {what} on ({', '.join(columns)})",
                  [getattr(d, "name", n) for n, d in found.items()], op=op)
