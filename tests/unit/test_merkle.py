"""RFC 9162 Merkle trees: our tree hash and proofs against the definitions and against pymerkle.

pymerkle (GPL-3.0) is an independent implementation, used here only: its roots and inclusion paths
must equal ours. Its consistency proofs are laid out differently from RFC 9162's, so ours are
checked by the RFC's verification algorithm, for every pair of sizes.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymerkle import InmemoryTree

from write_side.domain import merkle


def build(n: int) -> tuple[list[bytes], dict[merkle.Node, bytes]]:
    leaves = [merkle.leaf_hash(b"entry %d" % i) for i in range(n)]
    nodes: dict[merkle.Node, bytes] = {}
    for i, leaf in enumerate(leaves):
        nodes.update(merkle.new_nodes(i, leaf, nodes.__getitem__))
    return leaves, nodes


def flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 1]) + data[position + 1 :]


def test_the_empty_tree_and_a_single_leaf_hash_as_the_rfc_says() -> None:
    assert merkle.root_of([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    (leaf,), nodes = build(1)
    assert merkle.root_of([leaf]) == leaf == merkle.root_hash(1, nodes.__getitem__)
    assert leaf == merkle.leaf_hash(b"entry 0") != merkle.node_hash(b"", b"entry 0")


@given(st.integers(1, 200))
def test_the_root_from_stored_subtrees_is_the_tree_hash(n: int) -> None:
    leaves, nodes = build(n)
    assert merkle.root_hash(n, nodes.__getitem__) == merkle.root_of(leaves)
    assert len(nodes) < 2 * n  # perfect subtrees only: about two per leaf


@given(st.integers(1, 130), st.data())
def test_every_inclusion_proof_verifies_and_any_changed_byte_fails(n: int, data: st.DataObject) -> None:
    leaves, nodes = build(n)
    root = merkle.root_of(leaves)
    index = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(index, n, nodes.__getitem__)
    merkle.verify_inclusion(leaves[index], index, n, proof, root)
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(flip(leaves[index], data.draw(st.integers(0, 31))), index, n, proof, root)
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:which], flip(proof[which], 0), *proof[which + 1 :]]
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(leaves[index], index, n, bad, root)
    if n > 1:
        with pytest.raises(merkle.ProofError):  # the same proof for another place
            merkle.verify_inclusion(leaves[index], (index + 1) % n, n, proof, root)


@given(st.integers(1, 100), st.data())
def test_every_consistency_proof_verifies_and_a_rewritten_history_fails(n: int, data: st.DataObject) -> None:
    leaves, nodes = build(n)
    old = data.draw(st.integers(1, n))
    proof = merkle.consistency_proof(old, n, nodes.__getitem__)
    merkle.verify_consistency(old, n, merkle.root_of(leaves[:old]), merkle.root_of(leaves), proof)
    rewritten = [*leaves[: old - 1], merkle.leaf_hash(b"rewritten")]
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(old, n, merkle.root_of(rewritten), merkle.root_of(leaves), proof)
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:which], flip(proof[which], 5), *proof[which + 1 :]]
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(old, n, merkle.root_of(leaves[:old]), merkle.root_of(leaves), bad)


def test_every_pair_of_sizes_up_to_64_is_consistent() -> None:
    leaves, nodes = build(64)
    for new in range(1, 65):
        for old in range(1, new + 1):
            proof = merkle.consistency_proof(old, new, nodes.__getitem__)
            merkle.verify_consistency(
                old, new, merkle.root_of(leaves[:old]), merkle.root_of(leaves[:new]), proof
            )


@given(st.integers(1, 70))
def test_roots_and_inclusion_paths_equal_pymerkles(n: int) -> None:
    tree = InmemoryTree(algorithm="sha256")  # security on: RFC 9162's 0x00 and 0x01 prefixes
    for i in range(n):
        tree.append_entry(b"entry %d" % i)
    _, nodes = build(n)
    assert tree.get_root(n) == merkle.root_hash(n, nodes.__getitem__)
    for index in range(n):
        theirs = [bytes.fromhex(h) for h in tree.prove_inclusion(index + 1, n).serialize()["path"]]
        assert theirs[1:] == merkle.inclusion_proof(
            index, n, nodes.__getitem__
        )  # theirs starts with the leaf


def test_a_proof_reads_few_stored_hashes_at_a_million_leaves() -> None:
    needed = merkle.nodes_for(merkle.ranges_for_inclusion(777_777, 1_000_003))
    assert len(needed) <= 2 * 20
    with pytest.raises(merkle.ProofError):
        merkle.ranges_for_inclusion(5, 5)
