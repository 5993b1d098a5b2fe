from . import _pg, Example, Hit, rule


@rule(id="PG011-reindex-not-concurrent", severity="warning", reason="lock", databases=("postgresql",),
      nodes=("ReindexStmt",),
      message="REINDEX without CONCURRENTLY blocks writes to the table (and reads that use the index) for the "
              "whole rebuild",
      safe_alternative="REINDEX ... CONCURRENTLY outside a transaction (PostgreSQL 12+); before 12, CREATE INDEX "
                       "CONCURRENTLY a copy, then drop the old index and rename.",
      ok=["REINDEX INDEX CONCURRENTLY orders_customer_idx;", "REINDEX (CONCURRENTLY) TABLE orders;",
          "REINDEX (VERBOSE, CONCURRENTLY true) INDEX orders_customer_idx;"],
      bad=["REINDEX TABLE orders;", "REINDEX (CONCURRENTLY false) TABLE orders;",
           Example("REINDEX (VERBOSE) INDEX orders_customer_idx;", version="11")])
def check(view, ctx):
    if not _pg.option(view.pg.node.get("params"), "concurrently"):
        yield Hit(0, f"REINDEX {view.table or view.pg.node.get('name') or ''}".strip())
