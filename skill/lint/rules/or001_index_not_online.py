from . import Example, Hit, rule


@rule(id="OR001-index-not-online", severity="warning", reason="lock", databases=("oracle",),
      message="CREATE INDEX (or ALTER INDEX ... REBUILD) without ONLINE locks the table against DML for the "
              "whole build",
      safe_alternative="Add the ONLINE keyword (`CREATE INDEX i ON t (c) ONLINE`), which lets DML continue "
                       "(Enterprise Edition).",
      ok=[Example("CREATE INDEX orders_customer_idx ON orders (customer_id) ONLINE;", database="oracle")],
      bad=[Example("CREATE INDEX orders_customer_idx ON orders (customer_id);", database="oracle"),
           Example("ALTER INDEX orders_customer_idx REBUILD;", database="oracle")])
def check(view, ctx):
    if view.search(r"\bONLINE\b") or ctx.is_new_table(view):
        return
    if view.startswith(r"CREATE\s+(?:UNIQUE\s+|BITMAP\s+)?INDEX\b|ALTER\s+INDEX\b.*\bREBUILD\b"):
        yield Hit(0, f"index on {view.table or 'a table'}")
