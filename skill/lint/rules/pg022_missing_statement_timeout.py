from . import Example, Hit, rule
from .pg008_missing_lock_timeout import LOCKING, blocking


@rule(id="PG022-missing-statement-timeout", severity="info", reason="lock", databases=("postgresql",),
      nodes=LOCKING,
      message="No statement_timeout: once a blocking statement holds its lock, nothing bounds how long it runs "
              "(a rewrite or scan of a table larger than expected keeps the application blocked until it ends)",
      safe_alternative="Set an upper bound at the top of the file, e.g. `SET statement_timeout = '15min';`, sized "
                       "to the table, and retry or rethink the step if it is hit.",
      ok=["SET lock_timeout = '5s';\nSET statement_timeout = '10min';\nALTER TABLE orders ADD COLUMN note text;",
          "CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);"],
      bad=["SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;  -- [bad]",
           Example("SET statement_timeout = 0;\nALTER TABLE orders ALTER COLUMN id TYPE bigint;  -- [bad]")])
def check(view, ctx):
    if ctx.statement_timeout or ctx.statement_timeout_reported or not blocking(view) or ctx.is_new_table(view):
        return ()     # a plain function, not a generator: it runs on most statements
    ctx.statement_timeout_reported = True
    return [Hit(0, f"first blocking DDL in {ctx.file.basename if ctx.file else 'the file'}")]
