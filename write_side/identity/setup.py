"""Which verifier and which issuer a process uses, from its settings."""

from __future__ import annotations

from ecolaura.settings import Settings
from write_side.identity.jwks import JwksVerifier, KeySet, RemoteKeySet, StaticKeySet
from write_side.identity.signing import ISSUER, Signer, load_or_create_key
from write_side.identity.tokens import TokenVerifier


def local_signer(settings: Settings) -> Signer:
    return Signer(load_or_create_key(settings.identity_key_file))


def make_verifier(settings: Settings) -> TokenVerifier:
    """SuperTokens when a core is configured; else the local provider's keys, from a JWKS URL or the key file."""
    if settings.supertokens_connection_uri:
        from write_side.identity.supertokens import SuperTokensVerifier  # noqa: PLC0415 - an optional extra

        return SuperTokensVerifier(
            settings.supertokens_connection_uri, settings.api_domain, settings.supertokens_api_key
        )
    if settings.identity_jwks_url:
        keys: KeySet = RemoteKeySet(settings.identity_jwks_url)
    else:
        keys = StaticKeySet(local_signer(settings).jwks())
    return JwksVerifier(keys, issuer=ISSUER, cache_size=settings.identity_token_cache)
