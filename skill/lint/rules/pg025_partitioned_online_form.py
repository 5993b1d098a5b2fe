from . import _pg, Example, Hit, rule

_PARTITIONED = "CREATE TABLE event (id bigint, account_id bigint, kind text, at date) PARTITION BY RANGE (at);"


@rule(id="PG025-partitioned-online-form", severity="error", reason="failure", databases=("postgresql",),
      nodes=("IndexStmt", "DropStmt", "AlterTableStmt.AT_AddConstraint"),
      message="PostgreSQL refuses this on a partitioned table: it builds and drops no index CONCURRENTLY there "
              "and takes no NOT VALID foreign key, so the migration fails at this statement",
      safe_alternative="An index: CREATE INDEX ... ON ONLY the table (instant: it holds no rows), CREATE INDEX "
                       "CONCURRENTLY on each partition, then ALTER INDEX ... ATTACH PARTITION each (the last attach "
                       "makes it valid); dropping it: DROP INDEX behind lock_timeout. A foreign key: add it NOT "
                       "VALID to each partition and VALIDATE it there, then to the table, which only attaches them.",
      ok=[Example("CREATE INDEX event_kind_idx ON ONLY event (kind);\n"
                  "CREATE INDEX CONCURRENTLY event_2026_kind_idx ON event_2026 (kind);", schema=_PARTITIONED),
          Example("ALTER TABLE event_2026 ADD CONSTRAINT event_account_fk FOREIGN KEY (account_id) "
                  "REFERENCES account (id) NOT VALID;", schema=_PARTITIONED),
          "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);"],
      bad=[Example("CREATE INDEX CONCURRENTLY event_kind_idx ON event (kind);", schema=_PARTITIONED),
           Example("CREATE INDEX event_kind_idx ON event (kind);\n"
                   "DROP INDEX CONCURRENTLY event_kind_idx;  -- [bad]", schema=_PARTITIONED),
           Example("ALTER TABLE event ADD CONSTRAINT event_account_fk FOREIGN KEY (account_id) "
                   "REFERENCES account (id) NOT VALID;", schema=_PARTITIONED)])
def check(view, ctx):
    node = view.pg.node
    if view.kind == "IndexStmt" and node.get("concurrent") and ctx.is_partitioned(view.table):
        yield Hit(0, f"CREATE INDEX CONCURRENTLY on {view.table}")
    elif view.kind == "DropStmt" and node.get("removeType") == "OBJECT_INDEX" and node.get("concurrent"):
        for name in _pg.dropped_names(node):
            table = ctx.indexes.get(name, ("",))[0]
            if ctx.is_partitioned(table):
                yield Hit(0, f"DROP INDEX CONCURRENTLY {name} of {table}")
    elif view.kind == "AlterTableStmt" and ctx.is_partitioned(view.table):
        for off, cmd in view.cmds:
            con = _pg.constraint(cmd)
            if con.get("contype") == "CONSTR_FOREIGN" and con.get("skip_validation"):
                yield Hit(off, f"foreign key NOT VALID on {view.table}")
