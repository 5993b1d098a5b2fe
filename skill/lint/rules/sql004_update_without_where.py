from . import Hit, rule


@rule(id="SQL004-update-without-where", severity="warning", reason="lock",
      nodes=("UpdateStmt",),
      message="UPDATE without WHERE rewrites every row in one transaction: all rows stay locked until commit, "
              "the table bloats by its own size, and the old values are gone",
      safe_alternative="Backfill in batches of ~1000 rows by key range (`WHERE id > :last AND id <= :last + "
                       "1000`), committing each batch; keep a copy of the old values if they matter.",
      ok=["UPDATE users SET plan = 'free' WHERE id BETWEEN 1 AND 1000;"],
      bad=["UPDATE users SET plan = 'free';"])
def check(view, ctx):
    if view.kind:
        if "whereClause" not in view.pg.node and not ctx.is_new_table(view):
            yield Hit(0, f"UPDATE {view.table}")
        return
    if view.startswith(r"UPDATE\b") and not view.search(r"\bWHERE\b") and not ctx.is_new_table(view):
        yield Hit(0, f"UPDATE {view.table}")
