from . import Example, Hit, rule

_OTHER = ({"filename": "a1b2_first.py", "content": 'revision = "a1b2"\ndown_revision = None\n\ndef upgrade():\n'
           '    pass\n\ndef downgrade():\n    pass\n'},)


@rule(id="AL002-duplicate-revision", severity="error", reason="convention", scope="set",
      message="Two Alembic revision files declare the same `revision` id: Alembic refuses to build the "
              "revision map",
      safe_alternative="Give one of them a fresh id (`alembic revision` generates one) and fix any "
                       "down_revision pointing at it.",
      ok=[Example('revision = "c3d4"\ndown_revision = "a1b2"\n\ndef upgrade():\n    pass\n\ndef downgrade():\n'
                  '    pass\n', tool="alembic", filename="c3d4_second.py", files=_OTHER)],
      bad=[Example('revision = "a1b2"  # [bad]\ndown_revision = None\n\ndef upgrade():\n    pass\n\n'
                   'def downgrade():\n    pass\n', tool="alembic", filename="a1b2_again.py", files=_OTHER)])
def check(sources, ctx):
    seen: dict[str, str] = {}
    for src in sources:
        info = src.alembic
        if not info or not info.revision:
            continue
        if info.revision in seen:
            yield Hit(file=src.filename, line=info.revision_line, column=1,
                      detail=f"revision {info.revision} also in {seen[info.revision]}")
        else:
            seen[info.revision] = src.basename
