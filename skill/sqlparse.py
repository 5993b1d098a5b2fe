"""sqlglot's reading of one SQL text, parsed once and shared by its readers.

A generate call used to parse each statement it emits twice or more: the result gate
(dbmig.sqlcheck), then the lint rules gating the same files (`SqlView.parsed`), and the same
`SET lock_timeout` or trigger once per step that runs it. `parse` keeps the outcome per
(text, dialect) in a bounded process-wide cache, so each distinct statement is parsed once.

The trees are shared: readers must not change them (`Expression.sql()` copies before it
generates). A caller that rewrites a tree (`schema.fold_names`) parses its own.
"""
from __future__ import annotations

import functools
import threading

# The outcomes of this many distinct statements stay cached (a T3 call emits ~25 statements).
# Longer texts (a user's 5,000-row INSERT given to lint) are parsed but not kept, so the
# cache holds at most CACHE_SIZE trees of short statements.
CACHE_SIZE = 4096
MAX_CACHED_CHARS = 4096

_local = threading.local()


def _dialect(read: str):
    """One sqlglot Dialect per name and thread: `sqlglot.parse(read="...")` builds a new one,
    with its tokenizer and parser, for every call. A parser resets itself at each parse, but
    is not safe to share between threads (the MCP server may run calls in worker threads)."""
    dialects = _local.__dict__.setdefault("dialects", {})
    if read not in dialects:
        from sqlglot.dialects.dialect import Dialect
        d = Dialect.get_or_raise(read)
        dialects[read] = (d.tokenizer(), d.parser())
    return dialects[read]


def _outcome(sql: str, read: str) -> tuple[tuple, Exception | None]:
    return _kept(sql, read) if len(sql) <= MAX_CACHED_CHARS else _parsed(sql, read)


def _parsed(sql: str, read: str) -> tuple[tuple, Exception | None]:
    tokenizer, parser = _dialect(read)
    try:
        return tuple(parser.parse(tokenizer.tokenize(sql), sql)), None
    except (RecursionError, MemoryError):
        raise               # depends on the caller's stack and memory, not on the text: never kept
    except Exception as err:    # noqa: BLE001 - kept for each reader to judge (ParseError, TokenError, ...)
        return (), err


_kept = functools.lru_cache(maxsize=CACHE_SIZE)(_parsed)


def parse(sql: str, read: str) -> list:
    """`sqlglot.parse(sql, read=read)`: the statements' trees (None for an empty one), or the
    error sqlglot raised, raised again. The list is new; its trees are shared."""
    trees, err = _outcome(sql, read)
    if err is not None:
        raise err.with_traceback(None)      # the cached error must not collect each raise's frames
    return list(trees)


def parse_one(sql: str, read: str):
    """`sqlglot.parse_one(sql, read=read)`: one tree, a Block of several, or a ParseError."""
    from sqlglot import exp
    from sqlglot.errors import ParseError
    trees = parse(sql, read)
    if not trees or trees[0] is None:
        raise ParseError(f"No expression was parsed from '{sql}'")
    # a Block would become the shared trees' parent: it gets copies
    return exp.Block(expressions=[t.copy() for t in trees]) if len(trees) > 1 else trees[0]
