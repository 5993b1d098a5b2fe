"""The objects of the grammar: names, table-qualified columns in every notation, types, values
and expressions. Each slot parser yields every reading of the tokens at `i`, best first, as
(value, next index); the matcher backtracks through them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ...types import PORTABLE
from .errors import Unclear
from .lexicon import CHECK_WORDS, KEYWORDS, ON_DELETE, SEPARATORS, STRONG_TYPES, TYPE_PHRASES
from .typewords import NotPortable, closest_types, read_type


@dataclass(frozen=True)
class Name:
    text: str           # the identifier: words joined by "_"
    source: str         # as written, for messages
    quoted: bool = False


@dataclass(frozen=True)
class Ref:
    """Column(s) and the table they belong to, as stated (table None: not said)."""
    table: Name | None
    columns: tuple[Name, ...]
    pronoun: bool = False


@dataclass(frozen=True)
class ColumnDraft:
    name: Name
    type: str | None                    # portable type; None: not stated
    options: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Value:
    text: str
    bare_word: bool = False             # one unquoted word: a string literal or a column


SLOTS: dict = {}


def slot(kind: str, label: str):
    def register(fn):
        fn.label = label
        SLOTS[kind] = fn
        return fn
    return register


# --- names -------------------------------------------------------------------------------------

_NOT_NAMES = KEYWORDS | {"add", "create", "drop", "rename", "make", "change", "widen", "narrow", "backfill",
                         "split", "merge", "require", "ensure", "noneed", "reference", "index", "indexed",
                         "true", "false", "missing", "positive", "nonnegative"}


def name_word(t) -> bool:
    """A word that can be (part of) a name. Past forms of verbs can ("created", "deleted"):
    only the imperative and -s forms are verbs of this grammar."""
    if t.kind == "quoted":
        return bool(t.text)
    if t.kind != "word" or t.low in STRONG_TYPES or t.lemma in KEYWORDS or t.low in _NOT_NAMES:
        return False
    return t.lemma not in _NOT_NAMES or t.low.endswith(("ed", "ing"))


def dotted_name(t) -> bool:
    """Either side of a dot is a name whatever the word (`customers.uuid`, `events.type`)."""
    return t.kind == "quoted" or (t.kind == "word" and t.lemma not in ("it", "table", "column"))


def ident_shaped(t) -> bool:
    """One identifier as written (`created_at`, `FullName`, quoted), never part of a phrase name."""
    text = t.text
    return (t.kind == "quoted" or "_" in text or "$" in text or any(c.isdigit() for c in text)
            or (any(c.isupper() for c in text[1:]) and not text.isupper()))


def single_name(t) -> Name:
    text = t.text if t.kind == "quoted" or ident_shaped(t) or not t.text.istitle() else t.text.lower()
    return Name(text, t.text, t.kind == "quoted")


def joined_name(tokens) -> Name:
    if len(tokens) == 1:
        return single_name(tokens[0])
    return Name("_".join(t.low for t in tokens), " ".join(t.text for t in tokens))


def _run_end(toks, i: int) -> int:
    """The end of the longest name run at i (i when none)."""
    if i >= len(toks) or not name_word(toks[i]):
        return i
    if ident_shaped(toks[i]):
        return i + 1
    j = i
    while j < len(toks) and j - i < 4 and name_word(toks[j]) and not ident_shaped(toks[j]):
        j += 1
    return j


@slot("run", "a name")
def run(toks, i, ctx) -> Iterator[tuple[Name, int]]:
    for k in range(_run_end(toks, i), i, -1):
        yield joined_name(toks[i:k]), k


@slot("name", "a name")
def name(toks, i, ctx):
    if i < len(toks) and name_word(toks[i]):
        yield single_name(toks[i]), i + 1


@slot("newname", "the new name")
def newname(toks, i, ctx):
    yield from run(toks, i, ctx)


def _lemma(toks, i):
    return toks[i].lemma if i < len(toks) else None


@slot("table", "a table name")
def table(toks, i, ctx):
    start = i + (_lemma(toks, i) == "table")
    found = list(run(toks, start, ctx))
    if not found and start < len(toks) and toks[start].low in STRONG_TYPES:
        found = [(single_name(toks[start]), start + 1)]    # "drop table int": refused by name, not ignored
    for value, j in found:
        if _lemma(toks, j) == "table":
            yield value, j + 1
        yield value, j


@slot("names", "a list of names")
def names(toks, i, ctx) -> Iterator[tuple[list[Name], int]]:
    """`(a, b)` or `a, b and c` (each a name run), longest list first."""
    if _lemma(toks, i) == "(":
        yield from _paren_names(toks, i, ctx)
        return
    yield from listed(run, toks, i, ctx)


# A column list that goes on with a sort order or a call: an index the change model cannot hold.
NOT_PLAIN_INDEX = ("an index on an expression or with a sort order (lower(email), created_at desc) is not a "
                   "change dbmig models: pass the statement as `sql` (CREATE INDEX ...), kept whole with its "
                   "DROP INDEX as the rollback")


def _paren_names(toks, i, ctx=None):
    out, j = [], i + 1
    while j < len(toks) and name_word(toks[j]):
        out.append(single_name(toks[j]))
        if _lemma(toks, j + 1) == ")":
            yield out, j + 2
            return
        if _lemma(toks, j + 1) not in (",", "and"):
            if ctx is not None and (_lemma(toks, j + 1) == "(" or toks[j + 1].low in ("asc", "desc")):
                ctx.hint(i, Unclear(NOT_PLAIN_INDEX))
            return
        j += 2


def listed(item, toks, i, ctx) -> Iterator[tuple[list, int]]:
    """`a, b and c`, each read by `item`: every reading, the longest list first."""
    for head, j in item(toks, i, ctx):
        k = j + (_lemma(toks, j) == ",")
        k += _lemma(toks, k) == "and"
        if k > j:
            for tail, end in listed(item, toks, k, ctx):
                yield [head, *tail], end
        yield [head], j


@slot("cols", "column names")
def cols(toks, i, ctx):
    i += _lemma(toks, i) == "column"
    for value, j in names(toks, i, ctx):
        if _lemma(toks, j) == "column":
            yield value, j + 1
        yield value, j


# --- table-qualified columns ----------------------------------------------------------------------

_TABLE_PREPS = {"on", "of", "in", "for", "at", "within"}


@slot("tcol", "table.column")
def tcol(toks, i, ctx) -> Iterator[tuple[Ref, int]]:
    """`orders.status`, `orders(created_at, id)`: the table stated with the column(s)."""
    i += _lemma(toks, i) == "column"
    if i + 1 >= len(toks) or not dotted_name(toks[i]):
        return
    tbl = single_name(toks[i])
    if toks[i + 1].text == "." and i + 2 < len(toks) and dotted_name(toks[i + 2]):
        j = i + 3
        ref = Ref(tbl, (single_name(toks[i + 2]),))
        if _lemma(toks, j) == "column":
            yield ref, j + 1
        yield ref, j
    elif toks[i + 1].text == "(":
        for columns, j in _paren_names(toks, i + 1, ctx):
            yield Ref(tbl, tuple(columns)), j


def _colref(toks, i, ctx, preps: set[str]) -> Iterator[tuple[Ref, int]]:
    if _lemma(toks, i) == "it":
        j = i + 1 + (_lemma(toks, i + 1) == "column")
        yield Ref(None, (), pronoun=True), j
        return
    yield from tcol(toks, i, ctx)
    yield from _possessive(toks, i, ctx)
    bare = list(cols(toks, i, ctx))
    for columns, j in bare:
        if _lemma(toks, j) in preps:
            for tbl, k in table(toks, j + 1, ctx):
                yield Ref(tbl, tuple(columns)), k
    for columns, j in bare:
        yield Ref(None, tuple(columns)), j


def _possessive(toks, i, ctx):
    for tbl, j in table(toks, i, ctx):
        if _lemma(toks, j) == "'s":
            for columns, k in cols(toks, j + 1, ctx):
                yield Ref(tbl, tuple(columns)), k


@slot("colref", "a column (table.column, or column on table)")
def colref(toks, i, ctx):
    yield from _colref(toks, i, ctx, _TABLE_PREPS)


@slot("colref_from", "a column (table.column, or column from table)")
def colref_from(toks, i, ctx):
    yield from _colref(toks, i, ctx, _TABLE_PREPS | {"from"})


@slot("tcrun", "a table name followed by a column name")
def tcrun(toks, i, ctx):
    """`statuses uri`, `users email` (migration names glue table and column): where the table
    ends is read from the schema, Django's model-first rule, or the first plural word."""
    end = i
    while end < len(toks) and end - i < 6 and name_word(toks[end]):
        end += 1
    words = toks[i:end]
    if len(words) < 2:
        return
    for k in ctx.table_splits([t.low for t in words]):
        yield Ref(joined_name(words[:k]), (joined_name(words[k:]),)), end


