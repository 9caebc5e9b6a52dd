"""Deterministic demo data for the Ecolaura shop: a product catalog and customers.

The seeding command uses this module to fill an empty database with a catalog
that looks like a real sustainable-commerce shop: products with plausible
names, prices, weights, material make-up, origins, packaging and
certifications, plus an international set of customers.

Everything is derived from a seeded ``random.Random`` and plain tables, with
no I/O and no global state, so the same ``(count, seed)`` always gives
exactly the same output. That keeps demos, screenshots and tests stable.

The material vocabulary (``MATERIALS``) is closed on purpose: footprint code
attaches an emission factor to every name, so a product may only be made of
materials listed there.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "CATEGORIES",
    "CERTIFICATIONS",
    "CUSTOMER_COUNTRIES",
    "MATERIALS",
    "PACKAGING",
    "CustomerSpec",
    "ProductSpec",
    "generate_customers",
    "generate_products",
]

MATERIALS: tuple[str, ...] = (
    "organic cotton",
    "recycled cotton",
    "hemp",
    "linen",
    "wool",
    "tencel lyocell",
    "recycled polyester",
    "bamboo",
    "fsc wood",
    "cork",
    "coconut fibre",
    "jute",
    "natural rubber",
    "leather",
    "beeswax",
    "soy wax",
    "plant-based oils",
    "organic coffee",
    "loose-leaf tea",
    "glass",
    "recycled glass",
    "ceramic",
    "concrete",
    "stainless steel",
    "recycled steel",
    "recycled aluminium",
    "copper",
    "recycled silver",
    "recycled paper",
    "recycled plastic",
    "bioplastic",
    "silicone",
    "lithium-ion cell",
    "electronic components",
)

PACKAGING: tuple[str, ...] = (
    "none",
    "paper",
    "cardboard",
    "recycled-cardboard",
    "glass",
    "aluminium",
    "compostable-film",
    "plastic-film",
    "reusable-tin",
)

CERTIFICATIONS: tuple[str, ...] = (
    "GOTS",
    "FSC",
    "Fairtrade",
    "EU Ecolabel",
    "B Corp",
    "Cradle to Cradle",
    "OEKO-TEX",
    "Rainforest Alliance",
    "Energy Star",
    "Blue Angel",
    "Bluesign",
    "USDA Organic",
    "Leaping Bunny",
)

# Customer countries with relative weights: the shop started in the Netherlands.
_CUSTOMER_COUNTRY_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("NL", 22),
    ("DE", 20),
    ("FR", 14),
    ("BE", 7),
    ("ES", 6),
    ("IT", 6),
    ("AT", 4),
    ("SE", 4),
    ("DK", 3),
    ("FI", 2),
    ("IE", 3),
    ("PT", 3),
    ("PL", 4),
    ("GB", 4),
)
CUSTOMER_COUNTRIES: tuple[str, ...] = tuple(code for code, _ in _CUSTOMER_COUNTRY_WEIGHTS)


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """One catalog product, ready to become a ``CreateProduct`` command."""

    sku: str
    name: str
    description: str
    category: str
    brand: str
    price_minor: int
    currency: str
    weight_kg: float
    materials: tuple[tuple[str, float], ...]
    origin_country: str
    packaging: str
    certifications: tuple[str, ...]
    status: str
    popularity: float


@dataclass(frozen=True, slots=True)
class CustomerSpec:
    """One shop customer, ready to become a ``RegisterCustomer`` command."""

    email: str
    display_name: str
    country: str


# --------------------------------------------------------------------------- #
# Table machinery
# --------------------------------------------------------------------------- #

# (label shown after the comma in the name, weight multiplier, price multiplier)
_Variant = tuple[str, float, float]

_PLAIN: tuple[_Variant, ...] = (("", 1.0, 1.0),)
_MADE = "Made from {mats} in {country}."


class _MaterialSlot(NamedTuple):
    choices: tuple[str, ...]  # alternatives; one is picked per product
    fraction: float  # share of the product weight


@dataclass(frozen=True, slots=True)
class _Template:
    noun: str  # "{m}" is replaced by the label of the first material
    code: str  # 4 letters, the middle part of the SKU
    materials: tuple[_MaterialSlot, ...]
    kg: tuple[float, float]
    eur: tuple[float, float]
    use: str  # first sentence of the description
    variants: tuple[_Variant, ...]
    origins: tuple[str, ...]  # empty: use the category's
    certs: tuple[str, ...] | None
    packaging: tuple[str, ...] | None
    styles: tuple[str, ...] | None
    made: str


@dataclass(frozen=True, slots=True)
class _Category:
    slug: str
    code: str
    share: float  # relative size of the category in the catalog
    brands: tuple[str, ...]
    origins: tuple[str, ...]  # repeated codes weight the draw
    certs: tuple[str, ...]
    packaging: tuple[str, ...]
    styles: tuple[str, ...]  # "" means no adjective
    templates: tuple[_Template, ...]


def _parse_materials(spec: str) -> tuple[_MaterialSlot, ...]:
    """Parse the table shorthand ``"bamboo|fsc wood=0.9, silicone=0.05"``."""
    slots = []
    for part in spec.split(","):
        names, fraction = part.strip().split("=")
        slots.append(_MaterialSlot(tuple(n.strip() for n in names.split("|")), float(fraction)))
    return tuple(slots)


def _t(
    noun: str,
    code: str,
    materials: str,
    kg: tuple[float, float],
    eur: tuple[float, float],
    use: str,
    variants: tuple[_Variant, ...] = _PLAIN,
    *,
    origins: tuple[str, ...] = (),
    certs: tuple[str, ...] | None = None,
    packaging: tuple[str, ...] | None = None,
    styles: tuple[str, ...] | None = None,
    made: str = _MADE,
) -> _Template:
    return _Template(
        noun,
        code,
        _parse_materials(materials),
        kg,
        eur,
        use,
        variants,
        origins,
        certs,
        packaging,
        styles,
        made,
    )


def _v(*labels: str) -> tuple[_Variant, ...]:
    """Variants that change only the name, not weight or price (colours, scents)."""
    return tuple((label, 1.0, 1.0) for label in labels)


def _cross(first: tuple[_Variant, ...], second: tuple[_Variant, ...]) -> tuple[_Variant, ...]:
    """Every combination of two variant axes, e.g. colour x size."""
    return tuple((f"{a[0]}, {b[0]}", a[1] * b[1], a[2] * b[2]) for a in first for b in second)


_SIZES: tuple[_Variant, ...] = (("Small", 0.7, 0.8), ("Medium", 1.0, 1.0), ("Large", 1.4, 1.25))
_SETS: tuple[_Variant, ...] = (
    ("Set of 2", 0.5, 0.6),
    ("Set of 3", 0.75, 0.8),
    ("Set of 4", 1.0, 1.0),
    ("Set of 6", 1.5, 1.4),
)
_PACKS: tuple[_Variant, ...] = (("Single", 1.0, 1.0), ("Pack of 2", 2.0, 1.85), ("Pack of 4", 4.0, 3.4))
_VOLUMES: tuple[_Variant, ...] = (
    ("350 ml", 0.8, 0.9),
    ("500 ml", 1.0, 1.0),
    ("750 ml", 1.25, 1.15),
    ("1 l", 1.5, 1.3),
)
_JARS: tuple[_Variant, ...] = (
    ("500 ml", 0.7, 0.8),
    ("1 l", 1.0, 1.0),
    ("1.5 l", 1.3, 1.2),
    ("2 l", 1.6, 1.4),
)
_COLOURS = _v("Oat", "Sage", "Charcoal", "Terracotta", "Indigo", "Natural", "Moss", "Sand")
_EARTH = _v("Forest", "Ocean", "Sand", "Charcoal", "Clay")
_SCENTS = _v("Lavender", "Cedar & Mint", "Citrus Grove", "Rosemary", "Unscented", "Sea Salt")
_APPAREL_SIZES: tuple[_Variant, ...] = (
    ("XS", 0.9, 1.0),
    ("S", 0.95, 1.0),
    ("M", 1.0, 1.0),
    ("L", 1.06, 1.0),
    ("XL", 1.12, 1.0),
)
_SHOE_SIZES: tuple[_Variant, ...] = tuple(
    (f"EU {size}", 0.85 + (size - 36) * 0.03, 1.0) for size in range(36, 47)
)
_BABY_SIZES: tuple[_Variant, ...] = (
    ("0-3 Months", 0.8, 1.0),
    ("3-6 Months", 0.9, 1.0),
    ("6-12 Months", 1.0, 1.0),
    ("12-18 Months", 1.1, 1.05),
)
_FINISHES = _v("Natural Oak", "Smoked Oak", "Walnut Stain", "White Oil", "Black Stain")

# --------------------------------------------------------------------------- #
# Catalog tables
# --------------------------------------------------------------------------- #

_TEXTILE_ORIGINS = ("IN", "IN", "BD", "PT", "PT", "TR", "PK", "LT")
_EU_WORKSHOPS = ("DE", "NL", "PL", "PL", "PT", "IT", "ES", "LT", "CZ", "DK")

_CATEGORY_TABLE: tuple[_Category, ...] = (
    _Category(
        "kitchen",
        "KIT",
        1.5,
        ("Hearthgrain", "Oakmoss Kitchenworks", "Tidewell Home"),
        ("CN", "VN", "DE", "PL", "PT", "IT"),
        ("FSC", "B Corp", "EU Ecolabel", "Cradle to Cradle"),
        ("recycled-cardboard", "recycled-cardboard", "cardboard", "paper", "none"),
        ("", "Classic", "Everyday", "Rustic", "Nordic", "Artisan"),
        (
            _t(
                "{m} Cutting Board",
                "CUTB",
                "bamboo|fsc wood=0.97",
                (0.6, 2.0),
                (18, 49),
                "A knife-friendly board for chopping vegetables, bread and cheese.",
                _SIZES,
                origins=("CN", "VN", "DE", "PL", "PL"),
            ),
            _t(
                "{m} Cooking Utensil Set",
                "UTEN",
                "bamboo|fsc wood=0.85, silicone=0.1",
                (0.25, 0.6),
                (16, 39),
                "Spatula, spoon and turner for stirring and serving without scratching pans.",
                _SETS[1:],
            ),
            _t(
                "Stainless Steel Frying Pan",
                "PANS",
                "stainless steel=0.7, recycled aluminium=0.25",
                (0.9, 1.6),
                (39, 119),
                "A tri-ply pan for searing and sautéing on gas, electric and induction hobs.",
                (("20 cm", 0.75, 0.8), ("24 cm", 1.0, 1.0), ("28 cm", 1.3, 1.2)),
                origins=("DE", "IT", "FR", "CN"),
                certs=("B Corp", "Cradle to Cradle"),
            ),
            _t(
                "{m} Mixing Bowl Set",
                "BOWL",
                "ceramic|recycled glass|stainless steel=0.98",
                (0.8, 2.5),
                (24, 69),
                "Nesting bowls for whisking batters, tossing salads and proofing dough.",
                _SETS[1:],
                origins=("PT", "PT", "ES", "IT", "DE", "CN"),
            ),
        ),
    ),
    _Category(
        "food-storage",
        "FST",
        1.1,
        ("Waxleaf", "Pantry Circle"),
        ("DE", "NL", "PL", "GB", "CN"),
        ("GOTS", "FSC", "B Corp", "Cradle to Cradle"),
        ("recycled-cardboard", "paper", "paper", "compostable-film", "cardboard"),
        ("", "Everyday", "Zero-Waste", "Family", "Classic"),
        (
            _t(
                "{m} Food Wraps",
                "WRAP",
                "beeswax|soy wax=0.3, organic cotton=0.6",
                (0.05, 0.15),
                (9, 24),
                "Reusable wraps that mould around cheese, bread and cut fruit instead of cling film.",
                (
                    ("Set of 3", 1.0, 1.0),
                    ("Set of 5", 1.6, 1.5),
                    ("Sandwich Size", 0.5, 0.6),
                    ("Bread Size", 1.3, 1.2),
                ),
                origins=("DE", "NL", "GB", "PL", "LT"),
            ),
            _t(
                "{m} Storage Jar",
                "JARS",
                "recycled glass|glass=0.85, bamboo|cork=0.1",
                (0.3, 1.2),
                (7, 22),
                "An airtight jar that keeps grains, pasta and coffee fresh on open shelves.",
                _JARS,
                origins=("IT", "PL", "CZ", "DE", "PT", "CN"),
            ),
            _t(
                "Stainless Steel Lunch Box",
                "LNCH",
                "stainless steel=0.9, silicone=0.07",
                (0.3, 0.7),
                (22, 45),
                "A leak-resistant bento box for packed lunches, leftovers and picnics.",
                (("Single Tier", 0.7, 0.8), ("Two Tier", 1.0, 1.0), ("Three Tier", 1.4, 1.3)),
                origins=("IN", "IN", "CN", "DE"),
            ),
            _t(
                "Silicone Food Storage Bags",
                "BAGS",
                "silicone=0.95",
                (0.1, 0.4),
                (12, 32),
                "Freezer- and dishwasher-safe bags that replace single-use zip bags.",
                _SETS,
                origins=("CN", "US", "TW"),
            ),
        ),
    ),
    _Category(
        "coffee-tea",
        "COF",
        1.2,
        ("Slow Kettle Co.", "Morrow Roasters", "Leafline"),
        ("DE", "DK", "PT", "CN"),
        ("B Corp", "Cradle to Cradle"),
        ("recycled-cardboard", "cardboard", "paper"),
        ("", "Everyday", "Classic", "Nordic"),
        (
            _t(
                "Organic Coffee Beans",
                "BEAN",
                "organic coffee=0.98",
                (0.25, 0.25),
                (8, 14),
                "Whole beans roasted in small batches for filter, espresso or moka pot.",
                _cross(
                    _v("Espresso Roast", "Filter Roast", "Medium Roast", "Decaf"),
                    (("250 g", 1.0, 1.0), ("500 g", 2.0, 1.85), ("1 kg", 4.0, 3.4)),
                ),
                origins=("ET", "KE", "PE", "CO", "BR", "HN"),
                certs=("Fairtrade", "Rainforest Alliance", "USDA Organic", "B Corp"),
                packaging=("compostable-film", "compostable-film", "paper", "reusable-tin"),
                styles=("", "Small-Batch", "Direct-Trade", "Single-Origin"),
                made="Roasted from {mats} grown in {country}.",
            ),
            _t(
                "Organic Loose-Leaf Tea",
                "TEAS",
                "loose-leaf tea=0.98",
                (0.1, 0.1),
                (7, 12),
                "Whole-leaf tea to brew in a pot or infuser, two or three times per spoonful.",
                _cross(
                    _v("Green Sencha", "Breakfast Black", "Earl Grey", "Rooibos Chai", "Mint Blend"),
                    (("100 g", 1.0, 1.0), ("250 g", 2.5, 2.2)),
                ),
                origins=("IN", "LK", "CN", "JP", "KE"),
                certs=("Fairtrade", "Rainforest Alliance", "USDA Organic"),
                packaging=("reusable-tin", "compostable-film", "paper"),
                styles=("", "Small-Batch", "Hand-Picked"),
                made="Blended from {mats} grown in {country}.",
            ),
            _t(
                "Borosilicate Glass French Press",
                "PRES",
                "glass=0.45, stainless steel=0.5",
                (0.5, 0.9),
                (29, 59),
                "Brews full-bodied coffee or loose tea with no paper filters or capsules.",
                (("350 ml", 0.7, 0.85), ("600 ml", 0.85, 0.95), ("1 l", 1.0, 1.0)),
            ),
            _t(
                "Reusable {m} Coffee Filter",
                "FILT",
                "organic cotton|hemp|stainless steel=0.95",
                (0.02, 0.08),
                (8, 19),
                "Replaces paper filters for pour-over brewing; rinse and reuse.",
                _v("Size 2", "Size 4", "V60 Fit"),
            ),
            _t(
                "{m} Teapot",
                "POTS",
                "ceramic|glass=0.9, stainless steel=0.08",
                (0.5, 1.3),
                (25, 65),
                "A teapot with a removable infuser for loose-leaf brewing at the table.",
                _cross(_v("White", "Celadon", "Charcoal"), (("0.6 l", 0.8, 0.9), ("1 l", 1.0, 1.0))),
                origins=("JP", "CN", "PT", "DE", "GB"),
            ),
        ),
    ),
    _Category(
        "drinkware",
        "DRK",
        1.3,
        ("Refill Republic", "Sipwell", "Clearbrook"),
        ("CN", "CN", "TW", "DE"),
        ("B Corp", "Cradle to Cradle"),
        ("recycled-cardboard", "cardboard", "paper", "none"),
        ("", "Everyday", "Classic", "Trail", "City"),
        (
            _t(
                "Insulated Stainless Steel Water Bottle",
                "BOTL",
                "stainless steel=0.88, bamboo|silicone=0.06",
                (0.3, 0.45),
                (22, 42),
                "Keeps drinks cold for 24 hours or hot for 12 and fits cup holders.",
                _cross(_EARTH, _VOLUMES[1:]),
            ),
            _t(
                "{m} Travel Cup",
                "CUPS",
                "stainless steel|recycled glass=0.82, cork|silicone=0.12",
                (0.15, 0.4),
                (14, 32),
                "A splash-proof takeaway cup that fits under café espresso machines.",
                _cross(_EARTH, (("227 ml", 0.8, 0.9), ("340 ml", 1.0, 1.0), ("454 ml", 1.2, 1.1))),
            ),
            _t(
                "{m} Drinking Straws",
                "STRW",
                "stainless steel|glass|bamboo=0.95",
                (0.03, 0.1),
                (6, 15),
                "Reusable straws with a cleaning brush for smoothies, iced coffee and cocktails.",
                (("Set of 4", 1.0, 1.0), ("Set of 6", 1.5, 1.3), ("Set of 8", 2.0, 1.6)),
                origins=("CN", "VN", "IN", "DE"),
            ),
            _t(
                "Recycled Glass Tumblers",
                "TUMB",
                "recycled glass=0.98",
                (0.6, 1.6),
                (18, 39),
                "Mouth-blown tumblers for water, juice and everyday table use.",
                _cross(_v("Clear", "Green", "Amber", "Blue"), _SETS[:3]),
                origins=("ES", "ES", "PT", "IT", "MA"),
                styles=("", "Everyday", "Classic", "Bistro"),
            ),
        ),
    ),
    _Category(
        "personal-care",
        "PCR",
        1.5,
        ("Saltmeadow", "Barebar Botanics", "Rootlit"),
        ("DE", "NL", "GB", "FR", "PL", "ES"),
        ("Leaping Bunny", "USDA Organic", "EU Ecolabel", "B Corp"),
        ("paper", "paper", "recycled-cardboard", "compostable-film", "reusable-tin", "none"),
        ("", "Gentle", "Daily", "Nourishing", "Fresh"),
        (
            _t(
                "Solid Shampoo Bar",
                "SHMP",
                "plant-based oils=0.96",
                (0.06, 0.12),
                (8, 15),
                "A concentrated bar that lasts as long as two bottles of liquid shampoo.",
                _SCENTS,
            ),
            _t(
                "{m} Toothbrush",
                "TBRS",
                "bamboo=0.85, bioplastic=0.1",
                (0.015, 0.025),
                (3, 6),
                "A toothbrush with a compostable handle and plant-based bristles.",
                _cross(_v("Soft", "Medium"), _PACKS),
                origins=("CN", "VN", "DE"),
                certs=("FSC", "B Corp", "Leaping Bunny"),
                styles=("", "Classic", "Slim", "Kids'"),
            ),
            _t(
                "Plastic-Free Deodorant",
                "DEOD",
                "plant-based oils=0.92",
                (0.05, 0.08),
                (8, 14),
                "An aluminium-salt-free deodorant in a push-up paper tube.",
                _SCENTS,
            ),
            _t(
                "{m} Safety Razor",
                "RAZR",
                "stainless steel|recycled aluminium=0.96",
                (0.05, 0.12),
                (24, 59),
                "A lifetime razor for standard double-edge blades instead of cartridges.",
                _v("Silver", "Matte Black", "Rose Gold"),
                origins=("DE", "DE", "CN", "GB"),
                certs=("B Corp",),
                packaging=("recycled-cardboard", "reusable-tin"),
                styles=("", "Classic", "Heavy", "Travel"),
            ),
            _t(
                "Beeswax Lip Balm",
                "LIPB",
                "beeswax=0.35, plant-based oils=0.6",
                (0.01, 0.02),
                (3.5, 7.5),
                "A soothing balm for dry lips in a refillable tin.",
                _v("Unscented", "Vanilla", "Peppermint"),
                packaging=("reusable-tin", "paper"),
            ),
        ),
    ),
    _Category(
        "bath",
        "BTH",
        1.0,
        ("Linden & Loom", "Softwater Mills"),
        ("PT", "PT", "TR", "IN", "PK", "LT"),
        ("GOTS", "OEKO-TEX", "Fairtrade"),
        ("paper", "recycled-cardboard", "compostable-film", "none"),
        ("", "Classic", "Spa", "Hotel", "Everyday"),
        (
            _t(
                "{m} Towel",
                "TOWL",
                "organic cotton|linen|hemp=0.97",
                (0.4, 0.7),
                (14, 39),
                "An absorbent, quick-drying towel that gets softer with every wash.",
                _cross(_COLOURS[:6], (("Hand", 0.4, 0.55), ("Bath", 1.0, 1.0), ("Bath Sheet", 1.5, 1.4))),
                styles=("", "Waffle", "Terry", "Spa", "Hotel"),
            ),
            _t(
                "{m} Bath Mat",
                "BMAT",
                "organic cotton|cork=0.97",
                (0.5, 1.8),
                (24, 59),
                "A non-slip bath mat that dries quickly between showers.",
                _COLOURS[:5],
            ),
            _t(
                "{m} Body Brush",
                "BRSH",
                "fsc wood|bamboo=0.7, coconut fibre|jute=0.25",
                (0.08, 0.3),
                (9, 24),
                "A dry brush for exfoliating skin before a shower.",
                _v("Long Handle", "Palm", "Travel"),
                origins=("DE", "PL", "LK", "IN"),
                certs=("FSC", "Fairtrade"),
            ),
            _t(
                "{m} Shower Curtain",
                "CURT",
                "organic cotton|hemp|recycled polyester=0.96",
                (0.6, 1.2),
                (29, 59),
                "A water-repellent curtain that replaces PVC liners; machine washable.",
                _COLOURS[:6],
            ),
        ),
    ),
    _Category(
        "cleaning",
        "CLN",
        1.3,
        ("Brightmoss", "Fernclean", "Rinse Theory"),
        ("DE", "NL", "PL", "BE", "SE"),
        ("EU Ecolabel", "Blue Angel", "Leaping Bunny", "B Corp", "FSC"),
        ("paper", "recycled-cardboard", "cardboard", "none"),
        ("", "Everyday", "Heavy-Duty", "Classic", "Zero-Waste"),
        (
            _t(
                "{m} Dish Brush",
                "DBRS",
                "fsc wood|bamboo=0.65, coconut fibre=0.3",
                (0.05, 0.12),
                (5, 12),
                "A sturdy brush for pots, pans and plates with a replaceable head.",
                (("Brush", 1.0, 1.0), ("with Spare Head", 1.4, 1.35), ("Spare Heads, Set of 2", 0.9, 0.9)),
                origins=("DE", "PL", "LK", "CN"),
            ),
            _t(
                "Swedish Dishcloths",
                "SPNG",
                "fsc wood=0.68, recycled cotton=0.3",
                (0.03, 0.06),
                (6, 12),
                "Absorbent cellulose cloths that replace paper towels and compost at end of life.",
                _cross(
                    _v("Botanical Print", "Plain", "Citrus Print"),
                    (("Pack of 3", 1.0, 1.0), ("Pack of 6", 2.0, 1.8)),
                ),
                origins=("SE", "SE", "DE"),
            ),
            _t(
                "{m} Spray Bottle",
                "SPRY",
                "recycled glass|recycled aluminium|recycled plastic=0.9",
                (0.1, 0.35),
                (9, 19),
                "A refillable bottle for mixing cleaners from concentrate tablets.",
                _VOLUMES[1:3],
            ),
            _t(
                "{m} Broom",
                "BROM",
                "fsc wood|bamboo=0.6, coconut fibre=0.35",
                (0.6, 1.4),
                (19, 45),
                "A hard-wearing broom with natural-fibre bristles.",
                _v("Indoor", "Outdoor", "Hand Broom"),
                origins=("DE", "PL", "LK", "IN"),
            ),
            _t(
                "Wool Dryer Balls",
                "DRYB",
                "wool=0.98",
                (0.15, 0.3),
                (12, 22),
                "Felted balls that shorten drying time and replace dryer sheets.",
                (("Set of 3", 0.75, 0.8), ("Set of 4", 1.0, 1.0), ("Set of 6", 1.5, 1.4)),
                origins=("NZ", "NP", "NP", "GB"),
            ),
        ),
    ),
    _Category(
        "home-textiles",
        "HTX",
        1.3,
        ("Nordvale Textiles", "Driftlinen", "Hushweave"),
        ("PT", "PT", "IN", "LT", "LT", "TR", "BE"),
        ("GOTS", "OEKO-TEX", "Fairtrade"),
        ("paper", "recycled-cardboard", "compostable-film", "plastic-film"),
        ("", "Stonewashed", "Classic", "Soft", "Heritage"),
        (
            _t(
                "{m} Duvet Cover",
                "DUVT",
                "organic cotton|linen|tencel lyocell=0.98",
                (0.9, 1.6),
                (69, 169),
                "A breathable duvet cover with a button closure for year-round sleep.",
                _cross(_COLOURS[:6], (("Single", 0.7, 0.75), ("Double", 1.0, 1.0), ("King", 1.3, 1.2))),
            ),
            _t(
                "{m} Throw Blanket",
                "THRW",
                "wool|recycled cotton|organic cotton=0.97",
                (0.8, 1.8),
                (49, 149),
                "A warm throw for the sofa or the end of the bed.",
                _COLOURS,
            ),
            _t(
                "{m} Cushion Cover",
                "CUSH",
                "linen|hemp|organic cotton=0.97",
                (0.12, 0.3),
                (16, 39),
                "A cushion cover with a hidden zip, washable at 40 degrees.",
                _cross(_COLOURS, (("40 x 40 cm", 1.0, 1.0), ("50 x 50 cm", 1.3, 1.2))),
            ),
            _t(
                "{m} Tablecloth",
                "TBCL",
                "linen|organic cotton=0.98",
                (0.5, 1.2),
                (35, 89),
                "A tablecloth for everyday meals and long dinners.",
                _cross(_COLOURS[:5], (("150 x 150 cm", 0.7, 0.8), ("150 x 250 cm", 1.0, 1.0))),
            ),
        ),
    ),
    _Category(
        "home-decor",
        "DEC",
        1.2,
        ("Clay & Ember", "Wildhollow", "Glasshaven"),
        ("PT", "ES", "IT", "PL", "NL", "DE"),
        ("FSC", "Fairtrade", "Cradle to Cradle"),
        ("recycled-cardboard", "recycled-cardboard", "cardboard", "paper"),
        ("", "Handmade", "Minimal", "Organic-Shape", "Speckled"),
        (
            _t(
                "{m} Scented Candle",
                "CNDL",
                "soy wax|beeswax=0.6, recycled glass|ceramic=0.35",
                (0.2, 0.6),
                (16, 39),
                "A slow-burning candle with a cotton wick; the vessel can be reused.",
                _SCENTS,
                origins=("NL", "GB", "DE", "PL", "LT"),
            ),
            _t(
                "{m} Vase",
                "VASE",
                "recycled glass|ceramic=0.98",
                (0.4, 2.0),
                (19, 79),
                "A vase for fresh stems or dried flowers.",
                _SIZES,
                origins=("ES", "PT", "IT", "PL", "CZ"),
            ),
            _t(
                "{m} Planter",
                "PLNT",
                "concrete|ceramic|cork=0.97",
                (0.5, 6.0),
                (14, 69),
                "An indoor planter with a drainage saucer for houseplants.",
                _SIZES,
            ),
            _t(
                "Round Wall Mirror",
                "MIRR",
                "glass=0.6, fsc wood|recycled aluminium=0.35",
                (2.0, 6.0),
                (59, 189),
                "A round mirror that brightens a hallway or bathroom.",
                _cross(
                    _v("Oak Frame", "Brass-Tone Frame", "Black Frame"),
                    (("50 cm", 0.7, 0.75), ("70 cm", 1.0, 1.0), ("90 cm", 1.5, 1.4)),
                ),
                styles=("", "Minimal", "Classic", "Vintage-Style"),
            ),
            _t(
                "{m} Rug",
                "RUGS",
                "jute|wool|recycled cotton=0.98",
                (2.0, 4.0),
                (59, 199),
                "A flat-woven rug for living rooms and bedrooms.",
                (("60 x 90 cm", 0.3, 0.35), ("120 x 170 cm", 1.0, 1.0), ("160 x 230 cm", 1.8, 1.7)),
                origins=("IN", "IN", "BD", "NP"),
            ),
        ),
    ),
    _Category(
        "furniture",
        "FUR",
        1.0,
        ("Timberfold", "Corkline Studio", "Northjoin"),
        ("PL", "PL", "DK", "DE", "IT", "LT", "RO", "VN"),
        ("FSC", "Cradle to Cradle", "Blue Angel", "EU Ecolabel"),
        ("recycled-cardboard", "cardboard", "cardboard"),
        ("", "Scandi", "Mid-Century", "Solid", "Classic"),
        (
            _t(
                "{m} Dining Chair",
                "CHAI",
                "fsc wood|bamboo=0.85, wool|linen|organic cotton=0.08",
                (4.0, 8.0),
                (149, 389),
                "A dining chair with a padded seat, built to be repaired.",
                _FINISHES,
            ),
            _t(
                "{m} Side Table",
                "STBL",
                "fsc wood|cork|recycled aluminium=0.95",
                (3.0, 9.0),
                (89, 259),
                "A compact table for a lamp, a book and a cup of tea.",
                _FINISHES[:3],
            ),
            _t(
                "{m} Bookshelf",
                "BOOK",
                "fsc wood|bamboo=0.9, recycled steel=0.08",
                (12.0, 25.0),
                (179, 549),
                "A sturdy bookshelf that ships flat and assembles without glue.",
                _cross(_FINISHES[:3], (("3 Shelves", 0.7, 0.75), ("5 Shelves", 1.0, 1.0))),
            ),
            _t(
                "Cork Stool",
                "STOO",
                "cork=0.98",
                (2.0, 4.0),
                (79, 169),
                "A light, warm-to-touch stool that doubles as a side table.",
                _v("Natural", "Dark Roast", "Speckled"),
                origins=("PT",),
                certs=("FSC", "Cradle to Cradle"),
            ),
            _t(
                "{m}-Upholstered Sofa",
                "SOFA",
                "wool|linen|recycled polyester=0.15, fsc wood=0.35, natural rubber=0.3, recycled steel=0.1",
                (45.0, 70.0),
                (1290, 2890),
                "A deep sofa with a replaceable, washable cover.",
                _cross(
                    _v("Oat", "Moss", "Charcoal"),
                    (("2-Seater", 0.8, 0.85), ("3-Seater", 1.0, 1.0), ("Corner", 1.5, 1.45)),
                ),
            ),
        ),
    ),
    _Category(
        "lighting",
        "LGT",
        0.9,
        ("Lumenwild", "Glowfield"),
        ("DE", "NL", "PL", "DK", "CN"),
        ("Energy Star", "EU Ecolabel", "FSC", "Cradle to Cradle"),
        ("recycled-cardboard", "cardboard", "paper"),
        ("", "Soft-Glow", "Nordic", "Studio"),
        (
            _t(
                "{m} Pendant Lamp",
                "PEND",
                "recycled paper|fsc wood|cork=0.8, copper=0.1",
                (0.3, 2.0),
                (49, 189),
                "A pendant shade that diffuses warm light over a dining table.",
                _cross(_v("Natural", "White", "Black"), _SIZES),
            ),
            _t(
                "LED Filament Bulb",
                "BULB",
                "glass=0.6, electronic components=0.25, recycled aluminium=0.1",
                (0.03, 0.06),
                (6, 15),
                "A dimmable LED bulb using a tenth of the power of an incandescent.",
                _cross(_v("E27, 2700 K", "E14, 2700 K", "E27 Globe, 2200 K"), _PACKS[:2]),
                origins=("CN", "CN", "DE", "NL", "PL"),
                certs=("Energy Star", "EU Ecolabel"),
            ),
            _t(
                "Solar {m} Lantern",
                "LANT",
                "recycled aluminium|bamboo|recycled glass=0.6, electronic components=0.15, "
                "lithium-ion cell=0.1",
                (0.3, 0.9),
                (24, 69),
                "A solar-charged lantern for balconies, tents and power cuts.",
                _EARTH,
                origins=("CN", "NL", "DE", "KE"),
            ),
            _t(
                "{m} Table Lamp",
                "TLMP",
                "ceramic|fsc wood|concrete=0.75, linen|recycled paper=0.1, copper=0.05",
                (1.2, 3.5),
                (59, 179),
                "A table lamp with a fabric shade and a replaceable bulb.",
                _v("Natural", "White", "Sage", "Terracotta"),
            ),
        ),
    ),
    _Category(
        "electronics",
        "ELC",
        1.0,
        ("Sunforge", "Kindwire", "Circuit Renewed"),
        ("CN", "CN", "TW", "KR", "NL", "DE"),
        ("Energy Star", "Blue Angel", "EU Ecolabel", "B Corp"),
        ("recycled-cardboard", "recycled-cardboard", "cardboard", "plastic-film"),
        ("", "Repairable", "Compact", "Pro"),
        (
            _t(
                "Solar Power Bank",
                "PWRB",
                "lithium-ion cell=0.45, recycled aluminium|recycled plastic=0.3, electronic components=0.15",
                (0.2, 0.45),
                (39, 89),
                "A rugged power bank that tops up from the sun or USB-C.",
                _cross(
                    _v("Black", "Sand", "Forest"),
                    (("10,000 mAh", 0.75, 0.8), ("20,000 mAh", 1.0, 1.0), ("26,800 mAh", 1.3, 1.25)),
                ),
            ),
            _t(
                "Wireless Earbuds",
                "EARB",
                "recycled plastic|bioplastic=0.45, electronic components=0.3, lithium-ion cell=0.15",
                (0.04, 0.07),
                (79, 179),
                "Earbuds with replaceable batteries and spare parts for years.",
                _v("Black", "Sand", "Forest", "White", "Ocean"),
            ),
            _t(
                "{m} Phone Case",
                "CASE",
                "bioplastic|cork|leather=0.95",
                (0.025, 0.06),
                (19, 45),
                "A slim, shock-absorbing phone case that is compostable or repairable.",
                _cross(_v("Black", "Sand", "Ocean", "Forest"), _v("6.1-inch", "6.7-inch")),
            ),
            _t(
                "Refurbished 14-inch Laptop",
                "LAPT",
                "recycled aluminium=0.35, electronic components=0.35, lithium-ion cell=0.15, glass=0.1",
                (1.2, 1.8),
                (449, 1199),
                "A business-grade laptop refurbished with a new battery.",
                # EU refurbishers sell by keyboard layout, which also multiplies distinct names.
                _cross(
                    (
                        ("8 GB RAM, 256 GB SSD", 1.0, 1.0),
                        ("16 GB RAM, 512 GB SSD", 1.0, 1.3),
                        ("32 GB RAM, 1 TB SSD", 1.0, 1.6),
                    ),
                    _v("US Layout", "German Layout", "French Layout"),
                ),
                origins=("NL", "DE", "FR", "CN"),
            ),
            _t(
                "Modular Smartphone",
                "PHON",
                "electronic components=0.35, recycled aluminium|recycled plastic=0.25, glass=0.2, "
                "lithium-ion cell=0.15",
                (0.18, 0.23),
                (399, 699),
                "A smartphone with user-replaceable battery, screen and camera modules.",
                _cross(_v("Black", "Green", "Transparent"), (("128 GB", 1.0, 1.0), ("256 GB", 1.0, 1.15))),
                origins=("CN", "TW"),
            ),
        ),
    ),
    _Category(
        "garden",
        "GRD",
        1.2,
        ("Rootbound", "Seedkeeper", "Greenhatch"),
        ("PL", "LT", "DE", "NL", "EE", "SE", "CN"),
        ("FSC", "Cradle to Cradle", "Blue Angel"),
        ("none", "recycled-cardboard", "cardboard", "paper"),
        ("", "Heavy-Duty", "Allotment", "Classic", "Urban"),
        (
            _t(
                "{m} Raised Garden Bed",
                "RBED",
                "fsc wood|recycled steel|recycled plastic=0.97",
                (10.0, 35.0),
                (79, 299),
                "A raised bed for vegetables and herbs that is easy on the back.",
                (("80 x 80 cm", 0.6, 0.65), ("120 x 80 cm", 1.0, 1.0), ("200 x 80 cm", 1.5, 1.4)),
            ),
            _t(
                "{m} Garden Tool Set",
                "TOOL",
                "recycled steel|stainless steel=0.7, fsc wood|bamboo=0.25",
                (0.8, 2.5),
                (29, 89),
                "Trowel, fork and pruner for planting, weeding and cutting back.",
                _SETS[1:3],
            ),
            _t(
                "{m} Watering Can",
                "WCAN",
                "recycled steel|recycled aluminium|recycled plastic=0.95",
                (0.6, 1.5),
                (22, 59),
                "A balanced can with a removable rose for seedlings.",
                _cross(_v("Green", "Zinc", "Terracotta"), (("5 l", 0.75, 0.85), ("9 l", 1.0, 1.0))),
            ),
            _t(
                "{m} Compost Bin",
                "COMP",
                "recycled plastic|fsc wood=0.97",
                (5.0, 22.0),
                (49, 179),
                "A ventilated bin that turns kitchen and garden waste into compost.",
                (("220 l", 0.7, 0.75), ("400 l", 1.0, 1.0), ("600 l", 1.4, 1.3)),
            ),
            _t(
                "Coconut Fibre Seedling Pots",
                "POTS",
                "coconut fibre=0.98",
                (0.2, 0.8),
                (6, 15),
                "Plantable pots that roots grow through, so seedlings never get disturbed.",
                (("8 cm, Pack of 24", 1.0, 1.0), ("12 cm, Pack of 12", 1.2, 1.1)),
                origins=("LK", "LK", "IN", "VN"),
            ),
        ),
    ),
    _Category(
        "outdoor-apparel",
        "OAP",
        1.2,
        ("Fjellmark", "Ridgewild", "Tundrel"),
        ("VN", "VN", "CN", "BD", "PT", "LT"),
        ("Bluesign", "OEKO-TEX", "Fairtrade", "B Corp"),
        ("paper", "compostable-film", "plastic-film", "recycled-cardboard"),
        ("", "Trail", "Alpine", "Everyday", "Lightweight"),
        (
            _t(
                "Recycled Rain Jacket",
                "RAIN",
                "recycled polyester=0.9, recycled plastic=0.04",
                (0.3, 0.6),
                (129, 289),
                "A PFC-free waterproof shell for hiking and city commutes.",
                _cross(_EARTH, _APPAREL_SIZES),
            ),
            _t(
                "Recycled Fleece Jacket",
                "FLCE",
                "recycled polyester=0.97",
                (0.35, 0.6),
                (69, 139),
                "A warm mid-layer made from post-consumer bottles.",
                _cross(_EARTH, _APPAREL_SIZES),
            ),
            _t(
                "{m} Base Layer Top",
                "BASE",
                "wool|tencel lyocell=0.95",
                (0.15, 0.3),
                (49, 99),
                "A breathable base layer that regulates temperature and resists odour.",
                _cross(_v("Black", "Moss", "Rust"), _APPAREL_SIZES),
                origins=("NZ", "PT", "CN", "VN"),
            ),
            _t(
                "{m} Hiking Trousers",
                "HIKE",
                "organic cotton|recycled polyester|hemp=0.96",
                (0.35, 0.6),
                (79, 159),
                "Hard-wearing trousers with articulated knees for long days on the trail.",
                _cross(_v("Olive", "Stone", "Charcoal"), _APPAREL_SIZES),
            ),
            _t(
                "Recycled Insulated Vest",
                "VEST",
                "recycled polyester=0.95",
                (0.25, 0.45),
                (99, 179),
                "A packable vest with recycled synthetic insulation instead of down.",
                _cross(_EARTH, _APPAREL_SIZES),
            ),
        ),
    ),
    _Category(
        "apparel",
        "APP",
        1.5,
        ("Kindthread", "Loomward", "Common Seam"),
        _TEXTILE_ORIGINS,
        ("GOTS", "OEKO-TEX", "Fairtrade", "B Corp"),
        ("paper", "compostable-film", "plastic-film", "recycled-cardboard"),
        ("", "Essential", "Relaxed", "Classic", "Everyday"),
        (
            _t(
                "{m} T-Shirt",
                "TSHR",
                "organic cotton|hemp|tencel lyocell=0.97",
                (0.14, 0.22),
                (19, 39),
                "A soft, mid-weight tee that keeps its shape wash after wash.",
                _cross(_v("White", "Black", "Sage", "Navy", "Oat"), _APPAREL_SIZES),
            ),
            _t(
                "{m} Jeans",
                "JEAN",
                "organic cotton|recycled cotton=0.96, copper=0.01",
                (0.55, 0.85),
                (79, 149),
                "Five-pocket denim dyed with less water and no harsh bleaching.",
                _cross(
                    _v("Indigo", "Black", "Stone"),
                    tuple((f"W{w}", 0.9 + (w - 28) * 0.02, 1.0) for w in range(28, 37, 2)),
                ),
                origins=("IT", "TR", "PT", "BD", "PK", "TN"),
            ),
            _t(
                "{m} Knit Sweater",
                "KNIT",
                "wool|recycled cotton|organic cotton=0.97",
                (0.4, 0.8),
                (69, 169),
                "A chunky knit for cold days, finished by hand.",
                _cross(_v("Oat", "Charcoal", "Moss", "Rust"), _APPAREL_SIZES),
                origins=("IT", "PT", "PE", "GB", "IE", "LT"),
            ),
            _t(
                "{m} Hoodie",
                "HOOD",
                "organic cotton|recycled cotton=0.6, recycled polyester=0.35",
                (0.5, 0.8),
                (59, 99),
                "A brushed-back hoodie with a lined hood and deep pockets.",
                _cross(_v("Grey Melange", "Black", "Forest"), _APPAREL_SIZES),
            ),
            _t(
                "{m} Socks",
                "SOCK",
                "organic cotton|wool|hemp=0.8, recycled polyester=0.15",
                (0.05, 0.08),
                (9, 19),
                "Cushioned socks with a reinforced heel and toe.",
                _cross((("Pair", 1.0, 1.0), ("3 Pairs", 3.0, 2.6)), _v("EU 36-40", "EU 41-46")),
                origins=("PT", "TR", "IT", "IN"),
            ),
        ),
    ),
    _Category(
        "footwear",
        "FTW",
        1.0,
        ("Treadlight", "Corkstep", "Solewise"),
        ("PT", "PT", "ES", "BR", "VN", "IT"),
        ("OEKO-TEX", "B Corp", "FSC", "Fairtrade"),
        ("recycled-cardboard", "recycled-cardboard", "cardboard", "paper"),
        ("", "Everyday", "Classic", "Lightweight"),
        (
            _t(
                "{m} Sneakers",
                "SNKR",
                "recycled polyester|organic cotton|leather=0.45, natural rubber=0.45",
                (0.6, 1.0),
                (89, 169),
                "Low-top sneakers with natural rubber soles and replaceable laces.",
                _cross(_v("White", "Black", "Sand"), _SHOE_SIZES),
            ),
            _t(
                "Cork Sandals",
                "SAND",
                "cork=0.55, natural rubber=0.3, leather|jute=0.1",
                (0.4, 0.8),
                (49, 109),
                "Sandals with a cork footbed that moulds to the foot.",
                _cross(_v("Tan", "Black"), _SHOE_SIZES),
                origins=("PT", "PT", "ES", "DE"),
            ),
            _t(
                "Wool Slippers",
                "SLIP",
                "wool=0.8, natural rubber=0.15",
                (0.3, 0.5),
                (39, 79),
                "Felted wool slippers that keep feet warm without overheating.",
                _cross(_v("Grey", "Oat", "Red"), _SHOE_SIZES),
                origins=("NP", "NP", "DE", "AT", "NL"),
            ),
            _t(
                "{m} Hiking Boots",
                "BOOT",
                "leather|recycled polyester=0.55, natural rubber=0.35",
                (1.0, 1.6),
                (139, 259),
                "Waterproof boots with a resoleable Goodyear-welted sole.",
                _cross(_v("Brown", "Black"), _SHOE_SIZES),
                origins=("IT", "PT", "DE", "VN", "RO"),
            ),
        ),
    ),
    _Category(
        "bags-accessories",
        "BAG",
        1.3,
        ("Jutebay", "Packmoss", "Carrowgate"),
        ("IN", "IN", "BD", "PT", "ES", "VN"),
        ("GOTS", "Fairtrade", "OEKO-TEX", "Bluesign"),
        ("paper", "recycled-cardboard", "compostable-film", "none"),
        ("", "Everyday", "City", "Classic", "Utility"),
        (
            _t(
                "{m} Tote Bag",
                "TOTE",
                "organic cotton|jute|hemp|recycled cotton=0.97",
                (0.15, 0.45),
                (9, 35),
                "A roomy tote for groceries, laptops and library books.",
                _COLOURS,
            ),
            _t(
                "{m} Backpack",
                "BKPK",
                "recycled polyester|hemp|organic cotton=0.8, recycled aluminium=0.05",
                (0.6, 1.3),
                (69, 159),
                "A daypack with a padded laptop sleeve and a lifetime repair promise.",
                _cross(_EARTH, (("18 l", 0.8, 0.85), ("24 l", 1.0, 1.0), ("30 l", 1.2, 1.15))),
            ),
            _t(
                "{m} Wallet",
                "WLLT",
                "cork|leather|recycled polyester=0.95",
                (0.05, 0.12),
                (24, 69),
                "A slim wallet with six card slots and a coin pocket.",
                _v("Natural", "Black", "Tan", "Green"),
                origins=("PT", "ES", "IT", "IN"),
            ),
            _t(
                "{m} Belt",
                "BELT",
                "leather|cork|hemp=0.8, recycled steel|recycled aluminium=0.15",
                (0.12, 0.25),
                (29, 69),
                "A belt with a screw-fastened buckle that can be swapped.",
                _cross(_v("Black", "Brown", "Natural"), _v("85 cm", "95 cm", "105 cm")),
                origins=("IT", "ES", "PT", "IN"),
            ),
            _t(
                "{m} Sunglasses",
                "SUNG",
                "bioplastic|fsc wood|recycled plastic=0.7, glass=0.25",
                (0.02, 0.04),
                (59, 149),
                "Polarised sunglasses with UV400 lenses and spring hinges.",
                _v("Tortoise", "Black", "Crystal", "Walnut"),
                origins=("IT", "IT", "DE", "CN"),
            ),
        ),
    ),
    _Category(
        "jewellery",
        "JWL",
        0.9,
        ("Reclaim Atelier", "Ferrowen"),
        ("IT", "PT", "NL", "DE", "KE", "IN"),
        ("Fairtrade", "B Corp"),
        ("reusable-tin", "paper", "recycled-cardboard"),
        ("", "Minimal", "Hammered", "Delicate", "Signature"),
        (
            _t(
                "Recycled Silver Ring",
                "RING",
                "recycled silver=0.97",
                (0.003, 0.008),
                (39, 119),
                "A hand-finished ring cast from reclaimed silver.",
                tuple((f"Size {s}", 0.9 + (s - 50) * 0.01, 1.0) for s in range(50, 62, 2)),
            ),
            _t(
                "{m} Stud Earrings",
                "STUD",
                "recycled silver|copper=0.95",
                (0.002, 0.006),
                (29, 79),
                "Small everyday studs with nickel-free posts.",
                _v("Circle", "Leaf", "Drop", "Star"),
            ),
            _t(
                "{m} Pendant Necklace",
                "NECK",
                "recycled silver|copper=0.9",
                (0.006, 0.015),
                (49, 149),
                "A pendant on a fine chain with an adjustable length.",
                _v("Moon", "Pebble", "Wave", "Initial", "Bar"),
            ),
            _t(
                "{m} Bead Bracelet",
                "BRAC",
                "recycled glass|fsc wood|ceramic=0.7, organic cotton|hemp=0.25",
                (0.01, 0.03),
                (14, 39),
                "A bracelet hand-strung by a cooperative of artisans.",
                _v("Ocean", "Sunset", "Forest", "Earth"),
                origins=("KE", "KE", "GH", "PE", "IN"),
                styles=("", "Delicate", "Signature", "Handmade"),
            ),
        ),
    ),
    _Category(
        "baby",
        "BBY",
        1.0,
        ("Little Fern", "Cotton Cradle"),
        ("PT", "IN", "IN", "TR", "LT", "DE"),
        ("GOTS", "OEKO-TEX", "FSC"),
        ("paper", "recycled-cardboard", "compostable-film"),
        ("", "Soft", "Gentle", "Everyday"),
        (
            _t(
                "{m} Baby Bodysuit",
                "BODY",
                "organic cotton|tencel lyocell=0.97",
                (0.05, 0.1),
                (12, 24),
                "A wrap-over bodysuit with nickel-free poppers for easy changes.",
                _cross(_v("Oat", "Sage", "Clay", "White"), _BABY_SIZES),
            ),
            _t(
                "{m} Muslin Swaddles",
                "SWAD",
                "organic cotton|bamboo=0.98",
                (0.15, 0.4),
                (19, 45),
                "Airy swaddles that double as burp cloths, nursing covers and blankets.",
                _cross(_v("Stars", "Leaves", "Plain"), _SETS[:3]),
            ),
            _t(
                "Natural Rubber Teether",
                "TEET",
                "natural rubber=0.98",
                (0.03, 0.07),
                (9, 19),
                "A soft teether made of one piece of rubber, with no hidden seams.",
                _v("Giraffe", "Bunny", "Ring", "Star"),
                origins=("MY", "LK", "TH", "ES"),
            ),
            _t(
                "{m} Baby Carrier",
                "CARR",
                "organic cotton|hemp|linen=0.8, recycled plastic=0.08",
                (0.6, 1.0),
                (89, 159),
                "An ergonomic carrier for front and back carrying from newborn.",
                _EARTH,
            ),
            _t(
                "{m} Reusable Nappy Set",
                "NAPY",
                "organic cotton|hemp|bamboo=0.75, recycled polyester=0.2",
                (0.4, 1.2),
                (49, 129),
                "Washable nappies with absorbent inserts that replace disposables.",
                (("Starter, 5 Nappies", 0.5, 0.55), ("Full Set, 12 Nappies", 1.0, 1.0)),
                origins=("GB", "NL", "PL", "DE"),
            ),
        ),
    ),
    _Category(
        "kids-toys",
        "TOY",
        1.2,
        ("Acorn Playworks", "Tinker & Twig", "Woodwren"),
        ("DE", "PL", "LT", "CZ", "VN", "CN"),
        ("FSC", "OEKO-TEX", "GOTS"),
        ("recycled-cardboard", "recycled-cardboard", "cardboard", "paper"),
        ("", "Rainbow", "Classic", "First", "Explorer"),
        (
            _t(
                "{m} Building Blocks",
                "BLCK",
                "fsc wood|bamboo=0.96",
                (0.8, 2.5),
                (24, 59),
                "Smooth, non-toxic blocks for towers, bridges and open-ended play.",
                (("30 Pieces", 0.6, 0.7), ("50 Pieces", 1.0, 1.0), ("100 Pieces", 1.8, 1.6)),
            ),
            _t(
                "{m} Stacking Rings",
                "STAK",
                "fsc wood|natural rubber=0.95",
                (0.2, 0.5),
                (14, 29),
                "A stacking toy that teaches size and colour to toddlers.",
                _v("Pastel", "Bright", "Natural"),
            ),
            _t(
                "Organic Cotton Plush Toy",
                "PLSH",
                "organic cotton=0.55, wool|recycled polyester=0.4",
                (0.15, 0.35),
                (19, 39),
                "A cuddly friend that is safe from birth and machine washable.",
                _v("Fox", "Bear", "Rabbit", "Whale", "Owl", "Hedgehog"),
                origins=("IN", "PE", "BD", "KE"),
                certs=("GOTS", "OEKO-TEX", "Fairtrade"),
            ),
            _t(
                "{m} Balance Bike",
                "BALB",
                "fsc wood|recycled aluminium=0.8, natural rubber=0.15",
                (3.0, 4.5),
                (89, 169),
                "A pedal-free bike that teaches balance before pedals.",
                _v("Red", "Blue", "Natural"),
                origins=("DE", "PL", "CN", "TW"),
            ),
            _t(
                "{m} Sand Toy Set",
                "SAND",
                "recycled plastic|bioplastic=0.98",
                (0.5, 1.2),
                (14, 32),
                "Bucket, spade, sieve and moulds for beach and sandpit.",
                _v("Ocean", "Sunset", "Mint"),
                origins=("DK", "NL", "DE", "PL"),
                certs=("Cradle to Cradle", "Blue Angel"),
            ),
        ),
    ),
    _Category(
        "pet-supplies",
        "PET",
        1.0,
        ("Pawmeadow", "Kindkennel"),
        ("PT", "PL", "DE", "IN", "NL"),
        ("GOTS", "OEKO-TEX", "B Corp"),
        ("paper", "recycled-cardboard", "cardboard", "compostable-film"),
        ("", "Cosy", "Classic", "Everyday"),
        (
            _t(
                "{m} Dog Bed",
                "DBED",
                "organic cotton|hemp|recycled polyester=0.45, wool=0.5",
                (1.2, 4.5),
                (49, 149),
                "A bolstered bed with a removable, washable cover.",
                _cross(_v("Oat", "Charcoal", "Moss"), _SIZES),
            ),
            _t(
                "{m} Dog Collar",
                "COLL",
                "hemp|leather|recycled polyester=0.85, recycled steel=0.12",
                (0.05, 0.15),
                (14, 35),
                "An adjustable collar with a rust-proof buckle.",
                _cross(_v("Forest", "Clay", "Ocean"), _SIZES),
            ),
            _t(
                "{m} Cat Scratcher",
                "SCRT",
                "recycled paper|jute|cork=0.8, fsc wood=0.18",
                (0.8, 3.5),
                (19, 69),
                "A scratcher that saves the sofa and can be flipped for a second life.",
                _v("Wave", "Post", "Lounger"),
            ),
            _t(
                "{m} Pet Bowl",
                "PBWL",
                "ceramic|stainless steel|bamboo=0.95",
                (0.3, 1.2),
                (12, 32),
                "A weighted bowl that does not slide across the floor.",
                _SIZES,
            ),
            _t(
                "Natural Rubber Chew Toy",
                "CHEW",
                "natural rubber=0.98",
                (0.08, 0.25),
                (8, 17),
                "A tough, bouncy chew toy that can be filled with treats.",
                _v("Bone", "Ring", "Ball"),
                origins=("LK", "MY", "TH", "DE"),
            ),
        ),
    ),
    _Category(
        "stationery",
        "STN",
        1.1,
        ("Paperwren", "Inkgrove", "Folio Verde"),
        ("DE", "IT", "NL", "PL", "PT", "JP"),
        ("FSC", "Blue Angel", "EU Ecolabel"),
        ("paper", "paper", "recycled-cardboard", "none"),
        ("", "Classic", "Studio", "Essential", "Daily"),
        (
            _t(
                "Recycled Paper Notebook",
                "NOTE",
                "recycled paper=0.9, cork|recycled cotton|hemp=0.07",
                (0.1, 0.4),
                (8, 24),
                "A lay-flat notebook with 160 pages of ink-friendly paper.",
                _cross(_v("A5", "A4", "A6"), _v("Dotted", "Lined", "Plain", "Grid")),
            ),
            _t(
                "{m} Pencil Set",
                "PENC",
                "fsc wood|recycled paper=0.9",
                (0.05, 0.15),
                (6, 16),
                "Pencils that write smoothly and sharpen without splintering.",
                _cross(_v("Graphite HB", "Colour"), (("Set of 6", 0.6, 0.7), ("Set of 12", 1.0, 1.0))),
            ),
            _t(
                "{m} Fountain Pen",
                "PENS",
                "recycled aluminium|fsc wood|bioplastic=0.85, stainless steel=0.1",
                (0.02, 0.05),
                (19, 69),
                "A refillable pen that replaces a drawer of disposable ones.",
                _cross(_v("Fine Nib", "Medium Nib"), _v("Black", "Forest", "Ocean")),
                origins=("DE", "JP", "IT", "TW"),
            ),
            _t(
                "{m} Desk Organiser",
                "DESK",
                "cork|fsc wood|bamboo|concrete=0.97",
                (0.3, 1.5),
                (19, 59),
                "A tidy home for pens, cables and sticky notes.",
                _SIZES,
            ),
            _t(
                "Recycled Paper Greeting Cards",
                "CARD",
                "recycled paper=0.98",
                (0.05, 0.2),
                (6, 14),
                "Cards printed with plant-based inks, with envelopes.",
                _cross(
                    _v("Botanical", "Birthday", "Thank You"),
                    (("Pack of 5", 1.0, 1.0), ("Pack of 10", 2.0, 1.8)),
                ),
            ),
        ),
    ),
    _Category(
        "fitness",
        "FIT",
        0.9,
        ("Corkflow", "Groundwork Active"),
        ("PT", "IN", "LK", "TW", "DE", "CN"),
        ("FSC", "OEKO-TEX", "Cradle to Cradle"),
        ("recycled-cardboard", "paper", "none"),
        ("", "Studio", "Travel", "Pro", "Everyday"),
        (
            _t(
                "{m} Yoga Mat",
                "YMAT",
                "cork|natural rubber=0.35, natural rubber=0.6",
                (1.8, 3.0),
                (49, 109),
                "A grippy mat that stays put in hot and sweaty sessions.",
                (("4 mm", 0.8, 0.9), ("6 mm", 1.0, 1.0)),
                origins=("PT", "IN", "LK", "TW"),
            ),
            _t(
                "{m} Yoga Block",
                "YBLK",
                "cork|fsc wood|bamboo=0.98",
                (0.35, 1.0),
                (12, 29),
                "A firm block to support stretches and balances.",
                _PACKS[:2],
            ),
            _t(
                "Fabric Resistance Bands",
                "BAND",
                "organic cotton=0.65, natural rubber=0.3",
                (0.1, 0.4),
                (14, 32),
                "Non-slip bands for glute, leg and mobility training.",
                _v("Light", "Medium", "Heavy", "Set of 3"),
            ),
            _t(
                "Recycled Steel Kettlebell",
                "KTLB",
                "recycled steel=0.98",
                (3.95, 4.05),
                (29, 39),
                "A cast kettlebell with a wide handle for swings and presses.",
                tuple((f"{kg} kg", kg / 4, 0.6 + kg / 10) for kg in (4, 8, 12, 16, 20, 24)),
                origins=("CN", "PL", "DE"),
                certs=("Cradle to Cradle",),
                styles=("", "Competition", "Classic"),
            ),
            _t(
                "{m} Jump Rope",
                "JUMP",
                "fsc wood|natural rubber=0.3, hemp|recycled polyester=0.65",
                (0.2, 0.4),
                (12, 29),
                "A speed rope with ball-bearing handles, adjustable in length.",
                _v("Natural", "Black"),
            ),
        ),
    ),
    _Category(
        "bikes-mobility",
        "MOB",
        0.9,
        ("Velomoss", "Spokewell", "Commute Kind"),
        ("NL", "NL", "DE", "DK", "PL", "TW"),
        ("B Corp", "Cradle to Cradle"),
        ("cardboard", "recycled-cardboard", "none"),
        ("", "Urban", "Commuter", "Touring", "Classic"),
        (
            _t(
                "Electric Cargo Bike",
                "ECRG",
                "recycled steel|recycled aluminium=0.6, lithium-ion cell=0.12, natural rubber=0.08, "
                "electronic components=0.06",
                (35.0, 55.0),
                (2890, 5490),
                "A front-loading cargo bike with motor assist for kids, shopping and deliveries.",
                _v("Two-Wheel", "Three-Wheel"),
                certs=("B Corp", "EU Ecolabel"),
            ),
            _t(
                "{m} City Bike",
                "CITY",
                "recycled steel|recycled aluminium=0.8, natural rubber=0.1, leather|cork=0.04",
                (12.0, 18.0),
                (549, 1190),
                "A practical city bike with hub gears, mudguards and a rear rack.",
                _cross(_v("Green", "Black", "Cream"), _v("Frame S", "Frame M", "Frame L")),
            ),
            _t(
                "{m} Bike Helmet",
                "HELM",
                "cork|bioplastic=0.55, recycled plastic=0.3, recycled polyester=0.08",
                (0.3, 0.5),
                (69, 149),
                "A certified helmet with a shock-absorbing shell and vents.",
                _cross(_v("Sand", "Black", "Sage"), _v("S", "M", "L")),
            ),
            _t(
                "Rechargeable Bike Light Set",
                "LGHT",
                "recycled aluminium|recycled plastic=0.5, lithium-ion cell=0.2, electronic components=0.2",
                (0.08, 0.2),
                (24, 59),
                "Front and rear lights that charge over USB-C and last a week.",
                _v("30 Lux", "60 Lux", "100 Lux"),
                origins=("TW", "CN", "DE", "NL"),
            ),
            _t(
                "{m} Pannier Bag",
                "PANN",
                "recycled polyester|organic cotton|hemp=0.85, recycled steel=0.1",
                (0.7, 1.4),
                (59, 149),
                "A waterproof pannier with quick-release hooks for any rack.",
                _cross(_EARTH, (("16 l", 0.8, 0.85), ("20 l", 1.0, 1.0), ("25 l", 1.2, 1.15))),
            ),
        ),
    ),
)

CATEGORIES: tuple[str, ...] = tuple(c.slug for c in _CATEGORY_TABLE)

# Names for the origin sentence in descriptions; also the whitelist of origins.
_COUNTRY_NAMES: dict[str, str] = {
    "AT": "Austria",
    "BD": "Bangladesh",
    "BE": "Belgium",
    "BR": "Brazil",
    "CN": "China",
    "CO": "Colombia",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "ES": "Spain",
    "ET": "Ethiopia",
    "FR": "France",
    "GB": "the United Kingdom",
    "GH": "Ghana",
    "HN": "Honduras",
    "IE": "Ireland",
    "IN": "India",
    "IT": "Italy",
    "JP": "Japan",
    "KE": "Kenya",
    "KR": "South Korea",
    "LK": "Sri Lanka",
    "LT": "Lithuania",
    "MA": "Morocco",
    "MY": "Malaysia",
    "NL": "the Netherlands",
    "NP": "Nepal",
    "NZ": "New Zealand",
    "PE": "Peru",
    "PK": "Pakistan",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SE": "Sweden",
    "TH": "Thailand",
    "TN": "Tunisia",
    "TR": "Türkiye",
    "TW": "Taiwan",
    "US": "the United States",
    "VN": "Vietnam",
}

# How a material reads inside a product name; the rest are title-cased.
_NAME_LABELS: dict[str, str] = {
    "fsc wood": "Wooden",
    "tencel lyocell": "Lyocell",
    "bioplastic": "Plant-Based",
    "recycled aluminium": "Aluminium",
    "recycled steel": "Steel",
    "recycled glass": "Recycled Glass",
    "ceramic": "Stoneware",
    "wool": "Wool",
    "soy wax": "Soy Wax",
}
# How a material reads inside a description sentence.
_PROSE_LABELS: dict[str, str] = {"fsc wood": "FSC-certified wood", "lithium-ion cell": "a lithium-ion cell"}

_PACKAGING_NOTES: dict[str, str] = {
    "none": "Ships without any packaging.",
    "paper": "Ships wrapped in paper.",
    "cardboard": "Ships in a cardboard box.",
    "recycled-cardboard": "Ships in a recycled-cardboard box.",
    "glass": "Comes in a returnable glass jar.",
    "aluminium": "Comes in a recyclable aluminium tin.",
    "compostable-film": "Ships in home-compostable film.",
    "plastic-film": "Ships in a thin, recyclable plastic film.",
    "reusable-tin": "Comes in a reusable tin.",
}

# Certificate count per product: many products carry none, few carry three.
_CERT_COUNT_WEIGHTS: tuple[int, ...] = (30, 40, 22, 8)
# Zipf-Mandelbrot popularity, 1 / (rank + q) ** s. The offset q flattens the very top so the
# bestseller is ~2% of demand rather than ~10%, while the tail stays ~200x below the head.
_ZIPF_S = 1.0
_ZIPF_Q = 10

# Certifications that only make sense if the product contains one of these materials.
_TEXTILES = frozenset(
    {
        "organic cotton",
        "recycled cotton",
        "hemp",
        "linen",
        "wool",
        "tencel lyocell",
        "recycled polyester",
        "jute",
        "leather",
    }
)
_CERT_NEEDS: dict[str, frozenset[str]] = {
    "FSC": frozenset({"fsc wood", "bamboo", "cork", "recycled paper", "natural rubber", "tencel lyocell"}),
    "GOTS": frozenset({"organic cotton", "wool", "hemp", "linen"}),
    "OEKO-TEX": _TEXTILES,
    "Bluesign": _TEXTILES,
    "Energy Star": frozenset({"electronic components"}),
    "USDA Organic": frozenset(
        {"organic cotton", "organic coffee", "loose-leaf tea", "plant-based oils", "beeswax"}
    ),
    "Rainforest Alliance": frozenset({"organic coffee", "loose-leaf tea"}),
}


def _check_tables() -> None:
    """Fail at import if a table entry drifts outside the closed vocabularies."""
    problems: list[str] = []
    codes = [c.code for c in _CATEGORY_TABLE]
    if len(set(codes)) != len(codes):
        problems.append("duplicate category code")
    for cat in _CATEGORY_TABLE:
        problems += [f"{cat.slug}: certification {x}" for x in cat.certs if x not in CERTIFICATIONS]
        problems += [f"{cat.slug}: packaging {x}" for x in cat.packaging if x not in PACKAGING]
        problems += [f"{cat.slug}: origin {x}" for x in cat.origins if x not in _COUNTRY_NAMES]
        for t in cat.templates:
            problems += [f"{t.code}: {p}" for p in _template_problems(t)]
    if problems:
        raise ValueError("demo catalog tables are inconsistent: " + "; ".join(problems))


def _template_problems(t: _Template) -> list[str]:
    names = [name for slot in t.materials for name in slot.choices]
    found = [f"material {n}" for n in names if n not in MATERIALS]
    found += [f"certification {x}" for x in t.certs or () if x not in CERTIFICATIONS]
    found += [f"packaging {x}" for x in t.packaging or () if x not in PACKAGING]
    found += [f"origin {x}" for x in t.origins if x not in _COUNTRY_NAMES]
    # Headroom below 1.0 leaves room for what the vocabulary does not cover (glue, thread, ink).
    if not 0 < sum(s.fraction for s in t.materials) <= 0.98 or len(t.materials) > 4:
        found.append("material fractions")
    if not 0 < t.kg[0] <= t.kg[1] or not 0 < t.eur[0] <= t.eur[1] or len(t.code) != 4:
        found.append("ranges or code")
    return found


_check_tables()

# --------------------------------------------------------------------------- #
# Products
# --------------------------------------------------------------------------- #


class _Pick(NamedTuple):
    """What makes a product's name: template, adjective, variant and main material."""

    template: _Template
    style: str
    variant: _Variant
    primary: str


