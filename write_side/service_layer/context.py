"""Who runs a command, and when: what every handler is given besides the command."""

from __future__ import annotations

from dataclasses import dataclass

from write_side.contracts import commands as cmds
from write_side.domain.errors import ForbiddenError


@dataclass(frozen=True, slots=True)
class Context:
    actor: cmds.Actor
    now: str


def require_role(ctx: Context, *roles: str) -> None:
    if ctx.actor.role not in roles:
        raise ForbiddenError(f"this needs the {' or '.join(roles)} role; you are {ctx.actor.role}")