# --- types, values, expressions -----------------------------------------------------------------------

@slot("type", "a type")
def type_(toks, i, ctx) -> Iterator[tuple[str, int]]:
    for text, j in _type_spellings(toks, i):
        try:
            found = read_type(text, ctx.dialect)
        except NotPortable as e:
            ctx.hint(i, Unclear(str(e)))
            return
        if found is not None:
            yield str(found), j
            return
    near = closest_types(toks[i].low) if i < len(toks) and toks[i].kind == "word" else []
    if near:
        ctx.hint(i, Unclear(f"{toks[i].text!r} is not a type I know", alternatives=near))


def _singular_type(word: str) -> str:
    """`created_at and updated_at timestamps`: a plural type word names the type."""
    return word[:-1] if word.endswith("s") and word[:-1] in PORTABLE else word


_LENGTH_TYPES = {"varchar", "char", "nvarchar", "nchar", "varchar2", "character"}


def _type_spellings(toks, i) -> Iterator[tuple[str, int]]:
    """`timestamp with time zone`, `decimal(10, 2)`, `nvarchar(max)`: the longest first."""
    if i >= len(toks) or toks[i].kind != "word":
        return
    # a phrase read as a type (lexicon: `bigserial` -> bigint identity) is that type
    words = [t.lemma if t.lemma in PORTABLE else _singular_type(t.low) for t in toks[i:i + 4]]
    for phrase in TYPE_PHRASES:
        n = phrase.count(" ") + 1
        if " ".join(words[:n]) == phrase:
            yield _with_args(phrase, toks, i + n)
    yield _with_args(words[0], toks, i + 1)


