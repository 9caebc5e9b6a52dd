"""Vectors for the web app's provenance verifier, made by the Python code the log itself runs.

    uv run python frontend/scripts/provenance_fixture.py

writes ``frontend/src/features/provenance/__tests__/fixtures/timeline.json``: a signed timeline
of a small log (leaf hashes, inclusion proofs, the tree head and its key, all from
``write_side.domain``), checked with ``verify_timeline`` before it is written, plus canonical
forms of awkward values (RFC 8785) for the browser's canonicaliser to reproduce byte for byte.
``tests/unit/test_provenance_fixture.py`` fails when the committed file drifts from this script.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from write_side.contracts.epcis import EpcisEvent
from write_side.domain import merkle
from write_side.domain.provenance import b64, leaf_of, sign_head, verify_timeline
from write_side.identity.badge_key import key_id, public_jwks

OUT = Path(__file__).resolve().parent.parent / "src/features/provenance/__tests__/fixtures/timeline.json"
LINK = "https://shop.example/01/09506000000018"
FIBRE = "https://id.example.org/01/09506000134376/10/FIBRE-7"
ISSUED_AT = "2026-11-20T08:00:05.123Z"

EVENTS: list[dict[str, Any]] = [
    {
        "type": "ObjectEvent",
        "eventTime": "2026-09-01T06:00:00+05:30",
        "eventTimeZoneOffset": "+05:30",
        "action": "ADD",
        "bizStep": "commissioning",
        "quantityList": [{"epcClass": FIBRE, "quantity": 120.5, "uom": "KGM"}],
        "ilmd": {
            "ecolaura:originCountry": "IN",
            "ecolaura:materials": [{"material": "organic cotton", "kg": 0.2}],
            "ecolaura:certificates": ["GOTS-CU-1234"],
        },
        "ecolaura:country": "IN",
    },
    {
        "type": "TransformationEvent",
        "eventTime": "2026-10-03T10:00:00+01:00",
        "eventTimeZoneOffset": "+01:00",
        "bizStep": "commissioning",
        "inputQuantityList": [{"epcClass": FIBRE, "quantity": 0.2, "uom": "KGM"}],
        "outputEPCList": [f"{LINK}/10/LOT-42"],
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
        "epcList": [f"{LINK}/10/LOT-42"],
        "bizTransactionList": [{"type": "po", "bizTransaction": "urn:ecolaura:po:77"}],
        "ecolaura:country": "PT",
    },
    {
        "type": "ObjectEvent",
        "eventTime": "2026-11-02T09:30:00+01:00",
        "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE",
        "bizStep": "receiving",
        "disposition": "in_progress",
        "epcList": [f"{LINK}/10/LOT-42"],
        "quantityList": [
            {"epcClass": f"{LINK}/10/LOT-42", "quantity": 1e-7},
            {"epcClass": LINK, "quantity": 3},
        ],
        "ecolaura:country": "DE",
    },
]
# Other products' events around them: the timeline's leaves are not contiguous.
OTHERS = 7
MINE = (
    1,
    3,
    4,
    10,
)  # leaf indexes of EVENTS; the tree has OTHERS + len(EVENTS) leaves, the last one unsigned
CANONICAL_VALUES: list[Any] = [
    120.5,
    0.2,
    1e-7,
    1e21,
    123456789012.5,
    -0.0,
    3.0,
    {"b": [1, "ü", {"€": True, "a": None}], "a": 'quote" backslash\\ tab\t é \u2028 \U0001f600'},
]


def build() -> dict[str, Any]:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    structs = [msgspec.convert(e, EpcisEvent, strict=False) for e in EVENTS]
    size = OTHERS + len(EVENTS)
    leaves: list[tuple[bytes, bytes] | None] = [None] * size
    for index, event in zip(MINE, structs, strict=True):
        leaves[index] = leaf_of(event)
    filler = iter(range(100))
    leaf_list = [
        found if found is not None else (data := f"other-{next(filler)}".encode(), merkle.leaf_hash(data))
        for found in leaves
    ]
    signed = size - 1  # the last event waits for the next tree head
    nodes: dict[merkle.Node, bytes] = {}
    for index, (_, leaf) in enumerate(leaf_list):
        nodes.update(merkle.new_nodes(index, leaf, nodes.__getitem__))
    root = merkle.root_hash(signed, nodes.__getitem__)
    assert root == merkle.root_of([h for _, h in leaf_list[:signed]])  # noqa: S101
    head = {
        "tree_size": signed,
        "root_hash": b64(root),
        "issued_at": ISSUED_AT,
        "key_id": key_id(key),
        "signature": b64(sign_head(key, signed, root, ISSUED_AT)),
    }

    def item(index: int) -> dict[str, Any]:
        data, leaf = leaf_list[index]
        return {
            "leaf_index": index,
            "leaf_hash": b64(leaf),
            "recorded_at": "2026-11-20T08:00:00.000Z",
            "event": json.loads(data),
        }

    events = [
        item(i) | {"inclusion_proof": [b64(p) for p in merkle.inclusion_proof(i, signed, nodes.__getitem__)]}
        for i in MINE
        if i < signed
    ]
    timeline = {
        "product_id": "00000000-0000-4000-8000-000000000001",
        "gtin": "09506000000018",
        "digital_link": LINK,
        "tree_head": head,
        "events": events,
        "pending": [item(i) for i in MINE if i >= signed],
        "keys": public_jwks(key),
    }
    verify_timeline(timeline, timeline["keys"])  # the Python verifier accepts it
    return {
        "timeline": timeline,
        "canonical": [{"value": v, "json": rfc8785.dumps(v).decode()} for v in CANONICAL_VALUES],
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
