from . import Example, Hit, rule


@rule(id="AL003-empty-downgrade", severity="warning", reason="convention", scope="file",
      message="downgrade() is empty or missing although upgrade() changes something: `alembic downgrade` "
              "reports success and leaves the schema as it was",
      safe_alternative="Write the reverse operations in downgrade(); when the change cannot be undone, raise "
                       "an exception there that says why and what to do by hand.",
      ok=[Example('revision = "a1b2"\ndown_revision = None\n\ndef upgrade():\n    op.add_column("t", '
                  'sa.Column("c", sa.Text()))\n\ndef downgrade():\n    op.drop_column("t", "c")\n',
                  tool="alembic", filename="a1b2_add_c.py")],
      bad=[Example('revision = "a1b2"\ndown_revision = None\n\ndef upgrade():\n    op.add_column("t", '
                   'sa.Column("c", sa.Text()))\n\ndef downgrade():  # [bad]\n    pass\n',
                   tool="alembic", filename="a1b2_add_c.py")])
def check(src, ctx):
    info = src.alembic
    if info is None or not any(s.direction == "up" for s in src.statements):
        return
    if info.downgrade_line is None:
        yield Hit(line=1, column=1, detail="no downgrade() function")
    elif info.downgrade_empty:
        yield Hit(line=info.downgrade_line, column=1, detail="downgrade() only passes")
