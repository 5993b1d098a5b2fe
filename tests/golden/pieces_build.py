"""The known-pieces table of `dbmig.tokens.tokens_at_most`: cl100k_base's exact token count of
each pre-tokenizer piece that dbmig's own answers repeat (JSON keys, SQL keywords, the guides'
words), counted with the real tokenizer. Rebuild with `python -m tests.golden.pieces_build` when
the answers' wording changes much; a stale table stays sound (a piece it lacks counts one token
per byte), only less tight. tests/test_tokens.py checks every entry against the tokenizer.

Pieces come from every golden generate request's answer as the MCP server sends it, plus the
MCP benchmark's T1 and T3 requests; a piece seen once (an identifier of one request) is left out,
as is one whose count equals its length (the default).
"""
from __future__ import annotations

import json
from collections import Counter

from dbmig.api import generate
from dbmig.errors import DbmigError
from dbmig.server.budget import as_json
from dbmig.server.fit import as_sent
from dbmig.tokens import KNOWN_PIECES, PIECE, count_tokens, plain

from ..test_mcp_stdio import t1_request, t3_request
from .build import requests


def answers():
    for request in [*requests().values(), t1_request(), t3_request()]:
        try:
            body, summary = as_sent(generate(request))
        except DbmigError:
            continue
        yield as_json(body)
        yield summary


def build() -> dict[str, int]:
    seen = Counter(piece for text in answers() if plain(text) for piece in PIECE.findall(text))
    counts = {piece: count_tokens(piece) for piece, times in seen.items() if times > 1 and len(piece) > 1}
    return {piece: counts[piece] for piece in sorted(counts) if counts[piece] < len(piece)}


if __name__ == "__main__":
    table = build()
    KNOWN_PIECES.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{len(table)} pieces -> {KNOWN_PIECES}")
