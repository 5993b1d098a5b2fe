from . import Hit, rule


@rule(id="PG012-drop-index-not-concurrent", severity="warning", reason="lock", databases=("postgresql",),
      nodes=("DropStmt",),
      message="DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table: it waits behind running "
              "queries and blocks all reads and writes queued after it",
      safe_alternative="DROP INDEX CONCURRENTLY (outside a transaction), with lock_timeout set.",
      ok=["DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;", "DROP TABLE IF EXISTS tmp_x;"],
      bad=["DROP INDEX orders_customer_idx;", 'DROP INDEX IF EXISTS "public"."Orders_idx";'])
def check(view, ctx):
    node = view.pg.node
    if node.get("removeType") == "OBJECT_INDEX" and not node.get("concurrent"):
        yield Hit(0)
