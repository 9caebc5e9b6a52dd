"""How tests/search_quality/queries.json was labelled: rules over the demo catalog, written once.

Each storefront query lists rules ``(grade, name pattern, options)``: a product whose
name matches the pattern (case-insensitive) and the options gets that grade
(3 exactly what was asked, 2 a close substitute, 1 related); the highest rule
wins, unmatched products are 0. The rules were written by reading the catalog's
product kinds (``ecolaura.demo_catalog``, seed 42, 2,000 products, the demo
seed's own size), not from any engine's answers. Run this to write the data file again:
``uv run python -m tests.search_quality.label``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ecolaura.demo_catalog import ProductSpec, generate_products

COUNT, SEED = 2000, 42
OUT = Path(__file__).with_name("queries.json")
NO_PLASTIC = {"no_material": "plastic"}
Rule = tuple[int, str, dict[str, str]]

QUERIES: list[tuple[str, str, list[Rule]]] = [
    # exact: a product's own words
    ("bamboo toothbrush", "exact", [(3, r"bamboo toothbrush", {}), (1, r"toothbrush", {})]),
    ("stainless steel lunch box", "exact", [(3, r"stainless steel lunch box", {}), (1, r"lunch box", {})]),
    ("organic cotton tote bag", "exact", [(3, r"organic cotton tote bag", {}), (2, r"tote bag", {})]),
    ("cork yoga mat", "exact", [(3, r"cork yoga mat", {}), (2, r"yoga mat", {}), (1, r"yoga block", {})]),
    ("solid shampoo bar", "exact", [(3, r"shampoo bar", {})]),
    ("glass french press", "exact", [(3, r"french press", {}), (1, r"coffee filter", {})]),
    ("wool dryer balls", "exact", [(3, r"dryer balls", {})]),
    ("recycled paper notebook", "exact", [(3, r"recycled paper notebook", {}), (1, r"notebook", {})]),
    ("leather hiking boots", "exact", [(3, r"leather hiking boots", {}), (2, r"hiking boots", {})]),
    ("beeswax food wraps", "exact", [(3, r"beeswax food wraps", {}), (2, r"food wraps", {})]),
    ("solar power bank", "exact", [(3, r"solar power bank", {})]),
    ("linen duvet cover", "exact", [(3, r"linen duvet cover", {}), (2, r"duvet cover", {})]),
    # typo: the same kinds, mistyped
    ("bamboo tothbrush", "typo", [(3, r"bamboo toothbrush", {}), (1, r"toothbrush", {})]),
    (
        "stainles steel water botle",
        "typo",
        [(3, r"stainless steel water bottle", {}), (1, r"travel cup", {})],
    ),
    ("yoga matt", "typo", [(3, r"yoga mat", {}), (1, r"yoga block", {})]),
    ("frensh press", "typo", [(3, r"french press", {})]),
    ("shampo bar", "typo", [(3, r"shampoo bar", {})]),
    ("kettelbell", "typo", [(3, r"kettlebell", {})]),
    ("backpak", "typo", [(3, r"backpack", {}), (1, r"pannier bag", {})]),
    ("coper earrings", "typo", [(3, r"copper stud earrings", {}), (2, r"earrings", {})]),
    # synonym: the shopper's word is not the catalog's
    ("tumbler", "synonym", [(3, r"tumblers", {}), (2, r"travel cup", {})]),
    ("cup", "synonym", [(3, r"travel cup", {}), (2, r"tumblers", {})]),
    ("mug", "synonym", [(3, r"travel cup", {}), (2, r"tumblers", {})]),
    ("diapers", "synonym", [(3, r"nappy set", {})]),
    ("trainers", "synonym", [(3, r"sneakers", {})]),
    ("flask", "synonym", [(3, r"insulated .*water bottle", {}), (1, r"travel cup", {})]),
    ("skillet", "synonym", [(3, r"frying pan", {})]),
    ("couch", "synonym", [(3, r"sofa", {})]),
    ("rucksack", "synonym", [(3, r"backpack", {})]),
    ("jumper", "synonym", [(3, r"knit sweater", {}), (2, r"hoodie", {})]),
    ("phone cover", "synonym", [(3, r"phone case", {})]),
    # descriptive: what the product is for
    (
        "something to carry lunch without plastic",
        "descriptive",
        [(3, r"lunch box", NO_PLASTIC), (1, r"food storage bags|storage jar|food wraps", NO_PLASTIC)],
    ),
    (
        "keep my drinks cold on a hike",
        "descriptive",
        [(3, r"insulated .*water bottle", {}), (1, r"travel cup", {})],
    ),
    ("toy for a dog", "descriptive", [(3, r"chew toy", {}), (1, r"dog bed|dog collar|pet bowl", {})]),
    (
        "gift for a coffee lover",
        "descriptive",
        [(3, r"coffee beans|french press|coffee filter", {}), (1, r"travel cup", {})],
    ),
    (
        "reusable alternative to cling film",
        "descriptive",
        [(3, r"food wraps", {}), (2, r"food storage bags", {})],
    ),
    ("stay dry walking in the rain", "descriptive", [(3, r"rain jacket", {}), (1, r"hiking boots", {})]),
    ("shave without disposable plastic razors", "descriptive", [(3, r"safety razor", {})]),
    ("cosy shoes to wear at home", "descriptive", [(3, r"slippers", {})]),
    ("somewhere for my cat to scratch", "descriptive", [(3, r"cat scratcher", {})]),
    (
        "light for camping without electricity",
        "descriptive",
        [(3, r"solar .*lantern", {}), (1, r"bike light set", {})],
    ),
    (
        "teach toddlers sizes and colours",
        "descriptive",
        [(3, r"stacking rings|building blocks", {}), (1, r"plush toy", {})],
    ),
    (
        "grow vegetables on a balcony",
        "descriptive",
        [(3, r"raised garden bed|seedling pots", {}), (2, r"planter|watering can|garden tool set", {})],
    ),
    (
        "warm layer under a ski jacket",
        "descriptive",
        [(3, r"base layer top|fleece jacket|insulated vest", {})],
    ),
    ("carry my baby hands free", "descriptive", [(3, r"baby carrier", {})]),
    ("cloths that replace paper towels", "descriptive", [(3, r"dishcloths", {})]),
]


def grade(product: ProductSpec, rules: list[Rule]) -> int:
    best = 0
    for value, pattern, options in rules:
        if not re.search(pattern, product.name, re.IGNORECASE):
            continue
        banned = options.get("no_material")
        if banned and any(banned in material for material, _ in product.materials):
            continue
        best = max(best, value)
    return best


def labelled() -> dict[str, Any]:
    products = [p for p in generate_products(COUNT, SEED) if p.status == "active"]
    queries = []
    for q, kind, rules in QUERIES:
        relevant = {p.sku: g for p in products if (g := grade(p, rules))}
        queries.append({"q": q, "class": kind, "relevant": dict(sorted(relevant.items()))})
    return {"catalog": {"count": COUNT, "seed": SEED, "ids": "sku"}, "queries": queries}


if __name__ == "__main__":
    OUT.write_text(json.dumps(labelled(), indent=1) + "\n")
