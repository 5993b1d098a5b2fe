"""Lint PostgreSQL migrations with dbmig and with squawk in the same run; print times and ratios.

    python benchmarks/lint_speed.py [N] [--reps R] [--venv DIR | --here]

Processes run as users meet them: from a virtual environment with the checkout's wheel installed
(DIR, default: <tmp>/dbmig-bench-venv; made with dbmig's dependencies on first use, the wheel
reinstalled on every run), and `python -c pass` from the same environment. `--here` runs them with
this interpreter instead, whose environment may load more at every start (a `.pth` file that
imports pathlib or certifi adds the same to both sides and flatters the small-file ratio).

Figures (each a median of R interleaved runs):
1. in process: `validate_migration` on one N-statement file (default 10,000) vs the squawk process;
2. as processes, `dbmig validate --format json` vs `squawk --reporter json`:
   one N-statement file, and 100 files x 100 statements;
3. one small file as a pre-commit hook runs it: `dbmig validate` vs `python -c pass` (the floor
   of any Python tool: the interpreter's own start);
4. the floor of a Python linter built on PostgreSQL's parser, beside squawk: a process that starts,
   imports dbmig's parser layer and parses and decodes every file, running no rule at all.
Process figures print the median CPU time (user + system) beside the wall time: on a machine
other work loads, wall time stretches with the wait for a core while CPU time stays near the
work done. dbmig parses large inputs on a second thread, so its CPU time may exceed its wall time.

Statements are all distinct (table and column names vary) so no cache can help, and mix the
forms a real migration has: DDL of every kind, backfills, settings. The package is byte-compiled
first, as `pip install` does (this machine sets PYTHONDONTWRITEBYTECODE, which would otherwise
make every process compile dbmig's sources again).
"""
from __future__ import annotations

import compileall
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dbmig.lint import validate_migration  # noqa: E402

TEMPLATES = [
    "SET lock_timeout = '5s';",
    "ALTER TABLE t{i} ADD COLUMN c{i} text;",
    "CREATE INDEX CONCURRENTLY t{i}_c_idx ON t{i} (c{i});",
    "CREATE INDEX t{i}_d_idx ON t{i} (d{i}, e{i});",
    "ALTER TABLE t{i} ADD CONSTRAINT t{i}_fk FOREIGN KEY (u{i}) REFERENCES u{i} (id) NOT VALID;",
    "ALTER TABLE t{i} VALIDATE CONSTRAINT t{i}_fk;",
    "ALTER TABLE t{i} ALTER COLUMN c{i} SET NOT NULL;",
    "UPDATE t{i} SET c{i} = 'x' WHERE id IN (SELECT id FROM t{i} WHERE c{i} IS NULL LIMIT 1000);",
    "ALTER TABLE t{i} ADD COLUMN ts{i} timestamptz DEFAULT clock_timestamp();",
    "ALTER TABLE t{i} RENAME COLUMN a{i} TO b{i};",
]
SMALL = "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n"


def build(n: int, start: int = 0) -> str:
    return "\n".join(TEMPLATES[i % len(TEMPLATES)].format(i=i) for i in range(start, start + n)) + "\n"


def dbmig_cmd(python: str) -> list[str]:
    script = Path(python).with_name("dbmig")
    return [str(script)] if script.exists() else [python, "-m", "dbmig.cli"]


def bench_venv(folder: Path) -> str:
    """The interpreter of a virtual environment holding this checkout's wheel (and, installed once,
    its dependencies): what `pip install dbmig` gives a user."""
    python = folder / "bin" / "python"
    fresh = not python.exists()
    if fresh:
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    with tempfile.TemporaryDirectory() as wheels:
        subprocess.run([str(python), "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, str(ROOT)], check=True,
                       capture_output=True)
        wheel = next(Path(wheels).glob("dbmig-*.whl"))
        extra = [] if fresh else ["--no-deps"]
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--force-reinstall", *extra, str(wheel)],
                       check=True, capture_output=True)
    return str(python)


# A linter's floor: start, import dbmig's PostgreSQL parser layer, parse and decode every file.
FLOOR = ("import sys, orjson\nfrom dbmig.lint.rules._pg import pg_parser\nparse = pg_parser().parse_sql_json\n"
         "for name in sys.argv[1:]:\n    orjson.loads(parse(open(name).read()))\n")


def timed(cmd: list[str]) -> float:
    return timed_cpu(cmd)[0]


