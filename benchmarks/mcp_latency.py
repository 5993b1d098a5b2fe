"""MCP latency and memory over stdio, next to a bare MCP server and the in-process cost, same run.

    python benchmarks/mcp_latency.py [--calls 200] [--cold 5]

Baseline: benchmarks/bare_mcp_server.py, a one-tool `MCPServer` of the same SDK spawned and
called the same way; its cold start and its echo round trip are the floor of any server on it.
- cold start: spawn the server, connect (initialize) and get the first result (dbmig: a T1
  generate; bare: echo), runs interleaved; peak memory: the server process's RSS high-water
  (VmHWM) after that first result and after the warm calls;
- warm: round trips on one open session of each server, calls interleaved (echo, T1, T3);
- in-process: `dbmig.api.generate` alone, and with the server's adapter (argument checks, budget
  fitting, text), in this process.
Targets (issue 21): cold ≤ 1.2x bare, peak memory ≤ 1.5x bare, warm T1 ≤ 1.5x in-process
(generate + adapter) + the bare echo round trip.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import AsyncExitStack
from pathlib import Path

import anyio
import psutil
from mcp import Client
from mcp.client.stdio import StdioServerParameters

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_mcp_stdio import server_command, t1_request, t3_request  # noqa: E402

# T3: rename_column on PostgreSQL with downtime_allowed=false (expand / migrate / contract).
REQUESTS = {"T1": t1_request(), "T3": t3_request()}
BARE = [sys.executable, str(ROOT / "benchmarks" / "bare_mcp_server.py")]
ECHO = ("echo", {"text": "ping"})
SERVERS = {"bare": (BARE, ECHO), "dbmig": (server_command(), ("generate_migration", REQUESTS["T1"]))}


def p50(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):8.2f} ms   p99 {p99:8.2f} ms   (n={len(ms)})"


def client(command: list[str]) -> Client:
    return Client(StdioServerParameters(command=command[0], args=command[1:], cwd=str(ROOT)), read_timeout_seconds=60)


def children() -> set[int]:
    return {p.pid for p in psutil.Process().children()}


def spawned(known: set[int]) -> int:
    """The one server process spawned since `known` was taken."""
    (pid,) = children() - known
    return pid


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far: on a loaded machine the wall time
    to a first result stretches with the other load, its CPU time much less."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float:
    """The process's RSS high-water mark (VmHWM) so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


async def cold_start(name: str) -> tuple[float, float, float]:
    command, (tool, arguments) = SERVERS[name]
    known = children()
    start = time.perf_counter()
    async with client(command) as session:
        result = await session.call_tool(tool, arguments)
        seconds = time.perf_counter() - start
        assert not result.is_error, result.content
        pid = spawned(known)
        return seconds, cpu_seconds(pid), peak_rss_mib(pid)


async def warm(calls: int) -> tuple[dict[str, list[float]], dict[str, str], dict[str, float]]:
    """Both servers open at once; each round calls echo, T1, T3 in turn, so that load on the
    machine falls on all three alike."""
    samples: dict[str, list[float]] = {"echo": [], **{tier: [] for tier in REQUESTS}}
    calls_of = [("echo", "bare", *ECHO)] + [(tier, "dbmig", "generate_migration", r) for tier, r in REQUESTS.items()]
    async with AsyncExitStack() as stack:
        sessions, pids = {}, {}
        for name, (command, _) in SERVERS.items():
            known = children()
            sessions[name] = await stack.enter_async_context(client(command))
            pids[name] = spawned(known)
        outcomes = {}
        for label, name, tool, arguments in calls_of:        # warm-up, not timed
            first = await sessions[name].call_tool(tool, arguments)
            outcomes[label] = "error " + json.loads(first.content[0].text)["code"] if first.is_error else \
                (first.structured_content or {}).get("tier", "ok")
        for _ in range(calls):
            for label, name, tool, arguments in calls_of:
                start = time.perf_counter()
                await sessions[name].call_tool(tool, arguments)
                samples[label].append(time.perf_counter() - start)
        memory = {name: peak_rss_mib(pid) for name, pid in pids.items()}
        return samples, outcomes, memory


def in_process(calls: int) -> dict[str, tuple[list[float], list[float]]]:
    from dbmig.api import generate
    from dbmig.errors import DbmigError
    from dbmig.server.tools import ToolSpec, run_generate

    adapter = ToolSpec("generate_migration", "", "", {}, {}, run_generate)
    out = {}
    for tier, request in REQUESTS.items():
        adapter.call(request)     # warm-up: first imports, caches
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


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:5.2f}x (target <= {target}x: {'met' if ratio <= target else 'NOT met'})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--cold", type=int, default=5)
    args = parser.parse_args()

    cold: dict[str, list[tuple[float, float, float]]] = {name: [] for name in SERVERS}
    for _ in range(args.cold):                   # interleaved: bare, dbmig, bare, dbmig, ...
        for name in SERVERS:
            cold[name].append(anyio.run(cold_start, name))
    seconds = {name: [s for s, _, _ in runs] for name, runs in cold.items()}
    cpu = {name: [c for _, c, _ in runs] for name, runs in cold.items()}
    first_peak = {name: statistics.median(m for _, _, m in runs) for name, runs in cold.items()}
    print("cold start: spawn + connect + first result (stdio); the server's CPU time to it; its peak RSS")
    for name, label in (("bare", "bare MCPServer, echo:    "), ("dbmig", "dbmig serve, T1 generate:")):
        print(f"  {label} {percentiles(seconds[name])}   CPU p50 {p50(cpu[name]):6.0f} ms   "
              f"peak RSS {first_peak[name]:6.1f} MiB")

    samples, outcomes, memory = anyio.run(warm, args.calls)
    print("warm round trips on one open session (stdio, interleaved)")
    for label, xs in samples.items():
        print(f"  {label:4} [{outcomes[label]}]: {percentiles(xs)}")
    print(f"  peak RSS after the warm calls: bare {memory['bare']:.1f} MiB, dbmig {memory['dbmig']:.1f} MiB")

    served_p50 = {}
    print("in process")
    for tier, (engine, served) in in_process(args.calls).items():
        served_p50[tier] = p50(served)
        print(f"  {tier} dbmig.api.generate:         {percentiles(engine)}")
        print(f"  {tier} generate + server adapter:  {percentiles(served)}")

    echo = p50(samples["echo"])
    print("against the targets (p50s)")
    print(f"  cold start dbmig / bare:                  {verdict(p50(seconds['dbmig']) / p50(seconds['bare']), 1.2)}")
    print(f"  cold start CPU time dbmig / bare:         {verdict(p50(cpu['dbmig']) / p50(cpu['bare']), 1.2)}")
    print(f"  peak RSS dbmig / bare (first result):     {verdict(first_peak['dbmig'] / first_peak['bare'], 1.5)}")
    print(f"  peak RSS dbmig / bare (after warm calls): {verdict(memory['dbmig'] / memory['bare'], 1.5)}")
    for tier in REQUESTS:
        over = (p50(samples[tier]) - echo) / served_p50[tier]
        print(f"  warm {tier}: ({p50(samples[tier]):.2f} - echo {echo:.2f}) / in-process {served_p50[tier]:.2f} ms "
              f"= {verdict(over, 1.5)}")


if __name__ == "__main__":
    main()
