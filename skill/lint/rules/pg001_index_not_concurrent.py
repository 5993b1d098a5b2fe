from . import Example, Hit, rule


@rule(id="PG001-index-not-concurrent", severity="warning", reason="lock", databases=("postgresql",),
      nodes=("IndexStmt",),
      message="CREATE INDEX without CONCURRENTLY takes a SHARE lock: every INSERT, UPDATE and DELETE on the "
              "table waits for the whole index build (and queued app threads soon stall the application)",
      safe_alternative="CREATE INDEX CONCURRENTLY outside a transaction (Flyway: `.sql.conf` with "
                       "executeInTransaction=false; Liquibase: runInTransaction=\"false\"; Alembic: "
                       "autocommit_block), and check for an INVALID index if it fails.",
      ok=["CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);",
          "CREATE TABLE items (id bigint, order_id bigint);\nCREATE INDEX items_order_idx ON items (order_id);",
          "-- CREATE INDEX orders_x_idx ON orders (x);\nSELECT 'CREATE INDEX orders_y_idx ON orders (y)';",
          # the partitioned table's own index: it holds no rows (each partition's is built CONCURRENTLY)
          Example("CREATE INDEX event_kind_idx ON ONLY event (kind);", schema="CREATE TABLE event (id bigint, "
                  "kind text, at date) PARTITION BY RANGE (at);")],
      bad=["CREATE INDEX orders_customer_idx ON orders (customer_id);",
           Example("SET lock_timeout = '5s';\nCREATE UNIQUE INDEX orders_ref_key ON orders USING btree (ref);"
                   "  -- [bad]"),
           'CREATE INDEX "Orders_idx" ON "Orders" ("CustomerId");'])
def check(view, ctx):
    node = view.pg.node
    only = not node["relation"].get("inh")
    if not node.get("concurrent") and not ctx.is_new_table(view) and not (only and ctx.is_partitioned(view.table)):
        yield Hit(0, f"index on {view.table}")
