"""``ecolaura provenance``: check a product's timeline, or the log's history, offline.

An auditor keeps the log's public keys (``GET /api/v1/provenance/keys``) and the
tree heads they were shown. ``verify`` checks an exported timeline: every event
hashes to its leaf, every leaf is in the signed tree. ``consistency`` checks that
a newer tree head extends a saved older one, so nothing was rewritten or removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.progress import Progress

from ecolaura.cli_badges import read_json
from write_side.domain.provenance import (
    LogAudit,
    VerificationError,
    verify_consistency_export,
    verify_timeline,
)

provenance_app = typer.Typer(
    help="The provenance log: verify timelines and the log's history offline.", no_args_is_help=True
)

KeysOption = Annotated[
    Path | None,
    typer.Option(
        "--keys", help="The log's public keys (JWKS) you trust; else those inside the file, with a warning."
    ),
]


def _keys(keys: Path | None, document: dict[str, Any]) -> dict[str, Any]:
    if keys is not None:
        return read_json(keys, "key set")
    typer.secho(
        "warning: checking against the keys inside the file; pass --keys with keys you got independently",
        fg=typer.colors.YELLOW,
        err=True,
    )
    embedded = document.get("keys")
    if not isinstance(embedded, dict):
        raise typer.BadParameter("the file carries no keys: pass --keys")
    return embedded


def _timeline(source: str, api: str) -> dict[str, Any]:
    path = Path(source)
    if path.exists():
        return read_json(path, "timeline")
    response = httpx.get(f"{api.rstrip('/')}/api/v1/provenance/{source}", timeout=30)
    if response.status_code != 200:
        raise typer.BadParameter(
            f"{source} is neither a file nor a product the API knows ({response.status_code})"
        )
    document: dict[str, Any] = response.json()
    return document


@provenance_app.command("verify")
def verify_command(
    source: Annotated[
        str, typer.Argument(help="An exported timeline (JSON file), or a product id to fetch one.")
    ],
    keys: KeysOption = None,
    api: Annotated[
        str, typer.Option(help="Where to fetch a product's timeline from.")
    ] = "http://127.0.0.1:8000",
    save: Annotated[Path | None, typer.Option(help="Keep the fetched timeline in this file.")] = None,
) -> None:
    """Check every event of a timeline against the signed tree head: exit 0 if all hold, 1 at the first that does not."""
    timeline = _timeline(source, api)
    if save is not None:
        save.write_text(json.dumps(timeline, indent=1))
    try:
        report = verify_timeline(timeline, _keys(keys, timeline))
    except VerificationError as exc:
        typer.secho(f"NOT VERIFIED: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    for line in report:
        typer.echo(line)
    pending = len(timeline.get("pending", []))
    typer.secho(
        f"verified: {len(report) - 1} events of product {timeline.get('product_id')}"
        + (f" ({pending} newer events wait for the next tree head)" if pending else ""),
        fg=typer.colors.GREEN,
    )


@provenance_app.command("consistency")
def consistency_command(
    old_head: Annotated[
        Path, typer.Argument(help="A tree head you saved earlier (GET /api/v1/provenance/tree-head).")
    ],
    proof: Annotated[Path, typer.Argument(help="GET /api/v1/provenance/consistency?from=OLD&to=NEW, saved.")],
    keys: Annotated[Path, typer.Option("--keys", help="The log's public keys (JWKS).")],
) -> None:
    """Check that the log only grew since ``old_head``: exit 0 if so, 1 if it was rewritten."""
    old, document = read_json(old_head, "tree head"), read_json(proof, "consistency proof")
    if document.get("from") != old:
        typer.secho(
            "NOT CONSISTENT: the proof starts from another tree head than the one you saved",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(1)
    try:
        typer.secho(
            verify_consistency_export(old, document, read_json(keys, "key set")), fg=typer.colors.GREEN
        )
    except VerificationError as exc:
        typer.secho(f"NOT CONSISTENT: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None


@provenance_app.command("audit")
def audit_command(
    keys: Annotated[Path, typer.Option("--keys", help="The log's public keys (JWKS).")],
    api: Annotated[str, typer.Option(help="The API whose log to audit.")] = "http://127.0.0.1:8000",
) -> None:
    """Replay the whole log against its latest signed head: exit 0 if every entry checks out, 1 otherwise."""
    base = f"{api.rstrip('/')}/api/v1/provenance"
    with httpx.Client(timeout=60) as client:
        head = client.get(f"{base}/tree-head").json()
        try:
            audit = LogAudit(head, read_json(keys, "key set"))
            with Progress() as progress:
                task = progress.add_task("replaying the log", total=audit.size)
                start = 0
                while start < audit.size:
                    page = client.get(f"{base}/entries", params={"start": start, "limit": 1000}).json()[
                        "entries"
                    ]
                    if not page:
                        break
                    audit.add_page(page)
                    start += len(page)
                    progress.update(task, completed=min(start, audit.size))
            typer.secho(audit.finish(), fg=typer.colors.GREEN)
        except VerificationError as exc:
            typer.secho(f"NOT VERIFIED: {exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from None
