from ...sources import lazy_re
from . import _mysql, IDENT, Example, Hit, added_columns, rule

_POSITION = lazy_re(rf"\b(?:AFTER\s+{IDENT}|FIRST)\s*$")


@rule(id="MY010-column-position", severity="warning", reason="rewrite", databases=("mysql",),
      message="ADD COLUMN ... AFTER/FIRST cannot be instant before MySQL 8.0.29 (MariaDB 10.4): InnoDB rebuilds "
              "the whole table in place, which takes as long as a copy, needs the space, and lags replicas",
      safe_alternative="Add the column at the end (instant: MySQL 8.0.12+, MariaDB 10.3+) with "
                       "ALGORITHM=INSTANT so the server refuses rather than rebuilds; column order rarely matters "
                       "to an application that names its columns.",
      ok=[Example("ALTER TABLE orders ADD COLUMN note TEXT AFTER status, ALGORITHM=INSTANT;", database="mysql",
                  version="8.0.29"),
          Example("ALTER TABLE orders ADD COLUMN note TEXT AFTER status;", database="mysql", version="10.6"),
          Example("ALTER TABLE orders ADD COLUMN note TEXT;", database="mysql", version="8.0.20")],
      bad=[Example("ALTER TABLE orders ADD COLUMN note TEXT AFTER status;", database="mysql", version="8.0.28"),
           Example("ALTER TABLE orders ADD COLUMN note TEXT FIRST;", database="mysql", version="10.3"),
           Example("ALTER TABLE orders ADD COLUMN note TEXT AFTER status, ALGORITHM=INSTANT;", database="mysql",
                   version="5.7")])
def check(view, ctx):
    supported = ctx.at_least(10, 4) if ctx.mariadb else ctx.at_least(8, 0, 29)
    if supported or ctx.is_new_table(view):
        return
    algorithm, _ = _mysql.online(view)
    fails = "; ALGORITHM=INSTANT is refused: the migration fails" if algorithm == "INSTANT" else ""
    for off, definition in added_columns(view):
        if _POSITION.search(definition):
            yield Hit(off, f"{view.table}.{definition.split()[0].strip('`').lower()} placed by AFTER/FIRST{fails}")
