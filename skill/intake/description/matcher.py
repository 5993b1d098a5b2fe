"""Patterns over tokens: `add [unique] index on|to {target}` compiled once, matched with
backtracking, recording how far each attempt got so a refusal can say what was understood.

A pattern is a space-separated list of:
  `word` or `w1|w2`   a token whose lemma is one of these (punctuation matches itself)
  `[ ... ]`           optional (tried with, then without)
  `{name}`            a slot parsed by `slots.SLOTS[name]`; `{key:kind}` stores it under `key`
Every matched word is recorded as `+word`, so builders can ask whether `unique` was said.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator

Tokens = list  # list[Token]


@dataclass(frozen=True)
class Word:
    lemmas: frozenset[str]


@dataclass(frozen=True)
class Opt:
    items: tuple


@dataclass(frozen=True)
class Slot:
    key: str
    kind: str


_ITEM = re.compile(r"\[|\]|\{[^}]+\}|[^\s\[\]]+")


def compile_pattern(pattern: str) -> tuple:
    items, stack = [], []
    for raw in _ITEM.findall(pattern):
        if raw == "[":
            stack.append(items)
            items = []
        elif raw == "]":
            opt, items = Opt(tuple(items)), stack.pop()
            items.append(opt)
        elif raw.startswith("{"):
            key, _, kind = raw[1:-1].partition(":")
            items.append(Slot(key, kind or key))
        else:
            items.append(Word(frozenset(raw.split("|"))))
    assert not stack, f"unbalanced [ in {pattern!r}"
    return tuple(items)


@dataclass
class Trace:
    """The farthest point any attempt reached, and what it expected there. Attempts that
    matched a word of their pattern (a verb...) count before those that only read names."""
    pos: int = -1
    words: int = 0
    ops: list[str] = field(default_factory=list)        # the readings that got this far
    expected: list[str] = field(default_factory=list)

    def fail(self, pos: int, rule, expected: str, found: dict) -> None:
        words = sum(1 for k in found if k.startswith("+"))
        if (bool(words), pos) > (bool(self.words), self.pos):
            self.pos, self.words, self.ops, self.expected = pos, words, [], []
        if (bool(words), pos) == (bool(self.words), self.pos):
            self.ops += [rule.op] if rule.op not in self.ops else []
            self.expected += [expected] if expected not in self.expected else []


@dataclass
class State:
    tokens: Tokens
    ctx: object            # the parse context handed to slots
    trace: Trace
    rule: object = None


SlotParser = Callable[[Tokens, int, object], Iterator[tuple[object, int]]]


def match(items: tuple, state: State, slots: dict[str, SlotParser], i: int = 0,
          found: dict | None = None) -> Iterator[dict]:
    """Every way `items` matches all of state.tokens from i, best first."""
    found = found if found is not None else {}
    if not items:
        if i == len(state.tokens):
            yield found
        else:
            state.trace.fail(i, state.rule, "the end of the clause", found)
        return
    head, rest = items[0], items[1:]
    if isinstance(head, Word):
        yield from _match_word(head, rest, state, slots, i, found)
    elif isinstance(head, Opt):
        yield from match(head.items + rest, state, slots, i, found)
        yield from match(rest, state, slots, i, found)
    else:
        yield from _match_slot(head, rest, state, slots, i, found)


def _match_word(head: Word, rest: tuple, state: State, slots, i: int, found: dict) -> Iterator[dict]:
    tok = state.tokens[i] if i < len(state.tokens) else None
    if tok is not None and tok.lemma in head.lemmas:
        yield from match(rest, state, slots, i + 1, found | {"+" + tok.lemma: True})
    else:
        state.trace.fail(i, state.rule, "/".join(sorted(head.lemmas)), found)


def _match_slot(head: Slot, rest: tuple, state: State, slots, i: int, found: dict) -> Iterator[dict]:
    parser = slots[head.kind]
    produced = False
    for value, j in parser(state.tokens, i, state.ctx):
        produced = True
        yield from match(rest, state, slots, j, found | {head.key: value})
    if not produced:
        state.trace.fail(i, state.rule, getattr(parser, "label", head.kind), found)
