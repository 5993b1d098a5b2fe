import re

from ...sources import lazy_re
from . import Example, Hit, added_columns, rule

_STORED = lazy_re(r"\bAS\s*\(.*\)\s*(?:STORED|PERSISTED)\b", re.S)


@rule(id="SQL013-stored-generated-column", severity="warning", reason="rewrite",
      databases=("postgresql", "mysql", "sqlserver"),
      nodes=("AlterTableStmt.AT_AddColumn",),
      message="Adding a STORED (PERSISTED) generated column computes it for every row: a full table rewrite "
              "under an exclusive lock (PostgreSQL ACCESS EXCLUSIVE; MySQL COPY algorithm)",
      safe_alternative="Add a plain nullable column, fill it in batches (plus a trigger for new rows), or use a "
                       "VIRTUAL generated column / expression index where the database offers one.",
      ok=["ALTER TABLE orders ADD COLUMN total_cents bigint;",
          Example("ALTER TABLE orders ADD COLUMN total_cents BIGINT AS (total * 100) VIRTUAL;", database="mysql")],
      bad=["ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (total * 100) STORED;",
           Example("ALTER TABLE orders ADD COLUMN total_cents BIGINT AS (total * 100) STORED;", database="mysql"),
           Example("ALTER TABLE orders ADD total_cents AS (total * 100) PERSISTED;", database="sqlserver")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for col in view.new_columns:
        if any(c["contype"] == "CONSTR_GENERATED" and c.get("generated_kind", "s") == "s" for c in col.constraints):
            yield Hit(col.offset, f"{view.table}.{col.name}")
    for off, definition in ([] if view.kind else added_columns(view)):
        if _STORED.search(definition):
            yield Hit(off, f"{view.table}.{definition.split()[0].lower()}")
