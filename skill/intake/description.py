"""A small deterministic grammar over `migration_description`.

Used only when a request carries neither `changes` nor `sql`. Each phrasing is one regular
expression plus a builder returning a change dict; the dict is validated by the pydantic
change union, so a phrasing can never produce something `changes` could not express.
Anything the grammar does not recognise is an error that lists what it does understand: a
guess would put a wrong migration in front of a production database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from pydantic import TypeAdapter, ValidationError

from ..errors import InvalidRequest
from ..limits import echo
from ..models import Change

FIELD = "migration_description"

# Placeholders used in the patterns below; identifiers may be quoted with "", `` or [].
_ID = r"[\"`\[]?[A-Za-z_][A-Za-z0-9_$]*[\"`\]]?"
_TYPE = r"[A-Za-z][A-Za-z0-9_]*(?:\s*\(\s*\d+\s*(?:,\s*\d+\s*)?\))?"
_PLACEHOLDERS = {
    "table": rf"(?:table\s+)?(?P<table>{_ID})",
    "column": rf"(?:column\s+)?(?P<column>{_ID})",
    "tcol": rf"(?:column\s+)?(?P<table>{_ID})\.(?P<column>{_ID})",
    "new": rf"(?P<new_name>{_ID})",
    "name": rf"(?P<name>{_ID})",
    "type": rf"(?P<type>{_TYPE})",
    "cols": rf"\(\s*(?P<columns>{_ID}(?:\s*,\s*{_ID})*)\s*\)",
    "refcols": rf"\(\s*(?P<ref_columns>{_ID}(?:\s*,\s*{_ID})*)\s*\)",
    "expr": r"(?P<expr>.+)",
    "on": r"(?:on|in|of|for|from)",
}

_CHANGE = TypeAdapter(Change)


@dataclass(frozen=True)
class Phrase:
    pattern: re.Pattern
    example: str
    build: Callable[[dict[str, str]], dict]


PHRASES: list[Phrase] = []


def phrase(pattern: str, example: str):
    """Register a phrasing: `pattern` uses {placeholders}; spaces match any whitespace."""
    regex = pattern.replace(" ", r"\s+").format(**_PLACEHOLDERS)
    compiled = re.compile(rf"^\s*{regex}\s*$", re.IGNORECASE)

    def register(build: Callable[[dict[str, str]], dict]):
        PHRASES.append(Phrase(compiled, example, build))
        return build
    return register


# --- helpers -----------------------------------------------------------------------------

def _name(text: str) -> str:
    return text.strip().strip("\"`[]")


def _names(text: str) -> list[str]:
    return [_name(part) for part in text.split(",")]


def _with_name(change: dict, g: dict[str, str]) -> dict:
    """Constraint and index names are optional: dbmig derives one when absent."""
    return change | ({"name": _name(g["name"])} if g.get("name") else {})


def _target(g: dict[str, str]) -> dict[str, str]:
    return {"table": _name(g["table"]), "column": _name(g["column"])}


_MODIFIER = re.compile(
    r"\s*(?:(?P<not_null>not\s+null|required)|(?P<null>null|nullable)|(?P<unique>unique)"
    r"|(?P<pk>primary\s+key)|(?:with\s+(?:a\s+)?)?default\s+(?P<default>'(?:[^']|'')*'|\S+))",
    re.IGNORECASE)


def _column(name: str, definition: str) -> dict:
    """`varchar(255) not null default ''` -> a Column dict."""
    m = re.match(rf"\s*(?:of\s+type\s+|as\s+)?({_TYPE})", definition, re.IGNORECASE)
    if not m:
        raise ValueError(f"no column type in {echo(definition)}")
    column: dict = {"name": _name(name), "type": re.sub(r"\s+", "", m.group(1)).lower()}
    pos = m.end()
    while pos < len(definition.rstrip()):
        mod = _MODIFIER.match(definition, pos)
        if not mod:
            raise ValueError(f"unknown column option {echo(definition[pos:].strip())}")
        column.update(_modifier(mod))
        pos = mod.end()
    return column


def _modifier(mod: re.Match) -> dict:
    if mod["not_null"]:
        return {"nullable": False}
    if mod["null"]:
        return {"nullable": True}
    if mod["unique"]:
        return {"unique": True}
    if mod["pk"]:
        return {"primary_key": True, "nullable": False}
    return {"default": mod["default"]}


# --- the phrasings -------------------------------------------------------------------------
# Order matters where two patterns could both match: the more specific comes first.

@phrase(r"create table {table} \((?P<body>.+)\)",
        "create table audit_log (id bigint primary key, message text not null)")
def _create_table(g):
    columns = [_column(*re.split(r"\s+", part.strip(), maxsplit=1))
               for part in re.split(r",(?![^(]*\))", g["body"])]
    return {"op": "create_table", "table": _name(g["table"]), "columns": columns}


# Phrasings whose change is only {op, table, column}.
COLUMN_PHRASES = [
    ("drop_column", r"(?:drop|remove|delete) column {column} {on} {table}", "drop column legacy from users"),
    ("drop_column", r"(?:drop|remove|delete) {tcol}", "drop column users.legacy"),
    ("drop_not_null", r"(?:make|set|alter) {tcol} (?:nullable|optional|null)", "make users.nickname nullable"),
    ("drop_not_null", r"drop not null (?:constraint )?(?:on|from) {tcol}", "drop not null on users.nickname"),
    ("drop_default", r"(?:drop|remove) (?:the )?default (?:on|from|of) {tcol}", "drop default on orders.qty"),
]
for _op, _pattern, _example in COLUMN_PHRASES:
    phrase(_pattern, _example)(lambda g, op=_op: {"op": op, **_target(g)})


@phrase(r"rename {column} to {new} {on} {table}", "rename column name to full_name on users")
@phrase(r"rename {tcol} to {new}", "rename users.name to full_name")
def _rename_column(g):
    return {"op": "rename_column", **_target(g), "new_name": _name(g["new_name"])}


@phrase(r"rename table {table} to {new}", "rename table customers to clients")
def _rename_table(g):
    return {"op": "rename_table", "table": _name(g["table"]), "new_name": _name(g["new_name"])}


@phrase(r"(?:drop|remove|delete) table {table}", "drop table legacy_events")
def _drop_table(g):
    return {"op": "drop_table", "table": _name(g["table"])}


@phrase(r"(?:create|add) (?P<unique>unique )?index (?:{name} )?on {table}\s*{cols}(?: where {expr})?",
        "create unique index on users (email)")
def _add_index(g):
    change = {"op": "add_index", "table": _name(g["table"]), "columns": _names(g["columns"]),
              "unique": bool(g["unique"])}
    change |= {"where": g["expr"].strip()} if g["expr"] else {}
    return _with_name(change, g)


@phrase(r"index {tcol}", "index orders.customer_id")
def _index_column(g):
    return {"op": "add_index", "table": _name(g["table"]), "columns": [_name(g["column"])]}


@phrase(r"(?:drop|remove) index {name} {on} {table}", "drop index ix_orders_customer_id on orders")
def _drop_index(g):
    return {"op": "drop_index", "table": _name(g["table"]), "name": _name(g["name"])}


@phrase(r"add foreign key (?:{name} )?(?:on )?{table}\s*{cols} references (?P<ref_table>"
        + _ID + r")\s*{refcols}(?: on delete (?P<on_delete>cascade|set null|restrict|no action))?",
        "add foreign key orders(customer_id) references customers(id) on delete cascade")
def _add_foreign_key(g):
    change = {"op": "add_foreign_key", "table": _name(g["table"]), "columns": _names(g["columns"]),
              "ref_table": _name(g["ref_table"]), "ref_columns": _names(g["ref_columns"])}
    if g["on_delete"]:
        change["on_delete"] = re.sub(r"\s+", " ", g["on_delete"].lower())
    return _with_name(change, g)


@phrase(r"add unique(?: constraint)? (?:{name} )?on {table}\s*{cols}", "add unique constraint on users(email)")
def _add_unique(g):
    change = {"op": "add_unique", "table": _name(g["table"]), "columns": _names(g["columns"])}
    return _with_name(change, g)


@phrase(r"add check(?: constraint)? (?:{name} )?on {table} \({expr}\)",
        "add check constraint ck_qty_positive on orders (qty > 0)")
@phrase(r"add check(?: constraint)? \({expr}\) (?:on|to) {table}", "add check (qty > 0) to orders")
def _add_check(g):
    change = {"op": "add_check", "table": _name(g["table"]), "expression": g["expr"].strip()}
    return _with_name(change, g)


@phrase(r"(?:drop|remove) constraint {name} {on} {table}", "drop constraint fk_orders_customer on orders")
def _drop_constraint(g):
    return {"op": "drop_constraint", "table": _name(g["table"]), "name": _name(g["name"])}


@phrase(r"(?:make|set|alter) {tcol} (?:not null|required|non-nullable)(?: backfill(?:ing)? (?:with )?{expr})?",
        "make users.email not null")
@phrase(r"(?:make|set|alter) {column} (?:not null|required) {on} {table}(?: backfill(?:ing)? (?:with )?{expr})?",
        "make email not null on users")
def _set_not_null(g):
    change = {"op": "set_not_null", **_target(g)}
    return change | ({"backfill": g["expr"].strip()} if g.get("expr") else {})


@phrase(r"change (?:the )?type of {tcol} to {type}(?: using {expr})?", "change type of users.age to bigint")
@phrase(r"(?:alter|change) {tcol} (?:type )?to {type}(?: using {expr})?", "change users.age to bigint")
@phrase(r"(?:alter|change) {column} {on} {table} (?:type |to )+{type}(?: using {expr})?",
        "alter column age on users type bigint")
def _alter_type(g):
    change = {"op": "alter_column_type", **_target(g), "type": re.sub(r"\s+", "", g["type"]).lower()}
    return change | ({"using": g["expr"].strip()} if g.get("expr") else {})


@phrase(r"set default (?P<expr>'(?:[^']|'')*'|\S+) on {tcol}", "set default 0 on orders.qty")
@phrase(r"set (?:the )?default (?:of|for) {tcol} to {expr}", "set the default of orders.qty to 0")
def _set_default(g):
    return {"op": "set_default", **_target(g), "default": g["expr"].strip()}


@phrase(r"add (?:a )?(?:new )?(?:nullable )?{tcol} (?P<definition>.+)",
        "add column users.email varchar(255) not null default ''")
@phrase(r"add (?:a )?(?:new )?(?:nullable )?{column} (?P<definition>.+?) (?:to|on|in) {table}",
        "add column email varchar(255) not null default '' to users")
def _add_column(g):
    return {"op": "add_column", "table": _name(g["table"]),
            "column": _column(g["column"], g["definition"])}


@phrase(r"backfill {tcol} (?:with|to|=) {expr}", "backfill users.status with 'active'")
def _backfill(g):
    value, where = _split_where(g["expr"])
    change = {"op": "backfill", **_target(g), "value": value}
    return change | ({"where": where} if where else {})


@phrase(r"update {table} set {column} = {expr}", "update orders set status = 'archived' where created_at < '2020-01-01'")
def _update_rows(g):
    value, where = _split_where(g["expr"])
    change = {"op": "update_rows", "table": _name(g["table"]), "set": {_name(g["column"]): value}}
    return change | ({"where": where} if where else {})


@phrase(r"split {tcol} into (?P<into>" + _ID + r"(?:\s*(?:,|and)\s*" + _ID + r")+)"
        r" (?:on|by) (?P<sep>'(?:[^']|'')+')", "split users.name into first_name, last_name on ' '")
def _split_column(g):
    into = [_name(p) for p in re.split(r"\s*(?:,|\band\b)\s*", g["into"])]
    return {"op": "split_column", **_target(g), "into": into, "separator": g["sep"][1:-1].replace("''", "'")}


def _split_where(expr: str) -> tuple[str, str | None]:
    value, *where = re.split(r"\s+where\s+", expr, maxsplit=1, flags=re.IGNORECASE)
    return value.strip(), (where[0].strip() if where else None)


# --- the entry point ---------------------------------------------------------------------------

_SEPARATOR = re.compile(r";|\n|\s+and\s+then\s+|,\s*then\s+", re.IGNORECASE)
_QUOTED = re.compile(r"'(?:[^']|'')*'")


def split_clauses(text: str) -> list[str]:
    """Split on ';', newlines, ' and then ' — but never inside a quoted literal."""
    literals = _QUOTED.findall(text)
    masked = _QUOTED.sub("\x00", text)
    clauses = []
    for part in _SEPARATOR.split(masked):
        while "\x00" in part:
            part = part.replace("\x00", literals.pop(0), 1)
        if part.strip(" .\t"):
            clauses.append(part.strip().rstrip("."))
    return clauses


def parse_description(text: str) -> list:
    """Map a plain-English description to typed changes, or raise `InvalidRequest`."""
    clauses = split_clauses(text or "")
    if not clauses:
        raise _not_understood(text or "", 1, 1)
    return [_parse_clause(clause, i + 1, len(clauses)) for i, clause in enumerate(clauses)]


def _parse_clause(clause: str, index: int, total: int):
    reasons = []  # a later phrasing may still fit when an earlier one matched but failed
    for p in PHRASES:
        match = p.pattern.match(clause)
        if match is None:
            continue
        try:
            return _CHANGE.validate_python(p.build(match.groupdict()))
        except (ValueError, ValidationError) as exc:
            reasons.append(_reason(exc))
    raise _not_understood(clause, index, total, reasons[0] if reasons else None)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return str(exc)


def understood_phrasings() -> list[str]:
    return [p.example for p in PHRASES]


def _not_understood(clause: str, index: int, total: int, reason: str | None = None) -> InvalidRequest:
    where = f" (clause {index} of {total})" if total > 1 else ""
    why = f": {reason}" if reason else ""
    return InvalidRequest(
        f"could not understand {echo(clause)}{where}{why}. The description grammar understands the "
        "phrasings listed in `allowed`, joined by ';' or ' and then '.",
        field=FIELD, allowed=understood_phrasings(),
        suggestion="pass the change as structured `changes` (see resource dbmig://schema/changes) "
                   "or as `sql`; keep `migration_description` as a one-line summary")
