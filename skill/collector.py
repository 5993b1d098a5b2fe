"""The cyclic garbage collector around loading.

Importing the MCP SDK, pydantic's models and dbmig's engine creates hundreds of thousands of
objects that live as long as the process and hold no garbage. The collector, triggered again and
again while they pile up, walks all of them each time it reaches the oldest generation: measured
on `dbmig serve`, about 60 ms of a 700 ms start, and `import dbmig.api` after the SDK took 70 ms
with the collector on, 27 ms with it paused (benchmarks/mcp_latency.py, cold start). So loading
runs with the collector paused, and what it made is then frozen (`gc.freeze`): later collections
skip it instead of walking it again on every call.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from collections.abc import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block (as it was after): for work that makes many objects and no
    garbage cycles, such as parse trees or imports."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def loading() -> Iterator[None]:
    """Imports and one-time set-up: the collector paused, then all that exists frozen before it
    runs again (else its first run walks every object made meanwhile: 31 ms after the SDK)."""
    with paused():
        try:
            yield
        finally:
            gc.freeze()
