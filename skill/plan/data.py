"""Direct (T2) strategies for data: backfill, update_rows, split_column, as batched loops.

Every data step has one shape, whatever the op:

- a backup table `dbmig_bak_*` keyed by the primary key holds the original values of every row
  the migration changed. It is also the ledger that makes the loop restartable: a rerun resumes
  after the highest key in it, so no row is changed twice (an `UPDATE price = price * 1.1`
  applied twice would be wrong), and the rollback restores exactly those rows. Where every row
  changed was NULL before (a backfill), it holds only runs of consecutive keys (first, last):
  the rollback sets those rows back to NULL, and the backup costs a row per batch, not per
  row. A column the request itself adds has no backup: the rollback drops it;
- the loop walks the primary key in key ranges (keyset, never OFFSET: each batch is an index
  range scan) of `batch_size` rows, each batch its own transaction: lock the rows that need the
  change (`FOR UPDATE`, so a concurrent writer waits for one batch instead of being overwritten),
  copy their old values to the backup, update exactly those rows, COMMIT;
- the loop is the database's idiomatic one, from its dialect table (`batch_loop`): PostgreSQL a
  DO block (COMMIT in DO needs PG 11 and no surrounding transaction: the step is
  non-transactional), MySQL/MariaDB a procedure created, called and dropped, SQL Server a
  WHILE batch, Oracle a PL/SQL block;
- guards (split values lacking the separator, with on_unsplittable=abort) run inside the same block, before the first batch,
  and are also `Step.guards` for the tools that check preconditions themselves.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from ..lazysqlglot import exp, sqlglot
from ..errors import InvalidRequest, UnsafeRollback
from ..sqlcheck import check_statement
from ..models import Backfill, SplitColumn, UpdateRows
from ..schema import ColumnDef, TableDef, parse_schema
from . import sqlexpr
from ..dialects.facts import duration
from .context import Context
from .model import Check, Guard, Step
from .registry import direct

DEFAULT_BATCH = 1_000
INTEGER_KEYS = ("smallint", "integer", "bigint")
TAG = "$dbmig$"          # the dollar-quote tag of PostgreSQL blocks: request text may not hold it


@dataclass
class Batched:
    """One batched data change on one table, before it becomes SQL."""

    table: str
    pk: str
    columns: list[str]                  # the columns the change writes (their old values are kept)
    assignments: list[tuple[str, str]]  # (column, SQL expression)
    todo: list[str]                     # predicates: the rows that still need the change
    size: int
    pause_ms: int | None
    what: str                           # for descriptions and messages
    guards: list[Guard] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    old_null: bool = False              # `todo` selects only rows whose written columns are NULL


# --- the ops ---------------------------------------------------------------------------------

@direct("backfill")
def backfill(ch: Backfill, ctx: Context, path: str) -> list[Step]:
    return [data_step(ctx, backfill_job(ch, ctx, path))]


@direct("update_rows")
def update_rows(ch: UpdateRows, ctx: Context, path: str) -> list[Step]:
    return [data_step(ctx, update_job(ch, ctx, path))]


@direct("split_column")
def split_column(ch: SplitColumn, ctx: Context, path: str) -> list[Step]:
    parts, job = split_job(ch, ctx, path)
    return parts + [data_step(ctx, job)]


# --- the jobs: what each op changes, in batches --------------------------------------------------

def backfill_job(ch: Backfill, ctx: Context, path: str) -> Batched:
    pk = _keyset(ctx, ch.table, path)
    _written(ctx, ch.table, ch.column, f"{path}.column")
    value = _expr(ctx, ch.value, f"{path}.value")
    col = ctx.q(ch.column)
    # Backfill fills what is empty: re-running it, or rows the app already filled, are left alone.
    todo = [f"{col} IS NULL"] + ([f"({_where(ctx, ch.table, ch.where, f'{path}.where')})"] if ch.where else [])
    job = Batched(ch.table, pk, [ch.column], [(ch.column, value)], todo, _size(ch), ch.pause_ms,
                  f"backfill {ch.table}.{ch.column}", old_null=True)
    job.checks.append(Check(f"{ch.table}.{ch.column} filled wherever the value is not NULL", _count(ctx, ch.table, todo + [f"({value}) IS NOT NULL"]),
                            [[0]]))
    return job


def update_job(ch: UpdateRows, ctx: Context, path: str) -> Batched:
    pk = _keyset(ctx, ch.table, path)
    if pk.lower() in (c.lower() for c in ch.set):
        raise InvalidRequest(f"update_rows cannot change the primary key {ch.table}.{pk}",
                             field=f"{path}.set.{pk}")
    sets = []
    for column, text in sorted(ch.set.items()):
        _written(ctx, ch.table, column, f"{path}.set.{column}")
        sets.append((column, _expr(ctx, text, f"{path}.set.{column}")))
    _warn_order(ctx, ch.table, sets)
    where = [f"({_where(ctx, ch.table, ch.where, f'{path}.where')})"] if ch.where else []
    job = Batched(ch.table, pk, [c for c, _ in sets], sets, where, _size(ch), ch.pause_ms,
                  f"update {', '.join(c for c, _ in sets)} of {ch.table}")
    bak = ctx.q(_backup_name(ctx, job))
    job.checks.append(Check(f"every target row of {ch.table} was updated (is in the backup)",
                            _count(ctx, ch.table, where + [f"NOT EXISTS (SELECT 1 FROM {bak} dbmig_b WHERE "
                                                           f"{_join(ctx, job, ctx.q(ch.table))})"]), [[0]]))
    return job


def split_job(ch: SplitColumn, ctx: Context, path: str) -> tuple[list[Step], Batched]:
    """The steps adding the parts the table lacks, and the job filling them."""
    pk = _keyset(ctx, ch.table, path)
    source = _known(ctx, ch.table, ch.column, f"{path}.column")
    for j, name in enumerate(ch.into):
        ctx.refuse_generated(ch.table, name, "writing values", f"{path}.into.{j}")
    if ch.column.lower() in (c.lower() for c in ch.into) or len({c.lower() for c in ch.into}) < len(ch.into):
        raise InvalidRequest("`into` must name distinct columns other than the split column",
                             field=f"{path}.into")
    steps = _add_parts(ctx, ch, source)
    sep, full = ctx.dialect.literal(ch.separator), ctx.q(ch.column)
    parts = _split_parts(ctx, full, ch.separator, len(ch.into))
    job = Batched(ch.table, pk, list(ch.into), list(zip(ch.into, parts)), [f"{full} IS NOT NULL"],
                  _size(ch), ch.pause_ms, f"split {ch.table}.{ch.column} into {', '.join(ch.into)}")
    lacking = [f"{full} IS NOT NULL", f"{parts[-1]} IS NULL"]
    if ch.on_unsplittable in ("abort", "fail"):
        job.guards.append(Guard(_count(ctx, ch.table, lacking),
                                f"dbmig guard: values of {ch.table}.{ch.column} lack the separator "
                                f"[{ch.separator}] {len(ch.into) - 1} time(s); nothing was changed"))
    else:
        ctx.warnings.append(f"Values of {ch.table}.{ch.column} without the separator stay whole in "
                            f"{ch.into[0]}, {', '.join(ch.into[1:])} NULL (on_unsplittable=abort stops before "
                            f"any change instead); count them: {_count(ctx, ch.table, lacking)}")
    joined = _recombine(ctx, [ctx.q(c) for c in ch.into], sep)
    job.checks.append(Check(f"{' || sep || '.join(ch.into)} equals {ch.column} on every row",
                            _count(ctx, ch.table, [f"{full} IS NOT NULL",
                                                   ctx.dialect.sql("batch_differs", a=joined, b=full)]), [[0]]))
    return steps, job


# --- request pieces ----------------------------------------------------------------------------

def _keyset(ctx: Context, table: str, path: str) -> str:
    """The single integer primary key the batches walk; anything else has no cheap key range."""
    t = ctx.schema.table(table)
    pk = t.primary_key if t else []
    if not pk:
        raise UnsafeRollback(
            f"Cannot plan a batched data migration of {table}: pass `schema` with its CREATE TABLE "
            "(dbmig needs the primary key to walk the table in key ranges and to key the backup "
            "that makes the rollback exact)", field="schema", suggestion="pass `schema`")
    if integer_key(t) is None:
        raise InvalidRequest(f"batched data migrations need a single-column integer primary key; "
                             f"{table} has ({', '.join(pk)})", field=f"{path}.table",
                             suggestion="use raw_sql for this table")
    return pk[0]


def integer_key(t: TableDef | None) -> str | None:
    """The table's primary key when it is one integer column (a key range to walk), else None."""
    pk = t.primary_key if t else []
    col = t.columns.get(pk[0].lower()) if len(pk) == 1 else None
    return pk[0] if col is not None and _integral(col.type) else None


