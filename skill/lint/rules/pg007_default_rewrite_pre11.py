from . import Example, Hit, rule


@rule(id="PG007-default-rewrite-pre-11", severity="warning", reason="rewrite", databases=("postgresql",),
      until={"postgresql": "11"}, nodes=("AlterTableStmt.AT_AddColumn",),
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
    for col in view.new_columns:
        if col.default and not _is_null(col.default):
            version = ".".join(map(str, ctx.version or ()))
            yield Hit(col.offset, f"{view.table}.{col.name} with a DEFAULT on PostgreSQL {version}")


def _is_null(expr: dict) -> bool:
    """NULL, or NULL cast to a type."""
    expr = expr.get("TypeCast", {}).get("arg", expr)
    return bool(expr.get("A_Const", {}).get("isnull"))
