from . import Example, Hit, rule


@rule(id="MS001-index-not-online", severity="warning", reason="lock", databases=("sqlserver",),
      message="Building or rebuilding an index without ONLINE = ON holds a lock that blocks writes (and, for "
              "a clustered index, reads) on the table for the whole build",
      safe_alternative="Add `WITH (ONLINE = ON)` (Enterprise/Azure SQL; add RESUMABLE = ON on 2019+ for large "
                       "tables); on editions without online builds, schedule a maintenance window.",
      ok=[Example("CREATE INDEX orders_customer_idx ON dbo.orders (customer_id) WITH (ONLINE = ON);",
                  database="sqlserver")],
      bad=[Example("CREATE NONCLUSTERED INDEX orders_customer_idx ON dbo.orders (customer_id);", database="sqlserver"),
           Example("ALTER INDEX orders_customer_idx ON dbo.orders REBUILD;", database="sqlserver")])
def check(view, ctx):
    if view.search(r"\bONLINE\s*=\s*ON\b") or ctx.is_new_table(view):
        return
    if view.startswith(r"CREATE\s+(?:UNIQUE\s+)?(?:(?:NON)?CLUSTERED\s+)?INDEX\b") or \
            view.startswith(r"ALTER\s+INDEX\b.*\bREBUILD\b"):
        yield Hit(0, f"index on {view.table or 'a table'}")
