"""The provenance log through the API: EPCIS in, signed timelines and proofs out, checked offline."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from ecolaura.cli import app as cli
from tests.factories import admin_headers, bearer, create_customer, customer_headers, product_body
from write_side.domain import merkle
from write_side.domain.provenance import (
    LogAudit,
    VerificationError,
    b64,
    sign_head,
    unb64,
    verify_consistency_export,
    verify_timeline,
)
from write_side.identity.badge_key import key_id, public_jwks
from write_side.service_layer import provenance as log


@pytest.fixture(autouse=True)
def heads_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every read issues a tree head covering what was recorded (the API waits 2 s between heads)."""
    monkeypatch.setattr(log, "HEAD_EVERY", timedelta(0))


def supplier() -> dict[str, str]:
    return bearer(str(uuid.uuid4()), "supplier")


async def new_product(client: AsyncTestClient, headers: dict[str, str]) -> dict[str, Any]:  # type: ignore[type-arg]
    created = await client.post("/api/v1/products", json=product_body(), headers=headers)
    assert created.status_code == 201, created.text
    timeline = await client.get(f"/api/v1/provenance/{created.json()['id']}")
    assert timeline.status_code == 200, timeline.text
    return timeline.json()  # type: ignore[no-any-return]


def chain(link: str) -> dict[str, Any]:
    """Cotton grown and certified in India, made into a T-shirt in Portugal, shipped to the warehouse."""
    fibre = "https://id.example.org/01/09506000134376/10/FIBRE-7"
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-20T08:00:00Z",
        "epcisBody": {
            "eventList": [
                {
                    "type": "ObjectEvent",
                    "eventTime": "2026-09-01T06:00:00+05:30",
                    "eventTimeZoneOffset": "+05:30",
                    "action": "ADD",
                    "bizStep": "commissioning",
                    "quantityList": [{"epcClass": fibre, "quantity": 120.5, "uom": "KGM"}],
                    "ilmd": {
                        "ecolaura:originCountry": "IN",
                        "ecolaura:materials": [{"material": "organic cotton"}],
                        "ecolaura:certificates": ["GOTS-CU-1234"],
                    },
                    "ecolaura:country": "IN",
                },
                {
                    "type": "TransformationEvent",
                    "eventTime": "2026-10-03T10:00:00+01:00",
                    "eventTimeZoneOffset": "+01:00",
                    "bizStep": "commissioning",
                    "inputQuantityList": [{"epcClass": fibre, "quantity": 0.2, "uom": "KGM"}],
                    "outputEPCList": [f"{link}/10/LOT-42"],
                    "readPoint": {"id": "urn:epc:id:sgln:9506000.00001.0"},
                    "ecolaura:country": "PT",
                },
                {
                    "type": "ObjectEvent",
                    "eventTime": "2026-10-20T16:00:00+01:00",
                    "eventTimeZoneOffset": "+01:00",
                    "action": "OBSERVE",
                    "bizStep": "shipping",
                    "disposition": "in_transit",
                    "epcList": [f"{link}/10/LOT-42"],
                    "bizTransactionList": [{"type": "po", "bizTransaction": "urn:ecolaura:po:77"}],
                    "ecolaura:country": "PT",
                },
            ]
        },
    }


async def test_a_supplier_records_a_chain_and_anyone_verifies_it_offline(
    client: AsyncTestClient,  # type: ignore[type-arg]
    tmp_path: Path,
) -> None:
    me = supplier()
    product = await new_product(client, me)
    assert len(product["gtin"]) == 14 and product["digital_link"].endswith(f"/01/{product['gtin']}")
    recorded = await client.post("/api/v1/provenance/events", json=chain(product["digital_link"]), headers=me)
    assert recorded.status_code == 201, recorded.text
    first = recorded.json()["leaf_indexes"][0]
    assert recorded.json()["leaf_indexes"] == [first, first + 1, first + 2]

    timeline = (await client.get(f"/api/v1/provenance/{product['product_id']}")).json()
    keys = (await client.get("/api/v1/provenance/keys")).json()
    # the product's lineage: the fibre it was made from, its making, its shipping
    assert [e["event"]["type"] for e in timeline["events"]] == [
        "ObjectEvent",
        "TransformationEvent",
        "ObjectEvent",
    ]
    assert timeline["events"][0]["event"]["ilmd"]["ecolaura:originCountry"] == "IN"
    report = verify_timeline(timeline, keys)
    assert (
        report[0].startswith(f"tree head: {timeline['tree_head']['tree_size']} entries") and len(report) == 4
    )
    # Made in Portugal, says the log; the catalog says India: the footprint of the recorded facts differs.
    footprint = timeline["footprint"]
    assert footprint["recorded"] == {"origin_country": "PT"} and footprint["differs"] == ["origin_country"]
    assert footprint["recorded_kg_co2e"] not in (None, footprint["catalog_kg_co2e"])

    saved = tmp_path / "timeline.json"
    saved.write_text(json.dumps(timeline))
    (tmp_path / "keys.json").write_text(json.dumps(keys))
    ran = CliRunner().invoke(cli, ["provenance", "verify", str(saved), "--keys", str(tmp_path / "keys.json")])
    assert ran.exit_code == 0 and "verified: 3 events" in ran.output, ran.output


