from . import Example, Hit, rule
from .fw002_duplicate_version import _normal


@rule(id="FW003-missing-undo", severity="info", reason="convention", scope="set",
      message="This versioned Flyway script has no matching U<version>__ undo script, so there is no scripted "
              "rollback for it",
      safe_alternative="Add U<same version>__<description>.sql that reverses the change (or document the manual "
                       "rollback steps in the deployment guide).",
      ok=[Example("ALTER TABLE orders ADD COLUMN note text;", tool="flyway", filename="V4__note.sql",
                  files=({"filename": "U4__note.sql", "content": "ALTER TABLE orders DROP COLUMN note;"},))],
      bad=[Example("ALTER TABLE orders ADD COLUMN note text;", tool="flyway", filename="V4__note.sql")])
def check(sources, ctx):
    undo = {_normal(src.flyway.version) for src in sources if src.flyway and src.flyway.prefix == "U"}
    for src in sources:
        if src.flyway and src.flyway.prefix == "V" and _normal(src.flyway.version) not in undo:
            yield Hit(file=src.filename, line=1, column=1, detail=f"no U file for {src.basename}")
