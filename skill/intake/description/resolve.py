"""Names as the schema knows them: which table a bare column belongs to, `user` vs `users`, a
column's current type, a table's key; and, without a schema, what the text states.

The working schema is a copy of the request's, updated by each change as it is read, so a
later clause can name what an earlier one added ("add email to users and make it unique").
"""
from __future__ import annotations

from ...schema import ColumnDef, TableDef, VirtualSchema
from ...types import SqlType
from .errors import Unclear, closest
from .lexicon import NOT_A_COLUMN, NOT_A_TABLE, SCHEMA_NAMES, plural, singular, type_from_name
from .slots import Name, Ref
from .typewords import read_type


class Resolver:
    def __init__(self, schema: VirtualSchema, dialect: str):
        self.schema = schema.copy()
        self.known = schema.known
        self.dialect = dialect
        self.notes: list[str] = []
        self.last: tuple[str, list[str]] | None = None    # what "it" names
        self.focus: str | None = None                      # "for the orders table, ..."

    # --- tables -----------------------------------------------------------------------------

    def table(self, name: Name) -> str:
        """An existing table, as the schema spells it (or as stated, without a schema)."""
        _plausible(name, NOT_A_TABLE, "table")
        if not self.known:
            return name.text
        found = self.find_table(name.text)
        if found is None:
            raise Unclear(f"the schema has no table {name.text!r}",
                          closest(name.text, (t.name for t in self.schema.tables.values())))
        return found

    def new_table(self, name: Name) -> str:
        _plausible(name, NOT_A_TABLE, "table")
        if self.known and self.schema.table(name.text):
            raise Unclear(f"table {name.text!r} already exists")
        return name.text

    def find_table(self, text: str) -> str | None:
        low = text.lower()
        for candidate in (low, plural(low), singular(low)):
            found = self.schema.table(candidate)
            if found:
                return found.name
        squashed = [t.name for t in self.schema.tables.values()     # Django's `orderitem`
                    if t.name.lower().replace("_", "") in (low, plural(low))]
        return squashed[0] if len(squashed) == 1 else None

    # --- columns -------------------------------------------------------------------------------

    def column(self, table: str, name: Name) -> str:
        _plausible(name, NOT_A_COLUMN, "column")
        found = self._table_def(table)
        if found is None:
            return name.text
        col = found.columns.get(name.text.lower())
        if col is None:
            raise Unclear(f"{table} has no column {name.text!r}", closest(name.text, _names(found)))
        return col.name

    def new_column(self, table: str, name: Name) -> str:
        _plausible(name, NOT_A_COLUMN, "column")
        found = self._table_def(table)
        existing = found.columns.get(name.text.lower()) if found else None
        if existing is not None:
            raise Unclear(f"{table} already has a column {existing.name} ({existing.type or 'type unknown'})")
        return name.text

    def knows(self, table: str) -> bool:
        """The schema holds `table` (so a column it lacks is new, not unknown)."""
        return self._table_def(table) is not None

    def has_column(self, table: str, column: str) -> bool:
        found = self._table_def(table)
        return found is not None and column.lower() in found.columns

    def locate(self, ref: Ref, from_type: str | None = None) -> tuple[str, list[str]]:
        """(table, columns) a reference names; a bare column is found in the focus table or
        the schema, and a stated current type (`from int`) chooses between tables."""
        if ref.pronoun:
            if self.last is None:
                raise Unclear("'it' refers to nothing said before it: name the column (orders.status)")
            return self.last
        if ref.table is not None:
            table = self.table(ref.table)
            return table, [self.column(table, c) for c in ref.columns]
        table = self._owner(ref.columns[0], from_type)
        return table, [self.column(table, c) for c in ref.columns]

    def _owner(self, column: Name, from_type: str | None) -> str:
        """The table of a bare column: the one named by "for the X table, ...", else the one
        the schema has it in (the table the previous clause spoke of, or the stated current
        type, decide between several); without a schema, the previous clause's table."""
        recent = self.last[0] if self.last else None
        if self.focus and (not self.known or self.has_column(self.focus, column.text)):
            return self.focus
        if not self.known:
            if recent:
                return recent
            raise Unclear(f"which table has {column.text}? Name it (<table>.{column.text} or "
                          f"'{column.text} on <table>') or give the `schema`")
        owners = [t.name for t in self.schema.tables.values() if column.text.lower() in t.columns]
        if from_type and len(owners) > 1:
            owners = [o for o in owners if getattr(self.current_type(o, column.text), "requested", None) == from_type] \
                or owners
        if len(owners) > 1 and recent in owners:
            return recent
        if len(owners) == 1:
            return owners[0]
        if not owners:
            every = {c.name for t in self.schema.tables.values() for c in t.columns.values()}
            raise Unclear(f"no table in the schema has a column {column.text!r}", closest(column.text, every))
        raise Unclear(f"{column.text} is a column of {' and '.join(owners)}: say which "
                      f"({', '.join(f'{o}.{column.text}' for o in owners)})", owners)

    def current_type(self, table: str, column: str) -> SqlType | None:
        found = self._table_def(table)
        col = found.columns.get(column.lower()) if found else None
        return col.type if col else None

    # --- keys and types ---------------------------------------------------------------------------

    def referenced_key(self, table: str) -> list[str]:
        found = self._table_def(table)
        if found is not None:
            if not found.primary_key:
                raise Unclear(f"{table} has no primary key: name the referenced column ({table}(<column>))")
            return [self.column(table, Name(c, c)) for c in found.primary_key]
        self.notes.append(f"assumed {table}.id is the key a foreign key to {table} references "
                          "(no schema given); say `to " + table + "(<column>)` for another")
        return ["id"]

    def key_column(self, table: str, ref_table: str) -> str:
        """The column of `table` that points at `ref_table` by convention: customers -> customer_id."""
        candidate = singular(ref_table.lower()) + "_id"
        if self._table_def(table) is not None and not self.has_column(table, candidate):
            raise Unclear(f"{table} has no column {candidate} to point at {ref_table}: name it "
                          f"({table}.<column> references {ref_table})", closest(candidate, _names(self._table_def(table))))
        return candidate

    def type_for_new(self, table: str, column: str) -> str:
        """A new column without a stated type: the referenced key's type for `*_id`, else the
        naming convention; the result says what was assumed."""
        chosen = type_from_name(column)
        if column.lower().endswith("_id") and self.known:
            ref = self.find_table(column[:-3])
            key = self._table_def(ref).primary_key if ref else []
            if len(key) == 1 and self.current_type(ref, key[0]) is not None:
                chosen = self.current_type(ref, key[0]).requested
        self.notes.append(f"assumed type {chosen} for {table}.{column} (no type given; from its name): "
                          f"say `add {column} <type> to {table}` for another")
        return chosen

    # --- the working schema ---------------------------------------------------------------------------

    def _table_def(self, table: str | None) -> TableDef | None:
        return self.schema.table(table) if self.known and table else None

    def apply(self, change: dict) -> None:
        """Carry a read change into the working schema, and remember what "it" now names."""
        column = change.get("column")
        if isinstance(column, dict):
            column = column["name"]
        if change["op"] == "rename_column":
            column = change["new_name"]
        if column or change.get("columns"):
            self.last = (change["table"], [column] if column else list(change["columns"]))
        if self.known:
            _APPLY.get(change["op"], lambda s, c: None)(self.schema, change)