def generate_products(count: int, seed: int = 42) -> list[ProductSpec]:
    """Return ``count`` catalog products; the same arguments always give the same list."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    plan: list[tuple[_Category, _Pick]] = []
    for cat, n in zip(_CATEGORY_TABLE, _allocate(count), strict=True):
        plan.extend((cat, pick) for pick in _pick_names(cat, n, rng))
    rng.shuffle(plan)
    # A random rank per product, so bestsellers are spread across categories.
    ranks = list(range(1, count + 1))
    rng.shuffle(ranks)
    serials: dict[str, int] = {}
    products = []
    for (cat, pick), rank in zip(plan, ranks, strict=True):
        serials[cat.code] = serials.get(cat.code, 0) + 1
        products.append(_build_product(cat, pick, serials[cat.code], rank, rng))
    return products


def _allocate(count: int) -> list[int]:
    """Split ``count`` over categories by share (largest remainder), so small counts still add up."""
    total = sum(c.share for c in _CATEGORY_TABLE)
    exact = [count * c.share / total for c in _CATEGORY_TABLE]
    quotas = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (quotas[i] - exact[i], i))
    for i in by_remainder[: count - sum(quotas)]:
        quotas[i] += 1
    return quotas


def _pick_names(cat: _Category, n: int, rng: random.Random) -> list[_Pick]:
    """Draw ``n`` name combinations, rotating templates and avoiding repeats while possible."""
    pools: list[list[_Pick]] = []
    picks: list[_Pick] = []
    while len(picks) < n:
        if not any(pools):
            pools = [_all_picks(cat, t, rng) for t in cat.templates]
        for pool in rng.sample(pools, len(pools)):
            if pool and len(picks) < n:
                picks.append(pool.pop())
    return picks


def _all_picks(cat: _Category, t: _Template, rng: random.Random) -> list[_Pick]:
    styles = t.styles if t.styles is not None else cat.styles
    picks = [
        _Pick(t, style, variant, primary)
        for primary in t.materials[0].choices
        for style in styles
        for variant in t.variants
    ]
    rng.shuffle(picks)
    # Without "{m}" in the noun, alternatives share a name; keep one (random) pick per name.
    unique: dict[str, _Pick] = {}
    for pick in picks:
        unique.setdefault(_product_name(pick), pick)
    return list(unique.values())


def _build_product(cat: _Category, pick: _Pick, serial: int, rank: int, rng: random.Random) -> ProductSpec:
    t = pick.template
    weight_g, materials = _weigh(pick, rng)
    origin = rng.choice(t.origins or cat.origins)
    packaging = rng.choice(t.packaging or cat.packaging)
    pool = t.certs if t.certs is not None else cat.certs
    certs = _pick_certifications(pool, {name for name, _ in materials}, rng)
    return ProductSpec(
        sku=f"{cat.code}-{t.code}-{serial:04d}",
        name=_product_name(pick),
        description=_describe(t, materials, origin, certs, packaging, rng),
        category=cat.slug,
        brand=rng.choice(cat.brands),
        price_minor=_price_minor(rng.uniform(*t.eur) * pick.variant[2]),
        currency="EUR",
        weight_kg=weight_g / 1000,
        materials=tuple((name, grams / 1000) for name, grams in materials),
        origin_country=origin,
        packaging=packaging,
        certifications=certs,
        status=_pick_status(rng),
        popularity=round(1000.0 / (rank + _ZIPF_Q) ** _ZIPF_S, 6),
    )


def _weigh(pick: _Pick, rng: random.Random) -> tuple[int, list[tuple[str, int]]]:
    """Product weight and material masses in whole grams.

    Grams keep the arithmetic exact; flooring plus one spare gram guarantees
    the material masses never add up to more than the product weight.
    """
    weight_g = max(1, round(rng.uniform(*pick.template.kg) * pick.variant[1] * 1000))
    shares: dict[str, float] = {}
    for i, slot in enumerate(pick.template.materials):
        name = pick.primary if i == 0 else rng.choice(slot.choices)
        # Alternatives can land on a material already used; merge rather than repeat it.
        shares[name] = shares.get(name, 0.0) + slot.fraction * rng.uniform(0.93, 1.0)
    materials = [(name, max(1, math.floor(weight_g * share))) for name, share in shares.items()]
    weight_g = max(weight_g, sum(g for _, g in materials) + 1)
    return weight_g, materials


def _product_name(pick: _Pick) -> str:
    label = _NAME_LABELS.get(pick.primary, pick.primary.title())
    noun = pick.template.noun.replace("{m}", label)
    base = f"{pick.style} {noun}" if pick.style else noun
    return f"{base}, {pick.variant[0]}" if pick.variant[0] else base


def _describe(
    t: _Template,
    materials: list[tuple[str, int]],
    origin: str,
    certs: tuple[str, ...],
    packaging: str,
    rng: random.Random,
) -> str:
    mats = _join_words(_PROSE_LABELS.get(name, name) for name, _ in materials)
    sentences = [t.use, t.made.format(mats=mats, country=_COUNTRY_NAMES[origin])]
    if certs:
        sentences.append(f"Certified: {', '.join(certs)}.")
    elif rng.random() < 0.5:
        sentences.append(_PACKAGING_NOTES[packaging])
    return " ".join(sentences)


def _join_words(words: Iterable[str]) -> str:
    items = list(words)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _pick_certifications(pool: Sequence[str], materials: set[str], rng: random.Random) -> tuple[str, ...]:
    fitting = [c for c in pool if c not in _CERT_NEEDS or _CERT_NEEDS[c] & materials]
    wanted = rng.choices(range(len(_CERT_COUNT_WEIGHTS)), weights=_CERT_COUNT_WEIGHTS)[0]
    chosen = rng.sample(fitting, min(wanted, len(fitting)))
    return tuple(sorted(chosen, key=CERTIFICATIONS.index))


def _pick_status(rng: random.Random) -> str:
    roll = rng.random()
    return "active" if roll < 0.95 else "draft" if roll < 0.98 else "retired"


def _price_minor(eur: float) -> int:
    """Shelf prices end the way shops price them: 4.45, 24.95, 349.00."""
    if eur < 20:
        minor = round(eur * 2) * 50 - 5
    elif eur < 200:
        minor = round(eur) * 100 - 5
    else:
        minor = round(eur / 10) * 1000 - 100
    return max(minor, 1)


# --------------------------------------------------------------------------- #
# Customers
# --------------------------------------------------------------------------- #

_FIRST_NAMES: tuple[str, ...] = (
    "Daan",
    "Sanne",
    "Bram",
    "Fenna",
    "Lotte",
    "Thijs",
    "Anouk",
    "Sem",
    "Femke",
    "Joris",
    "Lena",
    "Felix",
    "Jonas",
    "Hannah",
    "Lukas",
    "Mia",
    "Paul",
    "Greta",
    "Leonie",
    "Maximilian",
    "Chloé",
    "Théo",
    "Camille",
    "Julien",
    "Élodie",
    "Louis",
    "Manon",
    "Hugo",
    "Inès",
    "Amélie",
    "Wout",
    "Lucía",
    "Mateo",
    "Javier",
    "Carmen",
    "Pablo",
    "Alba",
    "Giulia",
    "Matteo",
    "Chiara",
    "Lorenzo",
    "Francesca",
    "Luca",
    "Søren",
    "Freya",
    "Ingrid",
    "Björn",
    "Astrid",
    "Mikael",
    "Aino",
    "Eetu",
    "Sigrid",
    "Emil",
    "Maja",
    "Oskar",
    "Aoife",
    "Niamh",
    "Siobhan",
    "Cian",
    "Oliver",
    "Amelia",
    "Harry",
    "João",
    "Beatriz",
    "Tiago",
    "Agnieszka",
    "Łukasz",
    "Zofia",
    "Kacper",
    "Marek",
    "Aisha",
    "Omar",
    "Fatima",
    "Yusuf",
    "Leila",
    "Karim",
    "Noor",
    "Amira",
    "Hamza",
    "Elif",
    "Emre",
    "Zeynep",
    "Mehmet",
    "Priya",
    "Arjun",
    "Ananya",
    "Ravi",
    "Meera",
    "Rohan",
    "Kavya",
    "Wei",
    "Mei",
    "Jun",
    "Xiao",
    "Yuki",
    "Haruto",
    "Sakura",
    "Ji-woo",
    "Min-jun",
    "Seo-yeon",
    "Minh",
    "Linh",
    "Anh",
    "Kofi",
    "Ama",
    "Chidi",
    "Ngozi",
    "Amara",
    "Zanele",
    "Thabo",
    "Kwame",
    "Wanjiru",
    "Tendai",
    "Diego",
    "Camila",
    "Valentina",
    "Tomás",
    "Santiago",
    "Isabela",
    "Gabriel",
    "Olga",
    "Anastasia",
    "Nikos",
    "Dimitra",
    "Eleni",
    "Petra",
    "Jakub",
    "Tereza",
    "Ioana",
    "Andrei",
    "Ivana",
    "Marta",
    "Sara",
    "Noah",
    "Liam",
    "Emma",
    "Sofia",
    "Adam",
    "Yara",
    "Rania",
    "Tariq",
    "Layla",
    "Nadia",
    "Samir",
    "Kai",
    "Maya",
    "Zara",
    "Mariam",
    "Sina",
)

# Only the initial is shown; the full name shapes the email address.
_LAST_NAMES: tuple[str, ...] = (
    "Jansen",
    "Visser",
    "Bakker",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Dekker",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Becker",
    "Hoffmann",
    "Krause",
    "Dubois",
    "Lefèvre",
    "Moreau",
    "Laurent",
    "Girard",
    "Fontaine",
    "Peeters",
    "Janssens",
    "Maes",
    "Claes",
    "García",
    "Martínez",
    "López",
    "Sánchez",
    "Romero",
    "Rossi",
    "Bianchi",
    "Ricci",
    "Esposito",
    "Conti",
    "Gruber",
    "Huber",
    "Wagner",
    "Andersson",
    "Lindqvist",
    "Nilsson",
    "Berg",
    "Nielsen",
    "Jensen",
    "Sørensen",
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Murphy",
    "O'Brien",
    "Byrne",
    "Kelly",
    "Walsh",
    "Silva",
    "Santos",
    "Ferreira",
    "Costa",
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Zieliński",
    "Novák",
    "Horváth",
    "Popescu",
    "Ionescu",
    "Papadopoulos",
    "Yılmaz",
    "Demir",
    "Kaya",
    "Haddad",
    "Mansour",
    "Benali",
    "Okafor",
    "Mensah",
    "Adeyemi",
    "Osei",
    "Mwangi",
    "Dlamini",
    "Nkosi",
    "Patel",
    "Sharma",
    "Iyer",
    "Reddy",
    "Nair",
    "Khan",
    "Hussain",
    "Rahman",
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Nguyen",
    "Tran",
    "Pham",
    "Tanaka",
    "Sato",
    "Suzuki",
    "Kim",
    "Park",
    "Choi",
    "Oliveira",
    "Rodrigues",
    "Pereira",
    "Castillo",
    "Vargas",
    "Mendoza",
    "Ivanova",
    "Petrov",
    "Cohen",
    "Levi",
    "Taylor",
    "Evans",
)

_EMAIL_DOMAINS: tuple[tuple[str, int], ...] = (("example.com", 6), ("example.org", 2), ("example.net", 2))
# Letters that Unicode decomposition leaves alone but an address cannot hold.
_ASCII_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d", "œ": "oe", "ı": "i"})


def generate_customers(count: int, seed: int = 42) -> list[CustomerSpec]:
    """Return ``count`` customers with unique emails; the same arguments give the same list.

    Each customer depends only on earlier ones, so a smaller count is a prefix of a larger one.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    countries, country_weights = zip(*_CUSTOMER_COUNTRY_WEIGHTS, strict=True)
    taken: set[str] = set()
    customers = []
    for _ in range(count):
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        email = _unique(_email_for(first, last, rng), taken)
        country = rng.choices(countries, weights=country_weights)[0]
        customers.append(CustomerSpec(email=email, display_name=f"{first} {last[0]}.", country=country))
    return customers


def _email_for(first: str, last: str, rng: random.Random) -> str:
    f, last_slug = _ascii_slug(first), _ascii_slug(last)
    local = rng.choices(
        (
            f"{f}.{last_slug}",
            f"{f}{last_slug}",
            f"{f[0]}.{last_slug}",
            f"{f}_{last_slug}",
            f"{f}.{last_slug}{rng.randint(1, 99)}",
            f"{f}{rng.randint(70, 99)}",
            f"{f}{last_slug[0]}",
        ),
        weights=(30, 15, 15, 8, 12, 10, 10),
    )[0]
    domains, domain_weights = zip(*_EMAIL_DOMAINS, strict=True)
    return f"{local}@{rng.choices(domains, weights=domain_weights)[0]}"


def _unique(email: str, taken: set[str]) -> str:
    """Number later namesakes (``lena.kim2@...``) so every address stays unique."""
    candidate, n = email, 1
    while candidate in taken:
        n += 1
        local, domain = email.split("@")
        candidate = f"{local}{n}@{domain}"
    taken.add(candidate)
    return candidate


def _ascii_slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.lower().translate(_ASCII_FOLD))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())
