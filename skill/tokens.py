"""Token budgets per tier, counted with the cl100k_base encoding (bpe-openai's Rust tokenizer, offline).

The Rust extension is loaded on its own: importing the `bpe_openai` package runs its Python
compatibility layer, which decodes three vocabularies (cl100k, o200k, voyage3) in Python
(~0.7 s and ~65 MiB at every server start) and whose `encode` raises past 200,000 tokens and on
special-token text such as `<|endoftext|>` in a request. The binding's `count` has neither limit
and builds only the one vocabulary asked for (~50 ms), on the first count.

Most answers need no count at all: the server only asks whether an answer is within budget,
and `tokens_at_most` answers that from an upper bound that needs no vocabulary (the tokenizer
costs ~33 MiB and ~70 ms at the first count; a T1 answer is ~3 kB, more bytes than its budget).

A module of its own, outside the gate package (whose import loads the planners and the
models): the MCP server counts the tokens of what it sends, and a server that has not generated
anything yet has no use for the gate.
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import re
from functools import lru_cache
from itertools import repeat
from pathlib import Path

BUDGET = {"T1": 2_000, "T2": 6_000, "T3": 12_000}

# cl100k_base's pre-tokenizer (tiktoken's published pattern), written for ASCII text, where
# \p{L} is [A-Za-z] and \p{N} is [0-9]. The encoder splits text into these pieces and encodes each
# on its own, so a text's count is the sum of its pieces' counts (tests/test_tokens.py checks the
# pieces against the tokenizer's own `pretokenize`).
PIECE = re.compile(r"'(?i:[sdmt]|ll|ve|re)|[^\r\nA-Za-z0-9]?[A-Za-z]+|[0-9]{1,3}"
                   r"| ?[^\sA-Za-z0-9]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
# Text the pattern above reads as the tokenizer does: printable ASCII, space, tab, CR, LF (the
# regex engines disagree on what other control characters are: \s).
plain = re.compile(r"[\t\n\r -~]*").fullmatch
# The exact count of the pieces dbmig's answers repeat (built by tests/golden/pieces_build.py).
KNOWN_PIECES = Path(__file__).parent / "data" / "cl100k_pieces.json"


@lru_cache(maxsize=1)
def _tokenizer():
    package = importlib.util.find_spec("bpe_openai")        # located, not imported
    if package is None or not package.submodule_search_locations:
        raise ImportError("bpe-openai is not installed (a dbmig dependency)")
    folder = Path(package.submodule_search_locations[0])
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    path = next((p for p in folder.glob("_bindings.*") if p.name.endswith(suffixes)), None)
    if path is None:
        raise ImportError(f"bpe-openai has no compiled tokenizer in {folder}")
    spec = importlib.util.spec_from_file_location("bpe_openai._bindings", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.tokenizer_for_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    """cl100k_base tokens of `text`, of any length; special-token text counts as plain text."""
    return _tokenizer().count(text)


@lru_cache(maxsize=1)
def _saved() -> dict[str, int]:
    """Known piece -> the tokens it counts fewer than its length."""
    return {piece: len(piece) - count for piece, count in json.loads(KNOWN_PIECES.read_text()).items()}


def tokens_at_most(text: str) -> int:
    """An upper bound of `count_tokens(text)`, without the tokenizer: every token is at least one
    byte, so a piece counts its exact figure when known, else one token per byte; text outside
    `plain` counts one per byte whole."""
    if not plain(text):
        return len(text.encode())
    return len(text) - sum(map(_saved().get, PIECE.findall(text), repeat(0)))
