"""Everything a strategy needs while planning one request: the dialect, the virtual schema,
row counts, and the helpers that turn request values into safe SQL pieces."""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..dialects import Dialect, parse_version
from ..dialects.facts import Lock
from ..errors import InvalidRequest, UnsafeRollback
from ..models import Column, PlanRequest
from ..schema import ColumnDef, TableDef, VirtualSchema
from ..types import SqlType, parse_type
from . import sqlexpr
from .model import NativeColumn, Step


@dataclass
class Context:
    request: PlanRequest
    dialect: Dialect
    schema: VirtualSchema
    warnings: list[str] = field(default_factory=list)
    # per change, the warnings planning it added, then those later passes add about its steps
    # (explain reads them)
    change_warnings: list[list[str]] = field(default_factory=list)
    # checks that hold after one phase of a T3 plan (description starts `after <phase>:`)
    phase_checks: list = field(default_factory=list)
    # The phase a zero-downtime strategy gives the work that makes tables and columns (what it
    # would run in migrate): "expand" while a later change of the request waits for the new app
    # version, which needs them (build_plan decides it per change, before planning the change).
    additions_phase: str = "migrate"

    # the aborts a confirm_data_loss request accepted (`unrecoverable`), each tagged with its change
    losses: list[tuple[UnsafeRollback, str]] = field(default_factory=list)    # (abort, its warning)

    def unrecoverable(self, error: UnsafeRollback, warning: str) -> None:
        """A change whose rollback cannot bring the data back: abort with `error`, unless the
        caller accepted that (confirm_data_loss); then warn, and keep the abort (explain shows it)."""
        if not self.request.confirm_data_loss:
            raise error
        self.losses.append((error, warning))
        self.warnings.append(warning)

    @contextmanager
    def additions_in(self, phase: str):
        """Plan what is inside with `additions_phase` = `phase` (split_column's parts go to expand)."""
        before, self.additions_phase = self.additions_phase, phase
        try:
            yield
        finally:
            self.additions_phase = before

    def warn(self, text: str, step: Step) -> None:
        """A warning about a planned step: it also counts as the warning of the step's change."""
        self.warnings.append(text)
        if step.change is not None:
            self.change_warnings[step.change].append(text)

    @property
    def version(self) -> tuple[int, ...]:
        return parse_version(self.request.database_version)

    # --- request values into SQL pieces ------------------------------------------------
    def q(self, name: str) -> str:
        return self.dialect.q(name)

    def qlist(self, names: list[str]) -> str:
        return ", ".join(self.q(n) for n in names)

    def lit(self, name: str) -> str:
        return self.dialect.literal(self.dialect.catalog_name(name))

    def names(self, table: str, column: str | None = None, new_name: str | None = None) -> dict[str, str]:
        """The names a statement form may use: quoted, raw, and as catalog string literals."""
        out = dict(table=self.q(table), table_name=table, table_lit=self.lit(table))
        if column:
            out |= dict(column=self.q(column), column_name=column, column_lit=self.lit(column))
        if new_name:
            out |= dict(new_name=self.q(new_name), new_name_raw=new_name, new_name_lit=self.lit(new_name))
        return out

    def expr(self, text: str, field_path: str, subqueries: bool = False) -> str:
        return sqlexpr.expression(text, self.dialect.sqlglot, field_path, subqueries)

    def type(self, text: str, field_path: str) -> SqlType:
        return parse_type(text, field_path)

    def column_def(self, table: str, col: ColumnDef, nullable: bool | None = None) -> str:
        """The column as a definition: name, native type, default, nullability."""
        nullable = col.nullable if nullable is None else nullable
        d = self.dialect
        default = (d.sql("default_clause", default=col.default, default_name=self.q(
            self.name("DF", table, [col.name]))) if col.default is not None else "")
        if col.generated and not d.generated_columns:
            raise InvalidRequest(f"{table}.{col.name} is a computed column ({col.generated}), which dbmig "
                                 f"does not re-create on {d.name}", field="schema",
                                 suggestion="leave the computed column out of the change, or re-create it by hand")
        type_, identity = d.numbered_type(col.type, col.identity)
        if col.generated:
            identity, default = f" {col.generated}", ""
        return d.sql("column_def", column=self.q(col.name), type=type_, identity=identity,
                     default=default, null="" if nullable else " NOT NULL", comment=d.comment_clause(col.comment))

    def refuse_generated(self, table: str, column: str, what: str, path: str) -> None:
        """The database computes a generated column's values: its type and default are its expression's."""
        col = self.schema.column(table, column)
        if col is not None and col.generated:
            raise InvalidRequest(f"{table}.{column} is a generated column ({col.generated}): {what} does not "
                                 "apply to it", field=path,
                                 suggestion="drop the column and add it again with the new definition")

    def native_column(self, table: str, col: ColumnDef, primary_key: bool = False) -> NativeColumn:
        return NativeColumn(col.name, self.dialect.native_type(col.type), col.nullable,
                            col.default, primary_key,
                            self.name("DF", table, [col.name]) if col.default else None)

    def from_request(self, column: Column, field_path: str) -> ColumnDef:
        default = self.expr(column.default, f"{field_path}.default") if column.default else None
        type_ = self.type(column.type, f"{field_path}.type")
        if column.identity and not (type_.is_integer or type_.is_decimal and type_.args[1:] in ((), (0,))):
            raise InvalidRequest(f"identity column {column.name} must have an integer type, not {type_}",
                                 field=f"{field_path}.type", allowed=["smallint", "integer", "bigint", "decimal(p)"])
        return ColumnDef(column.name, type_, column.nullable and not column.primary_key and not column.identity,
                         default, identity=column.identity)

    # --- names -------------------------------------------------------------------------
    def name(self, prefix: str, table: str, columns: list[str]) -> str:
        """A deterministic object name that fits the identifier limit (hash-shortened)."""
        full = "_".join([prefix.lower(), table, *columns])
        limit = min(self.dialect.max_identifier, 30)
        if len(full) <= limit:
            return full
        digest = hashlib.sha1(full.encode()).hexdigest()[:8]
        return f"{full[:limit - 9]}_{digest}"

    # --- the virtual schema --------------------------------------------------------------
    def table(self, name: str) -> TableDef:
        """The table as known; an unknown table (no `schema`) starts empty and partial."""
        table = self.schema.table(name)
        if table is None:
            table = TableDef(name)
            self.schema.put(table)
        return table

    def known_column(self, table: str, column: str, why: str, field_path: str) -> ColumnDef:
        """The column's current definition, or abort: `why` says what needs it."""
        col = self.schema.column(table, column)
        if col is None or col.type is None:
            if self.schema.known and self.schema.table(table) is not None:
                raise InvalidRequest(f"column {table}.{column} is not in the given schema",
                                     field=field_path)
            raise UnsafeRollback(
                f"Cannot generate safe rollback for {why}: pass `schema` (the CREATE TABLE of "
                f"{table}) so dbmig knows the current definition of {table}.{column}",
                field="schema", suggestion="pass `schema`, or set `confirm_data_loss` to accept "
                                           "manual rollback steps")
        return col

    # --- estimates ---------------------------------------------------------------------
    def rows(self, table: str | None) -> int | None:
        return self.request.table_rows.get(table) if table else None

    def lock(self, op: str, **parts: object) -> Lock:
        """The lock `op` takes on this database (the dialect's facts table)."""
        return self.dialect.lock(op, self.version, **parts)

    def brief(self, op: str) -> Lock:
        """`op`'s lock, held only briefly: a zero-downtime step behind its lock timeout."""
        return Lock(self.lock(op).level, self.dialect.facts.texts["behind_timeout"])

    def estimate(self, table: str | None, lock: Lock, work: str | None = None) -> str:
        """How long `work` (else what the lock says the duration follows) takes on `table`."""
        return self.dialect.facts.estimate(table, self.rows(table), work or lock.cost)
