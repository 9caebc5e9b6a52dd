"""Identity: who is calling, proven by a signed access token.

``tokens`` holds the port (a verifier turns a token into a ``Principal``) and
the claim shape both providers share; ``jwks`` verifies tokens against a JSON
Web Key Set; ``signing`` and ``local`` are the built-in provider (the embedded
default); ``supertokens`` is the production verifier.
"""
