"""Per-customer data keys and sealing of personal fields (crypto-shredding).

Each customer gets a random 256-bit key in ``customer_keys``; personal fields in
event payloads are AES-256-GCM ciphertexts under that key, bound to the
customer and field name as associated data so a ciphertext cannot be moved to
another field or person. Deleting the key erases the person from the log and
from every rebuild that reads it.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters.tables import customer_keys
from write_side.contracts.events import SealedText

_NONCE_BYTES = 12
ERASED = "[erased]"


def new_data_key() -> bytes:
    """A fresh random AES-256 key."""
    return os.urandom(32)


def seal(key: bytes, key_id: str, field: str, plaintext: str) -> SealedText:
    """Encrypt ``plaintext`` for ``field`` of the customer ``key_id``."""
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext.encode(), f"{key_id}:{field}".encode())
    return SealedText(key_id=key_id, ciphertext=base64.urlsafe_b64encode(nonce + ciphertext).decode())


def unseal(key: bytes | None, sealed: SealedText, field: str) -> str:
    """Decrypt a sealed field; ``ERASED`` when the key has been shredded."""
    if key is None:
        return ERASED
    raw = base64.urlsafe_b64decode(sealed.ciphertext)
    try:
        return (
            AESGCM(key)
            .decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], f"{sealed.key_id}:{field}".encode())
            .decode()
        )
    except InvalidTag as exc:
        raise ValueError(f"sealed {field} of {sealed.key_id} fails authentication") from exc


async def create_key(conn: AsyncConnection, customer_id: str) -> bytes:
    """Store and return a new key for ``customer_id``."""
    key = new_data_key()
    await conn.execute(insert(customer_keys).values(customer_id=customer_id, data_key=key))
    return key


async def ensure_key(conn: AsyncConnection, customer_id: str) -> bytes:
    """The customer's key, created if missing (customers erased earlier get a new one)."""
    await conn.execute(
        pg_insert(customer_keys)
        .values(customer_id=customer_id, data_key=new_data_key())
        .on_conflict_do_nothing()
    )
    return await fetch_key(conn, customer_id) or b""


async def fetch_key(conn: AsyncConnection, customer_id: str) -> bytes | None:
    """The customer's key, or None once shredded."""
    row = await conn.execute(
        select(customer_keys.c.data_key).where(customer_keys.c.customer_id == customer_id)
    )
    value = row.scalar_one_or_none()
    return bytes(value) if value is not None else None


async def shred_key(conn: AsyncConnection, customer_id: str) -> bool:
    """Delete the customer's key; True if one existed."""
    result = await conn.execute(delete(customer_keys).where(customer_keys.c.customer_id == customer_id))
    return bool(result.rowcount)
