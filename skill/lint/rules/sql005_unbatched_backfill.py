from sqlglot import exp

from . import Example, Hit, rule


@rule(id="SQL005-unbatched-backfill", severity="warning", reason="lock",
      message="This UPDATE/DELETE touches every row matching a broad condition in one statement: on a large "
              "table it holds row locks for the whole run, blocks writers and replication lags",
      safe_alternative="Process ~1000 rows per statement and commit between batches: `WHERE id IN (SELECT id "
                       "FROM t WHERE <cond> LIMIT 1000)` (PostgreSQL), `... LIMIT 1000` (MySQL), `UPDATE TOP "
                       "(1000)` (SQL Server) or a key range, repeated until no row is left.",
      ok=["UPDATE users SET plan = 'free' WHERE id = 42;",
          "UPDATE users SET plan = 'free' WHERE id IN (SELECT id FROM users WHERE plan IS NULL LIMIT 1000);",
          "UPDATE users SET plan = 'free' WHERE id >= 1000 AND id < 2000 AND plan IS NULL;",
          Example("UPDATE users SET plan = 'free' WHERE plan IS NULL LIMIT 1000;", database="mysql")],
      bad=["UPDATE users SET plan = 'free' WHERE plan IS NULL;",
           "DELETE FROM events WHERE created_at < now() - interval '90 days';"])
def check(view, ctx):
    tree = view.tree if view.startswith(r"UPDATE\b|DELETE\b") else None
    if not isinstance(tree, (exp.Update, exp.Delete)) or ctx.is_new_table(view):
        return
    where = tree.args.get("where")
    if where is None or tree.args.get("limit") or _selective(where.this):
        return
    yield Hit(0, f"{tree.key.upper()} on {view.table} in one statement")


def _selective(cond: exp.Expression) -> bool:
    """Targets a few rows or one batch: equality/IN with literals, a key range, a LIMITed subquery."""
    preds = list(cond.flatten()) if isinstance(cond, exp.And) else [cond]
    lower, upper = set(), set()
    for p in preds:
        p = p.unnest()
        if isinstance(p, (exp.EQ, exp.In, exp.Between)) and _literal_side(p):
            return True
        if isinstance(p, exp.In) and p.args.get("query") is not None and p.find(exp.Limit):
            return True
        if isinstance(p, (exp.GT, exp.GTE, exp.LT, exp.LTE)) and isinstance(p.this, exp.Column):
            if p.this.name.lower() == "rownum":
                return True     # Oracle batches with ROWNUM <= n
            (lower if isinstance(p, (exp.GT, exp.GTE)) else upper).add(p.this.name.lower())
    return bool(lower & upper)


def _literal_side(p: exp.Expression) -> bool:
    if isinstance(p, exp.Between):
        return True
    if isinstance(p, exp.In):
        return bool(p.expressions) and all(isinstance(e, (exp.Literal, exp.Placeholder)) for e in p.expressions)
    return any(isinstance(side, (exp.Literal, exp.Placeholder)) for side in (p.this, p.expression))
