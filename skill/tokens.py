"""Token budgets per tier, counted with the cl100k_base encoding (bpe-openai's Rust tokenizer, offline).

The Rust extension is loaded on its own: importing the `bpe_openai` package runs its Python
compatibility layer, which decodes three vocabularies (cl100k, o200k, voyage3) in Python
(~0.7 s and ~65 MiB at every server start) and whose `encode` raises past 200,000 tokens and on
special-token text such as `<|endoftext|>` in a request. The binding's `count` has neither limit
and builds only the one vocabulary asked for (~50 ms), on the first count.

A module of its own, outside the gate package (whose import loads the planners and the
models): the MCP server counts the tokens of what it sends, and a server that has not generated
anything yet has no use for the gate.
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
from functools import lru_cache
from pathlib import Path

BUDGET = {"T1": 2_000, "T2": 6_000, "T3": 12_000}


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
