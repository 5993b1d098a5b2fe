from sqlglot import exp

from . import Hit, rule


@rule(id="SQL002-opaque-statement", severity="info", reason="unchecked",
      message="sqlglot reads this statement only as an opaque command and dbmig has no pattern for it, so "
              "it was not checked for locks or rewrites",
      safe_alternative="Review the statement by hand (lock taken, rewrite, duration); prefer forms sqlglot "
                       "parses where the database offers one.",
      ok=["ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;", "SELECT 1;"],
      bad=["LISTEN order_events;"])
def check(view, ctx):
    if view.stmt.synthetic or view.understood():
        return
    if isinstance(view.tree, exp.Command) or type(view.tree) in _BARE:
        yield Hit(0, f"opaque {view.head.split(' ')[0]} statement")


# sqlglot reads some unknown statements as a bare expression (`LISTEN x` as a column aliased x).
_BARE = (exp.Alias, exp.Column, exp.Identifier, exp.Literal, exp.Paren, exp.Tuple, exp.Var)
