"""Token budgets per tier, counted with the cl100k_base encoding (bpe-openai, offline)."""
from __future__ import annotations

from functools import lru_cache

BUDGET = {"T1": 2_000, "T2": 6_000, "T3": 12_000}


@lru_cache(maxsize=1)
def _encoding():
    from bpe_openai import get_encoding
    return get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text))


def result_tokens(result) -> int:
    """A generate result's size as the MCP server sends it (JSON, empty fields left out)."""
    return count_tokens(result.model_dump_json(by_alias=True, exclude_none=True))
