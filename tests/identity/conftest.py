"""One core stub and one signing key for the identity tests (the SDK is initialised once per process)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.identity.jwks_stub import JwksStub, jwks_stub
from write_side.identity.signing import Signer


@pytest.fixture(scope="session")
def signer() -> Signer:
    return Signer(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="session")
def stub(signer: Signer) -> Iterator[JwksStub]:
    with jwks_stub([signer]) as running:
        yield running
