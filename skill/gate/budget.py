"""Token budgets per tier, counted with the cl100k_base encoding (bpe-openai, offline)."""
from __future__ import annotations

from functools import lru_cache

BUDGET = {"T1": 2_000, "T2": 6_000, "T3": 12_000}


@lru_cache(maxsize=1)
def _encoding():
    from bpe_openai import get_encoding
    return get_encoding("cl100k_base")


# bpe-openai refuses a piece of 1,000,000 characters or more ("Input too long to encode
# safely"): a longer text is counted in pieces cut after a line break (where the encoding's
# pre-tokenizer splits anyway), so the sum is the count of the whole.
_PIECE = 100_000   # also under its 200,000-token limit per call, at most one token a character


def count_tokens(text: str) -> int:
    total, start = 0, 0
    while len(text) - start > _PIECE:
        cut = text.rfind("\n", start, start + _PIECE) + 1 or start + _PIECE
        total += len(_encoding().encode(text[start:cut]))
        start = cut
    return total + len(_encoding().encode(text[start:]))


def result_tokens(result) -> int:
    """A generate result's size as the MCP server sends it (JSON, empty fields left out)."""
    return count_tokens(result.model_dump_json(by_alias=True, exclude_none=True))
