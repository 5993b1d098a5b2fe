"""A generate result within its tier's token budget, without ever leaving out a required part.

Order of trimming: the text block is always a summary (the files are in the structured content
only); then optional parts go one at a time (`schemas.OPTIONAL`: files `phases` repeat, the
echo of parsed changes, the per-step lock table). If the required parts alone still exceed the
budget, a request of several changes gets a `too_large` answer saying how to split it, checked
on its first part; a single change, which cannot be split, comes whole.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from dbmig.errors import DbmigError
from dbmig.limits import MAX_CHANGES

from . import schemas, text
from .budget import BUDGETS, TooLarge, as_json, part_tokens, received, too_large, tokens, within

Structured = tuple[dict, str]
CALIBRATIONS = 5      # first parts generated, at most, to size the split


@dataclass(frozen=True)
class Source:
    """The arguments a result answers and its changes (given, or parsed from sql / the description),
    from which the parts of a split are built."""

    args: dict
    changes: list[dict]

    @property
    def field(self) -> str:
        return "changes" if self.args.get("changes") else "sql" if self.args.get("sql") else "migration_description"

    def part(self, count: int) -> dict:
        return self.args | {"changes": self.changes[:count], "sql": None}


def as_sent(model, source: Source | None = None) -> Structured:
    """A MigrationResult as generate_migration sends it: (structured content, text)."""
    result = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return fit_generate(result, [f.model_dump(mode="json") for f in model.files], source)


def sent_tokens(model) -> int:
    """What the calling agent receives of a result, in tokens (the figure the budget bounds)."""
    return received(*as_sent(model))


def fit_generate(result: dict, files: list[dict], source: Source | None = None) -> Structured:
    whole = _trimmed(result, files, [])
    if _fits(whole, BUDGETS[result["tier"]]):
        return whole
    fitted, total = _fit(result, files)
    if total <= BUDGETS[result["tier"]]:
        return fitted
    if source is not None and len(source.changes) > 1:
        raise split_answer(source, result["tier"], total)
    return _trimmed(result, files, _optional(result), over=total)


def _fits(sent: Structured, budget: int) -> bool:
    """Whether the whole answer is within budget: by an upper bound when that fits (most answers),
    else by one count of what is sent (a part-by-part count, which `_fit` needs to trim, is larger)."""
    body, summary = as_json(sent[0]), sent[1]
    return within(budget, body, summary) or tokens(body) + tokens(summary) <= budget


def _fit(result: dict, files: list[dict]) -> tuple[Structured, int]:
    """The most complete candidate within budget, or the one without every optional part; and
    its size. Each part is counted once; a candidate's size is the sum of what it keeps."""
    budget, sizes, optional = BUDGETS[result["tier"]], part_tokens(result), _optional(result)
    for n in range(len(optional) + 1):
        candidate = _trimmed(result, files, optional[:n])
        total = sum(sizes.values()) - sum(_size(result, sizes, name) for name in optional[:n])
        total += tokens(candidate[1]) + (tokens(as_json({"omitted": candidate[0]["omitted"]})) if n else 0)
        if total <= budget:
            break
    return candidate, total


def _optional(result: dict) -> list[str]:
    return [name for name in schemas.OPTIONAL if _present(result, name)]


def _present(result: dict, name: str) -> bool:
    if name == "extra_files":        # optional only as a repeat of what `phases` carry
        return bool(result.get("phases")) and bool(result.get("extra_files"))
    if name == "deployment_guide.lock_estimates":
        return bool(result["deployment_guide"].get("lock_estimates"))
    return name in result


def _size(result: dict, sizes: dict[str, int], name: str) -> int:
    if name == "deployment_guide.lock_estimates":
        return tokens(as_json(result["deployment_guide"]["lock_estimates"]))
    return sizes[name]


def _trimmed(result: dict, files: list[dict], leave_out: list[str], over: int | None = None) -> Structured:
    """The result without `leave_out`; `over`: the size of a single change's required parts,
    which exceed the budget and are sent whole anyway."""
    trimmed = {k: v for k, v in result.items() if k not in leave_out}
    if "deployment_guide.lock_estimates" in leave_out:
        trimmed["deployment_guide"] = {k: v for k, v in result["deployment_guide"].items() if k != "lock_estimates"}
    if leave_out or over:
        reason = (f"The full result exceeds the {result['tier']} budget of {BUDGETS[result['tier']]} tokens; "
                  "only optional parts were left out.")
        if over:
            reason += f" Even so it is ~{over:,} tokens: a single change cannot be split, so it comes whole."
        trimmed["omitted"] = {
            "sections": leave_out, "detail": list(dict.fromkeys(schemas.OPTIONAL[name] for name in leave_out)),
            "reason": reason,
            "how": "Call generate_migration again with the same arguments and detail=<one of `detail`>; the "
                   "scripts are deterministic, so the parts match."}
    return trimmed, text.generate_text(trimmed, files)


# --- too large: how to split ------------------------------------------------------------------

def split_answer(source: Source, tier: str, needed: int) -> TooLarge:
    """The largest part size whose first part fits, searched from the proportional estimate: what
    a change costs varies (a part of changes on many tables repeats the per-table checks)."""
    count = len(source.changes)
    fits, fails = 0, min(count, MAX_CHANGES + 1)
    size_ = max(1, min(fails - 1, math.floor(count * BUDGETS[tier] / needed)))
    for _ in range(CALIBRATIONS):
        size, part_tier = _first_part(source, size_)
        if part_tier is None or size <= BUDGETS[part_tier]:     # a refused part says why on its own call
            fits = size_
        else:
            fails = size_
        if fails - fits <= 1:
            break
        size_ = max(fits + 1, min(fails - 1, math.floor(size_ * BUDGETS[part_tier or tier] / max(size, 1))))
    return too_large(tier, needed, count, max(fits, 1), source.field)


def beyond_limit(args: dict, changes: list) -> TooLarge:
    """More changes than one call takes (limits.MAX_CHANGES): sized on the first part that may
    be generated, whose errors, if any, are the answer (its field paths hold for the whole)."""
    source = Source(args, changes)
    size, tier = _first_part(source, MAX_CHANGES, refused=True)
    return split_answer(source, tier, math.ceil(size * len(changes) / MAX_CHANGES))


def _first_part(source: Source, count: int, refused: bool = False) -> tuple[int, str | None]:
    """The size of the first part's answer and its tier (a part may fall in a lower tier); a
    part the engine refuses is answered by its own call (`refused`: raise it now)."""
    from dbmig.api import generate
    try:
        model = generate(source.part(count))
    except DbmigError:
        if refused:
            raise
        return 0, None
    _, size = _fit(model.model_dump(mode="json", by_alias=True, exclude_none=True),
                   [f.model_dump(mode="json") for f in model.files])
    return size, model.tier.value


# --- detail: one part of the result ----------------------------------------------------------------

def detail_response(result: dict, section: str, source: Source | None = None) -> Structured:
    part = {k: result[k] for k in schemas.IDENTITY} | {"detail": section}
    if section in result:
        part[section] = result[section]
    summary = text.detail_text(part, section)
    needed = tokens(as_json(part)) + tokens(summary)
    if needed <= BUDGETS[result["tier"]] or source is None or len(source.changes) < 2:
        return part, summary
    raise split_answer(source, result["tier"], needed)
