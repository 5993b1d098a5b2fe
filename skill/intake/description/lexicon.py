"""The words of the description grammar, as data: verbs and their synonyms, nouns, fillers,
multi-word phrases, type words, and the naming conventions that give a new column its type.

Every word a developer may use for one idea maps to one lemma here; the grammar
(`grammar.py`) is written in lemmas only, so a new synonym touches this file alone.
"""
from __future__ import annotations

import re


def _forms(lemma: str, *words: str) -> dict[str, str]:
    return {w: lemma for w in words}


# Surface word -> lemma. Inflections are listed rather than stemmed: a stemmer would turn
# names (`status`, `address`) into verbs.
LEMMAS: dict[str, str] = {
    **_forms("add", "add", "adds", "added", "adding", "introduce", "introduces", "introducing",
             "include", "includes"),
    **_forms("create", "create", "creates", "created", "creating"),
    **_forms("drop", "drop", "drops", "dropped", "dropping", "remove", "removes", "removed",
             "removing", "delete", "deletes", "deleting", "eliminate", "eliminates", "discard"),
    **_forms("rename", "rename", "renames", "renamed", "renaming"),
    **_forms("make", "make", "makes", "making", "mark", "marks"),
    **_forms("change", "change", "changes", "changing", "alter", "alters", "altering", "modify",
             "modifies", "convert", "converts", "converting", "switch", "switches", "migrate"),
    **_forms("widen", "widen", "widens", "enlarge", "increase", "increases", "extend", "extends",
             "grow", "lengthen", "expand", "bump"),
    **_forms("narrow", "narrow", "narrows", "shrink", "shrinks", "reduce", "reduces", "shorten",
             "decrease"),
    **_forms("set", "set", "sets", "setting"),
    **_forms("index", "index", "indexes", "indices", "idx"),
    **_forms("backfill", "backfill", "backfills", "backfilling", "fill", "fills", "filling",
             "populate", "populates", "populating", "prefill", "initialize", "initialise"),
    **_forms("copy", "copy", "copies", "copying"),
    **_forms("update", "update", "updates", "updating"),
    **_forms("split", "split", "splits", "splitting", "separate"),
    **_forms("merge", "merge", "merges", "combine", "combines", "concatenate", "concat", "join"),
    **_forms("link", "link", "links", "connect", "connects", "relate", "associate"),
    **_forms("require", "require", "requires"),
    **_forms("allow", "allow", "allows", "permit", "accept"),
    **_forms("disallow", "disallow", "disallows", "forbid", "prevent", "reject"),
    **_forms("ensure", "ensure", "ensures", "enforce", "enforces", "guarantee"),
    **_forms("give", "give", "gives"),
    **_forms("need", "need", "needs", "want", "wants", "get", "gets"),
    **_forms("reference", "reference", "references", "referencing", "referenced", "ref", "refs"),
    **_forms("default", "default", "defaults", "defaulting"),
    **_forms("column", "column", "columns", "field", "fields", "attribute", "attributes", "col", "cols"),
    **_forms("table", "table", "tables"),
    **_forms("constraint", "constraint", "constraints"),
    **_forms("unique", "unique", "uniqueness", "distinct"),
    **_forms("null", "null", "nulls", "nullable", "optional"),
    **_forms("notnull", "notnull", "required", "mandatory", "compulsory"),
    **_forms("be", "be", "is", "are", "was", "become", "becomes", "stay"),
    **_forms("it", "it", "them", "its", "their", "these", "those"),
    **_forms("called", "called", "named"),
    **_forms("batch", "batch", "batches", "chunk", "chunks"),
}

# Removed before matching: articles, politeness, and the auxiliaries of "X should be Y".
FILLERS = frozenset("""a an the new please pls kindly just simply now again also currently
    existing should must shall will would could can may might ought has have had going
    composite partial btree regular normal concurrently online""".split())

