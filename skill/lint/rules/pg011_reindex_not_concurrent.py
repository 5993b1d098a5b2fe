from . import Hit, rule


@rule(id="PG011-reindex-not-concurrent", severity="warning", reason="lock", databases=("postgresql",),
      message="REINDEX without CONCURRENTLY blocks writes to the table (and reads that use the index) for the "
              "whole rebuild",
      safe_alternative="REINDEX ... CONCURRENTLY outside a transaction (PostgreSQL 12+); before 12, CREATE INDEX "
                       "CONCURRENTLY a copy, then drop the old index and rename.",
      ok=["REINDEX INDEX CONCURRENTLY orders_customer_idx;"],
      bad=["REINDEX TABLE orders;"])
def check(view, ctx):
    if view.startswith(r"REINDEX\b") and not view.search(r"\bCONCURRENTLY\b"):
        yield Hit(0)
