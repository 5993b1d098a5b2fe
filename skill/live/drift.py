"""Drift: where two schemas of the same database disagree, e.g. a migration project's replayed
history (what should be there) and the live database (what is there).

Both sides are VirtualSchemas (skill/schema.py), so both went through the same parser and their
expressions are spelled the same way. Constraints are matched by name where both sides name
them, else by what they are: an unnamed constraint in a history is the one the database named
itself (`orders_pkey`), not drift. Each difference is one DriftItem, in a stable order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..dialects.base import storage_sql
from ..schema import ColumnDef, ConstraintDef, IndexDef, TableDef, VirtualSchema


@dataclass(frozen=True)
class DriftItem:
    kind: str           # table_missing | table_extra | column_missing | column_extra | column_type |
                        # column_nullable | column_default | constraint_missing | constraint_extra |
                        # constraint_renamed | constraint_differs | index_missing | index_extra | index_differs
    table: str
    name: str | None    # the column, constraint or index
    expected: str | None
    actual: str | None

    def text(self, expected: str = "the project's history", actual: str = "the live database") -> str:
        what = f"{self.table}.{self.name}" if self.name else self.table
        noun = self.kind.split("_")[0]
        if self.kind.endswith("_missing"):
            return f"{noun} {what} is in {expected} but not in {actual}"
        if self.kind.endswith("_extra"):
            return f"{noun} {what} is in {actual} but not in {expected}"
        if self.kind == "constraint_renamed":
            return f"constraint {self.table}.{self.expected} of {expected} is named {self.actual} in {actual}"
        return (f"{noun} {what} differs: {self.kind.split('_', 1)[1]} is {self.expected} in {expected}, "
                f"{self.actual} in {actual}")


def schema_drift(expected: VirtualSchema, actual: VirtualSchema, tables: Iterable[str] | None = None) -> list[DriftItem]:
    """Every difference between `expected` and `actual`, limited to `tables` when given (a live
    read covers only the tables a request touches)."""
    names = sorted({n.lower() for n in tables} if tables is not None else set(expected.tables) | set(actual.tables))
    out: list[DriftItem] = []
    for name in names:
        e, a = expected.table(name), actual.table(name)
        if e is None or a is None:
            if e is not None or a is not None:
                out.append(DriftItem("table_missing" if a is None else "table_extra", (e or a).name, None, None, None))
            continue
        out += _same_unique(_columns(e, a) + _constraints(e, a) + _indexes(e, a))
    return out


# what a unique index on one side and a UNIQUE constraint of its name on the other show as
_TWIN = {"constraint_extra": "index_missing", "index_missing": "constraint_extra",
         "constraint_missing": "index_extra", "index_extra": "constraint_missing"}


def _same_unique(items: list[DriftItem]) -> list[DriftItem]:
    """A unique index on one side and a unique constraint of that name on the other are one
    thing told two ways: MySQL lists every unique index as a UNIQUE constraint too."""
    seen = {(i.kind, (i.name or "").lower()) for i in items}
    return [i for i in items if (_TWIN.get(i.kind), (i.name or "").lower()) not in seen]


def drift_warnings(items: list[DriftItem], expected: str = "the project's history",
                   actual: str = "the live database") -> list[str]:
    return [f"Drift: {i.text(expected, actual)}." for i in items]


def _columns(e: TableDef, a: TableDef) -> list[DriftItem]:
    out = _presence("column", e, e.columns, a.columns)
    for key in e.columns.keys() & a.columns.keys():
        ec, ac = e.columns[key], a.columns[key]
        for kind, left, right in _column_facts(ec, ac):
            if left != right:
                out.append(DriftItem(f"column_{kind}", e.name, ec.name, left, right))
    return out


def _column_facts(e: ColumnDef, a: ColumnDef) -> list[tuple[str, str | None, str | None]]:
    null = lambda c: "NULL" if c.nullable else "NOT NULL"  # noqa: E731
    return [("type", str(e.type) if e.type else None, str(a.type) if a.type else None),
            ("nullable", null(e), null(a)), ("default", _spelled(e.default), _spelled(a.default))]


def _constraints(e: TableDef, a: TableDef) -> list[DriftItem]:
    left, right = dict(e.constraints), dict(a.constraints)
    out = []
    for key in sorted(k for k in left.keys() & right.keys() if _named(left[k])):
        le, ri = left.pop(key), right.pop(key)
        if _signature(le) != _signature(ri):
            out.append(DriftItem("constraint_differs", e.name, le.name, _shown(le), _shown(ri)))
    for key, c in sorted(left.items()):
        match = next((k for k, r in sorted(right.items()) if _signature(r) == _signature(c)), None)
        if match is None:
            out.append(DriftItem("constraint_missing", e.name, _label(c), _shown(c), None))
            continue
        if _named(c) and _named(right[match]):
            out.append(DriftItem("constraint_renamed", e.name, c.name, c.name, match))
        del right[match]
    out += [DriftItem("constraint_extra", e.name, _label(c), None, _shown(c)) for _, c in sorted(right.items())]
    return out


def _indexes(e: TableDef, a: TableDef) -> list[DriftItem]:
    out = _presence("index", e, e.indexes, a.indexes)
    for key in sorted(e.indexes.keys() & a.indexes.keys()):
        le, ri = e.indexes[key], a.indexes[key]
        if _index_shape(le) != _index_shape(ri):
            out.append(DriftItem("index_differs", e.name, le.name, _index_text(le), _index_text(ri)))
    return out


def _presence(noun: str, table: TableDef, left: dict, right: dict) -> list[DriftItem]:
    return ([DriftItem(f"{noun}_missing", table.name, left[k].name, None, None) for k in sorted(left.keys() - right.keys())]
            + [DriftItem(f"{noun}_extra", table.name, right[k].name, None, None) for k in sorted(right.keys() - left.keys())])


def _named(c: ConstraintDef) -> bool:
    return not c.name.startswith("<")       # schema.py's key for an unnamed constraint


def _label(c: ConstraintDef) -> str:
    return c.name if _named(c) else f"unnamed {c.kind.replace('_', ' ')}"


def _signature(c: ConstraintDef) -> tuple:
    return (c.kind, tuple(x.lower() for x in c.columns), _spelled(c.expression), (c.ref_table or "").lower(),
            tuple(x.lower() for x in c.ref_columns), c.on_delete or "no action")


def _shown(c: ConstraintDef) -> str:
    kind, columns, expression, ref, ref_columns, on_delete = _signature(c)
    body = f"CHECK ({expression})" if kind == "check" else f"EXCLUDE {expression}" if kind == "exclusion" \
        else f"{kind.replace('_', ' ').upper()} ({', '.join(columns)})"
    return body + (f" REFERENCES {ref} ({', '.join(ref_columns)}) ON DELETE {on_delete.upper()}" if ref else "")


def _index_shape(i: IndexDef) -> tuple:
    # Keys beyond plain columns are compared by kind, not spelling: the catalog deparses an
    # expression its own way (casts added, case changed).
    return (tuple(c.lower() for c in i.columns), i.unique, _spelled(i.where), i.using, i.keys is None,
            tuple(c.lower() for c in i.include), tuple(sorted(i.storage.items())), i.hidden)


def _index_text(i: IndexDef) -> str:
    return (f"{'UNIQUE ' if i.unique else ''}{'USING ' + i.using + ' ' if i.using else ''}"
            f"({', '.join(i.keys or i.columns)})" + (f" INCLUDE ({', '.join(i.include)})" if i.include else "")
            + (f" WITH ({storage_sql(i.storage)})" if i.storage else "") + (f" WHERE {i.where}" if i.where else "")
            + (f" {i.hidden}" if i.hidden else ""))


def _spelled(expression: str | None) -> str | None:
    """Whitespace aside, and MySQL's backquotes and SQL Server's brackets, which never change
    what a name means (double quotes do: they keep its case)."""
    return " ".join(re.sub(r"[`\[\]]", "", expression).split()) if expression else None
