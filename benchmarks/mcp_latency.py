"""MCP latency over stdio next to the in-process cost of the same requests.

    python benchmarks/mcp_latency.py [--calls 200] [--cold 5]

Cold start: spawn the server, connect (discover/initialize) and get the first T1 result.
Warm: round trips on one open session, T1 and T3 requests. In-process: `dbmig.api.generate`
alone, and with the server's adapter (validation, budget fitting, text), in this process.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_mcp_stdio import stdio_client, t1_request, t3_request  # noqa: E402

# T3: rename_column on PostgreSQL with downtime_allowed=false (expand / migrate / contract).
REQUESTS = {"T1": t1_request(), "T3": t3_request()}


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):7.2f} ms   p99 {p99:7.2f} ms   (n={len(ms)})"


async def cold_start() -> float:
    start = time.perf_counter()
    async with stdio_client() as client:
        await client.call_tool("generate_migration", REQUESTS["T1"])
        return time.perf_counter() - start


async def warm(calls: int) -> dict[str, tuple[list[float], str]]:
    out = {}
    async with stdio_client() as client:
        for tier, request in REQUESTS.items():
            first = await client.call_tool("generate_migration", request)   # warm-up, not timed
            outcome = first.structured_content.get("tier") if not first.is_error else \
                f"error {json.loads(first.content[0].text)['code']}"
            samples = []
            for _ in range(calls):
                start = time.perf_counter()
                await client.call_tool("generate_migration", request)
                samples.append(time.perf_counter() - start)
            out[tier] = (samples, outcome)
    return out


def in_process(calls: int) -> dict[str, tuple[list[float], list[float]]]:
    from dbmig.server.tools import ToolSpec, run_generate
    from dbmig.api import generate
    from dbmig.errors import DbmigError

    adapter = ToolSpec("generate_migration", "", "", {}, {}, run_generate)
    out = {}
    for tier, request in REQUESTS.items():
        engine, served = [], []
        for _ in range(calls):
            start = time.perf_counter()
            try:
                generate(request)
            except DbmigError:
                pass  # an abort is a result too: the same work the server does
            engine.append(time.perf_counter() - start)
            start = time.perf_counter()
            adapter.call(request)
            served.append(time.perf_counter() - start)
        out[tier] = (engine, served)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--cold", type=int, default=5)
    args = parser.parse_args()

    colds = [anyio.run(cold_start) for _ in range(args.cold)]
    print(f"cold start to first T1 result (stdio, spawn + connect + call): {percentiles(colds)}")
    for tier, (samples, outcome) in anyio.run(warm, args.calls).items():
        print(f"warm {tier} round trip over stdio [{outcome}]: {percentiles(samples)}")
    for tier, (engine, served) in in_process(args.calls).items():
        print(f"in-process {tier} dbmig.api.generate:          {percentiles(engine)}")
        print(f"in-process {tier} generate + server adapter:   {percentiles(served)}")


if __name__ == "__main__":
    main()