def _integral(t) -> bool:
    """An integer type; Oracle's integers are NUMBER(p) (scale 0), read as decimal(p)."""
    return t is not None and (t.name in INTEGER_KEYS
                              or (t.is_decimal and len(t.args) in (1, 2) and t.args[1:] in ((), (0,))))


def _known(ctx: Context, table: str, column: str, path: str) -> ColumnDef:
    """The column's definition: the backup table restates its type."""
    col = ctx.schema.column(table, column)
    if col is None or col.type is None:
        raise InvalidRequest(f"column {table}.{column} is not in the given schema", field=path)
    return col


def _written(ctx: Context, table: str, column: str, path: str) -> ColumnDef:
    """A column the job writes: known, and not one the database computes."""
    col = _known(ctx, table, column, path)
    ctx.refuse_generated(table, column, "writing values", path)
    return col


def _expr(ctx: Context, text: str, path: str) -> str:
    sql = ctx.expr(text, path, subqueries=True)      # a lookup conversion reads another table
    if TAG in sql:
        raise InvalidRequest(f"{TAG} is reserved by dbmig", field=path)
    return sql


def _where(ctx: Context, table: str, text: str, path: str) -> str:
    """The rows a change selects; warns where a case test (`c <> LOWER(c)`) compares under a
    case-insensitive collation, which makes it false on every row: the change would do nothing."""
    sql = _expr(ctx, text, path)
    d, t = ctx.dialect, ctx.table(table)
    tree = sqlglot.parse_one(sql, read=d.sqlglot)
    for cmp in tree.find_all(exp.EQ, exp.NEQ):
        column = _case_tested(cmp)
        col = t.columns.get(column.lower()) if t and column else None
        collation = d.case_blind(col.collation or t.collation) if col else None
        if collation:
            as_bytes = cmp.transform(lambda n: exp.cast(n, "BINARY") if n in (cmp.left, cmp.right) else n)
            ctx.warnings.append(
                f"{path}: {table}.{col.name} compares case-insensitively under collation {collation}: "
                f"`{cmp.sql(d.sqlglot)}` is false on every row, so this change would do nothing. Compare the "
                f"bytes: `{as_bytes.sql(d.sqlglot)}` (or COLLATE utf8mb4_bin on a utf8mb4 column).")
    return sql


