"""The OpenAPI document: Litestar's, with exact schemas, every error, security and links.

Routes declare read models served as stored bytes (``stored``) and the errors their
rules add (``problems``); everything an operation's shape implies is added for all
of them in one place (``_operations``).
"""

from ecolaura.http.openapi._document import ContractConfig, finish, msgspec_components
from ecolaura.http.openapi._responses import problems, stored

__all__ = ["ContractConfig", "finish", "msgspec_components", "problems", "stored"]
