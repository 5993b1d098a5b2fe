from . import Example, Hit, rule


@rule(id="PG021-detach-partition-not-concurrent", severity="warning", reason="lock", databases=("postgresql",),
      nodes=("AlterTableStmt.AT_DetachPartition",),
      message="DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the partitioned table: every read "
              "and write on all partitions waits, and queues behind any running query on the parent",
      safe_alternative="PostgreSQL 14+: ALTER TABLE parent DETACH PARTITION p CONCURRENTLY, outside a transaction "
                       "(it only takes SHARE UPDATE EXCLUSIVE); before 14, detach in a quiet period with "
                       "lock_timeout set.",
      ok=["ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;",
          "ALTER TABLE events DETACH PARTITION events_2023 FINALIZE;"],
      bad=["ALTER TABLE events DETACH PARTITION events_2023;",
           Example("ALTER TABLE events DETACH PARTITION events_2023;", version="13")])
def check(view, ctx):
    for off, cmd in view.cmds:
        part = cmd.get("def", {}).get("PartitionCmd", {}) if cmd.get("subtype") == "AT_DetachPartition" else None
        if part is not None and not part.get("concurrent"):
            how = "" if ctx.at_least(14) else " (no CONCURRENTLY before PostgreSQL 14)"
            yield Hit(off, f"{part.get('name', {}).get('relname', '?')} from {view.table}{how}")
