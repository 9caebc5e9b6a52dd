"""Catalog intents: a greener alternative to a product, and why a product's footprint is what it is."""

from __future__ import annotations

import re
from typing import Any

from analytics.factor_tables import FactorVersionError, load_factors
from read_side.advisor.model import Fact, FactSource, Suggestion, kg
from read_side.advisor.sources import AdvisorSources
from read_side.search.port import SearchRequest
from read_side.search.relax import relaxed_search

KG = "kg CO2e"
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
# Words of the question that name what is asked, not the product asked about.
_FILLER = {
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "my",
    "our",
    "your",
    "its",
    "it",
    "is",
    "are",
    "was",
    "be",
    "what",
    "what's",
    "whats",
    "which",
    "why",
    "how",
    "greener",
    "green",
    "eco",
    "friendly",
    "friendlier",
    "ecofriendly",
    "cleaner",
    "lower",
    "carbon",
    "more",
    "less",
    "sustainable",
    "polluting",
    "alternative",
    "alternatives",
    "instead",
    "replace",
    "replacement",
    "swap",
    "substitute",
    "to",
    "for",
    "than",
    "of",
    "like",
    "about",
    "footprint",
    "footprints",
    "co2",
    "co2e",
    "kg",
    "emissions",
    "emission",
    "number",
    "so",
    "high",
    "low",
    "big",
    "calculated",
    "computed",
    "measured",
    "worked",
    "out",
    "get",
    "explain",
    "break",
    "breakdown",
    "down",
    "where",
    "does",
    "do",
    "you",
    "did",
    "come",
    "from",
    "makes",
    "up",
    "please",
    "tell",
    "me",
    "can",
    "could",
    "i",
    "give",
    "show",
    "there",
    "any",
    "something",
    "product",
    "product's",
    "s",
    "option",
    "options",
    "better",
    "buy",
}
_WORD = re.compile(r"[\w-]+")
MAX_SUGGESTIONS = 5
_CANDIDATES = 100


def product_words(question: str) -> str:
    """The question without its filler: what names the product."""
    words = [w for w in _WORD.findall(question.lower().replace("'s", " ")) if w not in _FILLER]
    return " ".join(w for w in words if not re.fullmatch(r"[\d.,]+", w))


async def find_product(question: str, sources: AdvisorSources) -> tuple[dict[str, Any] | None, bool]:
    """The product card the question names (by id, else the best search hit) and whether search relaxed."""
    found = _UUID.search(question.lower())
    if found:
        return await sources.card(found.group(0)), False
    words = product_words(question)
    if not words:
        return None, False
    result = await relaxed_search(sources.search, SearchRequest(q=words, size=1))
    if not result.hits:
        return None, result.relaxed
    return await sources.card(result.hits[0].id), result.relaxed


def total_fact(card: dict[str, Any], fact_id: str) -> Fact:
    return Fact(
        fact_id,
        float(card["kg_co2e"]),
        KG,
        FactSource(
            "product_stage",
            f"{card['id']}:total",
            f"{card['name']}: cradle to warehouse, per unit (factors {card.get('factor_version', '?')})",
        ),
    )


async def alternatives(card: dict[str, Any], sources: AdvisorSources) -> list[Suggestion]:
    """Products of the same category, in stock, with a lower footprint: the lowest first.

    Candidates are the category's products nearest in function (hybrid search on the
    product's name: its words and its meaning, read_side/search/hybrid.py) and its
    best eco scores, so a large category still offers alike products, not only its
    lightest ones.
    """
    category = card["category"]
    alike = await sources.search(
        SearchRequest(q=product_words(card["name"]), category=category, size=_CANDIDATES, mode="hybrid")
    )
    greenest = await sources.search(SearchRequest(category=category, size=_CANDIDATES, sort="eco"))
    base = float(card["kg_co2e"])
    out = []
    for hit in {h.id: h for h in (*alike.hits, *greenest.hits)}.values():
        if hit.id == card["id"]:
            continue
        other = await sources.card(hit.id)
        if other is None or other.get("kg_co2e") is None or not other.get("in_stock"):
            continue
        if other.get("status", "active") != "active" or float(other["kg_co2e"]) >= base:
            continue
        value = float(other["kg_co2e"])
        saving = round(base - value, 4)
        out.append(
            Suggestion(
                other["id"],
                other["name"],
                value,
                saving,
                round(100 * saving / base, 1),
                f"/products/{other['id']}",
            )
        )
    out.sort(key=lambda s: (s.kg_co2e, s.product_id))
    return out[:MAX_SUGGESTIONS]