async def test_tampering_is_named_by_the_verifier(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    me = supplier()
    product = await new_product(client, me)
    await client.post("/api/v1/provenance/events", json=chain(product["digital_link"]), headers=me)
    timeline = (await client.get(f"/api/v1/provenance/{product['product_id']}")).json()
    keys = (await client.get("/api/v1/provenance/keys")).json()

    changed = copy.deepcopy(timeline)
    changed["events"][1]["event"]["ecolaura:country"] = "FR"
    with pytest.raises(VerificationError, match=r"event 2 \(leaf \d+\) was changed"):
        verify_timeline(changed, keys)

    reordered = copy.deepcopy(timeline)
    reordered["events"].reverse()
    with pytest.raises(VerificationError, match="out of log order"):
        verify_timeline(reordered, keys)

    moved = copy.deepcopy(timeline)
    moved["events"][0]["leaf_index"] += 1  # claims another place in the log
    with pytest.raises(VerificationError, match="is not in the signed log"):
        verify_timeline(moved, keys)

    impostor = Ed25519PrivateKey.generate()
    forged = copy.deepcopy(timeline)
    head = forged["tree_head"]
    head["signature"] = b64(
        sign_head(impostor, head["tree_size"], unb64(head["root_hash"], "root"), head["issued_at"])
    )
    with pytest.raises(VerificationError, match="is not the log's"):
        verify_timeline(forged, keys)
    head["key_id"] = key_id(impostor)
    with pytest.raises(VerificationError, match="which the key set does not hold"):
        verify_timeline(forged, keys)
    assert verify_timeline(forged, public_jwks(impostor))  # only its own key would vouch for it


async def test_the_log_only_grows_and_consistency_proves_it(
    client: AsyncTestClient,  # type: ignore[type-arg]
    engine: AsyncEngine,
    tmp_path: Path,
) -> None:
    me = supplier()
    product = await new_product(client, me)
    await client.post("/api/v1/provenance/events", json=chain(product["digital_link"]), headers=me)
    old = (await client.get("/api/v1/provenance/tree-head")).json()
    await client.post("/api/v1/provenance/events", json=chain(product["digital_link"]), headers=me)
    new = (await client.get("/api/v1/provenance/tree-head")).json()
    assert new["tree_size"] == old["tree_size"] + 3
    keys = (await client.get("/api/v1/provenance/keys")).json()
    proof = await client.get(f"/api/v1/provenance/consistency?from={old['tree_size']}&to={new['tree_size']}")
    assert proof.status_code == 200 and proof.json()["from"] == old
    assert "extends the saved one" in verify_consistency_export(old, proof.json(), keys)

    for name, document in (("old.json", old), ("proof.json", proof.json()), ("keys.json", keys)):
        (tmp_path / name).write_text(json.dumps(document))
    args = ["provenance", "consistency", str(tmp_path / "old.json"), str(tmp_path / "proof.json")]
    ran = CliRunner().invoke(cli, [*args, "--keys", str(tmp_path / "keys.json")])
    assert ran.exit_code == 0, ran.output
    rewritten = {**old, "root_hash": b64(b"\x01" * 32)}  # a history someone would like to have had
    (tmp_path / "old.json").write_text(json.dumps(rewritten))
    assert CliRunner().invoke(cli, [*args, "--keys", str(tmp_path / "keys.json")]).exit_code == 1

    async with engine.connect() as conn:  # append-only, whoever asks
        for statement in (
            "UPDATE provenance_entries SET event_type = 'x' WHERE leaf_index = 0",
            "DELETE FROM provenance_nodes WHERE level = 0 AND idx = 0",
            "TRUNCATE provenance_tree_heads",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                await conn.execute(text(statement))
            await conn.rollback()
    missing = await client.get(
        f"/api/v1/provenance/consistency?from={old['tree_size'] + 1}&to={new['tree_size']}"
    )
    assert missing.status_code == 404


async def test_who_may_record_what_and_clear_problems(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    owner, other = supplier(), supplier()
    product = await new_product(client, owner)
    link = product["digital_link"]
    document = chain(link)
    foreign = await client.post("/api/v1/provenance/events", json=document, headers=other)
    assert foreign.status_code == 403 and product["product_id"] in foreign.json()["detail"]
    assert (
        await client.post("/api/v1/provenance/events", json=document, headers=admin_headers())
    ).status_code == 201
    customer = customer_headers(await create_customer(client))
    assert (
        await client.post("/api/v1/provenance/events", json=document, headers=customer)
    ).status_code == 403

    event = document["epcisBody"]["eventList"][2]
    nothing = {**event, "epcList": []}
    refused = await client.post("/api/v1/provenance/events", json=nothing, headers=owner)
    assert refused.status_code == 422 and "at least one product" in refused.json()["detail"]
    bad_digit = {**event, "epcList": [link[:-1] + str((int(link[-1]) + 1) % 10)]}
    refused = await client.post("/api/v1/provenance/events", json=bad_digit, headers=owner)
    assert refused.status_code == 422 and "check digit" in refused.json()["detail"]
    for broken in (
        {**event, "color": "red"},
        {**event, "action": "SMASH"},
        {**event, "epcList": ["urn:epc:id:sgtin:1.2.3"]},
    ):
        refused = await client.post("/api/v1/provenance/events", json=broken, headers=owner)
        assert refused.status_code == 400, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")

    qr = await client.get(f"/api/v1/provenance/{product['product_id']}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert f"<title>{link}</title>" in qr.text
    resolved = await client.get(f"/01/{product['gtin']}/10/LOT-42", follow_redirects=False)
    assert (
        resolved.status_code == 302 and resolved.headers["location"] == f"/passport/{product['product_id']}"
    )
    assert (await client.get("/01/09506000134352", follow_redirects=False)).status_code == 404


async def test_a_monitor_replays_the_whole_log_and_names_what_a_server_hid_or_changed(
    client: AsyncTestClient,  # type: ignore[type-arg]
) -> None:
    me = supplier()
    product = await new_product(client, me)
    await client.post("/api/v1/provenance/events", json=chain(product["digital_link"]), headers=me)
    head = (await client.get("/api/v1/provenance/tree-head")).json()
    keys = (await client.get("/api/v1/provenance/keys")).json()
    pages, start = [], 0
    while start < head["tree_size"]:
        page = (await client.get(f"/api/v1/provenance/entries?start={start}&limit=1000")).json()["entries"]
        pages.append(page)
        start += len(page)

    def audit(served: list[list[dict[str, Any]]]) -> str:
        monitor = LogAudit(head, keys)
        for page in served:
            monitor.add_page(page)
        return monitor.finish()

    assert audit(pages).startswith(f"audited: all {head['tree_size']} entries")
    everything = [entry for page in pages for entry in page]
    hidden = [e for e in everything if e["leaf_index"] != 1]
    with pytest.raises(VerificationError, match="leaf 1 is missing"):
        audit([hidden])
    changed = copy.deepcopy(everything)
    changed[0]["event"]["eventTimeZoneOffset"] = "+09:00"
    with pytest.raises(VerificationError, match="leaf 0 was changed"):
        audit([changed])
    rewritten = copy.deepcopy(everything)  # a new history, hashed consistently, under the old head
    rewritten[0]["event"]["eventTimeZoneOffset"] = "+09:00"
    rewritten[0]["leaf_hash"] = b64(merkle.leaf_hash(rfc8785.dumps(rewritten[0]["event"])))
    with pytest.raises(VerificationError, match="the log was rewritten"):
        audit([rewritten])
    with pytest.raises(VerificationError, match="the signed head covers"):
        audit([everything[: head["tree_size"] - 1]])  # the newest entries withheld
