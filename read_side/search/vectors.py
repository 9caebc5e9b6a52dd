"""Product vectors held in memory for brute-force nearest-neighbour search.

At catalog sizes up to a few hundred thousand products a dot product against
every row (one BLAS matrix-vector product) is exact and takes milliseconds, so
no approximate index is needed (benchmarks/search_quality.py measures it at
100k). The table is filled from the index's stored vectors and follows it
incrementally: rows are keyed by a 63-bit key of the product id, and a
changed product replaces its row. A removed product's row stays until the table
is built again; callers check every candidate against the index (which also
applies the filters), so a stale row can never be answered.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

from read_side.search.embedding import DIMENSIONS, Matrix

_FIRST_CAPACITY = 1024


def product_key(product_id: str) -> int:
    """A product's 63-bit key: an integer the index can hand back without reading the document."""
    return int.from_bytes(hashlib.blake2b(product_id.encode(), digest_size=8).digest(), "big") >> 1


class VectorTable:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.row_keys: list[int] = []
        self.keys: dict[int, int] = {}  # key -> row
        self._data: Matrix = np.zeros((_FIRST_CAPACITY, DIMENSIONS), dtype=np.float32)
        self.seq = -1  # the newest index commit whose vectors are in the table

    def __len__(self) -> int:
        return len(self.ids)

    def apply(self, ids: list[str], vectors: Matrix) -> None:
        """Add or replace the rows of ``ids``."""
        for product_id, vector in zip(ids, vectors, strict=True):
            key = product_key(product_id)
            row = self.keys.get(key)
            if row is None:
                row = len(self.ids)
                if row == len(self._data):
                    grown = np.zeros((2 * len(self._data), DIMENSIONS), dtype=np.float32)
                    grown[:row] = self._data[:row]
                    self._data = grown
                self.ids.append(product_id)
                self.row_keys.append(key)
                self.keys[key] = row
            self._data[row] = vector

    def nearest(
        self, query: npt.NDArray[np.float32], limit: int, rows: list[int] | None = None
    ) -> list[tuple[str, int, float]]:
        """The ``limit`` rows (of ``rows``, or all) most similar to ``query`` (a unit vector), best
        first: each product's id, key and cosine similarity."""
        n = len(self.ids)
        if n == 0 or limit <= 0 or rows == []:
            return []
        # numpy's own single-threaded loop, not BLAS: OpenBLAS's threads cost 40x on a busy 2-core
        # machine for a table this size (1.3 ms against 0.03 ms single-threaded for 2k rows), and
        # limiting them per call costs more than the product itself.
        chosen = np.arange(n) if rows is None else np.asarray(rows)
        matrix = self._data[:n] if rows is None else self._data[chosen]
        scores = np.einsum("ij,j->i", matrix, query)
        if limit < len(scores):
            top = np.argpartition(-scores, limit - 1)[:limit]
            order = top[np.argsort(-scores[top], kind="stable")]
        else:
            order = np.argsort(-scores, kind="stable")
        return [
            (self.ids[r], self.row_keys[r], float(scores[i]))
            for i, r in zip(order, chosen[order], strict=True)
        ]
