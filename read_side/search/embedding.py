"""Dense vectors for products and queries, from a model that ships inside its wheel (offline).

The model is WordLlama (``wordllama`` on PyPI): static token embeddings taken
from a large language model and trained for similarity, 256 dimensions, about
16 MB of weights inside the wheel. A query is embedded in well under a
millisecond on a CPU, with no torch. It was chosen by measurement over
``all-MiniLM-L6-v2`` packaged as a wheel, whose install pulls torch and the CUDA
libraries (see README, "Search").

Nothing is ever downloaded. WordLlama looks for its tokenizer in a folder named
``tokenizer`` beside its module, but its wheel (0.4.0.post1, the newest) packs it
under ``tokenizers``; its cache layout, though, is ``{cache}/tokenizers`` and
``{cache}/weights``, which is exactly the package's own folder. So the package
folder is given as the cache, and downloads are disabled: a missing file is an
error, not a network call.

Vectors are unit length, so a dot product is the cosine. Stored vectors are
int8 with a per-vector scale (260 bytes each): a 100k-product catalog is 26 MB
on disk, held as float32 (100 MB) in memory for BLAS speed.
"""

from __future__ import annotations

import asyncio
import functools
import re
import struct
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from read_side.search.port import SearchDocument

DIMENSIONS = 256
VECTOR_BYTES = DIMENSIONS + 4  # int8 components, then the float32 scale
Matrix = npt.NDArray[np.float32]
_SPACES = re.compile(r"\s+")


class EmbeddingError(RuntimeError):
    """The embedding model could not be loaded from the installed package."""


@functools.cache
def _model() -> object:
    try:
        import wordllama  # noqa: PLC0415 - only processes that embed pay for the import
        from wordllama import WordLlama  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise EmbeddingError(f"the embedding model is not installed: {exc}") from None
    package = Path(wordllama.__file__).parent
    try:
        return WordLlama.load(config="l2_supercat", dim=DIMENSIONS, cache_dir=package, disable_download=True)
    except FileNotFoundError as exc:
        raise EmbeddingError(f"the embedding model's files are missing from {package}: {exc}") from None


def embed(texts: list[str]) -> Matrix:
    """One unit-length float32 row per text (a text with no known token gives a zero row)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(_model().embed(texts, norm=True), dtype=np.float32)  # type: ignore[attr-defined]
    return np.nan_to_num(vectors, copy=False)


async def embed_query(text: str) -> npt.NDArray[np.float32]:
    """``text``'s vector; the process's first call loads the model (about 1.5 s) on a thread."""
    rows = embed([text]) if _model.cache_info().currsize else await asyncio.to_thread(embed, [text])
    vector: npt.NDArray[np.float32] = rows[0]
    return vector


def document_text(doc: SearchDocument) -> str:
    """What a product's vector is made of: its name, kind, materials and description."""
    parts = (doc.name, doc.category.replace("-", " "), ", ".join(doc.materials), doc.description)
    return _SPACES.sub(" ", ". ".join(p for p in parts if p))


def encode(vector: npt.NDArray[np.float32]) -> bytes:
    """A unit vector as int8 components scaled by its largest magnitude, then that scale."""
    peak = float(np.abs(vector).max()) if vector.size else 0.0
    scale = peak / 127 if peak > 0 else 1.0
    quantised = np.clip(np.rint(vector / scale), -127, 127).astype(np.int8)
    return bytes(quantised.tobytes()) + struct.pack("<f", scale)


def decode_many(blobs: list[bytes]) -> Matrix:
    """Stored vectors back as float32 rows; a blob of the wrong size (another model) is a zero row."""
    out = np.zeros((len(blobs), DIMENSIONS), dtype=np.float32)
    for i, blob in enumerate(blobs):
        if len(blob) == VECTOR_BYTES:
            (scale,) = struct.unpack("<f", blob[DIMENSIONS:])
            out[i] = np.frombuffer(blob, dtype=np.int8, count=DIMENSIONS).astype(np.float32) * scale
    return out
