"""Hybrid search's pure parts: rank fusion, int8 vectors, the vector table."""

from __future__ import annotations

import numpy as np

from read_side.search.embedding import DIMENSIONS, VECTOR_BYTES, decode_many, encode
from read_side.search.hybrid import RRF_K, fuse
from read_side.search.vectors import VectorTable, product_key


def test_rrf_adds_both_ranks_and_breaks_ties_on_the_id() -> None:
    fused = fuse([("a", 9.0), ("b", 5.0)], [("b", 0.9), ("c", 0.8)], "rrf")
    assert list(fused) == ["b", "a", "c"]  # b is on both sides
    assert fused["b"] == 1 / (RRF_K + 2) + 1 / (RRF_K + 1)
    assert list(fuse([("y", 1.0)], [("x", 1.0)], "rrf")) == ["x", "y"]  # equal: by id


def test_the_weighted_sum_normalises_each_side() -> None:
    fused = fuse([("a", 20.0), ("b", 10.0)], [("c", 0.9), ("a", 0.1)], "weighted")
    # a: top of BM25 (0.5) and bottom of the nearest side (0); c: top of the nearest side only.
    assert list(fused.items()) == [("a", 0.5), ("c", 0.5), ("b", 0.0)]


def test_int8_vectors_keep_the_cosine() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((50, DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    blobs = [encode(v) for v in vectors]
    assert {len(b) for b in blobs} == {VECTOR_BYTES}
    back = decode_many(blobs)
    assert np.abs((back * vectors).sum(axis=1) - 1).max() < 0.01
    assert not decode_many([b"another model's vector"]).any()  # a wrong size is a zero row


def test_the_table_replaces_a_changed_product_and_grows() -> None:
    table = VectorTable()
    basis = np.eye(DIMENSIONS, dtype=np.float32)
    table.apply([f"p{i}" for i in range(2000)], np.tile(basis[1], (2000, 1)))
    table.apply(["p7"], basis[:1])
    assert len(table) == 2000
    (best,) = table.nearest(basis[0], 1)
    assert best == ("p7", product_key("p7"), 1.0)
    assert [i for i, _, _ in table.nearest(basis[0], 2, rows=[3, 5])] == ["p3", "p5"]
    assert table.nearest(basis[0], 5, rows=[]) == []
