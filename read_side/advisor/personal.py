"""Personal intents, over the caller's own order views only: biggest purchases, savings, one change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from analytics.factor_tables import load_factors
from read_side.advisor.catalog import KG, alternatives, factor_source
from read_side.advisor.model import Fact, FactSource, Suggestion, kg
from read_side.advisor.sources import AdvisorSources

# Orders whose footprint happened: paid, whatever followed (a refund does not unmake the goods).
COUNTED = {"paid", "shipped", "delivered", "refunded"}
GREEN = "slow-green"


def _counted(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in orders if o["status"] in COUNTED and o.get("footprint")]


async def _lines(orders: list[dict[str, Any]], sources: AdvisorSources) -> list[dict[str, Any]]:
    """Every counted order line with its kg CO2e (unit footprint at order time times quantity)."""
    out = []
    for order in _counted(orders):
        recorded = {li["product_id"]: li for li in order["footprint"].get("lines", [])}
        for n, line in enumerate(order["lines"]):
            unit = recorded.get(line["product_id"], {}).get("unit_kg_co2e")
            if unit is None:  # a view projected before lines carried footprints: the card's
                card = await sources.card(line["product_id"])
                unit = card.get("kg_co2e") if card else None
            if unit is None:
                continue
            out.append(
                {
                    **line,
                    "order_id": order["id"],
                    "n": n,
                    "placed_at": order["placed_at"],
                    "kg_co2e": round(float(unit) * line["quantity"], 4),
                }
            )
    out.sort(key=lambda li: (-li["kg_co2e"], li["order_id"], li["n"]))
    return out


def _line_fact(line: dict[str, Any], fact_id: str) -> Fact:
    title = f"{line['name']} x{line['quantity']}, order of {line['placed_at'][:10]}"
    return Fact(
        fact_id, line["kg_co2e"], KG, FactSource("order_line", f"{line['order_id']}:{line['n']}", title)
    )


async def answer_biggest(customer_id: str, sources: AdvisorSources) -> tuple[str, list[Fact]]:
    lines = await _lines(await sources.orders(customer_id), sources)
    if not lines:
        return "You have no paid orders with a footprint yet, so there is nothing to rank.", []
    facts, parts = [], []
    for i, line in enumerate(lines[:3]):
        facts.append(_line_fact(line, f"line{i}"))
        part = f"“{line['name']}” {kg(line['kg_co2e'])} {KG}"
        breakdown = await sources.footprint(line["product_id"])
        if breakdown and breakdown.get("stages"):
            main = max(breakdown["stages"], key=lambda s: s["kg_co2e"]["central"])
            value = float(main["kg_co2e"]["central"])
            facts.append(
                Fact(
                    f"line{i}_stage",
                    value,
                    KG,
                    FactSource(
                        "product_stage",
                        f"{line['product_id']}:{main['name']}",
                        f"{line['name']}: {main['name']} per unit",
                    ),
                )
            )
            part += f" (mostly {main['name'].replace('_', ' ')}, {kg(value)} {KG} per unit)"
        parts.append(part)
    return "Your purchases with the biggest footprint: " + "; ".join(parts) + ".", facts


async def answer_savings(customer_id: str, sources: AdvisorSources, now: datetime) -> tuple[str, list[Fact]]:
    year = [o for o in _counted(await sources.orders(customer_id)) if o["placed_at"][:4] == f"{now.year:04d}"]
    if not year:
        return "You have no paid orders this year yet, so there are no savings to count.", []
    saved = round(sum(float(o["footprint"]["savings_kg_co2e"]) for o in year), 4)
    emitted = round(sum(float(o["footprint"]["kg_co2e"]) for o in year), 4)
    ref = ",".join(o["id"] for o in year)
    facts = [
        Fact(
            "saved",
            saved,
            KG,
            FactSource("order_line", ref, f"savings against the conventional basket, orders of {now.year}"),
        ),
        Fact(
            "emitted", emitted, KG, FactSource("order_line", ref, f"footprint of your orders of {now.year}")
        ),
    ]
    if saved >= 0:
        text = (
            f"This year you saved {kg(saved)} {KG} against buying the conventional products, "
            f"for a footprint of {kg(emitted)} {KG} across your paid orders."
        )
    else:  # the shopper's choices weighed more than the conventional basket
        facts.append(Fact("extra", -saved, KG, facts[0].source))
        text = (
            f"This year your paid orders came to {kg(emitted)} {KG}, {kg(-saved)} {KG} more than "
            "the conventional products would have: nothing saved yet."
        )
    return text, facts


async def answer_one_change(
    customer_id: str, sources: AdvisorSources
) -> tuple[str, list[Fact], list[Suggestion]]:
    """The larger of two changes: slow-green shipping on every order, or the best swap of one line."""
    orders = _counted(await sources.orders(customer_id))
    if not orders:
        return "You have no paid orders yet; the advisor suggests changes from your own orders.", [], []
    factors = load_factors(orders[0]["footprint"].get("factor_version") or None)
    green = factors.shipping[GREEN].parcel
    shipping_saving = round(
        sum(
            factors.shipping[o["shipping"]["method"]].parcel.central - green.central
            for o in orders
            if o["shipping"]["method"] in factors.shipping
        ),
        4,
    )
    swap: tuple[dict[str, Any], Suggestion, float] | None = None
    for line in (await _lines(orders, sources))[:5]:
        card = await sources.card(line["product_id"])
        if not card or card.get("kg_co2e") is None:
            continue
        best = await alternatives(card, sources)
        if best:
            saving = round(best[0].saving_kg * line["quantity"], 4)
            if swap is None or saving > swap[2]:
                swap = (line, best[0], saving)
    if swap is not None and swap[2] > shipping_saving:
        line, alt, saving = swap
        facts = [
            _line_fact(line, "line"),
            Fact(
                "alt",
                alt.kg_co2e,
                KG,
                FactSource(
                    "product_stage", f"{alt.product_id}:total", f"{alt.name}: cradle to warehouse, per unit"
                ),
            ),
            Fact(
                "saving",
                saving,
                KG,
                FactSource(
                    "order_line", f"{line['order_id']}:{line['n']}", "the same quantity of the alternative"
                ),
            ),
        ]
        text = (
            f"Swap “{line['name']}” ({kg(line['kg_co2e'])} {KG} in your order) for “{alt.name}” "
            f"({kg(alt.kg_co2e)} {KG} each): {kg(saving)} {KG} less for the same quantity."
        )
        return text, facts, [alt]
    if shipping_saving <= 0:
        return (
            "You already ship slow-green and no product you bought has a greener alternative in stock.",
            [],
            [],
        )
    facts = [
        Fact(
            "shipping_saving",
            shipping_saving,
            KG,
            FactSource("order_line", ",".join(o["id"] for o in orders), "your orders' parcels"),
        ),
        Fact(
            "green_parcel",
            green.central,
            "kg CO2e/parcel",
            factor_source(green.source, orders[0]["footprint"].get("factor_version") or None),
        ),
    ]
    text = (
        f"Choose slow-green shipping: on your past orders it would have saved {kg(shipping_saving)} {KG} "
        f"(its last mile is {green.central:g} kg CO2e per parcel, source {green.source})."
    )
    return text, facts, []
