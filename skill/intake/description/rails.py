"""Rails' generator command as the sentence it means:
`rails g migration AddPhoneToCustomers phone:string:index` is "add column phone varchar(255) to
customers; add an index on customers(phone)".

Rails reads the migration's name for the action and the table (`Add..To<table>`,
`Remove..From<table>`, `Create<table>`) and the `name:type[:index|:uniq]` fields for the columns;
`x:references` (or `belongs_to`) adds `x_id`, its index and its foreign key. The sentence is then
read by the grammar like any other, so names resolve against the schema the same way. Types map
to dbmig's portable ones as Rails maps them (`string` is a varchar(255), `datetime` a timestamp).
"""
from __future__ import annotations

import re

from .errors import Unclear
from .tokens import migration_name

_COMMAND = re.compile(r"^\s*(?:(?:bin/)?rails\s+g(?:enerate)?\s+migration\s+)?(?P<name>[A-Za-z][\w-]{0,127})"
                      r"(?P<fields>(?:\s+[A-Za-z_]\w{0,63}:[A-Za-z_]\w{0,31}(?:\{[\w,. ]{1,20}\})?(?::\w{1,8})?){1,50})\s*$")
_FIELD = re.compile(r"(?P<column>\w+):(?P<type>\w+)(?:\{(?P<args>[\w,. ]+)\})?(?::(?P<modifier>\w+))?")
# Rails' column types -> dbmig's portable types (a `{n}` / `{p,s}` after the type fills the size)
TYPES = {"string": "varchar({args})", "text": "text", "integer": "integer", "bigint": "bigint", "float": "float",
         "decimal": "decimal({args})", "numeric": "decimal({args})", "datetime": "timestamp",
         "timestamp": "timestamp", "time": "time", "date": "date", "binary": "blob", "boolean": "boolean",
         "uuid": "uuid", "json": "json", "jsonb": "json"}
DEFAULT_ARGS = {"string": "255"}
REFERENCES = ("references", "belongs_to")
MODIFIERS = ("index", "uniq")


def rails_sentence(text: str) -> str | None:
    """The sentence a generator command spells, or None when `text` is not one."""
    m = _COMMAND.match(text)
    if m is None:
        return None
    named = migration_name(m.group("name"))
    words = named[0] if named else [m.group("name").lower()]
    fields = list(_FIELD.finditer(m.group("fields")))
    if words[0] == "create" and len(words) > 1:
        return _create("_".join(words[1:]), fields)
    for verb, joint in (("add", "to"), ("remove", "from")):
        if words[0] == verb and joint in words[1:]:
            table = "_".join(words[len(words) - words[::-1].index(joint):])
            if table:
                return "; ".join(part for f in fields for part in
                                 (_add(table, f) if verb == "add" else [f"drop column {f['column']} from {table}"]))
    raise Unclear(f"the generator name {m.group('name')!r} says no table: Rails reads Add<...>To<Table>, "
                  "Remove<...>From<Table> or Create<Table>")


def _add(table: str, f: re.Match) -> list[str]:
    column, modifier = f["column"], f["modifier"]
    if f["type"] in REFERENCES:
        if f["args"]:
            raise Unclear(f"{f.group(0)!r}: a polymorphic reference has no foreign key dbmig can write")
        return [f"add a reference to {column} on {table}"]
    out = [f"add column {column} {_type(f)} to {table}"]
    if modifier and modifier not in MODIFIERS:
        raise Unclear(f"{f.group(0)!r}: Rails knows the modifiers {', '.join(MODIFIERS)}, not {modifier!r}")
    if modifier:
        out.append(f"add {'a unique' if modifier == 'uniq' else 'an'} index on {table}({column})")
    return out


def _create(table: str, fields: list[re.Match]) -> str:
    columns = ["id bigint primary key"]
    for f in fields:
        if f["type"] in REFERENCES or f["modifier"]:
            raise Unclear(f"{f.group(0)!r}: create the table first, then add references and indexes")
        columns.append(f"{f['column']} {_type(f)}")
    return f"create table {table} ({', '.join(columns)})"


def _type(f: re.Match) -> str:
    kind = f["type"].lower()
    if kind not in TYPES:
        raise Unclear(f"{f.group(0)!r}: {kind!r} is not a Rails column type", sorted(TYPES))
    args = (f["args"] or DEFAULT_ARGS.get(kind, "")).replace(" ", "")
    return TYPES[kind].format(args=args).replace("()", "")