def _case_tested(cmp: exp.Expression) -> str | None:
    """The column `c` of a comparison of `c` with LOWER(c) or UPPER(c)."""
    for a, b in ((cmp.left, cmp.right), (cmp.right, cmp.left)):
        if isinstance(a, exp.Column) and isinstance(b, (exp.Lower, exp.Upper)) \
                and isinstance(b.this, exp.Column) and b.this.name.lower() == a.name.lower():
            return a.name
    return None


def _size(ch) -> int:
    return ch.batch_size or DEFAULT_BATCH


def _warn_order(ctx: Context, table: str, sets: list[tuple[str, str]]) -> None:
    """MySQL assigns left to right: a later SET sees the new value of an earlier column."""
    written = {c.lower() for c, _ in sets}
    for column, expr in sets:
        read = sqlexpr.columns_in(expr, ctx.dialect.sqlglot) & written - {column.lower()}
        if read and ctx.dialect.set_assigns_left_to_right:
            ctx.warnings.append(f"MySQL evaluates SET left to right: {table}.{column} reads "
                                f"{', '.join(sorted(read))}, also set here, and sees its NEW value.")


def _add_parts(ctx: Context, ch: SplitColumn, source: ColumnDef) -> list[Step]:
    """Target columns missing from the table are added, nullable, with the source's type."""
    from .columns import add_column  # a sibling strategy; imported late to keep modules flat
    from ..models import AddColumn, Column
    steps = []
    for name in ch.into:
        if ctx.schema.column(ch.table, name) is None:
            col = Column(name=name, type=source.type.portable)
            steps += add_column(AddColumn(table=ch.table, column=col), ctx, f"changes.split.{name}")
    return steps


