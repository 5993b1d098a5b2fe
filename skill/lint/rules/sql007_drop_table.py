from . import _pg, Hit, rule


@rule(id="SQL007-drop-table", severity="warning", reason="data loss", rollback=False,
      nodes=("DropStmt",),
      message="DROP TABLE destroys the table and its data, and every running app version that still reads or "
              "writes it starts failing",
      safe_alternative="Stop all reads and writes in the app first and deploy that; rename the table aside or "
                       "back it up, then drop it in a later contract migration once nothing uses it.",
      ok=["CREATE TABLE tmp_ids (id bigint);\nDROP TABLE tmp_ids;"],
      bad=["DROP TABLE legacy_orders;"])
def check(view, ctx):
    if view.kind:
        node = view.pg.node
        if node.get("removeType") == "OBJECT_TABLE":
            tables = _pg.dropped_names(node)
            dropped = [t for t in tables if t not in ctx.created_tables]
            if dropped:
                yield Hit(0, f"DROP TABLE {', '.join(dropped)}")
        return
    if view.startswith(r"DROP\s+TABLE\b") and not ctx.is_new_table(view):
        yield Hit(0, f"DROP TABLE {view.table}")
