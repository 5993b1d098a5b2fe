"""What a dropped column takes with it: the indexes and constraints on it, and other tables'
foreign keys that reference it.

The forward drops them by name before DROP COLUMN: SQL Server refuses to drop a column that
an index or constraint uses (error 5074), MySQL one that a foreign key uses, PostgreSQL one
whose unique key another table references; and where the database would drop them itself,
doing it by name puts each in the plan, its warnings and its rollback. The rollback re-creates
each with its name and definition once the column and its values are back, in dependency order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import GateFailure, InvalidRequest
from ..sqlcheck import check_statement
from ..schema import ColumnDef, ConstraintDef, IndexDef, TableDef
from .constraints import add_constraint_sql, drop_constraint_sql, drop_index_sql
from .context import Context
from .model import Step

# Drop: a referencing key before the unique key it needs; an own foreign key before the index
# MySQL lets it use. Re-create in the opposite order.
# A generated column computed from the column goes last, after what is built on it, and comes back first.
DROP_ORDER = ("referencing", "foreign_key", "unique", "exclusion", "check", "index", "generated")
REBUILD_ORDER = ("generated", "index", "unique", "exclusion", "check", "foreign_key", "referencing")
# A string literal never names a column: CHECK (status <> 'note') does not depend on note.
_LITERAL = re.compile(r"'(?:[^']|'')*'")


@dataclass
class Dependent:
    kind: str                       # index | unique | exclusion | check | foreign_key | referencing | generated
    table: str                      # where it lives (the other table for `referencing`)
    obj: IndexDef | ConstraintDef | ColumnDef
    others: list[str] = field(default_factory=list)   # other columns it spans: dropped whole

    @property
    def named(self) -> bool:
        return not self.obj.name.startswith("<")    # schema.py's key for an unnamed constraint

    def label(self, short: bool = False) -> str:
        o, kind = self.obj, "foreign key" if self.kind == "referencing" else self.kind.replace("_", " ")
        what = f"{kind} {o.name}" if self.named else f"unnamed {kind}"
        if short:
            return what + (f" of {self.table}" if self.kind == "referencing" else "")
        if self.kind == "check":
            return f"{what} ({o.expression})"
        if self.kind == "generated":
            return f"generated column {o.name} ({o.generated})"
        where = f" of {self.table}" if self.kind == "referencing" else ""
        return f"{what}{where} ({', '.join(o.reads if self.kind == 'index' else o.columns)})"


def mentions(expression: str | None, column: str) -> bool:
    """The column appears in the expression as a whole word, outside string literals."""
    text = _LITERAL.sub("''", expression or "")
    return re.search(rf"(?<![\w$#]){re.escape(column)}(?![\w$#])", text, re.I) is not None


def find(ctx: Context, table: str, column: str) -> list[Dependent]:
    t, c = ctx.table(table), column.lower()
    found = [_index(t, i, c) for i in t.indexes.values()]
    found += [_own(t, k, c) for k in t.constraints.values()]
    found += [_referencing(o, k, table, c) for o in ctx.schema.tables.values() for k in o.constraints.values()]
    for g in t.columns.values():        # a generated column computed from it, and what is built on that
        if g.generated and g.name.lower() != c and mentions(g.generated, c):
            found += [Dependent("generated", t.name, g), *find(ctx, table, g.name)]
    return list({id(x.obj): x for x in found if x is not None}.values())


def _others(names: list[str], c: str) -> list[str]:
    return [n for n in names if n.lower() != c]


def _index(t: TableDef, i: IndexDef, c: str) -> Dependent | None:
    # a partial index whose WHERE reads the column goes with it too (PostgreSQL)
    if c not in (x.lower() for x in i.reads) and not mentions(i.where, c):
        return None
    return Dependent("index", t.name, i, _others(i.reads, c))


def _own(t: TableDef, k: ConstraintDef, c: str) -> Dependent | None:
    if k.kind == "check" and mentions(k.expression, c):
        return Dependent("check", t.name, k, [n.name for n in t.columns.values()
                                              if n.name.lower() != c and mentions(k.expression, n.name)])
    if k.kind in ("unique", "foreign_key", "exclusion") and c in (x.lower() for x in k.columns):
        return Dependent(k.kind, t.name, k, _others(k.columns, c))
    return None


def _referencing(o: TableDef, k: ConstraintDef, table: str, c: str) -> Dependent | None:
    if k.kind != "foreign_key" or (k.ref_table or "").lower() != table.lower():
        return None
    if c not in (x.lower() for x in k.ref_columns):
        return None
    if o.name.lower() == table.lower() and c in (x.lower() for x in k.columns):
        return None                 # a self-reference on the column itself: already an own key
    return Dependent("referencing", o.name, k, _others(k.ref_columns, c))


def drop_dependents(ctx: Context, table: str, column: str) -> tuple[list[Step], list[str]]:
    """The step that drops what depends on table.column (none if nothing does), and the
    statements that re-create what the database drops with the column by itself: those follow
    the column's restore in the rollback, the step's own reverse rebuilds the rest after them."""
    found = find(ctx, table, column)
    if not found:
        return [], []
    taken = [x for x in found if not x.named]
    for x in taken:
        _refuse_unless_taken(ctx, table, column, x)
    explicit = [x for x in found if x.named]
    forward = [s for x in _ordered(explicit, DROP_ORDER) for s in _drop_sql(ctx, x)]
    reverse = [_create_sql(ctx, x) for x in _ordered(explicit, REBUILD_ORDER)]
    readd = [_create_sql(ctx, x) for x in _ordered(taken, REBUILD_ORDER)]
    _warn(ctx, table, column, explicit, taken)
    _forget(ctx, found)
    if not explicit:
        return [], readd
    lock = ctx.lock("drop_constraint")
    names = ", ".join(x.obj.name for x in _ordered(explicit, DROP_ORDER))
    return [Step(f"drop what depends on {table}.{column}: {names}", forward, reverse, lock, table,
                 estimate=ctx.estimate(table, lock))], readd


def _ordered(items: list[Dependent], order: tuple[str, ...]) -> list[Dependent]:
    return sorted(items, key=lambda x: order.index(x.kind))       # stable: schema order within a kind


def _refuse_unless_taken(ctx: Context, table: str, column: str, x: Dependent) -> None:
    """An unnamed constraint cannot be dropped by name: fine where the database drops it with
    the column by itself (the dialect lists those kinds) and the rollback's unnamed re-creation
    passes the gate (PostgreSQL's parser reads `ADD CHECK (...)`; to sqlglot 30.30 it is only a
    Command); else an error."""
    d = ctx.dialect
    taken = d.drop_column_takes_unnamed_multi if x.others else d.drop_column_takes_unnamed
    if x.kind not in taken:
        why = f"{d.name} does not drop it together with the column, and dbmig cannot drop it without its name"
    else:
        try:
            check_statement(_create_sql(ctx, x), d, "re-creating an unnamed constraint")
            return
        except GateFailure:
            why = "the database drops it with the column, but dbmig cannot check an unnamed re-creation of it"
    raise InvalidRequest(
        f"DROP COLUMN {table}.{column}: the {x.label()} uses the column; {why}",
        field="schema", suggestion="give the constraint in `schema` the name the database gave it "
        "(CONSTRAINT <name> ..., as its catalog shows it), then generate again")


def _drop_sql(ctx: Context, x: Dependent) -> list[str]:
    if x.kind == "index":
        return [drop_index_sql(ctx, x.table, x.obj.name)]
    if x.kind == "generated":
        return ctx.dialect.statements("drop_column", **ctx.names(x.table, x.obj.name))
    return drop_constraint_sql(ctx, x.table, x.obj)


def _create_sql(ctx: Context, x: Dependent) -> str:
    o = x.obj
    if x.kind == "index":
        return ctx.dialect.create_index("add_index", x.table, o)
    if x.kind == "generated":
        return add_generated_sql(ctx, x.table, o)
    return add_constraint_sql(ctx, x.table, o)


def add_generated_sql(ctx: Context, table: str, col: ColumnDef) -> str:
    """A generated column added back: the database computes its values again."""
    return ctx.dialect.sql("add_column", **ctx.names(table, col.name), column_def=ctx.column_def(table, col))


def _warn(ctx: Context, table: str, column: str, explicit: list[Dependent], taken: list[Dependent]) -> None:
    what = f"DROP COLUMN {table}.{column}"
    if explicit:
        ctx.warnings.append(f"{what} first drops what depends on it: "
                            f"{', '.join(x.label(short=True) for x in _ordered(explicit, DROP_ORDER))}; "
                            "the rollback re-creates them as they were.")
    if taken:
        ctx.warnings.append(f"{what}: the database drops the {', '.join(x.label() for x in taken)} with the "
                            "column; the rollback re-creates each unnamed.")
    for x in explicit + taken:
        if x.others:
            ctx.warnings.append(f"The {x.label()} also covers {', '.join(x.others)}: it is dropped whole, not "
                                f"narrowed; re-create it without {column} if still needed.")
        if x.kind == "referencing":
            ctx.warnings.append(f"Until the rollback, {x.table}.{', '.join(x.obj.columns)} may get values that "
                                f"match no {table}.{column}: they make re-creating {x.obj.name} fail.")


def _forget(ctx: Context, found: list[Dependent]) -> None:
    """The virtual schema after the drop, for the changes that follow."""
    for x in found:
        t = ctx.table(x.table)
        store = t.indexes if x.kind == "index" else t.columns if x.kind == "generated" else t.constraints
        key = next(k for k, v in store.items() if v is x.obj)
        del store[key]
