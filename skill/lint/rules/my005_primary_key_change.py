from ...sources import lazy_re
from . import IDENT, Example, Hit, rule

_PK = lazy_re(rf"(?:ADD|DROP)\s+(?:CONSTRAINT\s+{IDENT}\s+)?PRIMARY\s+KEY\b")


@rule(id="MY005-primary-key-change", severity="warning", reason="rewrite", databases=("mysql",),
      message="Adding or dropping a PRIMARY KEY rebuilds the whole InnoDB table (the clustered index); dropping "
              "it without adding one is COPY-only and blocks writes",
      safe_alternative="Do it with gh-ost / pt-online-schema-change, or in a maintenance window; always drop "
                       "and add the primary key in the same ALTER TABLE.",
      ok=[Example("ALTER TABLE orders ADD UNIQUE INDEX orders_ref_key (ref), ALGORITHM=INPLACE, LOCK=NONE;",
                  database="mysql")],
      bad=[Example("ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id, created_at);", database="mysql")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, clause in view.clauses:
        if _PK.match(clause):
            yield Hit(off, f"{view.table}: {' '.join(clause.split()[:3]).lower()}")
            return
