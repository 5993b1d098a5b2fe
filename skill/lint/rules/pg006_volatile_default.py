from functools import partial

from ...dialects.volatility import volatile_function
from . import Example, Hit, rule

# Which functions are volatile is PostgreSQL's fact (data/postgresql_non_volatile.txt, from
# pg_proc): the planner decides rewrites with the same list, so plan, explain and lint agree.
# Read from dialects.facts, not the dialect class: a validate process then never loads sqlglot.
_VOLATILE = partial(volatile_function, "postgresql")


@rule(id="PG006-volatile-default", severity="warning", reason="rewrite", databases=("postgresql",),
      since={"postgresql": "11"}, nodes=("AlterTableStmt.AT_AddColumn",),
      message="A column added with a volatile default (clock_timestamp(), random(), gen_random_uuid(), "
              "nextval()/serial, identity) rewrites the whole table under ACCESS EXCLUSIVE: no reads or writes "
              "until it finishes. Constant and stable defaults such as now() are catalog-only on PostgreSQL 11+",
      safe_alternative="Add the column without a default (or with a constant one), set the volatile default with "
                       "ALTER COLUMN ... SET DEFAULT (affects new rows only), then backfill old rows in batches.",
      ok=["ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT now();",
          "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';",
          "ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();",
          "ALTER TABLE orders ADD COLUMN note text DEFAULT 'random()';",
          "ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT CURRENT_TIMESTAMP;"],
      bad=["ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT clock_timestamp();",
           "ALTER TABLE orders ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();",
           "ALTER TABLE orders ADD COLUMN seq bigserial;",
           Example("ALTER TABLE orders ADD COLUMN score float DEFAULT random();", version="15"),
           "ALTER TABLE orders ADD COLUMN id2 bigint GENERATED ALWAYS AS IDENTITY;"])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for col in view.new_columns:
        what = col.volatile(_VOLATILE)
        if what:
            yield Hit(col.offset, f"{view.table}.{col.name} defaults to {what}")

