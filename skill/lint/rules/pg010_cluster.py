from . import Hit, rule


@rule(id="PG010-cluster", severity="warning", reason="rewrite", databases=("postgresql",), nodes=("ClusterStmt",),
      message="CLUSTER rewrites the table in index order under ACCESS EXCLUSIVE: no reads or writes until it "
              "ends",
      safe_alternative="Use pg_repack --order-by to reorder online, or accept the downtime in a maintenance "
                       "window outside the migration.",
      ok=["ANALYZE orders;"],
      bad=["CLUSTER orders USING orders_created_idx;"])
def check(view, ctx):
    yield Hit(0, f"CLUSTER {view.table or ''}".strip())