def _with_args(base: str, toks, j: int) -> tuple[str, int]:
    if base in _LENGTH_TYPES and j < len(toks) and toks[j].kind == "number":
        return f"{base}({toks[j].text})", j + 1            # `varchar 20`, as people write it
    if _lemma(toks, j) != "(":
        return base, j
    args, k = [], j + 1
    while k < len(toks) and (toks[k].kind == "number" or toks[k].low == "max"):
        args.append(toks[k].text)
        if _lemma(toks, k + 1) == ")":
            return f"{base}({','.join(args)})", k + 2
        if _lemma(toks, k + 1) != ",":
            break
        k += 2
    return base, j


@slot("typephrase", "a type")
def typephrase(toks, i, ctx):
    """`text`, `as text`, `of type text`, `type text`, `: text`."""
    j = i
    if _lemma(toks, j) == "of" and _lemma(toks, j + 1) == "type":
        j += 2
    elif _lemma(toks, j) in ("as", "type", ":"):
        j += 1
    yield from type_(toks, j, ctx)


_VALUE_STOPS = {"to", "on", "in", "for", "where", "using", "and", "with", "from", "by", "batch",
                ",", ";", "then", "unless", "if", "notnull", "null", "unique", "pk",
                "indexed", "index", "column", "table"}


def _spans(toks, i: int, stops: set[str]) -> list[int]:
    """Ends of the spans from i that close their parentheses, up to the first stop word."""
    ends, depth, j = [], 0, i
    while j < len(toks):
        lemma = toks[j].lemma if toks[j].kind in ("word", "punct") else None
        if depth == 0 and j > i and lemma in stops:
            break
        depth += lemma == "("
        depth -= lemma == ")"
        if depth < 0:
            break
        j += 1
        call = j < len(toks) and toks[j].text == "(" and toks[j].start == toks[j - 1].end
        if depth == 0 and not call:
            ends.append(j)
    return ends[::-1]


@slot("value", "a value")
def value(toks, i, ctx) -> Iterator[tuple[Value, int]]:
    """One SQL value: 'literal', "literal", 42, true, now(), an expression; one bare word is a
    string literal or a column name, as the builder decides."""
    if i >= len(toks):
        return
    t = toks[i]
    if t.kind == "quoted" and t.text:
        yield Value("'" + t.text.replace("'", "''") + "'"), i + 1
        return
    for j in _spans(toks, i, _VALUE_STOPS):
        text = ctx.source(toks[i], toks[j - 1])
        bare = j == i + 1 and t.kind == "word"
        if not (bare and t.lemma in KEYWORDS - {"null"}):
            yield Value(text, bare_word=bare), j


