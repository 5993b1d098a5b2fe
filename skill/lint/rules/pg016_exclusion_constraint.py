from . import _pg, Hit, rule


@rule(id="PG016-exclusion-constraint", severity="warning", reason="lock", databases=("postgresql",),
      nodes=("AlterTableStmt.AT_AddConstraint",),
      message="ADD CONSTRAINT ... EXCLUDE builds its index while holding ACCESS EXCLUSIVE on the table: no reads "
              "or writes until the build and the check of every row end, and PostgreSQL has no concurrent or "
              "USING INDEX form for exclusion constraints",
      safe_alternative="Add it while the table is small or new, or in a maintenance window with lock_timeout "
                       "set; where a unique index would do, build it with CREATE UNIQUE INDEX CONCURRENTLY instead.",
      ok=["CREATE TABLE bookings (room int, during tsrange);\n"
          "ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);",
          "ALTER TABLE bookings ADD CONSTRAINT bookings_room_fk FOREIGN KEY (room) REFERENCES rooms (id) NOT VALID;"],
      bad=["ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);",
           'ALTER TABLE "Bookings" ADD EXCLUDE USING gist ("Room" WITH =, "During" WITH &&);'])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, cmd in view.cmds:
        con = _pg.constraint(cmd)
        if con.get("contype") == "CONSTR_EXCLUSION":
            yield Hit(off, f"exclusion constraint {con.get('conname') or ''} on {view.table}".replace("  ", " "))
