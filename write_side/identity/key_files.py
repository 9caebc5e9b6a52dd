"""Private keys kept in PEM files, created on first use.

Written with ``O_EXCL`` and mode 0600: when two processes start at once, one key
wins and both read it back, so nothing is ever signed by a key that was lost.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes


def load_or_create_pem(path: Path, generate: Callable[[], PrivateKeyTypes]) -> PrivateKeyTypes:
    """The private key in ``path``; ``generate()`` makes one and writes it there when the file is missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)
