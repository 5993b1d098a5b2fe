from . import Example, Hit, rule


@rule(id="AL001-missing-revision", severity="error", reason="convention", scope="file",
      message="An Alembic revision file needs module-level `revision` and `down_revision` and an upgrade(): "
              "without them Alembic cannot place it in the revision graph",
      safe_alternative="Create revisions with `alembic revision -m ...` and keep the generated `revision`, "
                       "`down_revision` (None only for the first), upgrade() and downgrade().",
      ok=[Example('revision = "a1b2"\ndown_revision = None\n\ndef upgrade():\n    op.add_column("t", '
                  'sa.Column("c", sa.Text()))\n\ndef downgrade():\n    op.drop_column("t", "c")\n',
                  tool="alembic", filename="a1b2_add_c.py")],
      bad=[Example('down_revision = None\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n',
                   tool="alembic", filename="x_add_c.py")])
def check(src, ctx):
    info = src.alembic
    if info is None:
        return
    missing = [name for name, ok in (("revision", info.revision), ("down_revision", info.has_down_revision),
                                     ("upgrade()", info.has_upgrade)) if not ok]
    if missing:
        yield Hit(line=info.revision_line if info.revision else 1, column=1, detail="missing " + ", ".join(missing))
