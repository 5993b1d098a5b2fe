import re

from . import IDENT, Example, Hit, rule

_MODIFY = re.compile(rf"(?:MODIFY|CHANGE)\s+(?:COLUMN\s+)?({IDENT})")


@rule(id="MY004-modify-column", severity="warning", reason="rewrite", databases=("mysql",),
      message="MODIFY/CHANGE COLUMN that changes the type (or NULL-ness) rebuilds the table, and most type "
              "changes (e.g. INT to BIGINT, also on MariaDB 10.11) are COPY-only: writes blocked for the whole copy",
      safe_alternative="Add a new column, backfill in batches, switch the app, drop the old column; or use "
                       "gh-ost / pt-online-schema-change. Only extending a VARCHAR within the same length-byte "
                       "range is in-place.",
      ok=[Example("ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';", database="mysql")],
      bad=[Example("ALTER TABLE orders MODIFY COLUMN id BIGINT NOT NULL AUTO_INCREMENT;", database="mysql"),
           Example("ALTER TABLE orders CHANGE amount amount DECIMAL(12,2) NOT NULL;", database="mysql")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, clause in view.clauses:
        m = _MODIFY.match(clause)
        if m:
            yield Hit(off, f"{view.table}.{m.group(1).strip('`').lower()}")