def timed_cpu(cmd: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, all threads) of one process."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


CPU: dict[str, float] = {}     # median CPU seconds of the last `medians` run, by command name


def medians(commands: dict[str, list[str]], reps: int) -> dict[str, float]:
    """Run the commands in turn, `reps` rounds, so load on the machine hits all of them alike.
    Wall-time medians; the CPU-time medians go to CPU (a loaded machine stretches wall time)."""
    times: dict[str, list[float]] = {k: [] for k in commands}
    cpu: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(reps):
        for name, cmd in commands.items():
            wall, used = timed_cpu(cmd)
            times[name].append(wall)
            cpu[name].append(used)
    CPU.update({k: statistics.median(v) for k, v in cpu.items()})
    return {k: statistics.median(v) for k, v in times.items()}


def in_process(sql: str, squawk_file: Path, reps: int) -> None:
    dbmig, squawk, findings = [], [], 0
    for _ in range(reps):
        start = time.perf_counter()
        findings = len(validate_migration([{"filename": "big.sql", "content": sql}], "postgresql", None,
                                          "15")["findings"])
        dbmig.append(time.perf_counter() - start)
        squawk.append(timed(["squawk", "--reporter", "json", str(squawk_file)]))
    d, s = statistics.median(dbmig), statistics.median(squawk)
    print(f"in process, {sql.count(';'):,} statements: dbmig {d:.3f} s ({findings:,} findings), "
          f"squawk {s:.3f} s -> {d / s:.2f}x")


def main(n: int = 10_000, reps: int = 5, python: str = sys.executable) -> None:
    compileall.compile_dir(str(ROOT / "skill"), quiet=1)
    print(f"processes run with {python}")
    have_squawk = shutil.which("squawk") is not None
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.sql"
        big.write_text(build(n))
        # Plain SQL names: squawk knows no Flyway, so neither side applies Flyway's conventions.
        many = [Path(tmp) / f"m{k:03d}.sql" for k in range(100)]
        for k, path in enumerate(many):
            path.write_text(build(100, k * 100))
        small = Path(tmp) / "one.sql"
        small.write_text(SMALL)
        validate = [*dbmig_cmd(python), "validate", "--database", "postgresql", "--database-version", "15",
                    "--format", "json"]
        if have_squawk:
            in_process(big.read_text(), big, reps)
            runs = medians({"dbmig big": [*validate, str(big)], "squawk big": ["squawk", "--reporter", "json", str(big)],
                            "floor big": [python, "-c", FLOOR, str(big)],
                            "dbmig many": [*validate, *map(str, many)],
                            "squawk many": ["squawk", "--reporter", "json", *map(str, many)],
                            "floor many": [python, "-c", FLOOR, *map(str, many)]}, reps)
            for label, key in ((f"1 file x {n:,} statements", "big"), ("100 files x 100 statements", "many")):
                d, s, f = runs[f"dbmig {key}"], runs[f"squawk {key}"], runs[f"floor {key}"]
                print(f"process, {label}: dbmig validate {d:.3f} s, squawk {s:.3f} s -> {d / s:.2f}x"
                      f"  (CPU {CPU[f'dbmig {key}']:.3f} s vs {CPU[f'squawk {key}']:.3f} s -> "
                      f"{CPU[f'dbmig {key}'] / CPU[f'squawk {key}']:.2f}x)")
                print(f"  floor (start, parser import, parse and decode, no rule): {f:.3f} s -> {f / s:.2f}x squawk")
        else:
            print("squawk: not installed (pip install squawk-cli); squawk figures skipped")
        runs = medians({"pass": [python, "-c", "pass"], "one": [*validate, str(small)]}, reps * 4)
        print(f"process, one small file: dbmig validate {runs['one'] * 1000:.0f} ms, python -c pass "
              f"{runs['pass'] * 1000:.0f} ms -> {runs['one'] / runs['pass']:.1f}x  (CPU {CPU['one'] * 1000:.0f} ms vs "
              f"{CPU['pass'] * 1000:.0f} ms -> {CPU['one'] / CPU['pass']:.1f}x)")


if __name__ == "__main__":
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("n", nargs="?", type=int, default=10_000)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "dbmig-bench-venv",
                   help="the virtual environment processes run from (made on first use)")
    p.add_argument("--here", action="store_true", help="run processes with this interpreter instead")
    a = p.parse_args()
    main(a.n, a.reps, sys.executable if a.here else bench_venv(a.venv))
