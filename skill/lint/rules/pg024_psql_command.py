from . import UNPARSED, Example, Hit, rule


@rule(id="PG024-psql-command", severity="error", reason="failure", databases=("postgresql",),
      tools=("flyway", "liquibase", "alembic"), nodes=(UNPARSED,),
      message="A psql command (a line that starts with a backslash, such as the `\\restrict` line pg_dump writes "
              "since its August 2025 releases): psql runs it itself, but the migration tool sends it to the "
              "database, which refuses it with a syntax error, and the migration fails there",
      safe_alternative="Delete the line (from a baseline taken with pg_dump: the `\\restrict` and `\\unrestrict` "
                       "lines, and any `\\connect`); what it set belongs in the tool's own configuration.",
      ok=[Example("SET lock_timeout = '5s';\nSELECT '\n\\restrict in a string';", tool="flyway",
                  filename="V1__baseline.sql")],
      bad=[Example("\\restrict Zq8Kx2  -- [bad]\nCREATE TABLE t (id int);\n", tool="flyway",
                   filename="V1__baseline.sql"),
           Example("CREATE TABLE t (id int);\n\\connect shop  -- [bad]\n", tool="liquibase",
                   filename="changelog.sql")])
def check(view, ctx):
    if view.text.startswith("\\"):
        yield Hit(0, f"psql command {view.text.split()[0]}")
