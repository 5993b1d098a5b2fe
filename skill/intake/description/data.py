"""Builders for data changes: backfill (and copy), update_rows, split_column, and merge
(an added column backfilled from its sources), and normalize (lowercase, uppercase, trim)."""
from __future__ import annotations

from ...dialects import sqlglot_dialect
from ...lazysqlglot import exp
from .builders import said, target_of, with_optional, fill_value
from .errors import Unclear
from .lexicon import singular
from .resolve import Resolver
from .slots import Name, Ref

def backfill(m: dict, r: Resolver) -> list[dict]:
    if m.get("missing"):
        table = r.table(m["table"])
        column = _plural_column(r, table, m["missing"])
        where = f"{column} IS NULL"
    else:
        m.setdefault("target", Ref(None, (), pronoun=True))     # "fill existing nulls with 0"
        table, (column, *_) = target_of(m, r)
        where = f"{column} IS NULL" if said(m, "null") else m.get("where")
    value = fill_value(m["value"], r, table, f"the backfill of {table}.{column}")
    change = {"op": "backfill", "table": table, "column": column, "value": value}
    return [with_optional(change, where=where.strip() if where else None, batch_size=m.get("batch"))]


def _plural_column(r: Resolver, table: str, said: Name) -> str:
    """"missing emails" names the column email."""
    if r.has_column(table, said.text) or not said.text.endswith("s"):
        return r.column(table, said)
    return r.column(table, Name(singular(said.text), said.source))


# "lowercase users.email": each value rewritten by one SQL function, where it changes
_NORMALIZE = {"lowercase": "LOWER", "downcase": "LOWER", "uppercase": "UPPER", "upcase": "UPPER", "trim": "TRIM"}


def normalize(m: dict, r: Resolver) -> list[dict]:
    """An update of the column to LOWER/UPPER/TRIM of itself, only on the rows it changes
    (see _differs)."""
    function = next(f for verb, f in _NORMALIZE.items() if said(m, verb))
    if "plural" in m:
        table = r.table(m["table"])
        column = _plural_column(r, table, m["plural"])
    else:
        table, (column, *_) = target_of(m, r)
    value = f"{function}({column})"
    change = {"op": "update_rows", "table": table, "set": {column: value}, "where": _differs(r, column, value)}
    return [with_optional(change, batch_size=m.get("batch"))]


def _differs(r: Resolver, column: str, value: str) -> str:
    """The rows where `value` changes the column, byte for byte (the dialect's batch_differs):
    a plain `<>` is false under MySQL's and SQL Server's case-insensitive collations, and
    ignores trailing spaces there, so the change would touch no row."""
    return sqlglot_dialect(r.dialect).sql("batch_differs", a=column, b=value)


def copy_column(m: dict, r: Resolver) -> list[dict]:
    """Into a column the schema has: a backfill; into one it lacks ("into a new column x"): the
    column is added first, of the source's type."""
    table, (source, *_) = target_of(m, r)
    if "into" in m:                     # "copy users.email to users.name": the target named with its table
        m["dst"] = _same_table(table, m["into"], r)
    if len(m["dst"]) == 1 and r.knows(table) and not r.has_column(table, m["dst"][0].text):
        return _copy_to_new_column(table, source, m["dst"][0], r)
    (destination,) = [r.column(table, c) for c in m["dst"]]
    return [{"op": "backfill", "table": table, "column": destination, "value": source}]


def _same_table(table: str, into: Ref, r: Resolver) -> tuple:
    if into.table is not None and r.table(into.table) != table:
        raise Unclear(f"a copy into another table ({into.table.source}) is not a column copy: "
                      "use `update` with a join in raw SQL", op="backfill")
    return into.columns


def _copy_to_new_column(table: str, source: str, name, r: Resolver) -> list[dict]:
    """Nullable: a NOT NULL source would need a default for the rows the app writes meanwhile."""
    target = r.new_column(table, name)
    current = r.current_type(table, source)
    if current is None:        # the schema knows the table, not always each column's type
        r.notes.append(f"the copy {table}.{target} gets type text (the type of {source} is not known)")
    elif str(current) != current.requested:      # a request names portable types only
        r.notes.append(f"the copy {table}.{target} gets type {current.requested}, as a request names it: {source} "
                       f"is {current} in the schema, which may hold longer values")
    return [{"op": "add_column", "table": table, "column": {"name": target, "type": current.requested if current else "text"}},
            {"op": "backfill", "table": table, "column": target, "value": source}]


def update_rows(m: dict, r: Resolver) -> list[dict]:
    table = r.table(m["table"])
    assignments = {r.column(table, Name(c, c)): v for c, v in m["set"].items()}
    change = {"op": "update_rows", "table": table, "set": assignments}
    return [with_optional(change, where=m.get("where", "").strip() or None, batch_size=m.get("batch"))]


def split_column(m: dict, r: Resolver) -> list[dict]:
    table, (column, *_) = target_of(m, r)
    into = _distributed(m["into"], column)
    if len(into) < 2:
        raise Unclear("split_column needs at least two target columns", op="split_column")
    separator = m.get("sep")
    if separator is None:
        separator = " "
        r.notes.append(f"split {table}.{column} on a space (no separator given); say `on ','` for another")
    return [{"op": "split_column", "table": table, "column": column, "into": into, "separator": separator}]


def _distributed(names: list[Name], column: str) -> list[str]:
    """"first and last name" from full_name -> first_name, last_name: the shared last word is
    added to the others when the split column ends with it."""
    *others, last = names
    words = last.source.split()
    head = words[-1].lower()
    if len(words) > 1 and others and all(" " not in n.source for n in others) and column.lower().endswith(head):
        return [f"{n.text}_{head}" for n in others] + [last.text]
    return [n.text for n in names]


def merge_columns(m: dict, r: Resolver) -> list[dict]:
    refs = m["sources"]
    if "table" in m:
        refs = [Ref(m["table"], ref.columns) if ref.table is None else ref for ref in refs]
    located = [r.locate(ref) for ref in refs]
    table = located[0][0]
    sources = [c for _, cols in located for c in cols]
    if len(sources) < 2 or any(t != table for t, _ in located):
        raise Unclear("merge needs two or more source columns of one table", op="merge")
    separator = m.get("sep", " ")
    target = r.new_column(table, m["dst"])
    parts = [exp.column(sources[0])]
    for source in sources[1:]:
        parts += [exp.Literal.string(separator), exp.column(source)]
    value = parts[0]
    for part in parts[1:]:
        value = exp.DPipe(this=value, expression=part)
    r.notes.append(f"merge keeps {', '.join(sources)}; drop them in a later migration once nothing reads them")
    return [{"op": "add_column", "table": table, "column": {"name": target, "type": _merged_type(r, table, sources, separator)}},
            {"op": "backfill", "table": table, "column": target, "value": value.sql(r.dialect)}]


def _merged_type(r: Resolver, table: str, sources: list[str], separator: str) -> str:
    types = [r.current_type(table, s) for s in sources]
    if all(t is not None and t.is_("varchar") for t in types):
        return f"varchar({sum(t.args[0] for t in types) + len(separator) * (len(types) - 1)})"
    r.notes.append(f"the merged column {table} gets type text (the sources' types are not known)")
    return "text"