@slot("expr", "an expression")
def expr(toks, i, ctx):
    for j in _spans(toks, i, {"where", "using", "batch", ";"}):
        yield ctx.source(toks[i], toks[j - 1]), j


@slot("parenexpr", "an expression in parentheses")
def parenexpr(toks, i, ctx):
    if _lemma(toks, i) == "(":
        ends = _spans(toks, i, set())
        if ends and ends[-1] > i + 2:         # the matching ")" closes the first span
            yield ctx.source(toks[i + 1], toks[ends[-1] - 2]), ends[-1]


@slot("int", "a number")
def int_(toks, i, ctx):
    if i < len(toks) and toks[i].kind == "number" and toks[i].text.isdigit():
        yield int(toks[i].text), i + 1


@slot("sep", "a separator ('x', comma, space)")
def sep(toks, i, ctx):
    if i >= len(toks):
        return
    t = toks[i]
    if t.kind == "string" and len(t.text) > 2:
        yield t.text[1:-1].replace("''", "'"), i + 1
    elif t.kind == "quoted" and t.text:
        yield t.text, i + 1
    elif t.low in SEPARATORS:
        yield SEPARATORS[t.low], i + 1


@slot("action", "cascade, set null, restrict or no action")
def action(toks, i, ctx):
    if _lemma(toks, i) in ON_DELETE:
        yield ON_DELETE[toks[i].lemma], i + 1


@slot("check", "positive or non-negative")
def check(toks, i, ctx):
    if _lemma(toks, i) in CHECK_WORDS:
        yield CHECK_WORDS[toks[i].lemma], i + 1


@slot("assigns", "column = value")
def assigns(toks, i, ctx) -> Iterator[tuple[dict, int]]:
    """`status = 'x', archived = true` (longest first)."""
    for col, j in name(toks, i, ctx):
        if _lemma(toks, j) not in ("=", "to"):
            return
        for val, k in value(toks, j + 1, ctx):
            if _lemma(toks, k) == ",":
                for more, end in assigns(toks, k + 1, ctx):
                    yield {col.text: val.text, **more}, end
            yield {col.text: val.text}, k


# --- column definitions and predicates ------------------------------------------------------------

_MODIFIERS = {"null": ("nullable", True), "notnull": ("nullable", False), "unique": ("unique", True),
              "pk": ("primary_key", True), "indexed": ("indexed", True), "index": ("indexed", True),
              "identity": ("identity", "by_default"), "identityalways": ("identity", "always")}


def _modifier_at(toks, i):
    return _MODIFIERS.get(_lemma(toks, i)) if i < len(toks) else None


def _mods(toks, i, ctx) -> Iterator[tuple[tuple, int]]:
    """Column modifiers: not null, nullable, unique, primary key, indexed, identity, [with] default V."""
    j = i + (_lemma(toks, i) == "," and bool(_modifier_at(toks, i + 1) or _lemma(toks, i + 1) in ("with", "default")))
    mod = _modifier_at(toks, j)
    if mod and not (mod[0] == "indexed" and _lemma(toks, j + 1) in ("on", "to")):
        for rest, k in _mods(toks, j + 1, ctx):
            yield (mod, *rest), k
        return
    if _lemma(toks, j) == "reference":
        yield from _references(toks, j + 1, ctx)
        return
    k = j + (_lemma(toks, j) == "with")
    if _lemma(toks, k) == "default":
        k += 1 + (_lemma(toks, k + 1) in ("of", "to", "="))
        for val, e in value(toks, k, ctx):
            for rest, f in _mods(toks, e, ctx):
                yield (("default", val), *rest), f
        return
    yield (), i


def _references(toks, i, ctx):
    """`references users(id) [on delete cascade]` and the options after it."""
    for ref, k in colref(toks, i, ctx):
        actions = [(ON_DELETE[toks[k + 1].lemma], k + 2)] if (
            _lemma(toks, k) == "ondelete" and _lemma(toks, k + 1) in ON_DELETE) else [(None, k)]
        for act, e in actions:
            for rest, f in _mods(toks, e, ctx):
                yield (("references", (ref, act)), *rest), f


