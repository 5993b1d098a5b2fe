from . import Example, Hit, rule


@rule(id="SRC001-unreadable-file", severity="error", reason="failure", scope="file",
      message="The file cannot be read (malformed XML/YAML or a Python syntax error): the migration tool "
              "rejects it, and nothing inside it was checked",
      safe_alternative="Fix the syntax at the reported position, then run the tool's own check "
                       "(`liquibase validate`, `python -m py_compile`) before linting again.",
      ok=[Example('<databaseChangeLog>\n  <changeSet id="1" author="ann">\n    <dropDefaultValue tableName="t" '
                  'columnName="c"/>\n  </changeSet>\n</databaseChangeLog>\n', tool="liquibase",
                  filename="changelog.xml")],
      bad=[Example('<databaseChangeLog>\n  <changeSet id="1" author="ann">\n</databaseChangeLog> <!-- [bad] -->\n',
                   tool="liquibase", filename="changelog.xml"),
           Example('revision = "a1"\ndown_revision = None\n\ndef upgrade(:  # [bad]\n    pass\n',
                   tool="alembic", filename="a1_broken.py")])
def check(src, ctx):
    for problem in src.problems:
        yield Hit(line=problem.line, column=problem.column, detail=problem.message)
