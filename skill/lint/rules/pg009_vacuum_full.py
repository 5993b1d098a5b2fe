from . import _pg, Hit, rule


@rule(id="PG009-vacuum-full", severity="warning", reason="rewrite", databases=("postgresql",),
      nodes=("VacuumStmt",),
      message="VACUUM FULL rewrites the whole table under ACCESS EXCLUSIVE: no reads or writes until it ends, "
              "and it needs free disk space for a full copy",
      safe_alternative="Use plain VACUUM (no blocking lock), or pg_repack / pg_squeeze to compact online.",
      ok=["VACUUM (ANALYZE) orders;", "VACUUM (FULL FALSE) orders;", "VACUUM (FULL off, ANALYZE) orders;"],
      bad=["VACUUM FULL orders;", "VACUUM (FULL, ANALYZE) orders;", "VACUUM (FULL true) orders;"])
def check(view, ctx):
    if _pg.option(view.pg.node.get("options"), "full"):
        yield Hit(0, f"VACUUM FULL {view.table or ''}".strip())
