import re

from ...dialects.postgresql import POSTGRESQL
from . import Example, Hit, added_columns, column_default, rule

# Which functions are volatile is the PostgreSQL dialect's fact (data/postgresql_non_volatile.txt,
# from pg_proc): the planner decides rewrites with the same list, so plan and lint agree.
_SERIAL = re.compile(r"^\S+\s+(?:SMALL|BIG)?SERIAL\d?\b|\bGENERATED\s+(?:ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b")


@rule(id="PG006-volatile-default", severity="warning", reason="rewrite", databases=("postgresql",),
      since={"postgresql": "11"},
      message="A column added with a volatile default (clock_timestamp(), random(), gen_random_uuid(), "
              "nextval()/serial, identity) rewrites the whole table under ACCESS EXCLUSIVE: no reads or writes "
              "until it finishes. Constant and stable defaults such as now() are catalog-only on PostgreSQL 11+",
      safe_alternative="Add the column without a default (or with a constant one), set the volatile default with "
                       "ALTER COLUMN ... SET DEFAULT (affects new rows only), then backfill old rows in batches.",
      ok=["ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT now();",
          "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';",
          "ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();"],
      bad=["ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT clock_timestamp();",
           "ALTER TABLE orders ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();",
           "ALTER TABLE orders ADD COLUMN seq bigserial;",
           Example("ALTER TABLE orders ADD COLUMN score float DEFAULT random();", version="15")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, definition in added_columns(view):
        default = column_default(definition)
        volatile = POSTGRESQL.volatile_calls(default) if default else []
        if volatile or _SERIAL.search(definition):
            what = ", ".join(volatile) or "a sequence/identity"
            yield Hit(off, f"{view.table}.{definition.split()[0].lower()} defaults to {what}")

