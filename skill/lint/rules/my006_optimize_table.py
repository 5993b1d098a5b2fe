from . import Example, Hit, rule


@rule(id="MY006-optimize-table", severity="warning", reason="rewrite", databases=("mysql",),
      message="OPTIMIZE TABLE rebuilds the whole table (InnoDB: ALTER TABLE ... FORCE); it is only partly "
              "online and needs space for a full copy",
      safe_alternative="Run it outside the migration in a quiet period, or with pt-online-schema-change / "
                       "gh-ost using a no-op alter.",
      ok=[Example("ANALYZE TABLE orders;", database="mysql")],
      bad=[Example("OPTIMIZE TABLE orders;", database="mysql")])
def check(view, ctx):
    if view.startswith(r"OPTIMIZE\s+(?:NO_WRITE_TO_BINLOG\s+|LOCAL\s+)?TABLE\b"):
        yield Hit(0, f"OPTIMIZE TABLE {view.table or ''}".strip())
