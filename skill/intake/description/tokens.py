"""From text to clauses of tokens: the lexer, migration names, clause splitting and the
normalisation (preambles, fillers, phrases, lemmas) the grammar matches against.

Tokens keep their offsets in the text, so expressions (`where ...`, defaults, checks) are
sliced from what the user wrote, never rebuilt from words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .lexicon import FILLERS, KEYWORDS, LEMMAS, phrase_at


@dataclass(frozen=True)
class Token:
    kind: str       # word | quoted | string | number | punct | stop | nl | possessive
    text: str       # a word as written; a quoted name without quotes; a literal with its quotes
    start: int      # offsets in the clause's source text
    end: int
    lemma: str | None = None    # what patterns match: lemma for words, text for punctuation

    @property
    def low(self) -> str:
        return self.text.lower()


_LEX = re.compile(r"""
  (?P<ws>[^\S\n]+)
| (?P<nl>\n)
| (?P<string>'(?:[^']|'')*')
| (?P<quoted>"[^"\n]*"|`[^`\n]*`|\[[A-Za-z_][^\]\n]*\])
| (?P<number>-?\d+(?:\.\d+)?(?![\w$]))
| (?P<word>[^\W\d][\w$]*(?:-[^\W\d][\w$]*)*|\d+[^\W\d][\w$]*)
| (?P<stop>[.?!](?=\s|$))
| (?P<punct>::|<>|!=|>=|<=|\|\||[^\w\s])
""", re.X)

# Contractions, as the words they stand for ("can't" -> cannot, "let's" -> let us).
_CONTRACTION = re.compile(r"'(s|t|d|ll|m|re|ve)\b", re.I)
_SUFFIX_WORDS = {"d": ["would"], "ll": ["will"], "m": ["am"], "re": ["are"], "ve": ["have"]}
_IS_WORDS = {"it", "that", "what", "there", "here", "he", "she"}


def lex(text: str, pos: int = 0, end: int | None = None) -> list[Token]:
    tokens: list[Token] = []
    end = len(text) if end is None else end
    while pos < end:
        if text[pos] == "'" and pos and (text[pos - 1].isalnum() or text[pos - 1] == "_") and tokens:
            pos = _apostrophe(text, pos, tokens)
            continue
        m = _LEX.match(text, pos, end)
        if m.lastgroup == "quoted" and m.group().startswith("`") and " " in m.group().strip("`"):
            tokens += lex(text, m.start() + 1, m.end() - 1)    # markdown code: `shipped_at timestamptz`
        elif m.lastgroup != "ws":
            value = m.group()
            if m.lastgroup == "quoted":
                value = value[1:-1]
            tokens.append(Token(m.lastgroup, value, m.start(), m.end()))
        pos = m.end()
    return tokens


def _apostrophe(text: str, pos: int, tokens: list[Token]) -> int:
    """A quote glued to a word: a contraction or a possessive, never a string literal."""
    prev = tokens[-1]
    m = _CONTRACTION.match(text, pos)
    if m is None:                                       # "orders' status"
        tokens.append(Token("possessive", "'s", pos, pos + 1))
        return pos + 1
    suffix = m.group(1).lower()
    if suffix == "t":
        low = prev.low
        words = ["cannot"] if low == "can" else ["will", "not"] if low == "won" else [prev.text[:-1], "not"]
        tokens[-1:] = [Token("word", w, prev.start, m.end()) for w in words]
    elif suffix == "s" and prev.low == "let":
        tokens.append(Token("word", "us", pos, m.end()))
    elif suffix == "s" and prev.low in _IS_WORDS:
        tokens.append(Token("word", "is", pos, m.end()))
    elif suffix == "s":
        tokens.append(Token("possessive", "'s", pos, m.end()))
    else:
        tokens += [Token("word", w, pos, m.end()) for w in _SUFFIX_WORDS[suffix]]
    return m.end()


# --- migration and file names ------------------------------------------------------------------

_NAME_EXT = re.compile(r"\.(?:sql|rb|py|xml|ya?ml|json|java|kt|groovy)$", re.I)
_NAME_PREFIX = re.compile(r"^(?:[VUR]\d+(?:[._]\d+)*__|R__|\d{8,14}_|(?P<django>\d{4})_|[0-9a-f]{12}_)", re.I)
_NAME_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[_-]+[A-Za-z0-9]+)+$|^[A-Za-z]+[a-z0-9][A-Z][A-Za-z0-9]*$")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def migration_name(text: str) -> tuple[list[str], bool] | None:
    """`AddPhoneToCustomers`, `V3__add_email_to_users.sql`, `0003_remove_user_flag` -> its words
    (lowercase) and whether it is a Django name (whose model comes first); None for prose."""
    name = _NAME_EXT.sub("", text.strip())
    prefix = _NAME_PREFIX.match(name)
    rest = name[prefix.end():] if prefix else name
    if not _NAME_SHAPE.match(rest) or (not prefix and not re.search(r"[_-]|[a-z][A-Z]", rest)):
        return None
    words = [w.lower() for part in re.split(r"[_-]+", rest) for w in _CAMEL.split(part) if w]
    return words, bool(prefix and prefix.group("django"))


_GLUED_BEFORE = frozenset({"is", "has", "can"})         # is_admin, has_paid
_GLUED_AFTER = frozenset({"at", "on"})                  # created_at, published_on


def glue_words(words: list[str]) -> list[str]:
    """A migration name lost its identifiers' underscores: `AddIsAdminToUsers` says is_admin,
    `AddCreatedAtToOrders` created_at (`at`/`on` end a name when a preposition or the end follows)."""
    out: list[str] = []
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        if out and out[-1] in _GLUED_BEFORE and out[-1] == words[i - 1]:
            out[-1] += "_" + word
        elif word in _GLUED_AFTER and len(out) > 1 and out[-1] not in KEYWORDS and (nxt is None or nxt in KEYWORDS):
            out[-1] += "_" + word
        else:
            out.append(word)
    return out


def django_words(words: list[str]) -> list[str]:
    """Django's automatic names: `<model>_<field>` (AddField), `remove_<model>_<field>`,
    `delete_<model>`, `rename_<old>_<model>_<new>`; model names have no underscore."""
    verb, rest = words[0], words[1:]
    if verb == "remove" and len(rest) >= 2:
        return ["drop", *rest[1:], "from", rest[0]]
    if verb == "delete" and len(rest) == 1:
        return ["drop", "table", rest[0]]
    if verb == "rename" and len(rest) == 3:
        return ["rename", rest[0], "to", rest[2], "in", rest[1]]
    if verb in LEMMAS or verb in ("auto", "initial", "squashed", "merge"):
        return words
    return ["add", *rest, "to", verb] if rest else words


# --- clauses --------------------------------------------------------------------------------------

_SPLIT_VERBS = frozenset(w for w, lemma in LEMMAS.items() if not w.endswith("ing") and lemma in {
    "add", "create", "drop", "rename", "make", "change", "widen", "narrow", "set", "index",
    "backfill", "copy", "update", "split", "merge", "link", "require", "allow", "disallow",
    "ensure", "give"}) | {"get", "then"}
_THEN = frozenset({"then", "afterwards", "finally", "lastly"})


@dataclass(frozen=True)
class Clause:
    text: str               # the clause's source (offsets of its tokens refer to it)
    tokens: tuple[Token, ...]
    django: bool = False    # read from a Django migration name (its model comes first)


def named_clause(text: str) -> Clause | None:
    """A migration name as the clause it spells, or None when `text` is not one."""
    named = migration_name(text)
    if named is None:
        return None
    words, django = named
    sentence = " ".join(glue_words(django_words(words) if django else words))
    return Clause(sentence, tuple(lex(sentence)), django)


def split_clauses(text: str) -> list[Clause]:
    """Split on ';', new lines, full stops, 'then', and 'and'/',' before a verb; never inside
    parentheses, a literal or a CASE expression."""
    tokens = lex(text)
    clauses, current, depth = [], [], 0
    for i, tok in enumerate(tokens):
        depth += tok.text == "(" and tok.kind == "punct"
        depth -= tok.text == ")" and tok.kind == "punct" and depth > 0
        depth += tok.kind == "word" and tok.low == "case"
        depth -= tok.kind == "word" and tok.low == "end" and depth > 0
        if depth == 0 and _ends_clause(tokens, i):
            clauses.append(current)
            current = []
        else:
            current.append(tok)
    clauses.append(current)
    return [_clause(text, c) for c in clauses if _content(c)]


def _ends_clause(tokens: list[Token], i: int) -> bool:
    tok = tokens[i]
    if tok.kind in ("stop", "nl") or (tok.kind == "punct" and tok.text == ";"):
        return True
    if tok.kind == "word" and tok.low in _THEN:
        return True
    if (tok.kind == "word" and tok.low == "and") or (tok.kind == "punct" and tok.text == ","):
        nxt = next((t for t in tokens[i + 1:] if t.low not in ("and", "also", "please")), None)
        return nxt is not None and nxt.kind == "word" and nxt.low in _SPLIT_VERBS
    return False


def _content(tokens: list[Token]) -> bool:
    return any(t.kind not in ("punct", "stop", "nl") or t.text == "(" for t in tokens)


def _clause(text: str, tokens: list[Token]) -> Clause:
    while tokens and tokens[0].kind == "punct" and tokens[0].text in "-*•,":   # bullets
        tokens = tokens[1:]
    if len(tokens) > 1 and tokens[0].kind == "number" and tokens[1].text in (")", "."):
        tokens = tokens[2:]
    while tokens and tokens[-1].kind == "punct" and tokens[-1].text in ",:":
        tokens = tokens[:-1]
    return Clause(text, tuple(tokens))


# --- normalisation ---------------------------------------------------------------------------------

# Openings and endings that carry no change ("could you write a migration that ...", "... so the
# dashboard is faster"), matched on the clause's lowercase words joined by single spaces.
_PREAMBLE = re.compile(r"""^(?:
    (?:hi|hello|hey|ok|okay|so)\b(?:\s+there)?\s*[,!]?\s*
  | (?:can|could|would|will)\s+you\s+
  | (?:please|pls|kindly)\s+
  | (?:i|we)\s+(?:would|want|need|have|must|should)\s+(?:like\s+)?to\s+
  | (?:i|we)\s+(?=need|want)
  | let\s+us\s+
  | (?:(?:write|generate|create|make|give|produce|draft|prepare|build|need|want)\s+(?:me\s+|us\s+)?)?
    (?:(?:a|an|the)\s+)?(?:[\w]+\s+){0,3}?migration(?:\s+(?:file|script|changeset|revision))?
    \s*(?:that|which|to|for|:|-)\s+
  | (?:task|todo|change|goal)\s*:\s*
)+""", re.X)
_RATIONALE = re.compile(r"(?:^|\s)(?:so\s+(?:that|the|it|we|our|this|queries|lookups)|because|since|in\s+order\s+to"
                        r"|to\s+speed\s+up|for\s+(?:faster|performance|speed)|thanks|thank\s+you)\b")


def normalise(tokens: tuple[Token, ...]) -> list[Token]:
    """Drop preamble, rationale and fillers; fold phrases; give every word its lemma."""
    tokens = _trim(list(tokens))
    kept = [t for i, t in enumerate(tokens) if not _filler(tokens, i)]
    while kept and kept[-1].kind == "punct" and kept[-1].text in ",:":
        kept.pop()
    return _lemmatise(kept)


def _words_line(tokens: list[Token]) -> tuple[str, list[int]]:
    """The tokens as one lowercase line, with each token's offset in it."""
    line, offsets = "", []
    for t in tokens:
        offsets.append(len(line))
        line += ("'x'" if t.kind == "string" else t.low) + " "
    return line, offsets