def _split_parts(ctx: Context, value: str, separator: str, n: int) -> list[str]:
    """Part i of n: what precedes the i-th separator; the last part keeps the rest. A value with
    too few separators gives NULL for the missing parts (so the first keeps it whole)."""
    d, parts, sep = ctx.dialect, [], ctx.dialect.literal(separator)
    skip = len(separator) + 1          # characters, as the length form counts them
    for _ in range(n - 1):
        head = d.sql("batch_split_before", value=value, sep=sep)
        parts.append(head)
        length, rest = d.sql("batch_length", value=head), d.sql("batch_length", value=value)
        tail = d.sql("batch_from", value=value, start=f"{length} + {skip}")
        value = f"CASE WHEN {length} < {rest} THEN {tail} END"
    return parts + [value]


def _recombine(ctx: Context, columns: list[str], sep: str) -> str:
    d, out = ctx.dialect, columns[-1]
    for col in reversed(columns[:-1]):
        tail = d.sql("batch_concat", a=sep, b=out)
        out = d.sql("batch_concat", a=col, b=f"COALESCE({tail}, '')")
    return out


def _count(ctx: Context, table: str, predicates: list[str]) -> str:
    return f"SELECT COUNT(*) FROM {ctx.q(table)} WHERE {' AND '.join(predicates)}"


# --- the step ------------------------------------------------------------------------------

def _backup_name(ctx: Context, job: Batched) -> str:
    return ctx.name("dbmig_bak", job.table, job.columns)


def _join(ctx: Context, job: Batched, table_ref: str) -> str:
    return f"dbmig_b.{ctx.q(job.pk)} = {table_ref}.{ctx.q(job.pk)}"


def data_step(ctx: Context, job: Batched, app_writes: str | None = None) -> Step:
    """The batched step of `job`. `app_writes` (zero downtime): the columns the new app version
    writes itself; the step then waits for that version (its gate) and, since the app writes the
    other columns meanwhile, leaves out the proof that they did not move."""
    d, bak = ctx.dialect, _backup_name(ctx, job)
    lock = d.lock("batch_update")
    # Columns this request adds are dropped by the rollback anyway: no backup to restore them
    # from, and `todo` is the ledger (a rerun skips the rows done). Not without downtime: they are
    # added in expand, which a rollback of this phase leaves in place.
    added = ctx.request.downtime_allowed and set(map(str.lower, job.columns)) <= _added(ctx, job.table)
    if added:
        forward, reverse, bak = _fill_loop(ctx, job), [], None
    elif job.old_null and d.backs_up_key_runs():
        forward = [_backup_table(ctx, job, bak, runs=True)] + _runs_loop(ctx, job, bak)
        reverse = _runs_restore_loop(ctx, job, bak) + [d.sql("drop_table", table=ctx.q(bak))]
    else:
        forward = [_backup_table(ctx, job, bak)] + _forward_loop(ctx, job, bak)
        reverse = _restore_loop(ctx, job, bak) + [d.sql("drop_table", table=ctx.q(bak))]
    step = Step(f"{job.what} in batches of {job.size:,}",
                forward, reverse, lock, job.table, transactional=False, guards=job.guards,
                estimate=_estimate(ctx, job), checks=job.checks + ([] if app_writes else [_untouched(ctx, job)]))
    step.guide = _guide(ctx, job, bak)
    if app_writes:
        step.guide["gate"] = [
            f"Deploy the app version that writes {app_writes} itself, the new way, for every row it inserts or "
            "updates: the batches visit each row once, and a row the old version writes after its batch passed "
            "would keep the old value."]
        ctx.warn(f"{step.description}: online, one batch of rows locked at a time, once the app version that "
                 f"writes {app_writes} for new and updated rows runs (the gate before the step's phase).", step)
    return step


def _added(ctx: Context, table: str) -> set[str]:
    """Columns of `table` that this request creates (they are not in the given schema)."""
    before = parse_schema(ctx.request.schema_sql, ctx.dialect.sqlglot).table(table)
    known = set(before.columns) if before else set()
    named = {n.lower() for ch in (ctx.request.changes or []) if getattr(ch, "table", None) == table
             and ch.op in ("add_column", "split_column") for n in _names_in(ch)}
    return named - known


