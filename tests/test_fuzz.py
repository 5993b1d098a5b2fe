"""Issue 14: 2,000 deterministic malformed calls over ONE stdio server (malformed arguments of
every tool, hostile strings in every field, inputs at and over the documented limits): every
reply is a structured error or a valid result, the server is alive at the end, and its memory
stays bounded. benchmarks/fuzz.py runs 10,000 and prints the figures."""
from __future__ import annotations

import collections

from .fuzzcases import FAILURES, calls, classify
from .rawstdio import RawServer

SEED, CALLS = 20260412, 2_000
RSS_BOUND_MB = 1_024          # measured ~240 MB after 10,000 calls; generous


def test_fuzzed_calls_all_get_structured_answers():
    server = RawServer()
    try:
        start_rss = server.rss_mb()
        histogram: collections.Counter[str] = collections.Counter()
        failures = []
        for tool, arguments in calls(SEED, CALLS):
            try:
                reply = server.call(tool, arguments, timeout=120)
            except TimeoutError:
                reply = None
            kind = classify(reply)
            histogram[kind] += 1
            if kind in FAILURES:
                failures.append((tool, str(arguments)[:300], str(reply)[:300]))
        assert not failures, failures[:5]
        assert sum(histogram.values()) == CALLS
        # the fuzzer reaches the engine, not only argument validation
        assert histogram["ok"] > CALLS // 20 and histogram["invalid_request"] > CALLS // 2, histogram
        assert server.alive()
        assert server.call("validate_migration", {"database": "postgresql", "files": [
            {"filename": "V1__a.sql", "content": "SELECT 1;"}]})["result"]["structuredContent"]["verdict"] == "pass"
        assert server.rss_mb() < RSS_BOUND_MB, (start_rss, server.rss_mb())
    finally:
        server.close()
