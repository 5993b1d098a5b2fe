from . import Hit, rule


@rule(id="PG012-drop-index-not-concurrent", severity="warning", reason="lock", databases=("postgresql",),
      message="DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table: it waits behind running "
              "queries and blocks all reads and writes queued after it",
      safe_alternative="DROP INDEX CONCURRENTLY (outside a transaction), with lock_timeout set.",
      ok=["DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;"],
      bad=["DROP INDEX orders_customer_idx;"])
def check(view, ctx):
    if view.startswith(r"DROP\s+INDEX\b") and not view.search(r"\bCONCURRENTLY\b"):
        yield Hit(0)
