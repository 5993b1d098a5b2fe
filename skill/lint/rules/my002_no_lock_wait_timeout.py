from ...sources import lazy_re
from . import Example, Hit, rule

_DDL = lazy_re(r"\s*(?:ALTER\s+TABLE|CREATE\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX|DROP\s+INDEX|DROP\s+TABLE|"
                  r"RENAME\s+TABLE|TRUNCATE|OPTIMIZE)\b")


@rule(id="MY002-no-lock-wait-timeout", severity="info", reason="lock", databases=("mysql",),
      message="DDL waits for the table's metadata lock for lock_wait_timeout (one year by default) and every "
              "query on the table queues behind the waiting DDL: one long transaction freezes the application",
      safe_alternative="Start the file with `SET SESSION lock_wait_timeout = 5;` and retry on timeout.",
      ok=[Example("SET SESSION lock_wait_timeout = 5;\nALTER TABLE orders ADD COLUMN note TEXT;", database="mysql")],
      bad=[Example("ALTER TABLE orders ADD COLUMN note TEXT;", database="mysql")])
def check(view, ctx):
    if ctx.lock_timeout or ctx.lock_timeout_reported or not _DDL.match(view.masked) or ctx.is_new_table(view):
        return
    ctx.lock_timeout_reported = True
    yield Hit(0, f"first DDL in {ctx.file.basename if ctx.file else 'the file'}")
