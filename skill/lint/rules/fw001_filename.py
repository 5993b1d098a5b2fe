from ...sources import FLYWAY_CALLBACK
from . import Example, Hit, rule


@rule(id="FW001-filename", severity="error", reason="convention", scope="file", tools=("flyway",),
      message="Flyway only runs files named V<version>__<description>.sql (versioned), U<version>__<desc>.sql "
              "(undo) or R__<description>.sql (repeatable): this file is silently skipped",
      safe_alternative="Rename it, e.g. V20240501_1__add_orders_status.sql: prefix, version with digits and "
                       "dots/underscores, two underscores, a description, .sql.",
      ok=[Example("SELECT 1;", tool="flyway", filename="V2_1__add_status.sql"),
          Example("SELECT 1;", tool="flyway", filename="R__orders_view.sql"),
          Example("SELECT 1;", tool="flyway", filename="afterMigrate.sql")],
      bad=[Example("SELECT 1;", tool="flyway", filename="V2_add_status.sql"),
           Example("SELECT 1;", tool="flyway", filename="v2__add_status.sql"),
           Example("SELECT 1;", tool="flyway", filename="002_add_status.sql")])
def check(src, ctx):
    if src.kind == "flyway" and src.flyway.prefix is None and not FLYWAY_CALLBACK.match(src.basename):
        yield Hit(line=1, column=1, detail=f"{src.basename} does not match Flyway's naming pattern")