def _backup_table(ctx: Context, job: Batched, bak: str, runs: bool = False) -> str:
    """Created only if absent: a rerun after an interruption keeps the backup, the ledger. It
    holds the key and the old values of the columns written, or (`runs`) key runs."""
    d, t = ctx.dialect, ctx.q(bak)
    key = replace(ctx.schema.column(job.table, job.pk), default=None, nullable=False, identity=None)
    cols = [replace(key, name=RUN_FIRST)] if runs else [
        replace(ctx.schema.column(job.table, c), nullable=True, default=None, identity=None) for c in job.columns]
    body = ", ".join(ctx.column_def(bak, c) for c in [key, *cols]) + f", PRIMARY KEY ({ctx.q(job.pk)})"
    create = d.sql("create_table", table=t, body=body)
    check_statement(create, d, job.what)
    return d.sql("batch_create_if_absent", table=t, body=body, table_lit=d.literal(t),
                 create_lit=d.literal(create))


def _fill_loop(ctx: Context, job: Batched) -> list[str]:
    """Batches updating the rows still to do, with no backup (the rollback drops the columns)."""
    t, pk = ctx.q(job.table), ctx.q(job.pk)
    where = " AND ".join([_range(ctx, pk)] + job.todo)
    update = f"UPDATE {t} SET {_assignments(ctx, job)} WHERE {where}"
    return _loop(ctx, job, "fill", t, f"(SELECT MIN({pk}) FROM {t}) - 1", [update])


# Where every row a batch changes was NULL before (a backfill), the rollback only needs to know
# which rows: the backup holds runs of consecutive keys (first, last), one row for a batch that
# filled a contiguous key range, instead of a row per key. PostgreSQL's WAL for 200,000 rows:
# 60.9 MB as a plain batched UPDATE, 98.2 MB with a row per key, 60.9 MB with runs
# (benchmarks/lockbench.py measures it against the hand-written form).
RUN_FIRST = "dbmig_first"


def _run_join(ctx: Context, job: Batched, row: str) -> str:
    """The row `row` (a table reference) lies in a run of the backup `dbmig_b`."""
    pk = ctx.q(job.pk)
    return f"{row}.{pk} BETWEEN dbmig_b.{RUN_FIRST} AND dbmig_b.{pk}"


def _runs_loop(ctx: Context, job: Batched, bak: str) -> list[str]:
    """Each batch records the key runs it fills and fills exactly those rows, in one transaction."""
    d, t, pk = ctx.dialect, ctx.q(job.table), ctx.q(job.pk)
    where = " AND ".join([_range(ctx, pk)] + job.todo)
    body = d.statements("batch_fill_runs", table=t, backup=ctx.q(bak), pk=pk, first=RUN_FIRST, where=where,
                        assignments=_assignments(ctx, job), range=_range(ctx, f"dbmig_b.{pk}"),
                        join=_run_join(ctx, job, t))
    return _loop(ctx, job, "fwd", t, _resume(ctx, job, bak), body)


def _runs_restore_loop(ctx: Context, job: Batched, bak: str) -> list[str]:
    """Walks the table's keys in batches and sets the rows inside a run back to NULL. A run lies
    within one forward batch, so one ending more than `size` keys after this batch's last key
    cannot reach into it: the bound keeps each batch's look-up of runs short."""
    d, pk, b, t = ctx.dialect, ctx.q(job.pk), ctx.q(bak), ctx.q(job.table)
    clear = ", ".join(d.sql("batch_clear", column=ctx.q(c)) for c in job.columns)
    runs = f"dbmig_b.{pk} > {_var(ctx, 'dbmig_lo')} AND dbmig_b.{pk} <= {_var(ctx, 'dbmig_hi')} + {job.size}"
    body = [d.sql("batch_restore", table=t, backup=b, assign=clear, range=runs,
                  join=f"{_run_join(ctx, job, 'dbmig_t')} AND {_range(ctx, f'dbmig_t.{pk}')}")]
    start = f"(SELECT MIN({RUN_FIRST}) FROM {b}) - 1"
    return _loop(ctx, replace(job, guards=[], pause_ms=None), "undo", t, start, body)


def _resume(ctx: Context, job: Batched, bak: str) -> str:
    """Where the forward loop starts: after the last key a finished batch recorded in the backup;
    a fresh run starts below the first key."""
    t, pk = ctx.q(job.table), ctx.q(job.pk)
    return f"COALESCE((SELECT MAX({pk}) FROM {ctx.q(bak)}), (SELECT MIN({pk}) FROM {t}) - 1)"


