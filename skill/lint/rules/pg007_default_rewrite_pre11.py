import re

from . import Example, Hit, added_columns, column_default, rule


@rule(id="PG007-default-rewrite-pre-11", severity="warning", reason="rewrite", databases=("postgresql",),
      until={"postgresql": "11"},
      message="Before PostgreSQL 11, adding a column with any non-NULL DEFAULT rewrites the whole table under "
              "ACCESS EXCLUSIVE (no reads or writes until it finishes)",
      safe_alternative="Add the column without a default, then ALTER COLUMN ... SET DEFAULT (new rows only), "
                       "and backfill existing rows in batches; or upgrade to PostgreSQL 11+, where constant "
                       "defaults are catalog-only.",
      ok=[Example("ALTER TABLE orders ADD COLUMN status text;", version="10"),
          Example("ALTER TABLE orders ADD COLUMN note text DEFAULT NULL;", version="10")],
      bad=[Example("ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';", version="10"),
           Example("ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT now();", version="9.6")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, definition in added_columns(view):
        default = column_default(definition)
        if default and not re.fullmatch(r"NULL(?:::\w+)?", default):
            version = ".".join(map(str, ctx.version or ()))
            yield Hit(off, f"{view.table}.{definition.split()[0].lower()} with a DEFAULT on PostgreSQL {version}")
