from . import Example, Hit, rule


@rule(id="MY003-algorithm-copy", severity="warning", reason="lock", databases=("mysql",),
      message="ALGORITHM=COPY or LOCK=SHARED/EXCLUSIVE forces a blocking table copy: writes (or all access) "
              "wait for the whole rebuild",
      safe_alternative="Use ALGORITHM=INSTANT or ALGORITHM=INPLACE, LOCK=NONE where the change allows it; "
                       "otherwise use an online schema change tool (gh-ost, pt-online-schema-change).",
      ok=[Example("ALTER TABLE orders ADD COLUMN note TEXT, ALGORITHM=INSTANT;", database="mysql")],
      bad=[Example("ALTER TABLE orders ADD COLUMN note TEXT, ALGORITHM=COPY;", database="mysql"),
           Example("ALTER TABLE orders ADD INDEX i (note(10)), LOCK=EXCLUSIVE;", database="mysql")])
def check(view, ctx):
    m = view.search(r"\bALGORITHM\s*=?\s*COPY\b|\bLOCK\s*=?\s*(?:SHARED|EXCLUSIVE)\b")
    if m and not ctx.is_new_table(view):
        yield Hit(m.start(), " ".join(m.group(0).split()))
