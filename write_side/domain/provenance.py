"""Provenance: GS1 identifiers, and how an EPCIS event becomes a leaf of the transparency log.

An accepted event is encoded as the strict struct read it (unknown fields were
refused, defaults omitted), canonicalised with RFC 8785 (JSON Canonicalization
Scheme) and hashed as an RFC 9162 leaf; anyone holding the event's JSON can
recompute its leaf hash and check it against a signed tree head.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

import msgspec
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from write_side.contracts.epcis import EpcisEvent
from write_side.domain import merkle
from write_side.domain.errors import InvalidInputError

_LINK = re.compile(
    r"^https?://[^/]+(?:/[A-Za-z0-9._~-]+)*?/01/(\d{14})(?:/10/([!-~]{1,20}?))?(?:/21/([!-~]{1,20}))?$"
)


@dataclass(frozen=True, slots=True)
class DigitalLink:
    gtin: str  # 14 digits
    lot: str | None
    serial: str | None


def check_digit(digits: str) -> int:
    """The GS1 check digit of ``digits`` (all but the last digit of a GTIN)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def gtin(company_prefix: str, item: int) -> str:
    """A GTIN-14 (indicator 0) of ``item`` under ``company_prefix``, with its check digit."""
    body = f"0{company_prefix}{item:0{12 - len(company_prefix)}d}"
    if len(body) != 13:
        raise ValueError(f"item {item} does not fit under company prefix {company_prefix}")
    return body + str(check_digit(body))


def parse_link(uri: str) -> DigitalLink:
    """A Digital Link URI's GTIN, lot and serial; ``InvalidInputError`` when it is not one."""
    found = _LINK.match(uri)
    if found is None:
        raise InvalidInputError(
            f"'{uri}' is not a GS1 Digital Link URI (https://…/01/{{gtin}}…)", field="epcList"
        )
    code, lot, serial = found.groups()
    if int(code[-1]) != check_digit(code[:-1]):
        raise InvalidInputError(f"GTIN {code} in '{uri}' has a wrong check digit", field="epcList")
    return DigitalLink(code, lot, serial)


def link(resolver: str, code: str, lot: str | None = None, serial: str | None = None) -> str:
    """The Digital Link URI of a product (and lot, and item) under ``resolver``."""
    uri = f"{resolver.rstrip('/')}/01/{code}"
    if lot:
        uri += f"/10/{lot}"
    if serial:
        uri += f"/21/{serial}"
    return uri


def canonical(event: EpcisEvent) -> bytes:
    """The event's bytes in the log: RFC 8785 over its strict JSON form."""
    return bytes(rfc8785.dumps(msgspec.to_builtins(event)))


def leaf_of(event: EpcisEvent) -> tuple[bytes, bytes]:
    """The canonical bytes of ``event`` and their RFC 9162 leaf hash."""
    data = canonical(event)
    return data, merkle.leaf_hash(data)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise VerificationError(f"{what} is not base64") from None


class VerificationError(ValueError):
    """What an auditor is told when a timeline, a tree head or a proof does not check out."""


def head_message(tree_size: int, root_hash: bytes, issued_at: str) -> bytes:
    """The bytes a tree head's signature covers: RFC 8785 JSON of its size, root and time."""
    return bytes(rfc8785.dumps({"issued_at": issued_at, "root_hash": b64(root_hash), "tree_size": tree_size}))


def sign_head(key: Ed25519PrivateKey, tree_size: int, root_hash: bytes, issued_at: str) -> bytes:
    return key.sign(head_message(tree_size, root_hash, issued_at))


def _public_keys(jwks: dict[str, Any]) -> dict[str, Ed25519PublicKey]:
    keys = {}
    for jwk in jwks.get("keys", []):
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and "kid" in jwk and "x" in jwk:
            raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
            keys[jwk["kid"]] = Ed25519PublicKey.from_public_bytes(raw)
    return keys


def verify_head(head: dict[str, Any], jwks: dict[str, Any]) -> bytes:
    """Check a tree head's signature with ``jwks``; returns its root hash."""
    try:
        size, issued_at, key_id = int(head["tree_size"]), str(head["issued_at"]), str(head["key_id"])
        root, signature = unb64(head["root_hash"], "root_hash"), unb64(head["signature"], "signature")
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(f"the tree head is malformed: {exc}") from None
    key = _public_keys(jwks).get(key_id)
    if key is None:
        raise VerificationError(f"the tree head is signed by key {key_id}, which the key set does not hold")
    try:
        key.verify(signature, head_message(size, root, issued_at))
    except InvalidSignature:
        raise VerificationError(f"the signature of the tree head of size {size} is not the log's") from None
    return root


