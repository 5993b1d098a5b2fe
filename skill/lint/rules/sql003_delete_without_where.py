from . import Hit, rule


@rule(id="SQL003-delete-without-where", severity="error", reason="data loss",
      nodes=("DeleteStmt",),
      message="DELETE without WHERE removes every row of the table in one statement, with row locks on all "
              "of them until commit; nothing can bring the rows back",
      safe_alternative="Add the WHERE clause you meant; to empty a table on purpose, back it up first and delete "
                       "in batches of ~1000 rows, or drop it in a later contract phase.",
      ok=["DELETE FROM sessions WHERE expires_at < now() AND id BETWEEN 1 AND 1000;"],
      bad=["DELETE FROM sessions;"])
def check(view, ctx):
    if view.kind:
        if "whereClause" not in view.pg.node and not ctx.is_new_table(view):
            yield Hit(0, f"DELETE FROM {view.table}")
        return
    if view.startswith(r"DELETE\b") and not view.search(r"\bWHERE\b") and not ctx.is_new_table(view):
        yield Hit(0, f"DELETE FROM {view.table}")
