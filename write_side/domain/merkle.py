"""RFC 9162 (Certificate Transparency v2) Merkle trees: tree hashes, inclusion and consistency proofs.

Definitions (RFC 9162, section 2.1): the hash of an empty list is SHA-256 of nothing; a leaf
hashes as ``SHA-256(0x00 || entry)``; a node as ``SHA-256(0x01 || left || right)``, where the
left subtree holds the largest power of two of leaves smaller than the whole.

The log stores the hashes of **perfect** subtrees (``2**level`` leaves starting at a multiple of
that), at most two per appended leaf on average. Every range the proofs of RFC 9162 need starts
at such a multiple, so its hash is a combination of a few perfect subtrees: ``ranges_for_*`` say
which ranges a proof needs, ``perfect_parts`` which stored nodes those take, and ``range_hash``
combines them, so a proof over a million leaves reads about forty hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

Node = tuple[int, int]  # (level, index): the hash of leaves [index * 2**level, (index + 1) * 2**level)
Range = tuple[int, int]  # leaves [start, end)
GetNode = Callable[[Node], bytes]

EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or asks for something that cannot exist."""


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (``size`` > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH of leaf hashes, by the definition (for tests and small trees)."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


def perfect_parts(start: int, end: int) -> list[Node]:
    """The perfect subtrees the range's hash combines, left to right (``start`` must be aligned)."""
    size = end - start
    if size <= 0:
        raise ProofError(f"empty range [{start}, {end})")
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        if start % size:
            raise ProofError(f"range [{start}, {end}) is not aligned")
        return [(level, start >> level)]
    k = _split(size)
    return [*perfect_parts(start, start + k), *perfect_parts(start + k, end)]


def range_hash(start: int, end: int, get: GetNode) -> bytes:
    """MTH of leaves [start, end), from stored perfect subtrees."""
    size = end - start
    if size & (size - 1) == 0:
        return get(perfect_parts(start, end)[0])
    k = _split(size)
    return node_hash(range_hash(start, start + k, get), range_hash(start + k, end, get))


def root_hash(size: int, get: GetNode) -> bytes:
    return EMPTY_ROOT if size == 0 else range_hash(0, size, get)


def ranges_for_inclusion(index: int, size: int) -> list[Range]:
    """The ranges whose hashes make PATH(index, D[0:size]), leaf side first (RFC 9162 2.1.3.1)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    path: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append((start + k, end))
            end = start + k
        else:
            path.append((start, start + k))
            start += k
    return path[::-1]


def ranges_for_consistency(old: int, new: int) -> list[Range]:
    """The ranges whose hashes make PROOF(old, D[0:new]) (RFC 9162 2.1.4.1)."""
    if not 0 < old <= new:
        raise ProofError(f"no consistency proof from {old} to {new}")
    proof: list[Range] = []
    start, end, complete = 0, new, True
    while True:
        if old == end:
            if not complete:
                proof.append((start, end))
            break
        k = _split(end - start)
        if old - start <= k:
            proof.append((start + k, end))
            end = start + k
        else:
            proof.append((start, start + k))
            start, complete = start + k, False
    return proof[::-1]


def nodes_for(ranges: Iterable[Range]) -> set[Node]:
    return {node for start, end in ranges for node in perfect_parts(start, end)}


def inclusion_proof(index: int, size: int, get: GetNode) -> list[bytes]:
    return [range_hash(a, b, get) for a, b in ranges_for_inclusion(index, size)]


def consistency_proof(old: int, new: int, get: GetNode) -> list[bytes]:
    return [range_hash(a, b, get) for a, b in ranges_for_consistency(old, new)]


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Raise ``ProofError`` unless ``proof`` puts ``leaf`` at ``index`` of the tree ``root`` (2.1.3.2)."""
    if index >= size:
        raise ProofError(f"leaf index {index} is outside a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is shorter than the tree is deep")
    if r != root:
        raise ProofError("the inclusion proof does not lead to the tree head's root")


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """Raise ``ProofError`` unless the tree ``new_root`` extends the tree ``old_root`` (2.1.4.2)."""
    if _trivially_consistent(old, new, old_root, new_root, proof):
        return
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    if not path:
        raise ProofError("the consistency proof is empty")
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is shorter than the trees are deep")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the older tree head's root")
    if sr != new_root:
        raise ProofError("the consistency proof does not lead to the newer tree head's root")


def _trivially_consistent(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Sizes that need no proof (equal trees, the empty tree), or cannot have one; raises if wrong."""
    if old > new:
        raise ProofError(f"a tree of {old} cannot grow into one of {new}")
    if old == new:
        if proof or old_root != new_root:
            raise ProofError("two heads of one size must have the same root and an empty proof")
        return True
    if old == 0:
        if proof:
            raise ProofError("the empty tree is consistent with every tree, with an empty proof")
        return True
    return False


def new_nodes(index: int, leaf: bytes, get: GetNode) -> list[tuple[Node, bytes]]:
    """The perfect subtrees appending ``leaf`` at ``index`` completes, the leaf itself first."""
    made = [((0, index), leaf)]
    level, i, current = 0, index, leaf
    while i & 1:
        left = get((level, i - 1))
        current = node_hash(left, current)
        level, i = level + 1, i >> 1
        made.append(((level, i), current))
    return made
