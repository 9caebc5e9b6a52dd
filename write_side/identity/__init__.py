"""Identity, in one place: who is calling, proven by a signed access token, and the keys that sign.

``tokens`` holds the port (a verifier turns a token into a ``Principal``) and
the claim shape both providers share; ``jwks`` verifies tokens against a JSON
Web Key Set; ``signing`` (the RSA key and its tokens) and ``local_sessions``
(sign-in, refresh with rotation, sign-out) are the built-in provider, the
embedded default; ``supertokens`` is the production verifier; ``setup`` picks
one from the settings; ``guards`` gives the HTTP routes of both APIs their
caller; ``badge_key`` is the Ed25519 key that signs badges and provenance heads.
"""
