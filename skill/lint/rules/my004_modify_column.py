from . import _mysql, Example, Hit, rule

_SCHEMA = "CREATE TABLE orders (id BIGINT PRIMARY KEY, note VARCHAR(20), code VARCHAR(100) NOT NULL);"


@rule(id="MY004-modify-column", severity="warning", reason="rewrite", databases=("mysql",),
      message="MODIFY/CHANGE COLUMN that changes the type (or NULL-ness) rebuilds the table, and most type "
              "changes (e.g. INT to BIGINT, also on MariaDB 10.11) are COPY-only: writes blocked for the whole copy",
      safe_alternative="Add a new column, backfill in batches, switch the app, drop the old column; or use "
                       "gh-ost / pt-online-schema-change. Only extending a VARCHAR within the same length-byte "
                       "range is in-place.",
      ok=[Example("ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';", database="mysql"),
          Example("ALTER TABLE orders MODIFY note VARCHAR(60), ALGORITHM=INPLACE, LOCK=NONE;", database="mysql",
                  schema=_SCHEMA),
          Example("ALTER TABLE orders MODIFY COLUMN code VARCHAR(200) NOT NULL;", database="mysql", schema=_SCHEMA)],
      bad=[Example("ALTER TABLE orders MODIFY COLUMN id BIGINT NOT NULL AUTO_INCREMENT;", database="mysql"),
           Example("ALTER TABLE orders CHANGE amount amount DECIMAL(12,2) NOT NULL;", database="mysql"),
           Example("ALTER TABLE orders MODIFY note VARCHAR(100);", database="mysql", schema=_SCHEMA),
           Example("ALTER TABLE orders MODIFY note VARCHAR(30) NOT NULL;", database="mysql", schema=_SCHEMA)])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    algorithm, _ = _mysql.online(view)
    fails = f"; ALGORITHM={algorithm} is refused for it: the migration fails" if algorithm in ("INSTANT", "INPLACE") else ""
    for off, column, definition in _mysql.modified_columns(view):
        verdict = _varchar_widening(ctx.column(view.table, column), definition)
        if verdict is None:
            yield Hit(off, f"{view.table}.{column}{fails}")
        elif verdict == "unknown":
            yield Hit(off, f"{view.table}.{column}: in place only if it was a shorter VARCHAR of the same "
                           f"length-byte class (up to 255 bytes, or above): check its current type", severity="info")


def _varchar_widening(old, definition: str) -> str | None:
    """'safe' for a VARCHAR widened within its length-byte class with the same NULL-ness, 'unknown'
    for a VARCHAR target whose old definition is unknown, else None (a rebuild)."""
    new = _mysql.varchar_bytes(definition)
    if new is None:
        return None
    if old is None or not old.type:
        return "unknown"
    was = _mysql.varchar_bytes(old.type)
    same_null = ("NOT NULL" in old.type) == ("NOT NULL" in definition)
    if was is not None and was <= new and same_null and _mysql.length_bytes(was) == _mysql.length_bytes(new):
        return "safe"
    return None