def _trim(tokens: list[Token]) -> list[Token]:
    line, offsets = _words_line(tokens)
    m = _PREAMBLE.match(line)
    start = sum(1 for o in offsets if o < m.end()) if m else 0
    cut = _RATIONALE.search(line, m.end() if m else 0)
    end = len(tokens)
    if cut:
        word = cut.start() + (line[cut.start()] == " ")
        end = sum(1 for o in offsets if o < word)
    tokens = tokens[start:end]
    while tokens and (tokens[-1].kind == "stop" or tokens[-1].text in (",", ":")):
        tokens = tokens[:-1]
    return tokens


_ARTICLES = frozenset({"a", "an", "the"})
_NOT_A_NOUN = frozenset({"to", "from", "on", "in", "of", "for", "with", "and", "or", "into"})


def _filler(tokens: list[Token], i: int) -> bool:
    """A filler word, unless it is a name: `now()` is a call, `drop table a` names table a."""
    t = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if t.kind != "word" or t.low not in FILLERS or (nxt and nxt.text == "(" and nxt.start == t.end):
        return False
    return t.low not in _ARTICLES or (nxt is not None and nxt.kind != "punct" and nxt.low not in _NOT_A_NOUN)


def _lemmatise(tokens: list[Token]) -> list[Token]:
    words = [t.low if t.kind == "word" else "\x00" for t in tokens]
    out, i = [], 0
    while i < len(tokens):
        t = tokens[i]
        hit = phrase_at(words, i) if t.kind == "word" else None
        if hit and not (hit[0] == 1 and hit[1] == (t.low,)):
            n, lemmas = hit
            span = tokens[i:i + n]
            out += [Token("word", " ".join(s.text for s in span), span[0].start, span[-1].end, lemma)
                    for lemma in lemmas]
            i += n
            continue
        out.append(replace(t, lemma=_lemma(t)))
        i += 1
    return out


def _lemma(t: Token) -> str | None:
    if t.kind == "word":
        return LEMMAS.get(t.low, t.low)
    if t.kind in ("punct", "stop", "possessive"):
        return t.text
    return None