def verify_timeline(export: dict[str, Any], jwks: dict[str, Any]) -> list[str]:
    """Check an exported timeline offline; the lines of a report, raising at the first thing that broke.

    Each event's leaf hash is recomputed from its JSON (RFC 8785), its inclusion proof is
    checked against the signed tree head, and the leaves must be distinct and in log order.
    """
    head = export.get("tree_head")
    if not isinstance(head, dict):
        raise VerificationError("the timeline carries no signed tree head")
    root = verify_head(head, jwks)
    size = int(head["tree_size"])
    report = [
        f"tree head: {size} entries, root {root.hex()[:16]}…, signed by {head['key_id']}: signature valid"
    ]
    previous = -1
    for n, item in enumerate(export.get("events", []), start=1):
        index = int(item["leaf_index"])
        if index <= previous:
            raise VerificationError(f"event {n} (leaf {index}) is out of log order after leaf {previous}")
        previous = index
        leaf = merkle.leaf_hash(bytes(rfc8785.dumps(item["event"])))
        if b64(leaf) != item.get("leaf_hash"):
            raise VerificationError(
                f"event {n} (leaf {index}) was changed: its content does not hash to its leaf"
            )
        proof = [unb64(p, f"event {n}'s proof") for p in item.get("inclusion_proof", [])]
        try:
            merkle.verify_inclusion(leaf, index, size, proof, root)
        except merkle.ProofError as exc:
            raise VerificationError(f"event {n} (leaf {index}) is not in the signed log: {exc}") from None
        report.append(
            f"event {n}: leaf {index}, {item['event'].get('type')} {item['event'].get('bizStep', '')}: included"
        )
    return report


def verify_consistency_export(old: dict[str, Any], proof_doc: dict[str, Any], jwks: dict[str, Any]) -> str:
    """Check that the log grew from the saved head ``old`` to the newer head in ``proof_doc``, rewriting nothing."""
    old_root = verify_head(old, jwks)
    new = proof_doc.get("to")
    if not isinstance(new, dict):
        raise VerificationError("the consistency document has no newer tree head")
    new_root = verify_head(new, jwks)
    old_size, new_size = int(old["tree_size"]), int(new["tree_size"])
    proof = [unb64(p, "the consistency proof") for p in proof_doc.get("proof", [])]
    try:
        merkle.verify_consistency(old_size, new_size, old_root, new_root, proof)
    except merkle.ProofError as exc:
        raise VerificationError(
            f"the log of {new_size} entries does not extend the one of {old_size}: {exc}"
        ) from None
    return (
        f"consistent: the log of {new_size} entries extends the saved one of {old_size} without rewriting it"
    )


class LogAudit:
    """Replays the whole log, page by page, against a signed tree head: every leaf, in order.

    What a Certificate Transparency monitor does: each entry must hash to its leaf, leaves must
    come densely from 0, and the tree they make must have the head's root. A changed, missing,
    added or reordered entry anywhere in the log is named.
    """

    def __init__(self, head: dict[str, Any], jwks: dict[str, Any]) -> None:
        self.root = verify_head(head, jwks)
        self.size = int(head["tree_size"])
        self.leaves: list[bytes] = []

    def add_page(self, entries: list[dict[str, Any]]) -> None:
        for item in entries:
            index = int(item["leaf_index"])
            if index != len(self.leaves):
                raise VerificationError(
                    f"leaf {len(self.leaves)} is missing: the log goes on at leaf {index}"
                    if index > len(self.leaves)
                    else f"leaf {index} appears again after leaf {len(self.leaves) - 1}"
                )
            leaf = merkle.leaf_hash(bytes(rfc8785.dumps(item["event"])))
            if b64(leaf) != item.get("leaf_hash"):
                raise VerificationError(f"leaf {index} was changed: its content does not hash to its leaf")
            self.leaves.append(leaf)

    def finish(self) -> str:
        if len(self.leaves) < self.size:
            raise VerificationError(
                f"the log holds {len(self.leaves)} entries; the signed head covers {self.size}"
            )
        nodes: dict[merkle.Node, bytes] = {}
        for index, leaf in enumerate(self.leaves[: self.size]):
            nodes.update(merkle.new_nodes(index, leaf, nodes.__getitem__))
        if merkle.root_hash(self.size, nodes.__getitem__) != self.root:
            raise VerificationError(
                f"the {self.size} entries do not make the signed head's root: the log was rewritten"
            )
        return f"audited: all {self.size} entries hash to their leaves and make the signed root"
