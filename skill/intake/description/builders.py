"""Op builders: what a matched phrasing means, as change dicts in the vocabulary of
`dbmig.models`. Each takes the slots the pattern matched (`m`) and the resolver; names are
resolved against the schema here, so every change leaves with the schema's spelling.
This module: tables, columns, their properties and types (keys.py: indexes and constraints;
data.py: backfills, updates, split and merge).
"""
from __future__ import annotations

from .errors import Unclear
from .lexicon import SQL_VALUES, STRONG_TYPES
from .resolve import Resolver
from .slots import ColumnDraft, Name, Ref, Value
from .typewords import closest_types


def said(m: dict, word: str) -> bool:
    return bool(m.get("+" + word))


def with_optional(change: dict, **optional) -> dict:
    """Add the optional fields that were stated (a name, a where clause...)."""
    return change | {k: v for k, v in optional.items() if v not in (None, False)}


def stated_name(m: dict, key: str = "name") -> str | None:
    return m[key].text if m.get(key) else None


def target_of(m: dict, r: Resolver, key: str = "target") -> tuple[str, list[str]]:
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

def referenced(ref: Ref | Name, r: Resolver) -> tuple[str, list[str]]:
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
        elif option == "references":
            pass                                # a change of its own: inline_references
        else:
            column[option] = value
    return column, indexed


def inline_references(draft: ColumnDraft, r: Resolver, table: str, column: str) -> list[dict]:
    """`user_id bigint references users(id) on delete cascade`: the column's foreign key, as the
    add_foreign_key change after the column's own."""
    out = []
    for option, (ref, action) in (o for o in draft.options if o[0] == "references"):
        ref_table, ref_columns = referenced(ref, r)
        out.append(with_optional({"op": "add_foreign_key", "table": table, "columns": [column],
                                  "ref_table": ref_table, "ref_columns": ref_columns}, on_delete=action))
    return out


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
        out += inline_references(draft, r, table, column["name"])
    return out


def add_timestamps(m: dict, r: Resolver) -> list[dict]:
    """`add timestamps to orders` (Rails' add_timestamps): created_at and updated_at, typed by their names."""
    drafts = [ColumnDraft(Name(name, name), None) for name in ("created_at", "updated_at")]
    return add_columns({"table": m["table"], "defs": drafts}, r)


def add_soft_delete(m: dict, r: Resolver) -> list[dict]:
    """`add soft delete to users` (Rails' discard/paranoia, Laravel's softDeletes): a nullable
    deleted_at, typed by its name, and an index the app's `WHERE deleted_at IS NULL` reads."""
    added = add_columns({"table": m["table"], "defs": [ColumnDraft(Name("deleted_at", "deleted_at"), None)]}, r)
    return added + [{"op": "add_index", "table": added[0]["table"], "columns": ["deleted_at"]}]


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
    keys = [fk for d, c in zip(m["defs"], columns) for fk in inline_references(d, r, table, c["name"])]
    return [{"op": "create_table", "table": table, "columns": columns}, *keys]


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
    table, columns = target_of(m, r)
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
    table, columns = target_of(m, r) if "table" not in m else target_of({"table": m["table"], "cols": ref.columns}, r)
    if len(columns) != 1:
        raise Unclear("rename one column at a time", op="rename_column")
    return [{"op": "rename_column", "table": table, "column": columns[0],
             "new_name": _new_name(r.new_column(table, m["new"]), columns[0])}]


# --- column properties ---------------------------------------------------------------------------------

def predicates(m: dict, r: Resolver) -> list[dict]:
    """`make X not null and unique`, `X should be bigint`: one change per column and predicate."""
    table, columns = target_of(m, r)
    out = []
    for kind, value in m["preds"]:
        out += [_predicate(kind, value, table, column, r, m) for column in columns]
    return out


def _predicate(kind: str, value, table: str, column: str, r: Resolver, m: dict) -> dict:
    target = {"table": table, "column": column}
    if kind == "notnull":
        fill = m.get("backfill")
        return with_optional({"op": "set_not_null", **target},
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
    table, columns = target_of(m, r)
    return [{"op": "drop_default", "table": table, "column": c} for c in columns]


# --- types -----------------------------------------------------------------------------------------------

def alter_type(m: dict, r: Resolver) -> list[dict]:
    table, columns = target_of(m, r)
    return [_type_change(r, table, c, m.get("type"), m.get("from"), m.get("using"), m.get("size")) for c in columns]


def _type_change(r: Resolver, table: str, column: str, new: str | None, stated_from: str | None,
                 using: str | None, size: int | None = None) -> dict:
    current = r.current_type(table, column)
    if stated_from and current is not None and current.requested != stated_from:
        raise Unclear(f"{table}.{column} is {current} in the schema, not {stated_from}", op="alter_column_type")
    new = new or _implied_type(r, table, column, current, size)
    if current is not None and current.requested == new:
        raise Unclear(f"{table}.{column} is already {new}", op="alter_column_type")
    return with_optional({"op": "alter_column_type", "table": table, "column": column, "type": new},
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


def focus(m: dict, r: Resolver) -> list[dict]:
    r.focus = r.table(m["table"])
    return []

