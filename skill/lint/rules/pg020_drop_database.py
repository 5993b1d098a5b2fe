from . import Hit, rule


@rule(id="PG020-drop-database", severity="error", reason="data loss", databases=("postgresql",),
      nodes=("DropdbStmt",),
      message="DROP DATABASE deletes a whole database, every table and row in it, with no way back; it also "
              "fails inside a transaction and while anyone is connected (or disconnects them WITH (FORCE))",
      safe_alternative="Never drop a database from a schema migration: back it up (pg_dump) and drop it by hand "
                       "as an operations task once nothing connects to it.",
      ok=["DROP TABLE IF EXISTS tmp_import;"],
      bad=["DROP DATABASE IF EXISTS legacy_reports;", "DROP DATABASE legacy WITH (FORCE);"])
def check(view, ctx):
    yield Hit(0, f"database {view.pg.node.get('dbname')}")
