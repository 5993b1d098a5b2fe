from . import Example, Hit, rule

_LOG = '<databaseChangeLog>\n{}\n</databaseChangeLog>\n'


@rule(id="LB001-changeset-id-author", severity="error", reason="convention", scope="file",
      message="A Liquibase changeSet needs both an id and an author: they identify it in DATABASECHANGELOG, "
              "and Liquibase rejects the changelog without them",
      safe_alternative="Give every changeSet a unique id and an author, e.g. "
                       "<changeSet id=\"20240501-1\" author=\"ann\">.",
      ok=[Example(_LOG.format('  <changeSet id="1" author="ann">\n    <dropDefaultValue tableName="t" '
                              'columnName="c"/>\n  </changeSet>'), tool="liquibase", filename="changelog.xml"),
          Example("--liquibase formatted sql\n--changeset ann:1\nSELECT 1;\n--rollback SELECT 1;\n",
                  tool="liquibase", filename="changelog.sql")],
      bad=[Example(_LOG.format('  <changeSet id="1">  <!-- [bad] -->\n    <dropDefaultValue tableName="t" '
                               'columnName="c"/>\n  </changeSet>'), tool="liquibase", filename="changelog.xml"),
           Example("--liquibase formatted sql\n--changeset ann [bad]\nSELECT 1;\n--rollback SELECT 1;\n",
                   tool="liquibase", filename="changelog.sql"),
           Example("databaseChangeLog:\n  - changeSet:  # [bad]\n      author: ann\n      changes:\n"
                   "        - dropDefaultValue:\n            tableName: t\n            columnName: c\n",
                   tool="liquibase", filename="changelog.yaml")])
def check(src, ctx):
    for cs in src.changesets:
        missing = [name for name, value in (("id", cs.id), ("author", cs.author)) if not value]
        if missing:
            yield Hit(line=cs.line, column=cs.column, detail=f"changeSet without {' and '.join(missing)}")