def _plausible(name: Name, forbidden: frozenset[str], kind: str) -> None:
    if kind == "table" and name.text.lower() in SCHEMA_NAMES:
        raise Unclear(f"{name.text} is a schema, not a table: name the table alone (users, not public.users)")
    if not name.quoted and name.text.lower() in forbidden:
        raise Unclear(f"{name.source!r} is a type or a keyword, not a {kind} name "
                      f"(quote it if it really is the {kind}'s name)")


def _names(table: TableDef | None) -> list[str]:
    return [c.name for c in table.columns.values()] if table else []


def _column_def(column: dict) -> ColumnDef:
    try:                                    # a change's type is portable: any dialect reads it
        kind = read_type(column["type"], "postgres")
    except ValueError:
        kind = None
    return ColumnDef(column["name"], kind, column.get("nullable", True))


def _add_column(schema: VirtualSchema, c: dict) -> None:
    schema.table(c["table"]).columns[c["column"]["name"].lower()] = _column_def(c["column"])


def _create_table(schema: VirtualSchema, c: dict) -> None:
    schema.put(TableDef(c["table"], {col["name"].lower(): _column_def(col) for col in c["columns"]}))


def _rename_table(schema: VirtualSchema, c: dict) -> None:
    table = schema.tables.pop(c["table"].lower())
    table.name = c["new_name"]
    schema.put(table)


def _rename_column(schema: VirtualSchema, c: dict) -> None:
    columns = schema.table(c["table"]).columns
    col = columns.pop(c["column"].lower())
    col.name = c["new_name"]
    columns[col.name.lower()] = col


def _set_type(schema: VirtualSchema, c: dict) -> None:
    schema.column(c["table"], c["column"]).type = read_type(c["type"], "postgres")


def _nullable(value: bool):
    def apply(schema: VirtualSchema, c: dict) -> None:
        schema.column(c["table"], c["column"]).nullable = value
    return apply


_APPLY = {
    "add_column": _add_column,
    "create_table": _create_table,
    "drop_table": lambda s, c: s.tables.pop(c["table"].lower(), None),
    "rename_table": _rename_table,
    "drop_column": lambda s, c: s.table(c["table"]).columns.pop(c["column"].lower(), None),
    "rename_column": _rename_column,
    "alter_column_type": _set_type,
    "set_not_null": _nullable(False),
    "drop_not_null": _nullable(True),
}
