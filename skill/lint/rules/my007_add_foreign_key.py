from ...sources import lazy_re
from . import _mysql, IDENT, Example, Hit, rule

_ADD_FK = lazy_re(rf"ADD\s+(?:CONSTRAINT\s+(?:{IDENT}\s+)?)?FOREIGN\s+KEY\b")


@rule(id="MY007-add-foreign-key", severity="warning", reason="lock", databases=("mysql",),
      message="ADD FOREIGN KEY runs with the COPY algorithm while foreign_key_checks=1 (the default): InnoDB "
              "copies the whole table and blocks writes until the copy ends (ALGORITHM=INPLACE is refused)",
      safe_alternative="In the migration's session: `SET foreign_key_checks = 0;` then `ALTER TABLE ... ADD "
                       "FOREIGN KEY ..., ALGORITHM=INPLACE, LOCK=NONE;` then `SET foreign_key_checks = 1;` "
                       "(existing rows are then not checked: verify them with a query first), or gh-ost.",
      ok=[Example("SET foreign_key_checks = 0;\nALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY "
                  "(customer_id) REFERENCES customers (id), ALGORITHM=INPLACE, LOCK=NONE;\nSET foreign_key_checks = 1;",
                  database="mysql"),
          Example("CREATE TABLE items (id BIGINT PRIMARY KEY, order_id BIGINT);\nALTER TABLE items ADD FOREIGN KEY "
                  "(order_id) REFERENCES orders (id);", database="mysql")],
      bad=[Example("ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) "
                   "REFERENCES customers (id);", database="mysql"),
           Example("ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id), ALGORITHM=INPLACE;",
                   database="mysql", version="10.11"),
           Example("SET foreign_key_checks = 0;\nSET foreign_key_checks = 1;\nALTER TABLE orders ADD FOREIGN KEY "
                   "(customer_id) REFERENCES customers (id);  -- [bad]", database="mysql")])
def check(view, ctx):
    if ctx.fk_checks_off or ctx.is_new_table(view):
        return
    algorithm, _ = _mysql.online(view)
    for off, clause in view.clauses:
        if _ADD_FK.match(clause):
            fails = "; ALGORITHM=INPLACE is refused while foreign_key_checks=1: the migration fails" \
                if algorithm == "INPLACE" else ""
            yield Hit(off, f"foreign key on {view.table}{fails}")
