"""The demo's supply chains: EPCIS events for products of a few categories, recorded in the provenance log.

The chains are data (``seed_provenance.toml``): which categories, where each material comes from
and what it is processed into, the certificate id patterns, and how many days before arrival each
step happens. This module turns a product into its events, deterministically from the seed and
the product's SKU, and records them through the real command (``RecordProvenance``), several
products per EPCIS document so the log's one lock is taken a few dozen times, not thousands.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from ecolaura.demo_catalog import ProductSpec
from write_side.contracts import commands as c
from write_side.contracts.epcis import EpcisDocument
from write_side.domain.provenance import gtin, link

CHAINS_FILE = Path(__file__).with_name("seed_provenance.toml")
PRODUCTS_PER_DOCUMENT = 16  # about 110 events: well under EPCISDocument's 500


@dataclass(frozen=True, slots=True)
class Chains:
    data: dict[str, Any]

    @classmethod
    def load(cls, path: Path = CHAINS_FILE) -> Chains:
        return cls(tomllib.loads(path.read_text(encoding="utf-8")))

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(self.data["categories"])


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _days_before(arrival: datetime, span: list[int], rng: random.Random) -> datetime:
    return arrival - timedelta(days=rng.randint(span[0], span[1]), hours=rng.randint(6, 17))


def _certificate(pattern: str, rng: random.Random) -> str:
    return pattern.format(n=rng.randint(1, 9_999))


def chain_of(  # noqa: PLR0913 - one product's facts
    chains: Chains, product: ProductSpec, product_gtin: str, index: int, arrival: datetime, seed: int
) -> list[dict[str, Any]]:
    """The EPCIS events (JSON) of ``product``'s chain, ending with its arrival at the warehouse (by ``arrival``)."""
    d = chains.data
    rng = random.Random(f"{seed}:{product.sku}")
    arrival -= timedelta(days=rng.randint(0, 20))
    resolver, prefix, days = d["resolver"], d["supplier_prefix"], d["days"]
    warehouse = d["warehouse"]
    units = rng.randint(*d["units"])
    lot = f"L{index:05d}"
    product_lot = link(resolver, product_gtin, lot)
    made_at = product.origin_country

    def event(kind: str, moment: datetime, country: str, **fields: Any) -> dict[str, Any]:
        return {
            "type": kind,
            "eventTime": _time(moment),
            "eventTimeZoneOffset": "+00:00",
            "ecolaura:country": country,
            **fields,
        }

    raw_events: list[dict[str, Any]] = []
    made_events: list[dict[str, Any]] = []
    intermediates: list[dict[str, Any]] = []
    material_certs = [
        _certificate(d["certificates"]["material"][name], rng)
        for name in product.certifications
        if name in d["certificates"]["material"]
    ]
    for slot, (material, kg) in enumerate(product.materials[: d["materials_per_product"]]):
        known = d["materials"].get(material)
        origin = rng.choice(known["origins"]) if known else made_at
        into = known["process"]["into"] if known else f"processed {material}"
        process_at = rng.choice(known["process"]["in"]) if known else made_at
        # Upstream GTINs of this product's own supply: a product's timeline follows the GTINs its
        # events name, so a fibre GTIN shared by many products would put their chains in every passport.
        number = (index * d["materials_per_product"] + slot) * 2
        raw_lot = link(resolver, gtin(prefix, number), f"R{index:05d}")
        mid_lot = link(resolver, gtin(prefix, number + 1), f"P{index:05d}")
        total = max(round(kg * units * 1.08, 1), 0.1)  # a little more than the product holds: offcuts
        ilmd: dict[str, Any] = {
            # per product made (the lot's total is its quantity)
            "ecolaura:materials": [{"material": material, "kg": max(round(kg, 3), 0.001)}],
            "ecolaura:originCountry": origin,
        }
        if material_certs:
            ilmd["ecolaura:certificates"] = material_certs
        raw_events.append(
            event(
                "ObjectEvent",
                _days_before(arrival, days["raw"], rng),
                origin,
                action="ADD",
                bizStep="commissioning",
                disposition="active",
                quantityList=[{"epcClass": raw_lot, "quantity": total, "uom": "KGM"}],
                ilmd=ilmd,
            )
        )
        made_events.append(
            event(
                "TransformationEvent",
                _days_before(arrival, days["process"], rng),
                process_at,
                bizStep="commissioning",
                inputQuantityList=[{"epcClass": raw_lot, "quantity": total, "uom": "KGM"}],
                outputQuantityList=[
                    {"epcClass": mid_lot, "quantity": round(total * 0.95, 1) or 0.1, "uom": "KGM"}
                ],
                ilmd={"ecolaura:materials": [{"material": into}]},
            )
        )
        intermediates.append({"epcClass": mid_lot, "quantity": round(total * 0.95, 1) or 0.1, "uom": "KGM"})
    product_certs = [
        _certificate(d["certificates"]["product"][name], rng)
        for name in product.certifications
        if name in d["certificates"]["product"]
    ]
    making: dict[str, Any] = {
        "bizStep": "commissioning",
        "inputQuantityList": intermediates,
        "outputQuantityList": [{"epcClass": product_lot, "quantity": units}],
    }
    if product_certs:
        making["ilmd"] = {"ecolaura:certificates": product_certs}
    order = f"urn:ecolaura:po:{index:05d}"
    shipped = [{"epcClass": product_lot, "quantity": units}]
    tail = [
        event("TransformationEvent", _days_before(arrival, days["make"], rng), made_at, **making),
        event(
            "ObjectEvent",
            _days_before(arrival, days["ship"], rng),
            made_at,
            action="OBSERVE",
            bizStep="shipping",
            disposition="in_transit",
            quantityList=shipped,
            bizTransactionList=[{"type": "po", "bizTransaction": order}],
            destinationList=[{"type": "location", "destination": warehouse["location"]}],
        ),
        event(
            "ObjectEvent",
            arrival,
            warehouse["country"],
            action="OBSERVE",
            bizStep="receiving",
            disposition="in_progress",
            quantityList=shipped,
            bizLocation={"id": warehouse["location"]},
            bizTransactionList=[{"type": "po", "bizTransaction": order}],
        ),
    ]
    return [*raw_events, *made_events, *tail]


def provenance_commands(
    chain_events: list[list[dict[str, Any]]], created: datetime
) -> list[c.RecordProvenance]:
    """The chains as EPCIS documents of ``PRODUCTS_PER_DOCUMENT`` products each, as commands."""
    commands = []
    for start in range(0, len(chain_events), PRODUCTS_PER_DOCUMENT):
        events = [e for chain in chain_events[start : start + PRODUCTS_PER_DOCUMENT] for e in chain]
        document = {
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": _time(created),
            "epcisBody": {"eventList": events},
        }
        commands.append(c.RecordProvenance(msgspec.convert(document, EpcisDocument, strict=False)))
    return commands
