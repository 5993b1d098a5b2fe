from ...sources import lazy_re
from . import Example, Hit, rule

_CONVERT = lazy_re(r"CONVERT\s+TO\s+(?:CHARACTER\s+SET|CHARSET)\b")


@rule(id="MY008-convert-charset", severity="warning", reason="rewrite", databases=("mysql",),
      message="CONVERT TO CHARACTER SET re-encodes every row: a full table copy during which writes are "
              "blocked (no in-place or online form), and indexed VARCHARs may no longer fit the index length",
      safe_alternative="Convert with gh-ost / pt-online-schema-change, or column by column in a maintenance "
                       "window; `ALTER TABLE t CHARACTER SET x` alone only changes the default for new columns.",
      ok=[Example("ALTER TABLE orders CHARACTER SET utf8mb4;", database="mysql"),
          Example("ALTER TABLE orders ADD COLUMN note TEXT CHARACTER SET utf8mb4, ALGORITHM=INSTANT;",
                  database="mysql")],
      bad=[Example("ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;", database="mysql"),
           Example("ALTER TABLE `orders` CONVERT TO CHARSET utf8mb4;", database="mysql", version="10.11")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, clause in view.clauses:
        if _CONVERT.match(clause):
            yield Hit(off, f"{view.table} converted")
