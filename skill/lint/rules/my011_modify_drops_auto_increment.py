from ...sources import lazy_re
from . import _mysql, Example, Hit, rule

_AUTO = lazy_re(r"\bAUTO_INCREMENT\b")
_SCHEMA = "CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20));"


@rule(id="MY011-modify-drops-auto-increment", severity="error", reason="breaking change", databases=("mysql",),
      message="MODIFY/CHANGE COLUMN restates the whole column: without AUTO_INCREMENT the column stops numbering "
              "new rows, and every INSERT that leaves it out fails (or collides on the key)",
      safe_alternative="Restate AUTO_INCREMENT in the new definition (`MODIFY COLUMN id BIGINT NOT NULL "
                       "AUTO_INCREMENT`), with the column's NOT NULL, DEFAULT and COMMENT.",
      ok=[Example("ALTER TABLE orders MODIFY COLUMN id BIGINT NOT NULL AUTO_INCREMENT;", database="mysql",
                  schema=_SCHEMA),
          Example("ALTER TABLE orders MODIFY note VARCHAR(60);", database="mysql", schema=_SCHEMA),
          Example("ALTER TABLE orders MODIFY COLUMN id BIGINT NOT NULL;", database="mysql")],
      bad=[Example("ALTER TABLE orders MODIFY COLUMN id BIGINT NOT NULL;", database="mysql", schema=_SCHEMA),
           Example("ALTER TABLE orders CHANGE id order_id BIGINT NOT NULL;", database="mysql", schema=_SCHEMA),
           Example("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY);\nALTER TABLE t MODIFY id BIGINT;  -- [bad]",
                   database="mysql")])
def check(view, ctx):
    for off, column, definition in _mysql.modified_columns(view):
        old = ctx.column(view.table, column)
        if old is not None and _AUTO.search(old.type) and not _AUTO.search(definition):
            yield Hit(off, f"{view.table}.{column} loses AUTO_INCREMENT")
