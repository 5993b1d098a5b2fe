"""The tools' input and output schemas as the server publishes them, precomputed.

They are exported from the pydantic models (schemas.py), which costs a dozen `model_json_schema`
calls (~0.15 s) at every start of a server that may be spawned per session. So they are built
once, when the models change, into `tool_schemas.json` beside this module:

    python -m dbmig.server.published        # rewrite tool_schemas.json from the models

and read from there at start. tests/test_mcp_contract.py checks that the file equals what the
models give now, so the published schemas cannot drift from the models that validate the calls.
A tool missing from the file (a checkout where it was never built) gets its schemas live.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

CACHE = Path(__file__).with_name("tool_schemas.json")

Schemas = tuple[dict, dict]
_from_models = False


def schemas_for(name: str, live: Callable[[], Schemas]) -> Schemas:
    """(input schema, output schema) of tool `name`: precomputed, or `live()` from the models."""
    entry = None if _from_models else _cache().get(name)
    return (entry["input"], entry["output"]) if entry else live()


def _cache() -> dict:
    # read on each call (once per server start): every spec gets dicts of its own to change
    try:
        return json.loads(CACHE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


@contextmanager
def from_models() -> Iterator[None]:
    """Within it, tool specs carry the schemas exported from the models now, not the file's."""
    global _from_models
    _from_models = True
    try:
        yield
    finally:
        _from_models = False


def live_schemas() -> dict[str, dict]:
    from .tools import tool_specs
    with from_models():
        return {spec.name: {"input": spec.input_schema, "output": spec.output_schema} for spec in tool_specs()}


def write() -> None:
    CACHE.write_text(json.dumps(live_schemas(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    # through the package's module: run as __main__, this file is a second copy whose
    # `from_models` the tool builders would not see (they would copy the old file)
    from dbmig.server import published
    published.write()
    print(f"wrote {published.CACHE}")
