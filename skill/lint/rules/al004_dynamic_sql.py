from . import Example, Hit, rule


@rule(id="AL004-dynamic-sql", severity="info", reason="unchecked", scope="file",
      message="op.execute() receives SQL built at run time (f-string, variable, SQLAlchemy construct), so "
              "dbmig cannot read it and did not check it",
      safe_alternative="Pass a literal string (or sa.text(\"...\") with bound parameters) so the SQL can be "
                       "reviewed and linted; it also keeps identifiers out of string formatting.",
      ok=[Example('revision = "a1b2"\ndown_revision = None\n\ndef upgrade():\n    op.execute("UPDATE t SET c = 0 '
                  'WHERE id = 1")\n\ndef downgrade():\n    pass\n', tool="alembic", filename="a1b2_x.py")],
      bad=[Example('revision = "a1b2"\ndown_revision = None\nTABLE = "t"\n\ndef upgrade():\n    op.execute(f"DELETE '
                   'FROM {TABLE}")  # [bad]\n\ndef downgrade():\n    pass\n', tool="alembic", filename="a1b2_x.py")])
def check(src, ctx):
    for line, column in (src.alembic.dynamic_sql if src.alembic else []):
        yield Hit(line=line, column=column, detail="SQL built at run time")