# Multi-word phrases -> one lemma (or several). Longest first wins; applied to lowercase words
# after the fillers are gone (so "should not be null" arrives as "not be null").
PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("foreign", "key", "constraint"): ("fk",), ("foreign", "keys"): ("fk",),
    ("foreign", "key"): ("fk",), ("fk", "constraint"): ("fk",), ("fkey",): ("fk",),
    ("primary", "key"): ("pk",),
    ("not", "null", "constraint"): ("notnull", "constraint"),
    ("not", "null"): ("notnull",), ("non", "null"): ("notnull",), ("non-null",): ("notnull",),
    ("non-nullable",): ("notnull",), ("not", "nullable"): ("notnull",), ("nonnull",): ("notnull",),
    ("not", "optional"): ("notnull",), ("never", "null"): ("notnull",),
    ("not", "be", "null"): ("be", "notnull"), ("never", "be", "null"): ("be", "notnull"),
    ("cannot", "be", "null"): ("be", "notnull"),
    ("not", "allow", "null"): ("disallow", "null"), ("not", "accept", "null"): ("disallow", "null"),
    ("null", "values"): ("null",), ("null", "value"): ("null",),
    ("get", "rid", "of"): ("drop",), ("do", "away", "with"): ("drop",), ("take", "out"): ("drop",),
    ("no", "longer", "need"): ("noneed",), ("no", "longer", "needs"): ("noneed",),
    ("change", "name", "of"): ("rename",), ("that", "column"): ("it",), ("this", "column"): ("it",),
    ("same", "column"): ("it",), ("that", "field"): ("it",), ("this", "field"): ("it",),
    ("data", "type"): ("type",), ("datatype",): ("type",), ("column", "type"): ("type",),
    ("types",): ("type",),
    ("default", "value"): ("default",),
    ("unique", "constraint"): ("unique",), ("uniqueness", "constraint"): ("unique",),
    ("unique", "key"): ("unique",),
    ("check", "constraint"): ("check",),
    ("make", "sure"): ("ensure",),
    ("fill", "in"): ("backfill",), ("fills", "in"): ("backfill",),
    ("on", "delete"): ("ondelete",), ("cascade", "on", "delete"): ("ondelete", "cascade"),
    ("cascading", "deletes"): ("ondelete", "cascade"), ("cascade", "deletes"): ("ondelete", "cascade"),
    ("delete", "cascade"): ("ondelete", "cascade"),
    ("soft", "delete"): ("softdelete",), ("soft", "deletes"): ("softdelete",),
    ("soft", "deletion"): ("softdelete",), ("soft", "deletable"): ("softdelete",),
    ("no", "action"): ("noaction",), ("set", "null"): ("setnull",),
    ("break", "up"): ("split",), ("break", "down"): ("split",),
    ("in", "batches", "of"): ("batch",), ("batch", "size"): ("batch",), ("batches", "of"): ("batch",),
    ("with", "batch", "size"): ("batch",),
    ("for", "all", "rows"): (), ("for", "rows"): (), ("for", "every", "row"): (), ("on", "all", "rows"): (),
    ("in", "all", "rows"): (), ("on", "rows"): (), ("all", "rows"): ("rows",),
    ("length", "of"): ("length",), ("size", "of"): ("length",),
    ("separated", "by"): ("by",), ("delimited", "by"): ("by",), ("split", "on"): ("on",),
    ("to", "be"): ("be",), ("needs", "to", "be"): ("be",), ("need", "to", "be"): ("be",),
    ("non-negative",): ("nonnegative",), ("non", "negative"): ("nonnegative",),
    ("not", "negative"): ("nonnegative",), ("zero", "or", "more"): ("nonnegative",),
    ("greater", "than", "zero"): ("positive",), ("more", "than", "zero"): ("positive",),
    ("point", "to"): ("reference",), ("points", "to"): ("reference",),
    # columns the database numbers (models.Column.identity); PostgreSQL's serial types are an
    # integer numbered by default
    ("auto", "increment"): ("identity",), ("auto-increment",): ("identity",), ("auto_increment",): ("identity",),
    ("autoincrement",): ("identity",), ("auto", "incrementing"): ("identity",), ("auto-incrementing",): ("identity",),
    ("autoincrementing",): ("identity",), ("auto", "incremented"): ("identity",), ("auto-incremented",): ("identity",),
    ("generated", "by", "default", "as", "identity"): ("identity",), ("generated", "as", "identity"): ("identity",),
    ("generated", "always", "as", "identity"): ("identityalways",),
    ("serial",): ("integer", "identity"), ("serial4",): ("integer", "identity"),
    ("bigserial",): ("bigint", "identity"), ("serial8",): ("bigint", "identity"),
    ("smallserial",): ("smallint", "identity"), ("serial2",): ("smallint", "identity"),
}
_PHRASE_MAX = max(len(k) for k in PHRASES)


def phrase_at(words: list[str], i: int) -> tuple[int, tuple[str, ...]] | None:
    """The longest phrase starting at words[i]: (length, replacement)."""
    for n in range(min(_PHRASE_MAX, len(words) - i), 0, -1):
        hit = PHRASES.get(tuple(words[i:i + n]))
        if hit is not None:
            return n, hit
    return None


