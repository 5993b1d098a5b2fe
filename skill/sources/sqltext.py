"""SQL text: statements split at top-level ';' and batch separators, comments and literals
masked, positions as file lines and columns, and the transaction each statement runs in."""
from __future__ import annotations

import bisect
import functools
import itertools
import re

from .model import Statement, lazy_re

# --- splitting SQL text ----------------------------------------------------------------------

_DOLLAR = lazy_re(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_BATCH_SEP = {"tsql": lazy_re(r"^[ \t]*GO[ \t]*(?:--.*)?$", re.I | re.M),
              "oracle": lazy_re(r"^[ \t]*/[ \t]*$", re.M)}
# Bodies that contain ';' and only end at a batch separator (GO in T-SQL, '/' in Oracle).
_BODY = r"CREATE\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?(?:PROCEDURE|PROC|FUNCTION|TRIGGER|PACKAGE|TYPE\s+BODY)\b"
_BLOCK_START = {
    "oracle": lazy_re(rf"(?:{_BODY}|BEGIN\b|DECLARE\b)", re.I),
    "tsql": lazy_re(rf"(?:{_BODY}|BEGIN\b(?!\s+(?:TRAN|TRANSACTION|DISTRIBUTED)\b))", re.I),
}
# T-SQL blocks (BEGIN ... END, BEGIN TRY ... END TRY, CASE ... END) hold their statements' ';':
# a batch splits only at a ';' outside them, so WHILE or IF with its BEGIN ... END body is one
# statement (a batch loop, a guard raising before the migration).
_BLOCK_WORDS = {"tsql": lazy_re(r"\bBEGIN\b(?!\s+(?:TRAN|TRANSACTION|DISTRIBUTED|DIALOG|CONVERSATION)\b)"
                                r"|\bCASE\b|\bEND\b")}
# The mysql client's DELIMITER command: until the next one, statements end with its delimiter
# (a procedure body full of ';' between `DELIMITER //` and `DELIMITER ;`).
_CLIENT_DELIMITER = {"mysql": lazy_re(r"^[ \t]*DELIMITER[ \t]+(\S+)[ \t]*$", re.I | re.M)}


def _token_parts(dialect: str, named: bool = True) -> list[str]:
    """Comments, literals and quoted names, each consumed whole (named groups say which)."""
    # A quote left open runs to the end of the text (as comments and dollar quotes do): if it
    # had to close, every later quote would start a new failing scan of the rest, quadratic
    # in a file of `\'` pairs. Possessive repeats never re-split what they consumed.
    group = (lambda name: f"(?P<{name}>") if named else (lambda name: "(?:")
    quote = r"'(?:[^'\\]|''|\\.)*+(?:'|\Z)" if dialect == "mysql" else r"'(?:[^']|'')*+(?:'|\Z)"
    parts = [group("comment") + r"--[^\n]*|/\*.*?(?:\*/|\Z)" + (r"|\#[^\n]*" if dialect == "mysql" else "") + ")",
             group("string") + quote + ")", r'"(?:[^"]|"")*+(?:"|\Z)']
    if dialect == "mysql":
        parts.append(r"`[^`]*+(?:`|\Z)")
    if dialect == "tsql":
        parts.append(r"\[[^\]]*+(?:\]|\Z)")
    if dialect == "postgres":
        parts.append(group("dollar") + r"\$(?P<tag>[A-Za-z_]\w*|)\$.*?(?:\$(?P=tag)\$|\Z))")
    return parts


_PLAIN_RUN = r"[^-/'\"`#\[$;]+"


@functools.cache
def tokens(dialect: str) -> re.Pattern:
    """One alternation that consumes comments, literals and quoted names whole, so that a ';'
    found by it is always a real statement end. Regexes keep splitting fast on large files."""
    return re.compile("|".join([*_token_parts(dialect), r"(?P<semi>;)", _PLAIN_RUN, r"."]), re.S)


@functools.cache
def _to_semicolon(dialect: str) -> re.Pattern:
    """The tokens of `tokens` up to the next top-level ';': one match per statement instead of a
    Python step per token (2x faster on a large file). Greedy, not possessive: Python's re fails
    on a group captured inside a possessive repeat (the dollar tag); nothing follows the repeat,
    so it never backtracks."""
    return re.compile("(?:" + "|".join([*_token_parts(dialect, named=False), _PLAIN_RUN, r"[^;]"]) + ")*", re.S)


@functools.cache
def _leading(dialect: str) -> re.Pattern:
    """Blanks and comments before a statement (compiled for the dialects in use only)."""
    return re.compile(r"(?:\s+|--[^\n]*|/\*.*?(?:\*/|\Z)" + (r"|\#[^\n]*" if dialect == "mysql" else "") + ")*", re.S)


def statement_start(text: str, i: int, end: int, dialect: str) -> int:
    """First character of code at or after i (skips blanks and comments)."""
    return min(_leading(dialect).match(text, i, end).end(), end)


# psql's own commands (`\\restrict` in every pg_dump since 17.6 / 15.14, `\\connect`): a line each,
# ended by the line break, not by ';'.
_PSQL_COMMAND = lazy_re(r"^[ \t]*\\[^\n]*", re.M)


def split_sql(text: str, dialect: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of each statement: split at top-level ';', batch separators and, in
    PostgreSQL, psql's command lines (each its own statement)."""
    end = len(text) if end is None else end
    if dialect == "postgres" and "\\" in text and _PSQL_COMMAND.search(text, start, end):
        return _around_psql_commands(text, start, end)
    return _split(text, dialect, start, end)


def _around_psql_commands(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, begin = [], start
    for m in _PSQL_COMMAND.finditer(mask(text[start:end], "postgres")):     # not in literals or comments
        spans += _split(text, "postgres", begin, start + m.start()) + [(start + m.start(), start + m.end())]
        begin = start + m.end()
    return _trim(text, spans + _split(text, "postgres", begin, end), "postgres")


def _split(text: str, dialect: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    for a, b, delimiter in _batches(text, dialect, start, end):
        if delimiter != ";":
            spans += _split_at(text, a, b, delimiter, dialect)
            continue
        if _opens_block(text, a, b, dialect):
            spans.append((a, b))
            continue
        if dialect not in _BLOCK_WORDS:
            spans += _split_at_semicolons(text, a, b, dialect)
            continue
        begin, depth = a, _block_depth(text, a, b, dialect)
        for m in tokens(dialect).finditer(text, a, b):
            if m.lastgroup == "semi" and not depth(m.start()):
                spans.append((begin, m.start()))
                begin = m.end()
        spans.append((begin, b))
    return _trim(text, spans, dialect)


def _split_at_semicolons(text: str, a: int, b: int, dialect: str) -> list[tuple[int, int]]:
    """Spans of text[a:b] between top-level ';' (no blocks hold a ';' in this dialect)."""
    spans, begin, statement = [], a, _to_semicolon(dialect).match
    while True:
        end = statement(text, begin, b).end()
        if end >= b:
            return spans + [(begin, b)]
        spans.append((begin, end))
        begin = end + 1


def _block_depth(text: str, a: int, b: int, dialect: str):
    """Position -> how many blocks (`_BLOCK_WORDS`) are open there; 0 everywhere for dialects
    whose statements hold no blocks outside a procedural body."""
    words = _BLOCK_WORDS.get(dialect)
    if words is None:
        return lambda pos: 0
    marks, depth = [], 0
    for m in words.finditer(mask(text[a:b], dialect)):
        depth = max(depth - 1 if m.group(0) == "END" else depth + 1, 0)
        marks.append((a + m.start(), depth))
    starts = [p for p, _ in marks]

    def at(pos: int) -> int:
        i = bisect.bisect_right(starts, pos)
        return marks[i - 1][1] if i else 0
    return at


def _batches(text: str, dialect: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, statement delimiter) of each batch: between GO (T-SQL) or '/' (Oracle) lines,
    or between the mysql client's DELIMITER commands."""
    if dialect in _CLIENT_DELIMITER:
        return _delimited(text, start, end, _CLIENT_DELIMITER[dialect])
    sep = _BATCH_SEP.get(dialect)
    if not sep:
        return [(start, end, ";")]
    out, begin = [], start
    for m in sep.finditer(text, start, end):
        out.append((begin, m.start(), ";"))
        begin = m.end()
    return out + [(begin, end, ";")]


def _delimited(text: str, start: int, end: int, command: re.Pattern) -> list[tuple[int, int, str]]:
    out, begin, delimiter = [], start, ";"
    for m in command.finditer(text, start, end):
        out.append((begin, m.start(), delimiter))
        begin, delimiter = m.end(), m.group(1)
    return out + [(begin, end, delimiter)]


def _split_at(text: str, a: int, b: int, delimiter: str, dialect: str) -> list[tuple[int, int]]:
    """Spans of text[a:b] between occurrences of a client delimiter outside literals and comments."""
    masked, spans, begin = mask(text[a:b], dialect), [], 0
    for m in re.finditer(re.escape(delimiter.upper()), masked):
        spans.append((a + begin, a + m.start()))
        begin = m.end()
    return _trim(text, spans + [(a + begin, b)], dialect)


def _opens_block(text: str, a: int, b: int, dialect: str) -> bool:
    """A procedural body holds ';' inside; only GO (T-SQL) or '/' (Oracle) ends it."""
    pattern = _BLOCK_START.get(dialect)
    return bool(pattern and pattern.match(text, statement_start(text, a, b, dialect)))


def _trim(text: str, spans: list[tuple[int, int]], dialect: str) -> list[tuple[int, int]]:
    out, code_at = [], _leading(dialect).match
    for a, b in spans:
        a = code_at(text, a, b).end()          # statement_start, inlined: once per statement
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def mask(text: str, dialect: str) -> str:
    """Upper-cased text with comments and literal contents blanked, same length, so that
    patterns never match inside a string or comment and offsets stay valid."""
    def blank(m: re.Match) -> str:
        tok = m.group(0)
        if m.lastgroup == "comment":
            return re.sub(r"[^\n]", " ", tok)
        if m.lastgroup == "string":     # an unterminated one keeps its length too
            end = "'" if len(tok) > 1 and tok.endswith("'") else ""
            return "'" + re.sub(r"[^\n]", " ", tok[1:len(tok) - len(end)]) + end
        if m.group("dollar") if dialect == "postgres" else False:
            return re.sub(r"[^\n$]", " ", tok)
        return tok
    return tokens(dialect).sub(blank, text).upper()


def blank_literals(text: str, dialect: str) -> str:
    """`text` with the contents of its string literals replaced by `x` (same length, case kept):
    a pattern over statement shapes then never sees a ';' or a line break a literal holds."""
    def blank(m: re.Match) -> str:
        tok = m.group(0)
        if m.lastgroup != "string" or len(tok) < 2 or not tok.endswith("'"):
            return tok
        return "'" + "x" * (len(tok) - 2) + "'"
    return tokens(dialect).sub(blank, text) if "'" in text else text


@functools.lru_cache(maxsize=16)
def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def offset(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based line and column (the inverse of line_col)."""
    return _line_starts(text)[line - 1] + column - 1


def offsets(text: str, places: list[tuple[int, int]]) -> list[int]:
    """Character offsets of many 1-based (line, column) pairs, the line starts found once."""
    starts = _line_starts(text)
    return [starts[line - 1] + column - 1 for line, column in places]


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset`, by bisection over the line starts: counting the
    newlines before every statement made a 10,000-statement file quadratic."""
    starts = _line_starts(text)
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


# --- transactions ----------------------------------------------------------------------------

_TX_BEGIN = lazy_re(r"^(?:BEGIN(?:\s+(?:WORK|TRANSACTION|TRAN))?|START\s+TRANSACTION)\b[^;]*$", re.I)
_TX_END = lazy_re(r"^(?:COMMIT|ROLLBACK|END)(?:\s+(?:WORK|TRANSACTION|TRAN))?\s*$", re.I)
_tx_ids = itertools.count(1)


def new_tx() -> int:
    return next(_tx_ids)


def sql_statements(filename: str, text: str, dialect: str, tx: int | None, *, start: int = 0,
                   end: int | None = None, base: tuple[int, int] | None = None,
                   direction: str = "up", origin: str = "", indent: int = 0) -> list[Statement]:
    """Statements of a SQL region. `base` is where text[0] sits in the file when `text` is an
    excerpt (XML text, Python string); explicit BEGIN/COMMIT open their own transaction."""
    out, current, starts = [], tx, _line_starts(text)
    for a, b in split_sql(text, dialect, start, end):
        body = text[a:b]
        control = body[:1] in "BbSsCcRrEe"      # BEGIN, START, COMMIT, ROLLBACK, END: a cheap first look
        if control and tx is None and _TX_BEGIN.match(body) and not (dialect == "oracle"):
            current = new_tx()
        elif control and tx is None and _TX_END.match(body):
            current = None
        line = bisect.bisect_right(starts, a)          # line_col, inlined: once per statement
        col = a - starts[line - 1] + 1
        if base:
            line, col = base[0] + line - 1, (base[1] + col - 1 if line == 1 else col + indent)
        out.append(Statement(filename, body, line, col, current, direction, False, origin, indent,
                             tool_tx=tx is not None))
        if control and tx is not None and _TX_END.match(body):
            current = new_tx()   # the tool's connection opens the next transaction by itself
    return out
