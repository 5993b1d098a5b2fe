"""T3 data migrations on real engines with the real tools: backfill (with the column it fills and
NOT NULL after), update_rows and split_column with downtime_allowed=false on a 100,000-row table.
Each phase is applied in order while an app writer keeps updating rows of the same table; after
each phase its validation tests pass, every row holds what the change promises and no write of
the app is lost; rolling back every phase (the writer still running) gives back every row and
the schema."""
from __future__ import annotations

import contextlib
import threading
import time

import pytest

from dbmig.api import generate
from dbmig.errors import ZeroDowntimeImpossible
from dbmig.runners import runner
from dbmig.runners.engines import Scratch

from .test_data_migrations import ENGINES, ROWS, SEED, TOOLS, _engine, expected, schema_of
from .test_data_offline import SCHEMA as OFFLINE_SCHEMA
from .test_zero_downtime import phase_files, phase_tests

SCHEMA = {
    "postgresql": "CREATE TABLE people (id INTEGER PRIMARY KEY, full_name VARCHAR(200), email VARCHAR(200) "
                  "NOT NULL, score INTEGER NOT NULL, note VARCHAR(50), hits INTEGER NOT NULL DEFAULT 0)",
    "mysql": "CREATE TABLE people (id INT PRIMARY KEY, full_name VARCHAR(200), email VARCHAR(200) NOT NULL, "
             "score INT NOT NULL, note VARCHAR(50), hits INT NOT NULL DEFAULT 0)",
}
CHANGES = [
    {"op": "add_column", "table": "people", "column": {"name": "region", "type": "varchar(20)"}},
    {"op": "backfill", "table": "people", "column": "region", "value": "UPPER(SUBSTRING(email, 1, 2))"},
    {"op": "set_not_null", "table": "people", "column": "region"},
    {"op": "update_rows", "table": "people", "set": {"score": "score + 1", "note": "'bumped'"},
     "where": "score < 500", "batch_size": 2500},
    # the default: a single name ('Solo7') stays whole in first_name
    {"op": "split_column", "table": "people", "column": "full_name", "into": ["first_name", "last_name"],
     "separator": " ", "batch_size": 2000},
]
CASES = ("hybrid_backfill", "update_rows", "split_keep_in_first")


def request(tool: str, database: str, changes: list[dict] = CHANGES) -> dict:
    return dict(migration_tool=tool, database=database, migration_type="hybrid", downtime_allowed=False,
                migration_description="online people cleanup", changes=changes,
                schema=SCHEMA.get(database) or OFFLINE_SCHEMA[database],
                table_rows={"people": ROWS}, author="dbmig-tests")


def seed(scratch: Scratch) -> None:
    insert = SEED[scratch.kind].replace("INSERT INTO people SELECT",
                                        "INSERT INTO people (id, full_name, email, score, note) SELECT")
    scratch.execute([SCHEMA[scratch.kind], insert.format(n=ROWS, lacking="TRUE")])


def rows(scratch: Scratch) -> dict[int, dict]:
    with contextlib.closing(scratch.server.connect(scratch.database)) as conn, conn.cursor() as cur:
        cur.execute("SELECT * FROM people")
        names = [d[0] for d in cur.description]
        return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}


def without_hits(table: dict[int, dict]) -> dict[int, dict]:
    return {i: {k: v for k, v in row.items() if k != "hits"} for i, row in table.items()}


class Writer(threading.Thread):
    """The app: one-row updates of `hits` in autocommit, as fast as it can, counting each."""

    def __init__(self, scratch: Scratch):
        super().__init__(daemon=True)
        self.scratch, self.stop, self.done, self.errors, self.slowest = scratch, threading.Event(), {}, [], 0.0

    def run(self) -> None:
        conn, n = self.scratch.server.connect(self.scratch.database), 0
        try:
            while not self.stop.is_set():
                row = 1 + (n * 7919) % ROWS
                started = time.perf_counter()
                try:
                    with conn.cursor() as cur:
                        cur.execute(f"UPDATE people SET hits = hits + 1 WHERE id = {row}")
                    self.done[row] = self.done.get(row, 0) + 1
                except Exception as e:  # noqa: BLE001 - every failure of the app is a finding
                    self.errors.append(repr(e)[:200])
                self.slowest = max(self.slowest, time.perf_counter() - started)
                n += 1
        finally:
            conn.close()


