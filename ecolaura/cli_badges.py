"""``ecolaura badges``: check a downloaded badge credential offline, and publish the key that signs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ecolaura.settings import get_settings
from read_side.badges import CredentialError, verify_credential
from write_side.identity.badge_key import load_or_create_badge_key, public_jwks

badges_app = typer.Typer(
    help="Open Badges 3.0 credentials: verify them offline, show the signing keys.", no_args_is_help=True
)


def badge_key_path() -> Path:
    """Where the badge key lives: ``BADGE_KEY_FILE``, by default beside the access-token key."""
    return get_settings().badge_key_file


def read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(f"cannot read the {what} in {path}: {exc}") from None
    if not isinstance(document, dict):
        raise typer.BadParameter(f"{path} does not hold a JSON object")
    return document


@badges_app.command("verify")
def verify_command(
    credential_file: Annotated[
        Path, typer.Argument(help="A VC-JWT: the compact JWS of one badge credential.")
    ],
    jwks: Annotated[Path, typer.Option("--jwks", help="The issuer's JSON Web Key Set, as a file.")],
) -> None:
    """Verify CREDENTIAL_FILE against the keys in --jwks, without any network access.

    Exit code 0 when the badge is authentic and valid now, 1 (with the reason) otherwise.
    """
    key_set = read_json(jwks, "key set")
    try:
        token = credential_file.read_text()
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {credential_file}: {exc}") from None
    try:
        credential = verify_credential(token, key_set)
    except CredentialError as exc:
        typer.echo(f"not valid: {exc}", err=True)  # plain text: the reason may hold brackets
        raise typer.Exit(1) from None
    subject = credential["credentialSubject"]
    issuer = credential["issuer"]
    issuer_text = f"{issuer.get('name', '')} ({issuer['id']})" if isinstance(issuer, dict) else issuer
    typer.echo(f"badge:      {subject['achievement'].get('name', '?')}")
    typer.echo(f"recipient:  {subject['id']}")
    typer.echo(f"issuer:     {issuer_text}")
    typer.echo(f"valid from: {credential['validFrom']}")
    typer.echo("valid")


@badges_app.command("jwks")
def jwks_command() -> None:
    """Print the public key set of this machine's badge key (created on first use) for verifiers."""
    typer.echo(json.dumps(public_jwks(load_or_create_badge_key(badge_key_path())), indent=2))
