"""The golden outputs of `dbmig validate`: the exact text its JSON, SARIF and text reports print
for a fixed set of inputs, so a change to the lint engine's speed cannot change a byte of what it
reports. Rebuild with `python -m tests.golden.validate_build` only when a change means the
output to differ, and review the diff.

Inputs: every corpus migration (tests/corpus, with its tool, version and schema), all PostgreSQL
rule examples in one file (state carried across statements; a file that PostgreSQL rejects as a
whole), and the benchmark's statement mix (benchmarks/lint_speed.py) as one file parsed in a
single parser call, a large one (the large-run path, parsed on a second thread), a large one
PostgreSQL rejects as a whole and several files.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import sys
import tempfile
from pathlib import Path

from dbmig.cli import main

from ..test_lint_corpus import CASES, CORPUS

HERE = Path(__file__).parent / "validate"
STORED = HERE / "outputs.json"
BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def run(args: list[str]) -> str:
    """stdout and exit code of one `dbmig validate` in this process (gc restored: the command
    turns it off for its own short life)."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = main(["validate", *args])
    finally:
        gc.enable()
    return f"exit {code}\n{out.getvalue()}"


def _corpus_args(case: dict) -> list[str]:
    args = ["--database", case["database"]]
    args += ["--tool", case["tool"]] if case["tool"] else []
    args += ["--database-version", case["version"]] if case.get("version") else []
    args += ["--schema", str(CORPUS / case["schema"])] if case.get("schema") else []
    return args + [str(CORPUS / p) for p in [*case["extra"], case["path"]]]


def _examples_sql() -> str:
    """Every PostgreSQL rule's plain ok and bad examples, in rule order, as one migration."""
    from dbmig.lint.rules import all_rules
    parts = []
    for rid, r in sorted(all_rules().items()):
        if "postgresql" not in r.databases:
            continue
        for e in (*r.ok, *r.bad):
            if e.database in (None, "postgresql") and not (e.tool or e.filename or e.files or e.schema):
                parts.append(e.content.strip())
    return "\n".join(parts) + "\n"


def _bench(n: int, start: int = 0) -> str:
    sys.path.insert(0, str(BENCH))
    try:
        from lint_speed import build
    finally:
        sys.path.remove(str(BENCH))
    return build(n, start)


def inputs(tmp: Path) -> dict[str, tuple[list[str], bool]]:
    """name -> (arguments, whether the output is stored whole or as its sha256)."""
    out: dict[str, tuple[list[str], bool]] = {}
    for case in CASES:
        out[f"corpus/{case['path']}"] = (_corpus_args(case), True)
    files = {"examples_pg.sql": _examples_sql(), "bench_200.sql": _bench(200), "bench_1200.sql": _bench(1200)}
    files |= {f"bench_many_{k}.sql": _bench(100, k * 100) for k in range(5)}
    # large enough to be parsed on a second thread, and rejected by PostgreSQL as a whole
    files["bench_broken.sql"] = _bench(600) + "ALTER TABLE t ADD COLUMN (oops;\n" + _bench(600, 600)
    for name, text in files.items():
        (tmp / name).write_text(text, encoding="utf-8")
    pg = ["--database", "postgresql", "--database-version", "15"]
    out["examples_pg"] = ([*pg, str(tmp / "examples_pg.sql")], True)
    out["examples_pg_v10"] = (["--database", "postgresql", "--database-version", "10", str(tmp / "examples_pg.sql")],
                              True)
    out["bench_200"] = ([*pg, str(tmp / "bench_200.sql")], True)
    out["bench_1200"] = ([*pg, str(tmp / "bench_1200.sql")], False)
    out["bench_broken"] = ([*pg, str(tmp / "bench_broken.sql")], False)
    out["bench_many"] = ([*pg, *(str(tmp / f"bench_many_{k}.sql") for k in range(5))], False)
    return out


def outcome(args: list[str], whole: bool) -> dict[str, str]:
    """The report in each format: whole text, or its sha256 for the large inputs."""
    result = {}
    for fmt in ("json", "sarif", "text"):
        text = run(["--format", fmt, *args])
        keep = whole and fmt == "json"      # SARIF and text are the same report reshaped: a hash suffices
        result[fmt] = text if keep else "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    return result


def build() -> dict[str, dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        return {name: outcome(args, whole) for name, (args, whole) in inputs(Path(tmp)).items()}


def load() -> dict[str, dict[str, str]]:
    return json.loads(STORED.read_text(encoding="utf-8"))


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    STORED.write_text(json.dumps(build(), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {STORED}", file=sys.stderr)
