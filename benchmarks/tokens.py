"""Tokens per tier over the generate matrix (the golden requests: op x tool x database, T1-T3),
as the MCP server sends them (summary text + structured content), as % of the tier's budget.

Baseline in the same run: the whole result as JSON plus a text block that repeats every file,
which is what generate_migration sent before the text became a summary. Then the answers to
requests of 100, 1,000 and 5,000 changes over MCP (in process): size and time.
    python benchmarks/tokens.py [--huge 100,1000,5000]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dbmig.api import generate  # noqa: E402
from dbmig.errors import DbmigError  # noqa: E402
from dbmig.server.budget import BUDGETS, as_json, received, tokens  # noqa: E402
from dbmig.server.fit import as_sent  # noqa: E402
from dbmig.server.schemas import REQUIRED  # noqa: E402
from dbmig.server.tools import _generate_spec  # noqa: E402
from tests.golden.build import requests  # noqa: E402


def repeated_files(model) -> int:
    """The earlier response: every part as JSON, and every file once more in the text."""
    full = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return tokens(as_json(full)) + tokens("\n".join(f"--- {f.filename} ---\n{f.content}" for f in model.files))


def matrix() -> None:
    sent: dict[str, list[float]] = {"T1": [], "T2": [], "T3": []}
    before: dict[str, list[float]] = {"T1": [], "T2": [], "T3": []}
    trimmed = {"T1": 0, "T2": 0, "T3": 0}
    for request in requests().values():
        try:
            model = generate(request)
        except DbmigError:
            continue
        tier = model.tier.value
        body, text = as_sent(model)
        assert set(REQUIRED) <= set(body), body.get("omitted")
        sent[tier].append(100 * received(body, text) / BUDGETS[tier])
        before[tier].append(100 * repeated_files(model) / BUDGETS[tier])
        trimmed[tier] += "omitted" in body
    print(f"{'tier':5} {'results':>7} {'median %':>9} {'max %':>7} {'trimmed':>8}   "
          f"{'baseline median %':>17} {'baseline max %':>14}")
    for tier, xs in sent.items():
        print(f"{tier:5} {len(xs):7} {statistics.median(xs):9.0f} {max(xs):7.0f} {trimmed[tier]:8}   "
              f"{statistics.median(before[tier]):17.0f} {max(before[tier]):14.0f}")


def huge(sizes: list[int]) -> None:
    spec = _generate_spec()
    print(f"\n{'changes':>8} {'answer':12} {'chars':>7} {'tokens':>7} {'seconds':>8}")
    for n in sizes:
        request = {"migration_tool": "flyway", "database": "postgresql", "migration_type": "schema",
                   "downtime_allowed": True, "migration_description": f"add {n} columns",
                   "changes": [{"op": "add_column", "table": f"t{i % 50}", "column": {"name": f"c{i}", "type": "integer"}}
                               for i in range(n)]}
        started = time.perf_counter()
        result = spec.call(request)
        seconds = time.perf_counter() - started
        text = result.content[0].text
        answer = "error " + text.split('"code":"')[1].split('"')[0] if result.is_error else "result"
        size = tokens(text) + (tokens(as_json(result.structured_content)) if result.structured_content else 0)
        print(f"{n:8} {answer:12} {len(text):7} {size:7} {seconds:8.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--huge", default="100,1000,5000")
    args = ap.parse_args()
    matrix()
    huge([int(n) for n in args.huge.split(",") if n])


if __name__ == "__main__":
    main()
