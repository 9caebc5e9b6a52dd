"""Relaxed search: answers for queries that "every word must match" leaves (nearly) empty.

The engines match every word of a query (``port.SearchRequest.q``). Shoppers type
more than the catalog says: "reusable bottle" finds nothing when no bottle is
called reusable, "lunch box without plastic" finds nothing because no product
says "without". This module reads such queries more loosely, the same way for
every engine (it only issues ordinary searches through the port):

1. **Negations become a filter.** "without X", "not X", "no X", "non X", "X-free"
   and "X free" take X out of the words and leave out products whose materials
   name X (``SearchRequest.exclude_materials``).
2. **Minimum should match.** When the strict search finds fewer than
   ``FEW`` products, words drop out one at a time, least informative first
   (a word no product has, then the word most products have), until at least
   ``FEW`` match or only half the words (rounded up, at least one) are left.
   The loosest reading that found more than the strict one is the answer.

The answer says what happened (``relaxed``, ``counted_words``, ``dropped_words``,
``excluded_materials``) so the storefront can show "showing results for …".
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import msgspec

from read_side.search.port import SearchRequest, SearchResult

FEW = 3  # a strict answer with fewer hits than this is relaxed
_MAX_WORDS = 8  # words considered for dropping (the engines read at most 12)
_WORDS = re.compile(r"[\w]+", re.UNICODE)
# "without plastic", "not plastic", "no plastic", "non plastic"; "plastic-free", "plastic free"
_NEGATED_BEFORE = re.compile(r"\b(?:without|not|no|non)[\s-]+(\w+)", re.UNICODE)
_NEGATED_AFTER = re.compile(r"\b(\w+)[\s-]+free\b", re.UNICODE)

Search = Callable[[SearchRequest], Awaitable[SearchResult]]


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    words: list[str]  # what must match, in the shopper's order
    negated: list[str]  # materials to leave out


def parse_query(q: str) -> ParsedQuery:
    """Split ``q`` into the words to match and the negated materials."""
    text = q.lower()
    negated: list[str] = []
    for pattern in (_NEGATED_BEFORE, _NEGATED_AFTER):
        for found in pattern.finditer(text):
            if found.group(1) not in negated:
                negated.append(found.group(1))
        text = pattern.sub(" ", text)
    return ParsedQuery(_WORDS.findall(text), negated)


async def relaxed_search(search: Search, request: SearchRequest) -> SearchResult:
    """``request`` answered strictly when that finds enough, else by the loosest reading above."""
    parsed = parse_query(request.q)
    if not parsed.negated and (request.sort != "relevance" or len(parsed.words) < 2):
        # Nothing to relax (one word, or a browse sorted by price/newest/eco keeps its strict meaning).
        return await search(request)
    excluded = tuple(dict.fromkeys((*request.exclude_materials, *parsed.negated)))
    base = msgspec.structs.replace(request, q=" ".join(parsed.words), exclude_materials=excluded)
    strict = await search(base)
    negation_applied = bool(parsed.negated)
    if strict.total >= FEW or len(parsed.words) < 2:
        return _marked(strict, parsed.words, [], excluded) if negation_applied else strict
    kept = await _drop_order(search, base, parsed.words)
    if kept is None:
        return _marked(strict, parsed.words, [], excluded) if negation_applied else strict
    floor = max(1, math.ceil(len(parsed.words) / 2))
    best, best_words = strict, parsed.words
    words = list(parsed.words)
    for word in kept:
        if len(words) <= floor:
            break
        words.remove(word)
        found = await search(msgspec.structs.replace(base, q=" ".join(words)))
        if found.total > best.total:
            best, best_words = found, list(words)
        if found.total >= FEW:
            break
    if best is strict:
        return _marked(strict, parsed.words, [], excluded) if negation_applied else strict
    dropped = [w for w in parsed.words if w not in best_words]
    return _marked(best, best_words, dropped, excluded)


async def _drop_order(search: Search, base: SearchRequest, words: list[str]) -> list[str] | None:
    """The words in the order they drop out: unknown first, then the most common; None if none is known."""
    counts: dict[str, int] = {}
    for word in dict.fromkeys(words[:_MAX_WORDS]):
        counts[word] = (
            await search(msgspec.structs.replace(base, q=word, size=1, page=1, facets=False))
        ).total
    if not any(counts.values()):
        return None
    # Unknown words (0 matches) first, then by how many products have the word, most first;
    # ties keep the shopper's order from the end (the last word is the least often the head noun).
    return sorted(counts, key=lambda w: (counts[w] != 0, -counts[w], -words.index(w)))


def _marked(
    result: SearchResult, counted: list[str], dropped: list[str], excluded: tuple[str, ...]
) -> SearchResult:
    return msgspec.structs.replace(
        result,
        relaxed=True,
        counted_words=counted,
        dropped_words=dropped,
        excluded_materials=list(excluded),
    )
