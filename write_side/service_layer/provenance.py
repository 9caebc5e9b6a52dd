"""Recording EPCIS events in the provenance log, issuing signed tree heads, and reading proofs.

A capture's events are checked (identifiers, products, who may speak for them),
appended as leaves with the Merkle subtrees they complete, and announced on the
event log, all in the command's transaction. Tree heads are signed separately:
the worker issues one every few seconds when the log grew, and a reader asking
for the head issues one when the latest is older than ``HEAD_EVERY``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters import event_log
from write_side.adapters import provenance as store
from write_side.adapters.repositories import load_products
from write_side.contracts import commands as cmds
from write_side.contracts import events as ev
from write_side.contracts.epcis import EpcisEvent, ObjectEvent, events_of, identifiers_of
from write_side.domain import merkle
from write_side.domain.catalog import Material, Product
from write_side.domain.errors import ForbiddenError, InvalidInputError
from write_side.domain.footprints import rate_product
from write_side.domain.provenance import b64, leaf_of, link, parse_link, sign_head
from write_side.identity.badge_key import key_id
from write_side.service_layer import results as res
from write_side.service_layer.context import Context, require_role
from write_side.service_layer.unit_of_work import SqlAlchemyUnitOfWork

HEAD_EVERY = timedelta(seconds=2)
LOG_STREAM = "provenance-log"


async def record_provenance(
    cmd: cmds.RecordProvenance, uow: SqlAlchemyUnitOfWork, ctx: Context
) -> res.Outcome:
    require_role(ctx, "admin", "supplier")
    events = events_of(cmd.capture)
    conn = await uow.session.begin()
    named = [[parse_link(uri).gtin for uri in identifiers_of(e)] for e in events]
    known = await store.products_by_gtin(conn, (g for gtins in named for g in gtins))
    entries = [_entry(e, gtins, known, ctx) for e, gtins in zip(events, named, strict=True)]
    # The log's row stays locked from here to the commit: one round trip to read its edge, and the
    # writes go with the COMMIT, in one message.
    start, have = await store.lock_edge(uow.session)
    made: list[tuple[merkle.Node, bytes]] = []
    for n, entry in enumerate(entries):
        for node, digest in merkle.new_nodes(start + n, entry.leaf_hash, have.__getitem__):
            have[node] = digest
            made.append((node, digest))
    size = start + len(entries)
    edge = [have[node] for node in merkle.perfect_parts(0, size)]
    store.append(uow.session, start, entries, made, edge, ctx.actor.actor_id)
    for n, (event, entry) in enumerate(zip(events, entries, strict=True)):
        announced = ev.ProvenanceRecorded(
            leaf_index=start + n,
            event_type=entry.event_type,
            product_ids=entry.product_ids,
            biz_step=event.bizStep,
            event_time=event.eventTime.isoformat(),
            recorded_at=ctx.now,
        )
        uow.extra_events.append(event_log.PendingEvent(LOG_STREAM, start + n + 1, announced))
    return res.Outcome(
        201, res.ProvenanceAppended(list(range(start, start + len(entries))), start + len(entries))
    )


def _entry(
    event: EpcisEvent, gtins: list[str], known: dict[str, store.ProductRef], ctx: Context
) -> store.NewEntry:
    """The log entry of ``event``, checked against who records it.

    An event may name only upstream materials (fibre, a fabric lot: GTINs that are no product of
    this shop); a supplier may not speak for a product of the shop that is not theirs.
    """
    if not gtins:
        raise InvalidInputError(
            "an event must name at least one product (epcList, quantityList, inputs or outputs)"
        )
    products = [known[g] for g in dict.fromkeys(gtins) if g in known]
    if ctx.actor.role == "supplier":
        foreign = [p.product_id for p in products if p.supplier_id != ctx.actor.actor_id]
        if foreign:
            raise ForbiddenError(
                f"suppliers record events for their own products only; not {', '.join(foreign)}"
            )
    inputs, outputs = _sides(event)
    canonical, leaf = leaf_of(event)
    return store.NewEntry(
        "ObjectEvent" if isinstance(event, ObjectEvent) else "TransformationEvent",
        [p.product_id for p in products],
        sorted(set(gtins)),
        inputs,
        outputs,
        canonical,
        leaf,
        event.eventTime,
    )


def _sides(event: EpcisEvent) -> tuple[list[str], list[str]]:
    """A transformation's input and output GTINs (none for an object event)."""
    if isinstance(event, ObjectEvent):
        return [], []
    inputs = [*event.inputEPCList, *(q.epcClass for q in event.inputQuantityList)]
    outputs = [*event.outputEPCList, *(q.epcClass for q in event.outputQuantityList)]
    return sorted({parse_link(u).gtin for u in inputs}), sorted({parse_link(u).gtin for u in outputs})


