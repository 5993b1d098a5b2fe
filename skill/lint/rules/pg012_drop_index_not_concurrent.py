from . import _pg, Example, Hit, rule


@rule(id="PG012-drop-index-not-concurrent", severity="warning", reason="lock", databases=("postgresql",),
      nodes=("DropStmt",),
      message="DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table: it waits behind running "
              "queries and blocks all reads and writes queued after it",
      safe_alternative="DROP INDEX CONCURRENTLY (outside a transaction), with lock_timeout set.",
      ok=["DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;", "DROP TABLE IF EXISTS tmp_x;",
          # a partitioned table's index has no CONCURRENTLY form (PG025 says so)
          Example("DROP INDEX event_kind_idx;", schema="CREATE TABLE event (id bigint, kind text, at date) "
                  "PARTITION BY RANGE (at);\nCREATE INDEX event_kind_idx ON event (kind);")],
      bad=["DROP INDEX orders_customer_idx;", 'DROP INDEX IF EXISTS "public"."Orders_idx";'])
def check(view, ctx):
    node = view.pg.node
    if node.get("removeType") == "OBJECT_INDEX" and not node.get("concurrent") \
            and not any(ctx.is_partitioned(ctx.indexes.get(name, ("",))[0]) for name in _pg.dropped_names(node)):
        yield Hit(0)
