"""`tokens_at_most`: an upper bound of cl100k_base's count without its vocabulary, sound by
construction (a text's count is the sum of its pieces'; a piece counts its exact figure when known,
else its length, and every token is at least one byte). Checked here against the tokenizer: the
pieces are the tokenizer's own, the known figures are its figures, and the bound is never below
its count, on dbmig's answers and on random text."""
from __future__ import annotations

import json
import random

import pytest

from dbmig.server.budget import as_json
from dbmig.tokens import KNOWN_PIECES, PIECE, _tokenizer, count_tokens, plain, tokens_at_most

ALPHABET = "abcXYZ019_'\" .,:;{}[]()<>=!?-+*/\\|&%$#@`~^\t\n\r sSdDmMtTlLvVeErR"


def random_texts(n: int = 400, seed: int = 21):
    rng = random.Random(seed)
    for _ in range(n):
        yield "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 120)))


@pytest.fixture(scope="module")
def answers() -> list[str]:
    from tests.golden.pieces_build import answers
    return list(answers())


def test_known_pieces_are_the_tokenizers_counts():
    table = json.loads(KNOWN_PIECES.read_text())
    assert len(table) > 1000
    wrong = {piece: count for piece, count in table.items() if count_tokens(piece) != count}
    assert not wrong


def test_pieces_are_the_tokenizers_pieces(answers):
    pretokenize = _tokenizer().pretokenize
    texts = [*answers, *random_texts(), "it's THEY'LL we've I'M x'Re", "a  \n\n  b   c\r\n\t d"]
    differ = [t for t in texts if plain(t) and PIECE.findall(t) != list(pretokenize(t))]
    assert not differ[:3]


def test_bound_is_never_below_the_count(answers):
    texts = [*answers, *random_texts(), "naïve café", "控制 users", "<|endoftext|>", "a\x0bb\x1cc\x85d"]
    below = [t for t in texts if tokens_at_most(t) < count_tokens(t)]
    assert not below[:3]


def test_text_outside_plain_ascii_counts_its_bytes():
    for text in ("naïve café", "a\x0bb", "a\x1cb"):
        assert tokens_at_most(text) == len(text.encode())


def test_bound_is_tight_on_dbmigs_answers(answers):
    """Built from these answers (less the identifiers seen once), the bound is within a few % of
    their count; so the server needs no tokenizer to send them (tests/test_generate_startup.py: a
    first T1 call never loads it)."""
    ratios = [tokens_at_most(a) / count_tokens(a) for a in answers if a]
    assert max(ratios) <= 1.05 and sum(ratios) / len(ratios) <= 1.01


def test_a_new_identifier_counts_at_most_its_length():
    body = as_json({"migration_script": "ALTER TABLE zqxvbnm_wq ADD COLUMN plrk_ty integer;"})
    assert count_tokens(body) <= tokens_at_most(body) <= len(body)
