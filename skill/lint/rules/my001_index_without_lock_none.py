from ...sources import lazy_re
from . import Example, Hit, rule

# FULLTEXT and SPATIAL indexes have no LOCK=NONE form: MY009.
_ADD_INDEX = lazy_re(r"ADD\s+(?:UNIQUE\s+)?(?:INDEX|KEY)\b|ADD\s+(?:CONSTRAINT\s+\S+\s+)?UNIQUE\b")


@rule(id="MY001-index-without-lock-none", severity="info", reason="lock", databases=("mysql",),
      message="Adding an index without `ALGORITHM=INPLACE, LOCK=NONE`: InnoDB usually builds it online, but "
              "if it cannot, it silently falls back to a locking algorithm instead of failing",
      safe_alternative="State the online form so MySQL/MariaDB refuses rather than blocks: `ALTER TABLE t ADD "
                       "INDEX i (c), ALGORITHM=INPLACE, LOCK=NONE`.",
      ok=[Example("ALTER TABLE orders ADD INDEX orders_customer_idx (customer_id), ALGORITHM=INPLACE, LOCK=NONE;",
                  database="mysql")],
      bad=[Example("CREATE INDEX orders_customer_idx ON orders (customer_id);", database="mysql"),
           Example("ALTER TABLE orders ADD INDEX orders_customer_idx (customer_id);", database="mysql")])
def check(view, ctx):
    if ctx.is_new_table(view) or view.search(r"\bLOCK\s*=?\s*NONE\b"):
        return
    if view.startswith(r"CREATE\s+(?:UNIQUE\s+)?INDEX\b"):
        yield Hit(0, f"index on {view.table}")
    for off, clause in view.clauses:
        if _ADD_INDEX.match(clause):
            yield Hit(off, f"index on {view.table}")
