from . import Example, Hit, rule


@rule(id="SQL002-opaque-statement", severity="info", reason="unchecked", databases=("mysql", "sqlserver", "oracle"),
      message="sqlglot reads this statement only as an opaque command and dbmig has no pattern for it, so "
              "it was not checked for locks or rewrites",
      safe_alternative="Review the statement by hand (lock taken, rewrite, duration); prefer forms sqlglot "
                       "parses where the database offers one.",
      ok=[Example("ALTER TABLE orders ADD COLUMN note TEXT;", database="mysql"), Example("SELECT 1;", database="mysql")],
      bad=[Example("FLUSH TABLES;", database="mysql")])
def check(view, ctx):
    if view.stmt.synthetic or view.understood():
        return
    from sqlglot import exp
    if isinstance(view.tree, exp.Command) or type(view.tree).__name__ in _BARE:
        yield Hit(0, f"opaque {view.head.split(' ')[0]} statement")


# sqlglot reads some unknown statements as a bare expression (`LISTEN x` as a column aliased x).
_BARE = {"Alias", "Column", "Identifier", "Literal", "Paren", "Tuple", "Var"}
