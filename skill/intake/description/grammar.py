"""The grammar: a table of phrasings (patterns over lemmas, see matcher.py) and the builder
each one calls. Order matters where two patterns read the same words: the more specific
comes first; the first reading whose builder accepts it wins.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import builders as b, data, keys
from .matcher import Opt, Slot, Word, compile_pattern

TABLE_PREP = "on|in|of|for|at"
USING = "[using {using:expr}]"
WHERE = "[where {where:expr}]"
BATCH = "[batch {batch:int}]"
ON_DELETE = "[,] [with] [ondelete {action}]"
BACKFILLING = "[[,] backfill [with] {backfill:value}]"


@dataclass(frozen=True)
class Rule:
    op: str                 # the change it reads, for messages
    items: tuple
    build: Callable
    example: str | None     # advertised in `allowed` when a description is not understood


def _rules(op: str, build: Callable, *patterns: str, example: str | None = None) -> list[Rule]:
    return [Rule(op, compile_pattern(p), build, example if n == 0 else None) for n, p in enumerate(patterns)]


RULES: list[Rule] = [
    # tables
    *_rules("create_table", b.create_table,
            "create|add table {table} ( {defs:coldefs} )",
            "create|add {table} table ( {defs:coldefs} )",
            "create|add table {table} with {defs:coldefs}",
            "create|add {table} table with {defs:coldefs}",
            "create|add table {table}", "create|add {table} table", "create {table}",
            example="create table tags (id bigint primary key, name varchar(50) not null)"),
    *_rules("drop_table", b.drop_table, "drop table {table}", "drop {table} table",
            example="drop table legacy_events"),
    *_rules("rename_table", b.rename_table, "rename table {table} to {new:newname}",
            "rename {table} table to {new:newname}", example="rename table customers to clients"),

    # indexes
    *_rules("add_index", keys.add_index,
            f"add|create [unique] index [called] [{{name}}] to|for {{table}} on|by|over|using|for {{cols}} {WHERE}",
            f"add|create [unique] index [called] [{{name}}] on|to|for {{target:colref}} {WHERE}",
            "add|create [unique] index on|to|for {target:tcrun}",
            "add|create {cols} [unique] index on|to|for {table}",
            f"index {{target:colref}} {WHERE}", "index {table} by|on {cols}", "index {target:tcrun}",
            "{target:colref} need index", "need [unique] index on|for|to {target:colref}",
            example="add an index on orders(created_at)"),
    *_rules("drop_index", keys.drop_index,
            "drop index on|from|for {target:colref}", "drop index on|from|for {target:tcrun}",
            "drop index [called] {name} [on|from|in {table}]",
            example="drop index ix_orders_customer on orders"),

    # constraints
    *_rules("add_unique", keys.add_unique,
            "add|create unique [called] [{name}] on|to|for {target:colref}",
            "ensure unique of|on|for {target:colref}",
            example="add a unique constraint on users(email)"),
    *_rules("add_foreign_key", keys.add_foreign_key,
            f"add|create fk [called] [{{name}}] from|on|for {{table}} to|reference {{ref:table}} {ON_DELETE}",
            f"add|create fk [called] [{{name}}] [from|on|for] {{src:colref}} to|reference {{ref:colref}} {ON_DELETE}",
            f"{{src:colref}} reference {{ref:colref}} {ON_DELETE}",
            f"link {{table}} to|with {{ref:table}} {ON_DELETE}",
            example="add a foreign key from orders.customer_id to customers.id on delete cascade"),
    *_rules("add_reference", keys.add_reference,
            "add|create reference to|for {reftable:table} on|to|in|for {table}",
            "add|create {refname:name} reference to|on|in|for {table}",
            example="add a reference to users on posts"),
    *_rules("add_check", keys.add_check,
            "add|create check [called] [{name}] on|to|for {table} {expr:parenexpr}",
            "add|create check [called] [{name}] {expr:parenexpr} on|to|for {table}",
            "add|create check that {expr} on|to|for {table}",
            "add|create check {expr} on|to|for {table}",
            "add|create check [called] [{name}] that {target:colref} [be] {check}",
            "add|create check [called] [{name}] that {expr}",
            "{target:colref} be {check}",
            example="add check (qty > 0) to orders"),
    *_rules("drop_constraint", keys.drop_constraint,
            "drop unique|fk|check|constraint [constraint] on|from|for {target:colref}",
            "drop unique|fk|check|constraint [constraint] [called] {name} [on|from|in {table}]",
            example="drop constraint fk_orders_customer on orders"),

    # columns
    *_rules("rename_column", b.rename,
            "rename [column] {target:colref} to {new:newname}",
            f"rename [column] {{target:colref}} to {{new:newname}} {TABLE_PREP} {{table}}",
            "{target:colref} be called {new:newname}", "{target:colref} be rename to {new:newname}",
            example="rename users.name to full_name"),
    *_rules("drop_default", b.drop_default,
            "drop default on|from|of|for {target:colref}", "{target:colref} no default",
            example="drop the default of orders.status"),
    *_rules("drop_not_null", b.drop_not_null,
            "drop notnull [constraint] on|from|of|for {target:colref}",
            "allow null on|in|for {target:colref}", "allow {target:colref} be null",
            example="make users.nickname nullable"),
    *_rules("set_not_null", b.set_not_null,
            "add|create notnull [constraint] on|to|for {target:colref}",
            "disallow null on|in|for {target:colref}",
            "require {target:colref}", f"require {{cols}} {TABLE_PREP} {{table}}",
            example="make orders.status not null"),
    *_rules("drop_column", b.drop_columns, "drop [column] {target:colref_from}", "{table} noneed {cols}",
            example="drop the legacy_flag column from accounts"),
    *_rules("set_default", b.set_default,
            "set|change|update|make default on|of|for {target:colref} to|= {value}",
            "set default [of] {value} on|for|of {target:colref}",
            "set|change {target:colref} default to|= {value}",
            "default {target:colref} to {value}", "{target:colref} default to {value}",
            "give {target:colref} default [of] {value}",
            "add|create default [of] {value} to|on|for {target:colref}",
            example="set the default of orders.status to 'pending'"),

    # types
    *_rules("alter_column_type", b.alter_type,
            f"change type of|for {{target:colref}} to {{type}} {USING}",
            f"change {{target:colref}} type [to] {{type}} {USING}",
            f"change [column] {{target:colref}} from {{from:type}} to {{type}} {USING}",
            f"change [column] {{target:colref}} to {{type}} {USING}",
            f"change [column] {{cols}} [to] {{type}} {TABLE_PREP} {{table}} {USING}",
            f"widen|narrow {{target:colref}} to {{type}} {USING}", "widen {target:colref}",
            "widen|narrow length [of|for] {target:colref} to {size:int}",
            example="change users.age to bigint"),
    *_rules("alter_column_type", b.not_a_type, "change [column] {target:colref} to {new:newname}"),

    # properties said as "make X ..." or "X should be ..."
    *_rules("make", b.predicates,
            f"make|set|ensure|need [that] {{target:colref}} [be] [as] {{preds}} {BACKFILLING}",
            f"make|set|ensure [that] {{cols}} [be] [as] {{preds}} {TABLE_PREP} {{table}} {BACKFILLING}",
            "make {target:tcrun} {preds}",
            "{target:colref} be {preds}", f"{{cols}} be {{preds}} {TABLE_PREP} {{table}}",
            example="make users.email unique"),

    # data
    *_rules("backfill", data.backfill,
            f"backfill|set {{target:colref}} with|to|= {{value}} {WHERE} {BATCH}",
            f"backfill|fill {{target:colref}} from {{value}} {WHERE} {BATCH}",
            f"backfill missing {{missing:run}} {TABLE_PREP} {{table}} with {{value}} {BATCH}",
            f"backfill null [{TABLE_PREP} {{target:colref}}] with {{value}} {BATCH}",
            f"backfill with {{value}} {WHERE} {BATCH}",
            f"set {{cols}} =|to {{value}} {TABLE_PREP} {{table}} {WHERE} {BATCH}",
            example="backfill users.status with 'active' where status is null"),
    *_rules("backfill", data.copy_column,
            "copy {target:colref} into|to {dst:cols}", "copy {target:colref} into|to {into:colref}",
            f"copy {{cols}} into|to {{dst:cols}} {TABLE_PREP} {{table}}"),
    *_rules("update_rows", data.normalize,
            f"lowercase|downcase|uppercase|upcase|trim {{target:colref}} {BATCH}",
            f"lowercase|downcase|uppercase|upcase|trim [all] {{plural:run}} {TABLE_PREP} {{table}} {BATCH}",
            example="lowercase users.email"),
    *_rules("update_rows", data.update_rows, f"update {{table}} set {{set:assigns}} {WHERE} {BATCH}",
            example="update orders set status = 'archived' where created_at < '2020-01-01'"),
    *_rules("split_column", data.split_column,
            "split {target:colref} into {into:names} [on|by|at|with|using {sep}]",
            example="split users.name into first_name, last_name on ' '"),
    *_rules("merge", data.merge_columns,
            f"merge {{sources:refs}} into {{dst:run}} [{TABLE_PREP} {{table}}] [with|by|using {{sep}}]",
            example="merge first_name and last_name into full_name on users"),

    # Rails' add_timestamps / t.timestamps
    *_rules("add_column", b.add_timestamps, "add|create timestamps to|on|in|for {table}"),
    *_rules("add_column", b.add_soft_delete, "add|create softdelete to|on|in|for {table}", "make {table} softdelete"),
    # add a column: the most general phrasings, so they come after the specific ones above
    *_rules("add_column", b.add_columns,
            "add|create [column] {defs:coldefs} to|on|in|for|into {table} [{post:postmods}]",
            "add|create {tdef:tcoldef}",
            "{table} need {defs:coldefs}",
            "need {defs:coldefs} to|on|in|for {table} [{post:postmods}]",
            "add|create [column] {defs:coldefs}",
            example="add column email varchar(255) not null default '' to users"),

    # "for the orders table, ..." names the table the next clauses talk about
    *_rules("focus", b.focus, "for|in|on {table}"),
]

# What each kind of change needs, for a refusal that names what is missing.
NEEDS = {
    "create_table": "the table and its columns",
    "drop_table": "the table", "rename_table": "the table and its new name",
    "add_index": "a table and its columns", "drop_index": "the index name and its table",
    "add_unique": "a table and its columns", "add_check": "a table and the check expression",
    "add_foreign_key": "the referencing column and the referenced table",
    "add_reference": "the referenced table and the table that points at it",
    "drop_constraint": "the constraint name and its table",
    "rename_column": "the column and its new name", "drop_column": "the column and its table",
    "drop_default": "the column", "drop_not_null": "the column", "set_not_null": "the column",
    "set_default": "a column and its default value",
    "alter_column_type": "a column and its new type",
    "make": "a column and what to make it: not null, nullable, unique, a type or a default",
    "backfill": "a column and the value to fill it with",
    "update_rows": "a table and `set column = value`",
    "split_column": "the column, at least two target columns and a separator",
    "merge": "two or more source columns and the target column",
    "add_column": "a column and the table to add it to", "focus": "a table",
}


def examples() -> list[str]:
    return [r.example for r in RULES if r.example]


def rules_for(first) -> list[Rule]:
    """The rules worth trying for a clause starting with `first` (a token)."""
    lemma = first.lemma if first is not None else None
    return [r for r in RULES if _starts(r.items, lemma)]


def _starts(items: tuple, lemma: str | None) -> bool:
    head = items[0]
    if isinstance(head, Word):
        return lemma in head.lemmas
    if isinstance(head, Opt):
        return _starts(head.items, lemma) or _starts(items[1:], lemma)
    return isinstance(head, Slot)
