"""Replay a 500-migration history: offline (dbmig's model) and on embedded PostgreSQL (the real
tool applies every migration, dbmig reads the catalog). Prints wall times and ratios against a
baseline measured in the same run: generating the same change from a request that spells the
schema out (no project).

    python benchmarks/replay.py [N] [--no-database]

The history is synthetic but shaped like a real one: tables created, then columns added, indexed,
constrained, renamed and dropped, data moved, for Flyway (SQL files) and Alembic (op.* calls).
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dbmig.api import generate  # noqa: E402
from dbmig.project import load, load_project, replay_offline  # noqa: E402
from dbmig.project.ddl import schema_sql  # noqa: E402

SQL_STEPS = [
    "CREATE TABLE t{t} (id bigint PRIMARY KEY, name varchar(40) NOT NULL, created date);",
    "ALTER TABLE t{t} ADD COLUMN c integer DEFAULT 0;",
    "CREATE INDEX ix_t{t}_c ON t{t} (c);",
    "ALTER TABLE t{t} ADD CONSTRAINT ck_t{t}_c CHECK (c >= 0);",
    "UPDATE t{t} SET c = 1 WHERE c IS NULL;",
    "ALTER TABLE t{t} RENAME COLUMN c TO d;",
    "ALTER TABLE t{t} ADD COLUMN ref bigint;\nALTER TABLE t{t} ADD CONSTRAINT fk_t{t}_ref FOREIGN KEY (ref) "
    "REFERENCES t0 (id);",
    "ALTER TABLE t{t} DROP COLUMN created;",
]
OPS = [
    'op.create_table("t{t}", sa.Column("id", sa.BigInteger(), nullable=False), '
    'sa.Column("name", sa.String(length=40), nullable=False), sa.Column("created", sa.Date()), '
    'sa.PrimaryKeyConstraint("id"))',
    'op.add_column("t{t}", sa.Column("c", sa.Integer(), server_default="0"))',
    'op.create_index(op.f("ix_t{t}_c"), "t{t}", ["c"])',
    'op.create_check_constraint("ck_t{t}_c", "t{t}", "c >= 0")',
    'op.execute("UPDATE t{t} SET c = 1 WHERE c IS NULL")',
    'op.alter_column("t{t}", "c", new_column_name="d", existing_type=sa.Integer())',
    'op.add_column("t{t}", sa.Column("ref", sa.BigInteger()))\n    '
    'op.create_foreign_key("fk_t{t}_ref", "t{t}", "t0", ["ref"], ["id"])',
    'op.drop_column("t{t}", "created")',
]


def table_of(i: int) -> int:
    return i // len(SQL_STEPS)


def flyway_project(root: Path, n: int) -> Path:
    (root / "sql").mkdir(parents=True)
    (root / "flyway.conf").write_text("flyway.url=jdbc:postgresql://localhost/bench\nflyway.locations=filesystem:sql\n")
    for i in range(n):
        (root / f"sql/V{i + 1}__step_{i}.sql").write_text(SQL_STEPS[i % len(SQL_STEPS)].format(t=table_of(i), i=i) + "\n")
    return root


def alembic_project(root: Path, n: int) -> Path:
    (root / "migrations/versions").mkdir(parents=True)
    (root / "alembic.ini").write_text("[alembic]\nscript_location = migrations\n"
                                      "sqlalchemy.url = postgresql://u@localhost/bench\n")
    for i in range(n):
        down = repr(f"r{i - 1:04d}") if i else "None"
        (root / f"migrations/versions/r{i:04d}_step.py").write_text(
            f'"""step {i}"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "r{i:04d}"\n'
            f"down_revision = {down}\nbranch_labels = None\n\n\ndef upgrade():\n"
            f"    {OPS[i % len(OPS)].format(t=table_of(i), i=i)}\n\n\ndef downgrade():\n    pass\n")
    return root


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def request(**extra) -> dict:
    return dict(migration_type="schema", downtime_allowed=True, migration_description="add flag to t0",
                changes=[{"op": "add_column", "table": "t0", "column": {"name": "flag", "type": "boolean"}}]) | extra


def bench(tool: str, root: Path, database: bool) -> None:
    load._CACHE.clear()
    t_load, project = timed(lambda: load_project(root))
    t_offline, replay = timed(lambda: replay_offline(project, "postgresql"))
    schema = schema_sql(replay.schema, "postgresql")
    load._CACHE.clear()
    t_project, _ = timed(lambda: generate(request(project_dir=str(root))))
    t_plain, _ = timed(lambda: generate(request(migration_tool=tool, database="postgresql", schema=schema)))
    print(f"{tool:8} {len(project.history)} migrations, {replay.statements} statements, "
          f"{len(replay.schema.tables)} tables, {len(replay.unmodelled)} not modelled")
    print(f"  load project        {t_load:7.2f} s")
    print(f"  offline replay      {t_offline:7.2f} s  ({t_offline / len(project.history) * 1000:.1f} ms a migration)")
    print(f"  generate, project   {t_project:7.2f} s  = {t_project / t_plain:.1f}x generate with schema given "
          f"({t_plain:.2f} s)")
    if database:
        from dbmig.project.apply import replay_database
        t_db, exact = timed(lambda: replay_database(project, "postgresql"))
        print(f"  embedded PostgreSQL {t_db:7.2f} s  = {t_db / t_offline:.0f}x the offline replay "
              f"({len(exact.schema.tables)} tables read back)")


def main(n: int, database: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench("flyway", flyway_project(Path(tmp) / "flyway", n), database)
        bench("alembic", alembic_project(Path(tmp) / "alembic", n), database)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 500, "--no-database" not in sys.argv)