async def answer_alternative(
    card: dict[str, Any], sources: AdvisorSources
) -> tuple[str, list[Fact], list[Suggestion]]:
    if card.get("kg_co2e") is None:
        return f"“{card['name']}” has no footprint yet, so I cannot compare it.", [], []
    suggestions = await alternatives(card, sources)
    facts = [total_fact(card, "product")]
    if not suggestions:
        text = (
            f"“{card['name']}” ({kg(card['kg_co2e'])} {KG}) already has the lowest footprint "
            f"of the products in stock in {card['category']}."
        )
        return text, facts, []
    parts = []
    for i, s in enumerate(suggestions[:3]):
        ref = FactSource("product_stage", f"{s.product_id}:total", f"{s.name}: cradle to warehouse, per unit")
        facts += [
            Fact(f"alt{i}", s.kg_co2e, KG, ref),
            Fact(f"alt{i}_saving", s.saving_kg, KG, ref),
            Fact(f"alt{i}_saving_pct", s.saving_pct, "%", ref),
        ]
        parts.append(f"“{s.name}” at {kg(s.kg_co2e)} {KG} saves {kg(s.saving_kg)} {KG} ({s.saving_pct:.1f}%)")
    text = (
        f"Greener than “{card['name']}” ({kg(card['kg_co2e'])} {KG} per unit), in stock: "
        + "; ".join(parts)
        + "."
    )
    return text, facts, suggestions


def factor_source(source: str, version: str | None) -> FactSource:
    """A factor row's source as a fact cites it: its title, publisher, year and address."""
    try:
        row = load_factors(version).sources.get(source)
    except FactorVersionError:
        row = None
    if row is None:
        return FactSource("factor", source, source)
    year = int(row.year) if row.year.isdigit() else None
    return FactSource("factor", source, f"{row.title} ({row.publisher})", year, row.url or None)


async def answer_explain(card: dict[str, Any], sources: AdvisorSources) -> tuple[str, list[Fact]]:
    breakdown = await sources.footprint(card["id"])
    if breakdown is None:
        return f"“{card['name']}” has no footprint yet, so there is nothing to explain.", []
    pid, total = card["id"], breakdown["kg_co2e"]
    stage_title = f"{card['name']}: footprint breakdown (factors {breakdown['factor_version']})"
    facts = [
        Fact(f"total_{k}", float(total[k]), KG, FactSource("product_stage", f"{pid}:total:{k}", stage_title))
        for k in ("central", "low", "high")
    ]
    stages = sorted(breakdown["stages"], key=lambda s: -s["kg_co2e"]["central"])
    parts = []
    for stage in stages:
        value = float(stage["kg_co2e"]["central"])
        facts.append(
            Fact(
                f"stage_{stage['name']}",
                value,
                KG,
                FactSource("product_stage", f"{pid}:{stage['name']}", stage_title),
            )
        )
        parts.append(f"{stage['name'].replace('_', ' ')} {kg(value)}")
    text = (
        f"“{card['name']}” comes to {kg(total['central'])} {KG} per unit "
        f"(range {kg(total['low'])} to {kg(total['high'])}), cradle to warehouse: " + ", ".join(parts) + "."
    )
    items = sorted((i for s in stages for i in s["items"]), key=lambda i: -i["kg_co2e"]["central"])[:2]
    for n, item in enumerate(items):
        source = factor_source(item["source"], breakdown["factor_version"])
        facts += [
            Fact(f"factor{n}", float(item["factor"]["central"]), item["factor_unit"], source),
            Fact(f"factor{n}_kg", float(item["kg_co2e"]["central"]), KG, source),
        ]
        text += (
            f" {'The largest part' if n == 0 else 'Next'}: “{item['item']}”, {kg(item['kg_co2e']['central'])} {KG} "
            f"at {item['factor']['central']:g} {item['factor_unit']} (source {item['source']})."
        )
    return text, facts
