from . import Example, Hit, rule

_LOG = '<databaseChangeLog>\n{}\n</databaseChangeLog>\n'
_CS = '  <changeSet id="{}" author="ann">\n    <dropDefaultValue tableName="t" columnName="c"/>\n  </changeSet>'


@rule(id="LB003-duplicate-changeset", severity="error", reason="convention", scope="file",
      message="Two changeSets in one changelog have the same id and author: Liquibase stops with a "
              "duplicate identifier error",
      safe_alternative="Give the second changeSet a new id (ids only need to be unique per author and file).",
      ok=[Example(_LOG.format(_CS.format(1) + "\n" + _CS.format(2)), tool="liquibase", filename="changelog.xml")],
      bad=[Example(_LOG.format(_CS.format(1) + "\n" + _CS.format(1).replace("ann\">", "ann\"> <!-- [bad] -->")),
                   tool="liquibase", filename="changelog.xml")])
def check(src, ctx):
    seen = set()
    for cs in src.changesets:
        key = (cs.id, cs.author)
        if cs.id and key in seen:
            yield Hit(line=cs.line, column=cs.column, detail=f"changeSet {cs.id} ({cs.author}) repeated")
        seen.add(key)