@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
@pytest.mark.parametrize("tool", TOOLS)
def test_online_data_phases_under_a_writer(tool, database, tmp_path):
    server = _engine(database, tool)
    result = generate(request(tool, database))
    assert result.tier.value == "T3" and [p.name for p in result.phases] == ["expand", "migrate"]
    assert "writes people.region itself" in result.phases[1].gate_before
    phases, run = phase_files(result), runner(tool)
    with server.scratch(f"zdd{tool[:4]}") as scratch:
        seed(scratch)
        start, before = schema_of(scratch), rows(scratch)
        unchanged = {t.query: scratch.query(t.query) for t in result.validation_tests if t.compare == "unchanged"}
        writer = Writer(scratch)
        writer.start()
        try:
            for i, (name, files) in enumerate(phases):
                run.upgrade(scratch, files, tmp_path / f"up{i}")
                for t in phase_tests(result, name, i == len(phases) - 1):
                    assert scratch.query(t.query) == t.expected_rows, f"{name}: {t.description}\n{t.query}"
                for query, want in unchanged.items():
                    assert scratch.query(query) == want, query
            migrated = rows(scratch)
            for name, files in reversed(phases):
                run.downgrade(scratch, files, tmp_path / f"down{name}")
        finally:
            writer.stop.set()
            writer.join()
        assert writer.done and not writer.errors, writer.errors[:3]
        print(f"{tool}/{database}: {sum(writer.done.values())} app writes during the phases and their rollback, "
              f"slowest {writer.slowest * 1000:.0f} ms")
        want = {i: expected("split_keep_in_first", expected("update_rows", expected("hybrid_backfill", row)))
                for i, row in before.items()}
        got, want = without_hits(migrated), without_hits(want)
        wrong = [i for i in want if got[i] != want[i]]
        assert not wrong, f"{len(wrong)} rows differ, e.g. {got[wrong[0]]} != {want[wrong[0]]}"
        after = rows(scratch)
        assert all(after[i]["hits"] == writer.done.get(i, 0) for i in before), "an app write was lost"
        assert without_hits(after) == without_hits(before), "rollback did not restore every row"
        assert schema_of(scratch) == start, "rollback did not restore the schema"


@pytest.mark.parametrize("database", ["postgresql", "mysql", "sqlserver", "oracle"])
@pytest.mark.parametrize("op", ["backfill", "update_rows", "split_column"])
def test_each_data_op_has_an_online_plan_everywhere(op, database):
    """No zero_downtime_impossible for a data op on any database: the loop in migrate, behind the
    gate that names what the app must write."""
    change = {"backfill": CHANGES[1] | {"column": "note", "value": "'x'"}, "update_rows": CHANGES[3],
              "split_column": CHANGES[4]}[op]
    result = generate(request("flyway", database, [change]))
    assert result.tier.value == "T3"
    gates = [p.gate_before or "" for p in result.phases or []] + result.deployment_guide.pre_migration_steps
    assert any("Deploy the app version that writes people." in g for g in gates)
    loop = "\n".join(f.content for f in result.files)
    assert "OFFSET" not in loop.upper() and "dbmig_bak_people" in loop.lower()


def test_raw_sql_online_only_when_lint_finds_nothing_blocking():
    move = [{"op": "raw_sql", "up": "INSERT INTO archive SELECT * FROM people WHERE score < 10",
             "down": "DELETE FROM archive WHERE score < 10"}]
    assert generate(request("flyway", "postgresql", move)).tier.value == "T3"
    blocking = [{"op": "raw_sql", "up": "CREATE INDEX ix_people_score ON people (score)",
                 "down": "DROP INDEX ix_people_score"}]
    with pytest.raises(ZeroDowntimeImpossible, match="PG001"):
        generate(request("flyway", "postgresql", blocking))
