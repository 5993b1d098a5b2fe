"""Op builders: what a matched phrasing means, as change dicts in the vocabulary of
`dbmig.models`. Each takes the slots the pattern matched (`m`) and the resolver; names are
resolved against the schema here, so every change leaves with the schema's spelling.
"""
from __future__ import annotations

from sqlglot import exp

from .errors import Unclear, closest
from .lexicon import SQL_VALUES, STRONG_TYPES, plural, singular
from .resolve import Resolver
from .slots import ColumnDraft, Name, Ref, Value
from .typewords import closest_types


def _said(m: dict, word: str) -> bool:
    return bool(m.get("+" + word))


def _with(change: dict, **optional) -> dict:
    """Add the optional fields that were stated (a name, a where clause...)."""
    return change | {k: v for k, v in optional.items() if v not in (None, False)}


def _name(m: dict, key: str = "name") -> str | None:
    return m[key].text if m.get(key) else None


def _target(m: dict, r: Resolver, key: str = "target") -> tuple[str, list[str]]:
    """(table, columns) from a Ref slot, or from separate `cols` and `table` slots."""
    if key in m:
        return r.locate(m[key], m.get("from"))
    table = r.table(m["table"])
    return table, [r.column(table, c) for c in m["cols"]]


# --- values -------------------------------------------------------------------------------------

def literal_value(value: Value, r: Resolver, what: str) -> str:
    """A default: one bare word is a string literal ('pending'), as a default cannot name a
    column; a type word is neither ("set X to text" may mean a type change)."""
    text = value.text
    if not value.bare_word or text.lower() in SQL_VALUES:
        return text
    if text.lower() in STRONG_TYPES:
        raise Unclear(f"{text} is a type: to change the type say 'change ... to {text}'; for the word "
                      f"itself write '{text}' in quotes")
    r.notes.append(f"read {text} in {what} as the string '{text}'; quote it to be explicit")
    return "'" + text.replace("'", "''") + "'"


def fill_value(value: Value, r: Resolver, table: str, what: str) -> str:
    """A backfill value: a bare word is a column of the table when it is one (or is spelled
    like one, `created_at`), else a string literal."""
    text = value.text
    if value.bare_word and ("_" in text or r.has_column(table, text)):
        return text
    return literal_value(value, r, what)


# --- columns and tables ------------------------------------------------------------------------------

def _column(draft: ColumnDraft, r: Resolver, table: str, new: bool = True) -> tuple[dict, bool]:
    """A Column dict from a draft, and whether the draft asked for an index."""
    name = r.new_column(table, draft.name) if new else draft.name.text
    column = {"name": name, "type": draft.type or r.type_for_new(table, name)}
    indexed = False
    for option, value in draft.options:
        if option == "default":
            column["default"] = literal_value(value, r, f"the default of {table}.{name}")
        elif option == "indexed":
            indexed = True
        elif option == "primary_key":
            column |= {"primary_key": True, "nullable": False}
        else:
            column[option] = value
    return column, indexed


def add_columns(m: dict, r: Resolver) -> list[dict]:
    if "tdef" in m:
        ref, draft = m["tdef"]
        table = r.table(ref.table)
        drafts = [ColumnDraft(ref.columns[0], draft.type, draft.options)]
    else:
        table = r.table(m["table"]) if "table" in m else _focus(r, "add_column")
        drafts = m["defs"]
    out = []
    for draft in drafts:
        draft = ColumnDraft(draft.name, draft.type, draft.options + tuple(m.get("post", ())))
        column, indexed = _column(draft, r, table)
        out.append({"op": "add_column", "table": table, "column": column})
        if indexed:
            out.append({"op": "add_index", "table": table, "columns": [column["name"]]})
    return out


def _focus(r: Resolver, op: str) -> str:
    if r.focus is None:
        raise Unclear("add the table: add <column> to <table>", op=op)
    return r.focus


def create_table(m: dict, r: Resolver) -> list[dict]:
    table = r.new_table(m["table"])
    if not m.get("defs"):
        raise Unclear(f"create_table {table} needs its columns: create table {table} "
                      "(id bigint primary key, name text)", op="create_table")
    columns = [_column(d, r, table, new=False)[0] for d in m["defs"]]
    return [{"op": "create_table", "table": table, "columns": columns}]


def drop_table(m: dict, r: Resolver) -> list[dict]:
    return [{"op": "drop_table", "table": r.table(m["table"])}]


def rename_table(m: dict, r: Resolver) -> list[dict]:
    table = r.table(m["table"])
    return [{"op": "rename_table", "table": table, "new_name": _new_name(r.new_table(m["new"]), table)}]


def _new_name(new: str, old: str) -> str:
    if new.lower() == old.lower():
        raise Unclear(f"{old} already has that name")
    return new


def drop_columns(m: dict, r: Resolver) -> list[dict]:
    ref: Ref = m.get("target") or Ref(m["table"], tuple(m["cols"]))
    if ref.table is None and not ref.pronoun and len(ref.columns) == 1 and r.focus is None:
        return _drop_bare(ref.columns[0], r)
    table, columns = _target(m, r)
    return [{"op": "drop_column", "table": table, "column": c} for c in columns]


