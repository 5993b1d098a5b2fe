from . import _pg, Example, Hit, rule


@rule(id="SQL005-unbatched-backfill", severity="warning", reason="lock", nodes=("UpdateStmt", "DeleteStmt"),
      message="This UPDATE/DELETE touches every row matching a broad condition in one statement: on a large "
              "table it holds row locks for the whole run, blocks writers and replication lags",
      safe_alternative="Process ~1000 rows per statement and commit between batches: `WHERE id IN (SELECT id "
                       "FROM t WHERE <cond> LIMIT 1000)` (PostgreSQL), `... LIMIT 1000` (MySQL), `UPDATE TOP "
                       "(1000)` (SQL Server) or a key range, repeated until no row is left.",
      ok=["UPDATE users SET plan = 'free' WHERE id = 42;",
          "UPDATE users SET plan = 'free' WHERE id IN (SELECT id FROM users WHERE plan IS NULL LIMIT 1000);",
          "UPDATE users SET plan = 'free' WHERE id >= 1000 AND id < 2000 AND plan IS NULL;",
          "UPDATE users SET plan = 'free' WHERE id = $1;",
          "DELETE FROM users WHERE id BETWEEN 1 AND 1000;",
          Example("UPDATE users SET plan = 'free' WHERE plan IS NULL LIMIT 1000;", database="mysql")],
      bad=["UPDATE users SET plan = 'free' WHERE plan IS NULL;",
           "DELETE FROM events WHERE created_at < now() - interval '90 days';"])
def check(view, ctx):
    if view.kind:
        where = view.pg.node.get("whereClause")
        if where is not None and not _selective_pg(where) and not ctx.is_new_table(view):
            yield Hit(0, f"{view.kind[:6].upper()} on {view.table} in one statement")
        return
    from sqlglot import exp
    tree = view.tree if view.startswith(r"UPDATE\b|DELETE\b") else None
    if not isinstance(tree, (exp.Update, exp.Delete)) or ctx.is_new_table(view):
        return
    where = tree.args.get("where")
    if where is None or tree.args.get("limit") or _selective(where.this):
        return
    yield Hit(0, f"{tree.key.upper()} on {view.table} in one statement")


def _selective(cond) -> bool:
    """Targets a few rows or one batch: equality/IN with literals, a key range, a LIMITed subquery."""
    from sqlglot import exp
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


def _literal_side(p) -> bool:
    from sqlglot import exp
    if isinstance(p, exp.Between):
        return True
    if isinstance(p, exp.In):
        return bool(p.expressions) and all(isinstance(e, (exp.Literal, exp.Placeholder)) for e in p.expressions)
    return any(isinstance(side, (exp.Literal, exp.Placeholder)) for side in (p.this, p.expression))


# --- PostgreSQL, from the parse tree -----------------------------------------------------------

_VALUE = ("A_Const", "ParamRef", "TypeCast")


def _selective_pg(cond: dict) -> bool:
    """Targets a few rows or one batch: `=`/IN/BETWEEN with values, a key range, a LIMITed subquery."""
    bool_expr = cond.get("BoolExpr", {})
    preds = bool_expr["args"] if bool_expr.get("boolop") == "AND_EXPR" else [cond]
    lower, upper = set(), set()
    for p in preds:
        expr = p.get("A_Expr", {})
        kind, op = expr.get("kind"), "".join(_pg.svals(expr.get("name")))
        if kind in ("AEXPR_OP", "AEXPR_IN") and op in ("=", "") or kind == "AEXPR_BETWEEN":
            if _values(expr.get("rexpr")) or _values(expr.get("lexpr")):
                return True
        sub = p.get("SubLink", {})
        if sub.get("subLinkType") == "ANY_SUBLINK" and sub.get("subselect", {}).get("SelectStmt", {}).get("limitCount"):
            return True
        column = _pg.svals(expr.get("lexpr", {}).get("ColumnRef", {}).get("fields"))
        if kind == "AEXPR_OP" and op in (">", ">=", "<", "<=") and column:
            (lower if op.startswith(">") else upper).add(column[-1].lower())
    return bool(lower & upper)


def _values(node: dict | None) -> bool:
    items = node.get("List", {}).get("items", []) if node and "List" in node else [node] if node else []
    return bool(items) and all(any(k in i for k in _VALUE) for i in items)
