"""The provenance log in PostgreSQL: products' GTINs, entries, Merkle nodes and signed tree heads.

The tables are append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). An
append locks the one ``provenance_log`` row, so leaf indexes are dense and in
commit order, and writes its entries, the perfect subtrees they complete and the
new size in the transaction of the command (with its event-log entry).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters.pg import PgSession
from write_side.contracts.commands import Actor
from write_side.domain import merkle
from write_side.domain.provenance import b64


@dataclass(frozen=True, slots=True)
class ProductRef:
    product_id: str
    supplier_id: str | None
    gtin: str


@dataclass(frozen=True, slots=True)
class NewEntry:
    event_type: str
    product_ids: list[str]
    gtins: list[str]
    input_gtins: list[str]
    output_gtins: list[str]
    canonical: bytes
    leaf_hash: bytes
    event_time: datetime


@dataclass(frozen=True, slots=True)
class Entry:
    leaf_index: int
    event_type: str
    canonical: bytes
    leaf_hash: bytes
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class TreeHead:
    tree_size: int
    root_hash: bytes
    issued_at: datetime
    key_id: str
    signature: bytes


def identify(session: PgSession, product_id: str, actor: Actor) -> None:
    """Give a new product its GTIN, and remember the supplier who created it (queued with the product)."""
    session.defer(
        "INSERT INTO provenance_gtins (gtin, product_id) VALUES (next_gtin(), %(p)s)", {"p": product_id}
    )
    if actor.role == "supplier":
        session.defer(
            "UPDATE products SET supplier_id = %(s)s WHERE product_id = %(p)s",
            {"s": actor.actor_id, "p": product_id},
        )


async def products_by_gtin(conn: AsyncConnection, gtins: Iterable[str]) -> dict[str, ProductRef]:
    rows = await conn.execute(
        text(
            "SELECT g.gtin, g.product_id::text, p.supplier_id::text FROM provenance_gtins g "
            "JOIN products p USING (product_id) WHERE g.gtin = ANY(:g)"
        ),
        {"g": sorted(set(gtins))},
    )
    return {r[0]: ProductRef(r[1], r[2], r[0]) for r in rows}


async def product(conn: AsyncConnection, product_id: str) -> ProductRef | None:
    row = (
        await conn.execute(
            text(
                "SELECT g.gtin, p.product_id::text, p.supplier_id::text FROM products p "
                "JOIN provenance_gtins g USING (product_id) WHERE p.product_id = :p"
            ),
            {"p": product_id},
        )
    ).first()
    return None if row is None else ProductRef(row[1], row[2], row[0])


# The log's row holds its size and its right edge: the perfect subtrees of [0, size), left to right,
# which are all an append reads. Both come from the one locked row, so a writer that waited for the
# lock sees the size and the edge its predecessor committed (other tables would be read with the
# statement's older snapshot under READ COMMITTED).
_LOCK_EDGE = "SELECT tree_size, edge FROM provenance_log WHERE id = 1 FOR UPDATE"

_APPEND = """
    WITH entries AS (
        INSERT INTO provenance_entries (leaf_index, event_type, product_ids, gtins, input_gtins, output_gtins,
                                        canonical, leaf_hash, event_time, recorded_by)
        SELECT x.leaf_index, x.event_type, x.product_ids, x.gtins, x.input_gtins, x.output_gtins,
               decode(x.canonical, 'base64'), decode(x.leaf_hash, 'base64'), x.event_time, %(actor)s::uuid
        FROM jsonb_to_recordset(%(entries)s::jsonb) AS x(
            leaf_index bigint, event_type text, product_ids uuid[], gtins text[], input_gtins text[],
            output_gtins text[], canonical text, leaf_hash text, event_time timestamptz)
        RETURNING 1
    ), nodes AS (
        INSERT INTO provenance_nodes (level, idx, hash)
        SELECT y.level, y.idx, decode(y.hash, 'base64')
        FROM jsonb_to_recordset(%(nodes)s::jsonb) AS y(level smallint, idx bigint, hash text)
        RETURNING 1
    )
    UPDATE provenance_log
    SET tree_size = %(size)s,
        edge = ARRAY(SELECT decode(h, 'base64') FROM jsonb_array_elements_text(%(edge)s::jsonb) WITH ORDINALITY
                     AS t(h, n) ORDER BY n)
    WHERE id = 1
"""


async def lock_edge(session: PgSession) -> tuple[int, dict[merkle.Node, bytes]]:
    """The log's size and right edge, its row locked until the transaction ends (appends serialise)."""
    size, edge = (await session.fetch(_LOCK_EDGE))[0]
    parts = merkle.perfect_parts(0, size) if size else []
    return int(size), {node: bytes(digest) for node, digest in zip(parts, edge, strict=True)}


async def size(conn: AsyncConnection) -> int:
    return int((await conn.execute(text("SELECT tree_size FROM provenance_log WHERE id = 1"))).scalar_one())