def _drop_bare(name: Name, r: Resolver) -> list[dict]:
    """`drop legacy_events`: a table or a column, as the schema says; without one, ask."""
    if r.known and r.find_table(name.text):
        return [{"op": "drop_table", "table": r.table(name)}]
    if not r.known:
        raise Unclear(f"is {name.text} a table or a column? Say 'drop table {name.text}' or "
                      f"'drop {name.text} from <table>'", op="drop")
    table, (column,) = r.locate(Ref(None, (name,)))
    return [{"op": "drop_column", "table": table, "column": column}]


def rename(m: dict, r: Resolver) -> list[dict]:
    ref: Ref = m["target"]
    if ref.table is None and not ref.pronoun and r.focus is None and "table" not in m:
        only = ref.columns[0]
        if not r.known or r.find_table(only.text):      # a column needs its table; none was said
            return rename_table({"table": only, "new": m["new"]}, r)
    table, columns = _target(m, r) if "table" not in m else _target({"table": m["table"], "cols": ref.columns}, r)
    if len(columns) != 1:
        raise Unclear("rename one column at a time", op="rename_column")
    return [{"op": "rename_column", "table": table, "column": columns[0],
             "new_name": _new_name(r.new_column(table, m["new"]), columns[0])}]


# --- indexes and constraints -----------------------------------------------------------------------

def add_index(m: dict, r: Resolver) -> list[dict]:
    table, columns = _target(m, r)
    change = {"op": "add_index", "table": table, "columns": columns}
    return [_with(change, name=_name(m), unique=_said(m, "unique"), where=m.get("where"))]


def add_unique(m: dict, r: Resolver) -> list[dict]:
    table, columns = _target(m, r)
    return [_with({"op": "add_unique", "table": table, "columns": columns}, name=_name(m))]


def add_foreign_key(m: dict, r: Resolver) -> list[dict]:
    if "src" in m:
        table, columns = r.locate(m["src"])
    else:
        table = r.table(m["table"])
    ref_table, ref_columns = _referenced(m["ref"], r)
    if "src" not in m:
        columns = [r.key_column(table, ref_table)]
    change = {"op": "add_foreign_key", "table": table, "columns": columns,
              "ref_table": ref_table, "ref_columns": ref_columns}
    return [_with(change, name=_name(m), on_delete=m.get("action"))]


def _referenced(ref: Ref | Name, r: Resolver) -> tuple[str, list[str]]:
    """`customers(id)`, `customers.id`, or `customers` (its key)."""
    if isinstance(ref, Name):
        ref = Ref(None, (ref,))
    if ref.table is not None:
        table = r.table(ref.table)
        return table, [r.column(table, c) for c in ref.columns]
    if ref.pronoun or len(ref.columns) != 1:
        raise Unclear("name the referenced table (references customers or customers(id))", op="add_foreign_key")
    table = r.table(ref.columns[0])
    return table, r.referenced_key(table)


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
        table, (column, *_) = _target(m, r)
        expression = f"{column} {m['check']}"
    else:
        table, expression = r.table(m["table"]), m["expr"].strip()
    return [_with({"op": "add_check", "table": table, "expression": expression}, name=_name(m))]


def drop_index(m: dict, r: Resolver) -> list[dict]:
    if "target" in m:
        table, columns = _target(m, r)
        return [{"op": "drop_index", "table": table, "name": _index_on(r, table, columns)}]
    table = r.table(m["table"]) if "table" in m else _owner_of(r, m["name"].text, "indexes", "drop_index")
    return [{"op": "drop_index", "table": table, "name": m["name"].text}]


def drop_constraint(m: dict, r: Resolver) -> list[dict]:
    if "target" in m:
        table, columns = _target(m, r)
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
    kind = next((k for word, k in kinds.items() if _said(m, word)), None)
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


# --- column properties ---------------------------------------------------------------------------------

def predicates(m: dict, r: Resolver) -> list[dict]:
    """`make X not null and unique`, `X should be bigint`: one change per column and predicate."""
    table, columns = _target(m, r)
    out = []
    for kind, value in m["preds"]:
        out += [_predicate(kind, value, table, column, r, m) for column in columns]
    return out


def _predicate(kind: str, value, table: str, column: str, r: Resolver, m: dict) -> dict:
    target = {"table": table, "column": column}
    if kind == "notnull":
        fill = m.get("backfill")
        return _with({"op": "set_not_null", **target},
                     backfill=fill_value(fill, r, table, f"the backfill of {table}.{column}") if fill else None)
    if kind == "null":
        return {"op": "drop_not_null", **target}
    if kind == "unique":
        return {"op": "add_unique", "table": table, "columns": [column]}
    if kind == "index":
        return {"op": "add_index", "table": table, "columns": [column]}
    if kind == "default":
        return {"op": "set_default", **target, "default": literal_value(value, r, f"the default of {table}.{column}")}
    if kind == "check":
        return {"op": "add_check", "table": table, "expression": f"{column} {value}"}
    return _type_change(r, table, column, value, None, m.get("using"))