@slot("postmods", "column options (not null, default ...)")
def postmods(toks, i, ctx):
    for options, j in _mods(toks, i, ctx):
        if options:
            yield options, j


@slot("coldef", "a column (name, type, options)")
def coldef(toks, i, ctx) -> Iterator[tuple[ColumnDraft, int]]:
    for pre, j in _mods(toks, i, ctx):
        yield from _type_first(toks, j, ctx, pre)
        yield from _name_first(toks, j, ctx, pre)


def _type_first(toks, i, ctx, pre):
    """`a text column notes`, `a jsonb settings column` (a weak type word needs `column`)."""
    for typ, j in type_(toks, i, ctx):
        noun = _lemma(toks, j) == "column"
        if not (noun or toks[i].low in STRONG_TYPES or _lemma(toks, i + 1) == "("):
            return
        j += noun
        j += _lemma(toks, j) == "called"
        for nm, k in run(toks, j, ctx):
            k += (not noun) and _lemma(toks, k) == "column"
            for post, e in _mods(toks, k, ctx):
                yield ColumnDraft(nm, typ, pre + post), e


def _name_first(toks, i, ctx, pre):
    """`phone varchar(30) not null`, `column called slug`, `last_login_at column of type ...`."""
    j = i + (_lemma(toks, i) == "column")
    j += _lemma(toks, j) == "called"
    for nm, k in run(toks, j, ctx):
        if k - j > 1 and _ends_definition(toks, k, ctx) and _type_word(toks[k - 1], ctx):
            continue            # `(start date)`, `(d interval)`: as in SQL, a name and its type
        k += _lemma(toks, k) == "column"
        for typ, e in [*typephrase(toks, k, ctx), (None, k)]:
            e += typ is not None and _lemma(toks, e) == "column"
            for post, f in _mods(toks, e, ctx):
                yield ColumnDraft(nm, typ, pre + post), f


def _ends_definition(toks, i, ctx) -> bool:
    """Only column options (`not null`, `default 0`) stand between i and the end of a list item."""
    return any(_lemma(toks, j) in (",", ")", None) for _, j in _mods(toks, i, ctx))


def _type_word(tok, ctx) -> bool:
    """A word some database reads as a type, portable or not (`date`, `interval`)."""
    try:
        return read_type(tok.low, ctx.dialect) is not None
    except NotPortable:
        return True


@slot("coldefs", "columns (name, type, options)")
def coldefs(toks, i, ctx) -> Iterator[tuple[list[ColumnDraft], int]]:
    yield from listed(coldef, toks, i + (_lemma(toks, i) == "column"), ctx)


@slot("tcoldef", "table.column and its type")
def tcoldef(toks, i, ctx):
    """`users.score integer not null default 0`."""
    for ref, j in tcol(toks, i, ctx):
        if len(ref.columns) != 1:
            continue
        for typ, k in [*typephrase(toks, j, ctx), (None, j)]:
            for post, e in _mods(toks, k, ctx):
                yield (ref, ColumnDraft(ref.columns[0], typ, post)), e


def _pred(toks, i, ctx):
    lemma = _lemma(toks, i)
    if lemma in ("notnull", "null", "unique", "index"):
        yield (lemma, None), i + 1 + (_lemma(toks, i + 1) == "constraint")
    elif i < len(toks) and toks[i].low == "indexed":
        yield ("index", None), i + 1
    elif lemma == "default":
        k = i + 1 + (_lemma(toks, i + 1) in ("to", "of", "="))
        for val, j in value(toks, k, ctx):
            yield ("default", val), j
    elif lemma in CHECK_WORDS:
        yield ("check", CHECK_WORDS[lemma]), i + 1
    else:
        for typ, j in typephrase(toks, i, ctx):
            yield ("type", typ), j


@slot("preds", "what to make it: not null, nullable, unique, a type or a default")
def preds(toks, i, ctx) -> Iterator[tuple[list, int]]:
    yield from listed(_pred, toks, i, ctx)


@slot("refs", "columns")
def refs(toks, i, ctx) -> Iterator[tuple[list[Ref], int]]:
    """`first_name and last_name`, `users.first_name and users.last_name`."""
    yield from listed(colref, toks, i, ctx)
