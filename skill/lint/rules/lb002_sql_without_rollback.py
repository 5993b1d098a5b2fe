from . import Example, Hit, rule

_LOG = '<databaseChangeLog>\n{}\n</databaseChangeLog>\n'


@rule(id="LB002-sql-without-rollback", severity="warning", reason="convention", scope="file",
      message="A changeSet with raw SQL (<sql>, <sqlFile>, formatted SQL) has no <rollback>: Liquibase cannot "
              "derive one, so `liquibase rollback` fails at this changeSet",
      safe_alternative="Add a <rollback> block with the reverse SQL (`--rollback ...` lines in formatted SQL), "
                       "or an empty <rollback/> when nothing needs undoing, stated on purpose.",
      ok=[Example(_LOG.format('  <changeSet id="1" author="ann">\n    <sql>UPDATE orders SET status = \'new\' '
                              'WHERE id = 1;</sql>\n    <rollback>UPDATE orders SET status = NULL WHERE id = 1;'
                              '</rollback>\n  </changeSet>'), tool="liquibase", filename="changelog.xml")],
      bad=[Example(_LOG.format('  <changeSet id="1" author="ann">  <!-- [bad] -->\n    <sql>UPDATE orders SET '
                               'status = \'new\' WHERE id = 1;</sql>\n  </changeSet>'),
                   tool="liquibase", filename="changelog.xml"),
           Example("--liquibase formatted sql\n--changeset ann:1 [bad]\nUPDATE orders SET status = 'new' "
                   "WHERE id = 1;\n", tool="liquibase", filename="changelog.sql")])
def check(src, ctx):
    for cs in src.changesets:
        if cs.raw_sql and not cs.has_rollback:
            yield Hit(line=cs.line, column=cs.column, detail=f"changeSet {cs.id or '?'} ({cs.author or '?'})")