def _forward_loop(ctx: Context, job: Batched, bak: str) -> list[str]:
    d, t, pk, q = ctx.dialect, ctx.q(job.table), ctx.q(job.pk), ctx.q
    rng, bak_rng = _range(ctx, pk), _range(ctx, f"dbmig_b.{pk}")
    where = " AND ".join([rng] + job.todo)
    cols = ", ".join([pk] + [q(c) for c in job.columns])
    # The key range is repeated on the backup: PL/pgSQL caches a generic plan made while the
    # backup was empty, which otherwise scans the whole backup every batch (quadratic: 1M rows
    # took 11 min instead of ~40 s in benchmarks/backfill.py).
    body = [d.sql("batch_copy", backup=q(bak), columns=cols, table=t, where=where),
            f"UPDATE {t} SET {_assignments(ctx, job)} WHERE {rng} AND EXISTS (SELECT 1 FROM {q(bak)} "
            f"dbmig_b WHERE {_join(ctx, job, t)} AND {bak_rng})"]
    locks = [f"SELECT {pk} FROM {t} WHERE {where} FOR UPDATE"] if d.batch_rows_locked_apart else []
    start = _resume(ctx, job, bak)
    return _loop(ctx, job, "fwd", t, start, body, locks)


def pending_loop(ctx: Context, table: str, pk: str, assignments: str, pending: str, size: int,
                 what: str) -> list[str]:
    """Batches that update the rows still `pending`, with no backup: for fills whose rollback
    drops what they filled (a T3 expand copying into a new column). A rerun walks the keys
    again; `pending` skips the rows already done."""
    t, k = ctx.q(table), ctx.q(pk)
    job = Batched(table, pk, [re.sub(r"\W+", "_", what)], [], [f"({pending})"], size, None, what)
    body = [f"UPDATE {t} SET {assignments} WHERE {_range(ctx, k)} AND ({pending})"]
    return _loop(ctx, job, "fill", t, f"(SELECT MIN({k}) FROM {t}) - 1", body)


def _restore_loop(ctx: Context, job: Batched, bak: str) -> list[str]:
    d, pk, b = ctx.dialect, ctx.q(job.pk), ctx.q(bak)
    assign = ", ".join(d.sql("batch_assign", column=ctx.q(c)) for c in job.columns)
    body = [d.sql("batch_restore", table=ctx.q(job.table), backup=b, assign=assign,
                  join=_join(ctx, job, "dbmig_t"),
                  range=_range(ctx, f"dbmig_b.{pk}"))]
    # Restoring is idempotent: a rerun after an interruption simply starts over.
    return _loop(ctx, replace(job, guards=[], pause_ms=None), "undo", b, f"(SELECT MIN({pk}) FROM {b}) - 1", body)


def _var(ctx: Context, name: str) -> str:
    return ctx.dialect.sql("batch_var", name=name)


def _range(ctx: Context, key: str) -> str:
    """The current batch: keys after the last one done, up to this batch's last."""
    return f"{key} > {_var(ctx, 'dbmig_lo')} AND {key} <= {_var(ctx, 'dbmig_hi')}"


def _assignments(ctx: Context, job: Batched) -> str:
    return ", ".join(f"{ctx.q(c)} = {e}" for c, e in job.assignments)


def _loop(ctx: Context, job: Batched, kind: str, keys: str, start: str, body: list[str],
          locks: list[str] = ()) -> list[str]:
    """The dialect's loop around `body` (led by `locks`: queries whose rows the batch locks,
    where the copy cannot lock them itself); each statement inside is gated on its own, since
    the block as a whole is opaque to sqlglot."""
    d = ctx.dialect
    for sql in [*locks, *body, *(g.query for g in job.guards)]:
        sql = sql.replace(_var(ctx, "dbmig_lo"), "0").replace(_var(ctx, "dbmig_hi"), "1")
        check_statement(sql, d, job.what)
    guard = "".join(d.sql("batch_guard", query=g.query, message=d.literal(g.message)) for g in job.guards)
    pause = d.sql("batch_pause", seconds=f"{job.pause_ms / 1000:g}", delay=_delay(job.pause_ms)) if job.pause_ms else ""
    inner = [d.sql("batch_lock", select=s) for s in locks] + body
    return d.statements("batch_loop", proc=ctx.q(ctx.name(f"dbmig_{kind}", job.table, job.columns)),
                        pk=ctx.q(job.pk), keys=keys, start=start, size=str(job.size), guard=guard,
                        body="".join(d.sql("batch_statement", statement=s) for s in inner), pause=pause)