def set_not_null(m: dict, r: Resolver) -> list[dict]:
    return predicates(m | {"preds": [("notnull", None)]}, r)


def drop_not_null(m: dict, r: Resolver) -> list[dict]:
    return predicates(m | {"preds": [("null", None)]}, r)


def set_default(m: dict, r: Resolver) -> list[dict]:
    return predicates(m | {"preds": [("default", m["value"])]}, r)


def drop_default(m: dict, r: Resolver) -> list[dict]:
    table, columns = _target(m, r)
    return [{"op": "drop_default", "table": table, "column": c} for c in columns]


# --- types -----------------------------------------------------------------------------------------------

def alter_type(m: dict, r: Resolver) -> list[dict]:
    table, columns = _target(m, r)
    return [_type_change(r, table, c, m.get("type"), m.get("from"), m.get("using"), m.get("size")) for c in columns]


def _type_change(r: Resolver, table: str, column: str, new: str | None, stated_from: str | None,
                 using: str | None, size: int | None = None) -> dict:
    current = r.current_type(table, column)
    if stated_from and current is not None and str(current) != stated_from:
        raise Unclear(f"{table}.{column} is {current} in the schema, not {stated_from}", op="alter_column_type")
    new = new or _implied_type(r, table, column, current, size)
    if current is not None and str(current) == new:
        raise Unclear(f"{table}.{column} is already {new}", op="alter_column_type")
    return _with({"op": "alter_column_type", "table": table, "column": column, "type": new},
                 using=using.strip() if using else None)


_WIDER = {"smallint": "integer", "integer": "bigint"}


def _implied_type(r: Resolver, table: str, column: str, current, size: int | None) -> str:
    """`widen users.age` (integer -> bigint) and `increase the length of users.name to 200`."""
    if size is not None:
        if current is None:
            r.notes.append(f"assumed {table}.{column} is a varchar (no schema given)")
            return f"varchar({size})"
        if current.name in ("varchar", "char"):
            return f"{current.name}({size})"
    elif current is not None and current.name in _WIDER:
        return _WIDER[current.name]
    now = f"{current}" if current is not None else "of a type not known without a schema"
    raise Unclear(f"{table}.{column} is {now}: say the new type (widen {table}.{column} to <type>)",
                  op="alter_column_type")


def not_a_type(m: dict, r: Resolver) -> list[dict]:
    word = m["new"].text
    near = closest_types(word)
    if near:
        raise Unclear(f"{word!r} is not a type I know", near, op="alter_column_type")
    raise Unclear(f"{word!r} is not a type; to rename the column say 'rename ... to {word}'",
                  op="alter_column_type")


# --- data ---------------------------------------------------------------------------------------------------

def backfill(m: dict, r: Resolver) -> list[dict]:
    if m.get("missing"):
        table = r.table(m["table"])
        column = _plural_column(r, table, m["missing"])
        where = f"{column} IS NULL"
    else:
        m.setdefault("target", Ref(None, (), pronoun=True))     # "fill existing nulls with 0"
        table, (column, *_) = _target(m, r)
        where = f"{column} IS NULL" if _said(m, "null") else m.get("where")
    value = fill_value(m["value"], r, table, f"the backfill of {table}.{column}")
    change = {"op": "backfill", "table": table, "column": column, "value": value}
    return [_with(change, where=where.strip() if where else None, batch_size=m.get("batch"))]


def _plural_column(r: Resolver, table: str, said: Name) -> str:
    """"missing emails" names the column email."""
    if r.has_column(table, said.text) or not said.text.endswith("s"):
        return r.column(table, said)
    return r.column(table, Name(singular(said.text), said.source))


def copy_column(m: dict, r: Resolver) -> list[dict]:
    table, (source, *_) = _target(m, r)
    (destination,) = [r.column(table, c) for c in m["dst"]]
    return [{"op": "backfill", "table": table, "column": destination, "value": source}]


def update_rows(m: dict, r: Resolver) -> list[dict]:
    table = r.table(m["table"])
    assignments = {r.column(table, Name(c, c)): v for c, v in m["set"].items()}
    change = {"op": "update_rows", "table": table, "set": assignments}
    return [_with(change, where=m.get("where", "").strip() or None, batch_size=m.get("batch"))]


def split_column(m: dict, r: Resolver) -> list[dict]:
    table, (column, *_) = _target(m, r)
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
    if all(t is not None and t.name == "varchar" for t in types):
        return f"varchar({sum(t.args[0] for t in types) + len(separator) * (len(types) - 1)})"
    r.notes.append(f"the merged column {table} gets type text (the sources' types are not known)")
    return "text"


def focus(m: dict, r: Resolver) -> list[dict]:
    r.focus = r.table(m["table"])
    return []

