from ...sources import lazy_re
from . import _pg, IDENT, Example, Hit, rule

_PATTERNS = {
    "sqlserver": lazy_re(rf"ALTER\s+COLUMN\s+({IDENT})\s+(?!ADD\b|DROP\b)\w"),
    "oracle": lazy_re(rf"MODIFY\s*\(?\s*({IDENT})\s+(?!NOT\b|NULL\b|DEFAULT\b|CONSTRAINT\b|VISIBLE\b|INVISIBLE\b|"
                         rf"ENCRYPT\b|DECRYPT\b)\w"),
}
# PostgreSQL changes these without a rewrite when the old type is binary-coercible to the new one
# (pg_cast castmethod 'b' or a typmod-only widening): varchar(n) -> varchar(m >= n) / varchar / text,
# text -> varchar, numeric(p, s) -> numeric(q >= p, s) / numeric.
_NOTES = "CREATE TABLE notes (id bigint PRIMARY KEY, body varchar(100), total numeric(10, 2));"
_WIDENING = {"text", "varchar", "numeric"}
_STRINGS = {"text", "varchar"}


@rule(id="SQL012-column-type-change", severity="warning", reason="rewrite",
      databases=("postgresql", "sqlserver", "oracle"), nodes=("AlterTableStmt.AT_AlterColumnType",),
      message="Changing a column's type rewrites or scans the whole table under an exclusive lock (blocking "
              "reads and writes) unless the change is binary-compatible (e.g. varchar(n) to a larger n or text); "
              "on PostgreSQL it also breaks clients with server-side prepared statements ('cached plan must not "
              "change result type') until they reconnect",
      safe_alternative="Add a new column of the new type, keep it in sync (trigger), backfill in batches, switch "
                       "reads and writes, then drop the old column; restating the same type with only NULL-ness "
                       "on SQL Server is a scan, not a rewrite.",
      ok=["ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';",
          Example("ALTER TABLE notes ALTER COLUMN body TYPE text;", schema=_NOTES),
          Example('ALTER TABLE "notes" ALTER COLUMN "body" TYPE text USING "body"::text;', schema=_NOTES),
          Example("ALTER TABLE notes ALTER COLUMN body TYPE varchar(200), ALTER COLUMN total TYPE numeric(14, 2);",
                  schema=_NOTES),
          Example("ALTER TABLE orders MODIFY (note NOT NULL);", database="oracle")],
      bad=["ALTER TABLE orders ALTER COLUMN amount TYPE bigint;",
           Example("ALTER TABLE notes ALTER COLUMN body TYPE varchar(50);", schema=_NOTES),
           Example("ALTER TABLE notes\n  ALTER COLUMN body TYPE text,\n  ALTER COLUMN total TYPE numeric(14, 4);  -- [bad]",
                   schema=_NOTES),
           "ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2) USING round(amount, 2);",
           "ALTER TABLE orders ALTER COLUMN amount TYPE bigint USING amount::bigint;",
           Example("ALTER TABLE orders ALTER COLUMN amount DECIMAL(12,2) NOT NULL;", database="sqlserver"),
           Example("ALTER TABLE orders MODIFY (amount NUMBER(12,2));", database="oracle")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    if view.kind:
        yield from _check_tree(view, ctx)
        return
    pattern = _PATTERNS[ctx.database]
    for off, clause in view.clauses:
        m = pattern.match(clause)
        if m:
            yield Hit(off, f"{view.table}.{m.group(1).strip(chr(34)).lower()} changes type")


def _check_tree(view, ctx):
    for off, cmd in view.cmds:
        if cmd.get("subtype") != "AT_AlterColumnType":
            continue
        coldef, column = _pg.column_def(cmd), cmd["name"].lower()
        new = _pg.type_spec(coldef.get("typeName"))
        old = ctx.column(view.table, column)
        what = f"{view.table}.{column} changes type to {new[0]}{_mods(new[1])}"
        if _converts(coldef.get("raw_default"), column, new) or new[0] not in _WIDENING:
            yield Hit(off, what)
        elif old is None or not old.type:
            yield Hit(off, f"{what}, catalog-only if it was a shorter varchar (a numeric of the same scale): "
                           f"check its current type", severity="info")
        elif not _binary_widening((old.type, list(old.mods)), new):
            yield Hit(off, f"{what} from {old.type}{_mods(old.mods)}")


def _converts(using: dict | None, column: str, new: tuple[str, list[int]]) -> bool:
    """A USING expression that computes something: `USING col::newtype` (what Django and Rails emit)
    is the plain conversion, which PostgreSQL still skips when the types are binary-compatible."""
    if not using:
        return False
    cast = using.get("TypeCast", {})
    fields = _pg.svals(cast.get("arg", {}).get("ColumnRef", {}).get("fields"))
    return not (fields and fields[-1].lower() == column and _pg.type_spec(cast.get("typeName"))[0] == new[0])


def _binary_widening(old: tuple[str, list[int]], new: tuple[str, list[int]]) -> bool:
    (was, was_mods), (to, to_mods) = old, new
    if was in _STRINGS and to in _STRINGS:
        return not to_mods or (was == "varchar" and bool(was_mods) and to_mods[0] >= was_mods[0])
    if was == to == "numeric":
        if not to_mods:
            return True
        scale = lambda mods: mods[1] if len(mods) > 1 else 0   # noqa: E731
        return bool(was_mods) and to_mods[0] >= was_mods[0] and scale(to_mods) == scale(was_mods)
    return False


def _mods(mods) -> str:
    return f"({', '.join(map(str, mods))})" if mods else ""