def _delay(ms: int) -> str:
    """hh:mm:ss.mmm, as SQL Server's WAITFOR DELAY takes it."""
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


# --- proofs and instructions -----------------------------------------------------------------

def _untouched(ctx: Context, job: Batched) -> Check:
    """Count and hash of the columns no change of the request writes: must not move."""
    d = ctx.dialect
    before = parse_schema(ctx.request.schema_sql, d.sqlglot).table(job.table)
    named = {n.lower() for ch in (ctx.request.changes or []) for n in _names_in(ch)}
    keep = [c.name for c in before.columns.values() if c.name.lower() not in named | {
        x.lower() for x in job.columns}] if before else [job.pk]
    return Check(f"count and hash of {job.table} ({', '.join(keep)}) unchanged",
                 d.sql("batch_hash", columns=ctx.qlist(keep), table=ctx.q(job.table)), [])


def _names_in(ch) -> list[str]:
    """Every column a change names (written, renamed, dropped): not 'untouched'."""
    names = [getattr(ch, k) for k in ("column", "new_name") if isinstance(getattr(ch, k, None), str)]
    column = getattr(ch, "column", None)
    names += [column.name] if hasattr(column, "name") else []
    return names + list(getattr(ch, "into", []) or []) + list(getattr(ch, "set", {}) or {})


def _estimate(ctx: Context, job: Batched) -> str:
    rows = ctx.rows(job.table)
    if rows is None:
        return (f"proportional to the rows of {job.table} (batched update); pass `table_rows` for a "
                "figure")
    batches = math.ceil(rows / job.size)
    facts = ctx.dialect.facts
    batched = facts.seconds(rows, "batched_update") + batches * (job.pause_ms or 0) / 1000
    single = facts.seconds(rows, "update")
    return f"{duration(batched)} ({batches:,} batches; one UPDATE: {duration(single)}, blocking writers)"


def _guide(ctx: Context, job: Batched, bak: str | None) -> dict[str, list[str]]:
    """`bak`: the backup table (None: the step keeps none, its rollback drops the columns)."""
    d, t, pk = ctx.dialect, ctx.q(job.table), ctx.q(job.pk)
    where = " AND ".join([f"{pk} > 0 AND {pk} <= {job.size}"] + job.todo)
    batch = f"SELECT {pk} FROM {t} WHERE {where}"       # how a batch finds its rows
    check_statement(batch, d, "EXPLAIN of a batch")
    explain, cancel = d.sql("batch_explain", statement=batch), d.sql("batch_cancel")
    resume = ("Resume: run the migration again (Flyway: `repair`, then `migrate`; Liquibase: `release-locks` "
              "if the process was killed, then `update`; Alembic: `upgrade head`): ")
    pause = f"Pause: {cancel}. The running batch rolls back; finished batches stay."
    if bak is None:
        execution = [f"Progress: {_count(ctx, job.table, job.todo)} (the rows still to do).", pause,
                     resume + "it walks the keys again and skips the rows already done."]
        after = {"post": [], "rollback": ["The rollback drops the columns this migration added, and their values."]}
    else:
        execution = [f"Progress: SELECT COUNT(*), MAX({pk}) FROM {ctx.q(bak)} vs SELECT MAX({pk}) FROM {t}.", pause,
                     resume + "it continues after the last finished batch (the highest key in its backup table), "
                     "no row is done twice."]
        after = {"post": [f"Once final, drop {bak}."],
                 "rollback": ["The rollback restores the original values from the backup tables in batches, then "
                              "drops them; app writes to those columns since the migration are overwritten."]}
    return {
        "pre": [f"{job.what}: a batch must find its rows by an index range scan on {job.pk}: {explain}"] + [
                f"Guard, checked by the migration before any batch (its query is in the script): "
                f"{g.message.removeprefix('dbmig guard: ')}." for g in job.guards],
        "execution": execution, **after}
