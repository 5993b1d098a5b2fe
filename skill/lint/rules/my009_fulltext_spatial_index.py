from ...sources import lazy_re
from . import _mysql, Example, Hit, rule

_ADD = lazy_re(r"ADD\s+(FULLTEXT|SPATIAL)\b")
_CREATE = lazy_re(r"\s*CREATE\s+(FULLTEXT|SPATIAL)\s+INDEX\b")


@rule(id="MY009-fulltext-spatial-index", severity="warning", reason="lock", databases=("mysql",),
      message="A FULLTEXT or SPATIAL index cannot be built with LOCK=NONE: writes to the table are blocked for "
              "the whole build (LOCK=SHARED at best), and the first FULLTEXT index on a table also rebuilds it "
              "to add the hidden FTS_DOC_ID column",
      safe_alternative="Build it with gh-ost / pt-online-schema-change, or in a quiet period; for FULLTEXT, "
                       "add an FTS_DOC_ID BIGINT UNSIGNED NOT NULL column with a unique index when the table is "
                       "created, so later FULLTEXT indexes need no rebuild.",
      ok=[Example("ALTER TABLE articles ADD INDEX articles_title_idx (title), ALGORITHM=INPLACE, LOCK=NONE;",
                  database="mysql"),
          Example("CREATE TABLE articles (id BIGINT PRIMARY KEY, body TEXT);\nALTER TABLE articles ADD FULLTEXT "
                  "INDEX articles_body_ft (body);", database="mysql")],
      bad=[Example("ALTER TABLE articles ADD FULLTEXT INDEX articles_body_ft (body);", database="mysql"),
           Example("CREATE FULLTEXT INDEX articles_body_ft ON articles (body);", database="mysql", version="10.11"),
           Example("ALTER TABLE places ADD SPATIAL INDEX places_geo_idx (geo);", database="mysql"),
           Example("ALTER TABLE articles ADD FULLTEXT KEY articles_body_ft (body), ALGORITHM=INPLACE, LOCK=NONE;",
                   database="mysql")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    _, lock = _mysql.online(view)
    fails = "; LOCK=NONE is refused for it: the migration fails" if lock == "NONE" else ""
    m = _CREATE.match(view.masked)
    if m:
        yield Hit(0, f"{m.group(1).lower()} index on {view.table}{fails}")
    for off, clause in view.clauses:
        m = _ADD.match(clause)
        if m:
            yield Hit(off, f"{m.group(1).lower()} index on {view.table}{fails}")