# Words that never form part of a name (so a name run stops at them).
KEYWORDS = frozenset("""to from on in of for into onto with without as by at within and or then
    column table index fk pk unique constraint check default type null notnull be it where using
    called reference ondelete softdelete cascade setnull restrict noaction rows batch length not no identity identityalways
    that than so because since instead""".split())

# Type words that end a name: "email text" is a name and a type. Weak type words (`date`,
# `time`, `number`, `name`) are also common name parts ("birth date"), so they do not.
STRONG_TYPES = frozenset("""int integer bigint smallint tinyint mediumint int2 int4 int8 serial
    bigserial varchar nvarchar varchar2 nvarchar2 char nchar character text mediumtext longtext
    tinytext clob nclob blob longblob bytea varbinary boolean bool timestamp timestamptz
    datetime datetime2 datetimeoffset smalldatetime decimal numeric float float4 float8 double
    uuid uniqueidentifier json jsonb string""".split())

# Multi-word type spellings, read as one type.
TYPE_PHRASES = ("timestamp with time zone", "timestamp without time zone", "time with time zone",
                "time without time zone", "double precision", "character varying", "big integer",
                "small integer")

# Names that can never be a table (they are types or grammar words).
NOT_A_TABLE = STRONG_TYPES | KEYWORDS | frozenset("date time number".split())
SCHEMA_NAMES = frozenset({"public", "dbo", "information_schema", "pg_catalog", "sys"})
NOT_A_COLUMN = (STRONG_TYPES - {"text", "json", "uuid", "timestamp", "string"}) | KEYWORDS

# "X must be positive" -> a check; the operator and bound per word.
CHECK_WORDS = {"positive": "> 0", "nonnegative": ">= 0", "negative": "< 0"}

# The ON DELETE actions, as the change vocabulary spells them.
ON_DELETE = {"cascade": "cascade", "setnull": "set null", "restrict": "restrict", "noaction": "no action"}

# Separator words for `split ... by comma`.
SEPARATORS = {"comma": ",", "commas": ",", "space": " ", "spaces": " ", "whitespace": " ",
              "dash": "-", "hyphen": "-", "semicolon": ";", "pipe": "|", "slash": "/",
              "underscore": "_", "colon": ":", "dot": ".", "period": "."}

# SQL words that are values as written (not string literals) in a default or a backfill.
SQL_VALUES = frozenset("""true false null current_timestamp current_date current_time localtimestamp
    localtime sysdate systimestamp getdate unknown""".split())

# A new column without a stated type: its type from the naming conventions of Rails, Django
# and most style guides (first match wins). `*_id` is handled apart: it takes the type of the
# key it points to when the schema knows it.
NAME_TYPES: list[tuple[re.Pattern, str]] = [(re.compile(p), t) for p, t in [
    (r"^(id|.+_id)$", "bigint"),
    (r"_at$", "timestamp"),
    (r"(_on|_date|^date|^birthday|^dob)$", "date"),
    (r"^(is|has|can|should|was|allow)_|_flag$|^(active|enabled|disabled|archived|deleted|verified|"
     r"admin|visible|published|confirmed|locked|approved)$", "boolean"),
    (r"_count$|^(count|quantity|qty|position|rank|age|sort_order|priority|attempts)$", "integer"),
    (r"_uuid$|^(uuid|guid)$", "uuid"),
    (r"_(price|amount|total|cost|fee)$|^(price|amount|total|cost|balance|fee|tax|subtotal)$",
     "decimal(10,2)"),
    (r"_json$|^(metadata|settings|preferences|payload|properties|extra)$", "json"),
    (r"^(description|notes|note|body|bio|comment|comments|content|summary|message)$", "text"),
]]
DEFAULT_TYPE = "varchar(255)"


def type_from_name(column: str) -> str:
    low = column.lower()
    return next((t for pattern, t in NAME_TYPES if pattern.search(low)), DEFAULT_TYPE)


# English number, for `user` vs `users` and `customers` -> `customer_id`.
_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women",
              "datum": "data", "index": "indices", "status": "statuses", "address": "addresses"}
_IRREGULAR_SINGULAR = {v: k for k, v in _IRREGULAR.items()}


def plural(word: str) -> str:
    head, _, last = word.rpartition("_")
    if last in _IRREGULAR:
        return head + "_" * bool(head) + _IRREGULAR[last]
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def singular(word: str) -> str:
    head, _, last = word.rpartition("_")
    if last in _IRREGULAR_SINGULAR:
        return head + "_" * bool(head) + _IRREGULAR_SINGULAR[last]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(x|z|ch|sh|ss)es$", word):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