async def nodes(conn: AsyncConnection, wanted: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    keys = sorted(set(wanted))
    if not keys:
        return {}
    rows = await conn.execute(
        text(
            "SELECT n.level, n.idx, n.hash FROM provenance_nodes n "
            "JOIN unnest(CAST(:levels AS smallint[]), CAST(:idxs AS bigint[])) AS w(level, idx) "
            "USING (level, idx)"
        ),
        {"levels": [k[0] for k in keys], "idxs": [k[1] for k in keys]},
    )
    return {(r[0], r[1]): bytes(r[2]) for r in rows}


def append(  # noqa: PLR0913 - the parts of an append
    session: PgSession,
    start: int,
    entries: list[NewEntry],
    made: list[tuple[merkle.Node, bytes]],
    edge: list[bytes],
    actor: str,
) -> None:
    """Queue ``entries`` from leaf ``start`` on, the subtrees they complete and the new size (sent with the commit)."""
    rows = [
        {
            "leaf_index": start + n,
            "event_type": e.event_type,
            "product_ids": e.product_ids,
            "gtins": e.gtins,
            "input_gtins": e.input_gtins,
            "output_gtins": e.output_gtins,
            "canonical": b64(e.canonical),
            "leaf_hash": b64(e.leaf_hash),
            "event_time": e.event_time.isoformat(),
        }
        for n, e in enumerate(entries)
    ]
    made_rows = [{"level": level, "idx": idx, "hash": b64(digest)} for (level, idx), digest in made]
    session.defer(
        _APPEND,
        {
            "actor": actor,
            "entries": json.dumps(rows),
            "nodes": json.dumps(made_rows),
            "size": start + len(entries),
            "edge": json.dumps([b64(h) for h in edge]),
        },
    )


async def entries_between(conn: AsyncConnection, start: int, end: int) -> list[Entry]:
    """Entries ``start`` to ``end`` (exclusive), in log order: what a monitor replays."""
    rows = await conn.execute(
        text(
            "SELECT leaf_index, event_type, canonical, leaf_hash, recorded_at FROM provenance_entries "
            "WHERE leaf_index >= :s AND leaf_index < :e ORDER BY leaf_index"
        ),
        {"s": start, "e": end},
    )
    return [Entry(r[0], r[1], bytes(r[2]), bytes(r[3]), r[4]) for r in rows]


async def entries_of(conn: AsyncConnection, product_id: str) -> list[Entry]:
    """The product's lineage in log order: its own events, and those of every input it was made from."""
    rows = await conn.execute(
        text(
            """
            WITH RECURSIVE lineage(gtin) AS (
                SELECT CAST(gtin AS text) FROM provenance_gtins WHERE product_id = :p
                UNION
                SELECT unnest(e.input_gtins) FROM provenance_entries e
                JOIN lineage l ON e.output_gtins @> ARRAY[l.gtin]
            )
            SELECT leaf_index, event_type, canonical, leaf_hash, recorded_at FROM provenance_entries
            WHERE gtins && (SELECT array_agg(gtin) FROM lineage) ORDER BY leaf_index
            """
        ),
        {"p": product_id},
    )
    return [Entry(r[0], r[1], bytes(r[2]), bytes(r[3]), r[4]) for r in rows]


def _head(row: Any) -> TreeHead:
    return TreeHead(row[0], bytes(row[1]), row[2], row[3], bytes(row[4]))


async def latest_head(conn: AsyncConnection) -> TreeHead | None:
    row = (
        await conn.execute(
            text(
                "SELECT tree_size, root_hash, issued_at, key_id, signature FROM provenance_tree_heads "
                "ORDER BY tree_size DESC LIMIT 1"
            )
        )
    ).first()
    return None if row is None else _head(row)


async def head_of_size(conn: AsyncConnection, tree_size: int) -> TreeHead | None:
    row = (
        await conn.execute(
            text(
                "SELECT tree_size, root_hash, issued_at, key_id, signature FROM provenance_tree_heads "
                "WHERE tree_size = :n"
            ),
            {"n": tree_size},
        )
    ).first()
    return None if row is None else _head(row)


async def try_issuing(conn: AsyncConnection) -> bool:
    """Take the right to issue a tree head in this transaction (one issuer at a time; others skip)."""
    return bool((await conn.execute(text("SELECT pg_try_advisory_xact_lock(9162)"))).scalar_one())


async def add_head(conn: AsyncConnection, head: TreeHead) -> None:
    await conn.execute(
        text(
            "INSERT INTO provenance_tree_heads (tree_size, root_hash, issued_at, key_id, signature) "
            "VALUES (:n, :r, :t, :k, :s) ON CONFLICT (tree_size) DO NOTHING"
        ),
        {
            "n": head.tree_size,
            "r": head.root_hash,
            "t": head.issued_at,
            "k": head.key_id,
            "s": head.signature,
        },
    )


async def product_of_gtin(conn: AsyncConnection, gtin: str) -> str | None:
    found = await products_by_gtin(conn, [gtin])
    return found[gtin].product_id if gtin in found else None