async def issue_head(conn: AsyncConnection, key: Ed25519PrivateKey, now: datetime, every: timedelta) -> None:
    """Sign the log's current size when it grew and the latest head is ``every`` old (commits)."""
    if not await store.try_issuing(conn):
        await conn.rollback()
        return
    latest = await store.latest_head(conn)
    size = await store.size(conn)
    if size == 0 or (latest is not None and (latest.tree_size >= size or now - latest.issued_at < every)):
        await conn.rollback()
        return
    root = merkle.root_hash(size, (await store.nodes(conn, merkle.nodes_for([(0, size)]))).__getitem__)
    issued = now.astimezone(UTC).replace(microsecond=(now.microsecond // 1000) * 1000)
    signature = sign_head(key, size, root, _time(issued))
    await store.add_head(conn, store.TreeHead(size, root, issued, key_id(key), signature))
    await conn.commit()


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def head_json(head: store.TreeHead) -> dict[str, Any]:
    return {
        "tree_size": head.tree_size,
        "root_hash": b64(head.root_hash),
        "issued_at": _time(head.issued_at),
        "key_id": head.key_id,
        "signature": b64(head.signature),
    }


async def timeline(
    conn: AsyncConnection, product: store.ProductRef, resolver: str, jwks: dict[str, Any]
) -> dict[str, Any]:
    """The product's events with an inclusion proof each against the latest signed head (offline-checkable)."""
    head = await store.latest_head(conn)
    entries = await store.entries_of(conn, product.product_id)
    size = head.tree_size if head else 0
    signed = [e for e in entries if e.leaf_index < size]
    ranges = [merkle.ranges_for_inclusion(e.leaf_index, size) for e in signed]
    nodes = await store.nodes(conn, merkle.nodes_for(r for rs in ranges for r in rs))
    events = []
    for entry, needed in zip(signed, ranges, strict=True):
        proof = [merkle.range_hash(a, b, nodes.__getitem__) for a, b in needed]
        events.append(event_json(entry) | {"inclusion_proof": [b64(p) for p in proof]})
    (catalog,) = (await load_products(conn, [product.product_id])).values()
    recorded = [json.loads(e.canonical) for e in entries]
    return {
        "product_id": product.product_id,
        "gtin": product.gtin,
        "digital_link": link(resolver, product.gtin),
        "tree_head": head_json(head) if head else None,
        "events": events,
        "pending": [event_json(e) for e in entries if e.leaf_index >= size],
        "footprint": footprint_from_record(catalog, product.gtin, recorded),
        "keys": jwks,
    }


def footprint_from_record(catalog: Product, gtin: str, recorded: list[dict[str, Any]]) -> dict[str, Any]:
    """The catalog's footprint, and where the log states another origin or other materials, the footprint
    those facts give (the calculator at the current factor version), naming what differs."""
    facts = recorded_facts(recorded, gtin)
    differs = [
        name
        for name, said, listed in (
            ("origin_country", facts.get("origin_country"), catalog.origin_country),
            ("materials", facts.get("materials"), [[m.material, m.kg] for m in catalog.materials]),
        )
        if said is not None and said != listed
    ]
    listed = rate_product(catalog)
    answer: dict[str, Any] = {
        "catalog_kg_co2e": listed.kg_co2e.central,
        "factor_version": listed.factor_version,
    }
    answer |= {"recorded_kg_co2e": None, "differs": differs, "recorded": facts}
    if differs:
        materials = tuple(Material(m, kg) for m, kg in facts.get("materials") or [])
        changed = replace(
            catalog,
            origin_country=facts.get("origin_country") or catalog.origin_country,
            materials=materials or catalog.materials,
            version=-catalog.version,  # its own cache entry: never the catalog version's
        )
        try:
            answer["recorded_kg_co2e"] = rate_product(changed).kg_co2e.central
        except InvalidInputError as exc:  # a recorded material the factor tables cannot rate
            answer["note"] = f"the recorded facts cannot be rated: {exc.detail}"
    return answer


def recorded_facts(recorded: list[dict[str, Any]], gtin: str) -> dict[str, Any]:
    """What the log states about where the product was made and of what, the latest statement winning.

    Origin (the footprint's origin: where it was made) comes from events naming the product
    itself: an ``ilmd`` origin, or the country of the transformation that made it. Materials, each
    with its kg, may be stated anywhere in its lineage (a fabric lot's composition, say).
    """
    facts: dict[str, Any] = {}
    mark = f"/01/{gtin}"
    for event in recorded:
        ilmd = event.get("ilmd") or {}
        names_it = any(mark in uri for uri in _made_or_named(event))
        if names_it and "ecolaura:originCountry" in ilmd:
            facts["origin_country"] = ilmd["ecolaura:originCountry"]
        elif names_it and event.get("type") == "TransformationEvent" and "ecolaura:country" in event:
            facts["origin_country"] = event["ecolaura:country"]
        claims = ilmd.get("ecolaura:materials") or []
        if claims and all("kg" in c for c in claims):
            facts["materials"] = [[c["material"], c["kg"]] for c in claims]
    return facts


def _made_or_named(event: dict[str, Any]) -> list[str]:
    """The identifiers an event is about: an object event's, a transformation's outputs."""
    lists = (
        ("outputEPCList", "outputQuantityList")
        if event.get("type") == "TransformationEvent"
        else ("epcList", "quantityList")
    )
    uris: list[str] = []
    for name in lists:
        uris += [item if isinstance(item, str) else item.get("epcClass", "") for item in event.get(name, [])]
    return uris


def event_json(entry: store.Entry) -> dict[str, Any]:
    return {
        "leaf_index": entry.leaf_index,
        "leaf_hash": b64(entry.leaf_hash),
        "recorded_at": _time(entry.recorded_at),
        "event": json.loads(entry.canonical),
    }


async def consistency(conn: AsyncConnection, old: int, new: int) -> dict[str, Any] | None:
    """Both signed heads and the RFC 9162 proof that ``new`` extends ``old``; None if either was not issued."""
    first, second = await store.head_of_size(conn, old), await store.head_of_size(conn, new)
    if first is None or second is None:
        return None
    ranges = merkle.ranges_for_consistency(old, new) if old < new else []
    nodes = await store.nodes(conn, merkle.nodes_for(ranges))
    proof = [merkle.range_hash(a, b, nodes.__getitem__) for a, b in ranges]
    return {
        "from": head_json(first),
        "to": head_json(second),
        "proof": [b64(p) for p in proof],
    }
