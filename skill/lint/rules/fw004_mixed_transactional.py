from ...sources import flyway_non_transactional
from . import Example, Hit, rule


@rule(id="FW004-mixed-transactional", severity="error", reason="failure", scope="file", tools=("flyway",),
      databases=("postgresql",),
      message="The script mixes statements that cannot run in a transaction (CREATE/DROP INDEX CONCURRENTLY, "
              "VACUUM, ...) with ordinary ones and has no executeInTransaction setting: Flyway refuses it "
              "('Detected both transactional and non-transactional statements within the same migration') "
              "unless flyway.mixed=true, which then runs the whole script without a transaction",
      safe_alternative="Put the non-transactional statement in a script of its own, or add a `<script>.sql.conf` "
                       "sidecar with executeInTransaction=false (the script then runs outside a transaction: make "
                       "each statement safe to rerun, e.g. IF NOT EXISTS).",
      ok=[Example("CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);", tool="flyway",
                  filename="V9__note_idx.sql"),
          Example("SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);", tool="flyway",
                  filename="V9__note_idx.sql",
                  files=({"filename": "V9__note_idx.sql.conf", "content": "executeInTransaction=false\n"},))],
      bad=[Example("SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);  -- [bad]",
                   tool="flyway", filename="V9__note_idx.sql")])
def check(src, ctx):
    if src.kind != "flyway" or not src.statements:
        return
    conf = next((s for s in ctx.sources if s.filename == src.filename + ".conf"), None)
    if conf is not None and "executeInTransaction" in (conf.conf or {}):
        return
    kinds = [flyway_non_transactional(s.text, ctx.database, ctx.version) for s in src.statements]
    if any(kinds) and not all(kinds):
        first = src.statements[kinds.index(True)]
        yield Hit(line=first.line, column=first.column, detail=f"{src.basename} line {first.line}")
