from . import _pg, Hit, rule


@rule(id="SQL006-truncate", severity="error", reason="data loss", nodes=("TruncateStmt",),
      message="TRUNCATE deletes every row at once under an exclusive table lock (PostgreSQL ACCESS EXCLUSIVE, "
              "MySQL metadata lock); the data cannot be rolled back on MySQL, SQL Server outside a transaction, "
              "or Oracle",
      safe_alternative="Back up the table first (`CREATE TABLE t_backup AS SELECT * FROM t`), and delete in "
                       "batches if the table is live; truncate only tables created for this migration.",
      ok=["DELETE FROM staging_import WHERE batch_id = 7;",
          "CREATE TABLE staging (id bigint);\nTRUNCATE staging;"],
      bad=["TRUNCATE TABLE audit_log;", "TRUNCATE orders, order_items CASCADE;"])
def check(view, ctx):
    if view.kind:
        tables = [_pg.relname(r.get("RangeVar")) for r in view.pg.node.get("relations", ())]
        if not all(t in ctx.created_tables for t in tables):
            cascade = " CASCADE (and every table referencing them)" if view.pg.node.get("behavior") == "DROP_CASCADE" else ""
            yield Hit(0, f"TRUNCATE {', '.join(tables)}{cascade}")
        return
    if view.startswith(r"TRUNCATE\b") and not ctx.is_new_table(view):
        yield Hit(0, f"TRUNCATE {view.table}")
