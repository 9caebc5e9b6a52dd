"""The lake: the event log as partitioned Parquet, for Polars, DuckDB and analysts.

Layout under the lake root (``var/lake`` by default)::

    live                                  names the live generation ("3")
    g3/checkpoint.json                    the last exported log cursor and event count
    g3/events/{table}/date=YYYY-MM-DD/part-{tx}-{position}.parquet

A table per event type (``OrderPlaced``, ``OrderPaid``, ...), plus ``OrderLine``
(one row per line of ``OrderPlaced``) and ``Product`` (every product snapshot,
from ``ProductCreated`` and ``ProductUpdated``). ``date`` is the day the event
was recorded. Columns are the event's flat fields with footprints flattened;
sealed personal data (emails, names, addresses) never reaches the lake.

Exactly once: a flush writes its part files, each named after the checkpoint
*before* the flush, then replaces ``checkpoint.json`` atomically. Part files
named at or after the stored checkpoint can only come from a flush that crashed
before its checkpoint, so opening a generation deletes them and the events are
exported again.

Compaction: a following export writes a part file per table and day at every
flush, so a busy day collects hundreds. ``compact_generation`` copies a
generation with each closed day's parts of a table merged into one file (named
after the first, so the exactly-once rule holds) and every other file hard-linked.
The lake projection swaps the copy in as the next generation, the way a rebuild
does, so a reader never sees a day twice or not at all.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

from write_side.contracts import events as ev

CHECKPOINT: Final = "checkpoint.json"
COMPACTED_FROM: Final = "compacted-from"  # in a generation made by compaction: the one it copied
RETIRED: Final = "retired"  # in a generation a compaction replaced: when (epoch seconds)
_GENERATION: Final = re.compile(r"^g(\d+)$")
_SCALARS: Final = (str, int, float, bool, type(None))
_TIME: Final = pa.timestamp("us", tz="UTC")
_HEAD: Final = [("position", pa.int64()), ("tx_id", pa.int64()), ("recorded_at", _TIME)]
_STR, _INT, _FLOAT = pa.string(), pa.int64(), pa.float64()

# Explicit schemas, so every part file of a table agrees even when a batch has only nulls in a column.
SCHEMAS: Final[dict[str, pa.Schema]] = {
    "Product": pa.schema(
        [
            *_HEAD,
            ("event_type", _STR),
            ("product_id", _STR),
            ("product_version", _INT),
            ("sku", _STR),
            ("name", _STR),
            ("category", _STR),
            ("brand", _STR),
            ("price_minor", _INT),
            ("currency", _STR),
            ("weight_kg", _FLOAT),
            ("materials", pa.list_(pa.struct([("material", _STR), ("kg", _FLOAT)]))),
            ("origin_country", _STR),
            ("packaging", _STR),
            ("certifications", pa.list_(_STR)),
            ("status", _STR),
            ("factor_version", _STR),
            ("kg_co2e", _FLOAT),
            ("kg_co2e_low", _FLOAT),
            ("kg_co2e_high", _FLOAT),
            ("baseline_kg_co2e", _FLOAT),
            ("savings_kg_co2e", _FLOAT),
            ("shipped_kg", _FLOAT),
            ("eco_score", _INT),
        ]
    ),
    "OrderPlaced": pa.schema(
        [
            *_HEAD,
            ("order_id", _STR),
            ("customer_id", _STR),
            ("currency", _STR),
            ("subtotal_minor", _INT),
            ("shipping_minor", _INT),
            ("tax_minor", _INT),
            ("total_minor", _INT),
            ("shipping_country", _STR),
            ("shipping_method", _STR),
            ("placed_at", _TIME),
            ("items", _INT),
            ("factor_version", _STR),
            ("kg_co2e", _FLOAT),
            ("shipping_kg_co2e", _FLOAT),
            ("shipped_kg", _FLOAT),
            ("baseline_kg_co2e", _FLOAT),
            ("savings_kg_co2e", _FLOAT),
        ]
    ),
    "OrderLine": pa.schema(
        [
            *_HEAD,
            ("order_id", _STR),
            ("customer_id", _STR),
            ("placed_at", _TIME),
            ("product_id", _STR),
            ("product_version", _INT),
            ("category", _STR),
            ("quantity", _INT),
            ("unit_price_minor", _INT),
            ("line_total_minor", _INT),
        ]
    ),
}
_HEAD_NAMES: Final = frozenset(name for name, _ in _HEAD)
_ARROW_OF = {"str": _STR, "int": _INT, "float": _FLOAT, "bool": pa.bool_()}


def _schema_of(event_class: type[ev.Event]) -> pa.Schema:
    """Every other event type: its scalar fields, typed from the event contract."""
    fields = list(_HEAD)
    for f in msgspec.structs.fields(event_class):
        if f.name in _HEAD_NAMES:
            continue  # the envelope's column already (ProvenanceRecorded.recorded_at is the same clock)
        kinds = {t.__name__ for t in getattr(f.type, "__args__", (f.type,)) if t is not type(None)}
        if len(kinds) == 1 and (kind := kinds.pop()) in _ARROW_OF:
            fields.append((f.name, _TIME if f.name.endswith("_at") else _ARROW_OF[kind]))
    return pa.schema(fields)


for _name, _cls in ev.EVENT_TYPES.items():
    if _name not in ("ProductCreated", "ProductUpdated", "OrderPlaced"):
        SCHEMAS[_name] = _schema_of(_cls)

# The event's own columns of each flat table (after the head), for the column-wise rows.
_FLAT_FIELDS: Final = {
    name: schema.names[len(_HEAD) :]
    for name, schema in SCHEMAS.items()
    if name not in ("Product", "OrderPlaced", "OrderLine")
}


@dataclass(frozen=True, slots=True)
class LakeCheckpoint:
    cursor: ev.LogCursor
    events: int  # exported so far, for progress and sanity


class LakeGenerations:
    """Generation folders ``g{n}`` under ``root``; the ``live`` file names the one readers use."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, generation: int) -> Path:
        return self.root / f"g{generation}"

    def live_generation(self) -> int:
        pointer = self.root / "live"
        return int(pointer.read_text().strip() or 1) if pointer.exists() else 1

    def live_events(self) -> Path:
        """Where the live generation's tables are: ``{root}/g{n}/events``."""
        return self.path(self.live_generation()) / "events"

    def swap(self, generation: int) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / "live.tmp"
        tmp.write_text(str(generation))
        tmp.replace(self.root / "live")

    def drop(self, generation: int) -> None:
        if generation == self.live_generation():
            raise ValueError(f"lake generation {generation} is live and cannot be dropped")
        shutil.rmtree(self.path(generation), ignore_errors=True)

    def numbers(self) -> list[int]:
        """Every generation folder's number (staging folders and other files left out)."""
        if not self.root.exists():
            return []
        return sorted(
            int(m[1]) for p in self.root.iterdir() if p.is_dir() and (m := _GENERATION.match(p.name))
        )

    def drop_retired(self, grace_seconds: float) -> list[int]:
        """Drop generations a compaction replaced more than ``grace_seconds`` ago (runs may still read them)."""
        dropped = []
        live = self.live_generation()
        for generation in self.numbers():
            since = _retired_at(self.path(generation)) if generation < live else None
            if since is not None and time.time() - since >= grace_seconds:
                self.drop(generation)
                dropped.append(generation)
        return dropped

    def retire(self, generation: int) -> None:
        """Mark ``generation`` as replaced now (written whole: a crash leaves the old marker or the new)."""
        tmp = self.path(generation) / f"{RETIRED}.tmp"
        tmp.write_text(str(time.time()))
        tmp.replace(self.path(generation) / RETIRED)


def _retired_at(folder: Path) -> float | None:
    marker = folder / RETIRED
    try:
        text = marker.read_text()
        return float(text) if text.strip() else marker.stat().st_mtime
    except FileNotFoundError:
        return None
    except ValueError:
        return marker.stat().st_mtime


def writer_active(folder: Path) -> bool:
    """Whether some process holds the writer's lock of the generation in ``folder``."""
    path = folder / "writer.lock"
    if not path.exists():
        return False
    with path.open("a") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(probe, fcntl.LOCK_UN)
        return False


class GenerationsLock:
    """The lake-wide lock under which generations are claimed, copied, swapped and dropped.

    A rebuild and the projector's compaction both make generation n+1; this lock
    keeps them from stepping on each other. It is an flock, so the OS frees it
    when its holder dies. One use: acquire, then release.
    """

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self._file = (root / "generations.lock").open("w")

    def acquire(self, *, blocking: bool = True) -> bool:
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            self._file.close()
            return False
        return True

    def release(self) -> None:
        if not self._file.closed:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()


class LakeBusyError(RuntimeError):
    """Another process is exporting into this lake generation."""


class LakeWriter:
    """Appends batches of events to one generation, with its checkpoint; one writer per generation."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        # An advisory lock, released by the OS if the process dies: two exporters would both delete
        # what they take for each other's unfinished flushes.
        self._lock = (folder / "writer.lock").open("w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise LakeBusyError(f"another process (the projector?) is exporting into {folder}") from None
        self.checkpoint = self.peek(folder)
        self._forget_unfinished_flush()

    def close(self) -> None:
        """Let another writer take the generation."""
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()

    @staticmethod
    def peek(folder: Path) -> LakeCheckpoint:
        """A generation's checkpoint, read without taking the writer's role."""
        path = folder / CHECKPOINT
        if not path.exists():
            return LakeCheckpoint(ev.LogCursor(), 0)
        raw = json.loads(path.read_text())
        return LakeCheckpoint(ev.LogCursor(*raw["cursor"]), int(raw["events"]))

    def _forget_unfinished_flush(self) -> None:
        done = (self.checkpoint.cursor.causal_tx, self.checkpoint.cursor.position)
        for part in (self.folder / "events").glob("*/*/part-*.parquet"):
            if part_key(part) >= done:
                part.unlink()

    def write(self, events: list[ev.RecordedEvent]) -> None:
        """Export ``events`` (which follow the checkpoint, in log order) and move the checkpoint."""
        if not events:
            return
        before = self.checkpoint.cursor
        name = f"part-{before.causal_tx}-{before.position}.parquet"
        for (table, day), part in _partitions(events).items():
            folder = self.folder / "events" / table / f"date={day}"
            folder.mkdir(parents=True, exist_ok=True)
            if isinstance(part, list):
                table_data = pa.Table.from_pylist(part, schema=SCHEMAS[table])
            else:
                table_data = pa.Table.from_pydict(part, schema=SCHEMAS[table])
            pq.write_table(table_data, folder / name, compression="zstd")
        self.checkpoint = LakeCheckpoint(events[-1].cursor, self.checkpoint.events + len(events))
        tmp = self.folder / f"{CHECKPOINT}.tmp"
        cursor = self.checkpoint.cursor
        tmp.write_text(
            json.dumps({"cursor": [cursor.causal_tx, cursor.position], "events": self.checkpoint.events})
        )
        tmp.replace(self.folder / CHECKPOINT)


def part_key(part: Path) -> tuple[int, int]:
    """The log cursor a part file is named after (``part-{causal_tx}-{position}.parquet``), for sorting."""
    causal_tx, position = (int(n) for n in part.stem.removeprefix("part-").split("-"))
    return causal_tx, position


def closed_partitions(folder: Path, closed_before: date) -> list[Path]:
    """A generation's partitions that compaction merges: days before ``closed_before`` with several parts.

    A partition with a part written under another schema (an older version of
    this module) is left as it is.
    """
    out = []
    for partition in sorted((folder / "events").glob("*/date=*")):
        if date.fromisoformat(partition.name.removeprefix("date=")) >= closed_before:
            continue
        parts = list(partition.glob("part-*.parquet"))
        schema = SCHEMAS.get(partition.parent.name)
        if len(parts) > 1 and schema is not None and all(pq.read_schema(p).equals(schema) for p in parts):
            out.append(partition)
    return out


def compact_generation(source: Path, target: Path, closed_before: date) -> int:
    """Copy generation ``source`` into ``target`` with closed days merged; returns the partitions merged.

    Each partition of a day before ``closed_before`` with several part files
    becomes one file, rows in log order, named after its first part; other files
    are hard links (no copy). The caller holds ``source``'s writer, so nothing is
    written there meanwhile, and the ``GenerationsLock``.
    """
    merge = set(closed_partitions(source, closed_before))
    merged = 0
    for partition in sorted((source / "events").glob("*/date=*")):
        out = target / partition.relative_to(source)
        out.mkdir(parents=True, exist_ok=True)  # the target is this call's own staging folder
        parts = sorted(partition.glob("part-*.parquet"), key=part_key)
        if partition in merge:
            schema = SCHEMAS[partition.parent.name]
            rows = pa.concat_tables(pq.read_table(p, schema=schema) for p in parts)
            pq.write_table(rows, out / parts[0].name, compression="zstd")
            merged += 1
        else:
            for part in parts:
                os.link(part, out / part.name)
    if (source / CHECKPOINT).exists():
        shutil.copyfile(source / CHECKPOINT, target / CHECKPOINT)
    return merged


def _partitions(
    events: Iterable[ev.RecordedEvent],
) -> dict[tuple[str, str], list[dict[str, Any]] | dict[str, list[Any]]]:
    """Each (table, day)'s rows: those of :func:`rows_of`, built faster.

    Products go as a dict per row. Orders, their lines and every other event
    type go column by column, which spares merging a dict per row and is
    cheaper for Arrow to take in; flat events (most of a shop's log: stock
    changes, payments) straight from the event's fields. Both give the same table.
    """
    parts: dict[tuple[str, str], list[dict[str, Any]] | dict[str, list[Any]]] = {}

    def columns_of(table: str, day: str) -> dict[str, list[Any]]:
        columns = parts.get((table, day))
        if columns is None:
            columns = parts[(table, day)] = {n: [] for n in SCHEMAS[table].names}
        assert isinstance(columns, dict)  # noqa: S101 - only Product goes by rows
        return columns

    for event in events:
        day = event.recorded_at[:10]
        e = event.event
        if isinstance(e, ev.ProductCreated | ev.ProductUpdated):
            for table, row in rows_of(event):
                rows = parts.setdefault((table, day), [])
                assert isinstance(rows, list)  # noqa: S101 - only Product goes by rows
                rows.append(row)
            continue
        head = (event.position, event.tx_id, _time(event.recorded_at))
        if isinstance(e, ev.OrderPlaced):
            _append(columns_of("OrderPlaced", day), head, _order(e))
            lines = columns_of("OrderLine", day)
            for row in _lines(e):
                _append(lines, head, row)
            continue
        columns = columns_of(event.event_type, day)
        _append(columns, head, {})
        for name in _FLAT_FIELDS[event.event_type]:
            value = getattr(e, name, None)
            if not isinstance(value, _SCALARS):
                value = None  # as rows_of leaves out a field that holds no scalar
            elif name.endswith("_at") and isinstance(value, str):
                value = _time(value)
            columns[name].append(value)
    return parts


def _append(columns: dict[str, list[Any]], head: tuple[int, int, datetime], row: dict[str, Any]) -> None:
    columns["position"].append(head[0])
    columns["tx_id"].append(head[1])
    columns["recorded_at"].append(head[2])
    for name, value in row.items():
        columns[name].append(value)


def rows_of(event: ev.RecordedEvent) -> list[tuple[str, dict[str, Any]]]:
    """The lake rows one event becomes, with the table each goes to."""
    head = {"position": event.position, "tx_id": event.tx_id, "recorded_at": _time(event.recorded_at)}
    e = event.event
    if isinstance(e, ev.ProductCreated | ev.ProductUpdated):
        return [("Product", {**head, "event_type": event.event_type, **_product(e.product)})]
    if isinstance(e, ev.OrderPlaced):
        return [("OrderPlaced", {**head, **_order(e)}), *(("OrderLine", {**head, **r}) for r in _lines(e))]
    flat = {
        k: _time(v) if k.endswith("_at") and isinstance(v, str) else v
        for k, v in msgspec.structs.asdict(e).items()
        if isinstance(v, _SCALARS)
    }
    return [(event.event_type, {**head, **flat})]


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _product(p: ev.ProductSnapshot) -> dict[str, Any]:
    fp = p.footprint
    return {
        "product_id": p.product_id,
        "product_version": p.version,
        "sku": p.sku,
        "name": p.name,
        "category": p.category,
        "brand": p.brand,
        "price_minor": p.price.amount_minor,
        "currency": p.price.currency,
        "weight_kg": p.weight_kg,
        "materials": [{"material": m.material, "kg": m.kg} for m in p.materials],
        "origin_country": p.origin_country,
        "packaging": p.packaging,
        "certifications": list(p.certifications),
        "status": p.status,
        "factor_version": fp.factor_version if fp else None,
        "kg_co2e": fp.kg_co2e.central if fp else None,
        "kg_co2e_low": fp.kg_co2e.low if fp else None,
        "kg_co2e_high": fp.kg_co2e.high if fp else None,
        "baseline_kg_co2e": fp.baseline.kg_co2e.central if fp else None,
        "savings_kg_co2e": fp.savings_kg_co2e if fp else None,
        "shipped_kg": fp.shipped_kg if fp else None,
        "eco_score": fp.eco_score.score if fp else None,
    }


def _order(e: ev.OrderPlaced) -> dict[str, Any]:
    fp = e.footprint
    return {
        "order_id": e.order_id,
        "customer_id": e.customer_id,
        "currency": e.currency,
        "subtotal_minor": e.subtotal_minor,
        "shipping_minor": e.shipping_minor,
        "tax_minor": e.tax_minor,
        "total_minor": e.total_minor,
        "shipping_country": e.shipping_country,
        "shipping_method": e.shipping_method,
        "placed_at": _time(e.placed_at),
        "items": sum(li.quantity for li in e.lines),
        "factor_version": fp.factor_version if fp else None,
        "kg_co2e": fp.kg_co2e.central if fp else None,
        "shipping_kg_co2e": fp.shipping.kg_co2e.central if fp else None,
        "shipped_kg": fp.shipped_kg if fp else None,
        "baseline_kg_co2e": fp.baseline_kg_co2e if fp else None,
        "savings_kg_co2e": fp.savings_kg_co2e if fp else None,
    }


def _lines(e: ev.OrderPlaced) -> list[dict[str, Any]]:
    versions = {li.product_id: li.product_version for li in e.footprint.lines} if e.footprint else {}
    placed_at = _time(e.placed_at)
    return [
        {
            "order_id": e.order_id,
            "customer_id": e.customer_id,
            "placed_at": placed_at,
            "product_id": li.product_id,
            # 0: recorded before footprints existed; the pipelines then use the product's latest version
            "product_version": versions.get(li.product_id, 0),
            "category": li.category,
            "quantity": li.quantity,
            "unit_price_minor": li.unit_price_minor,
            "line_total_minor": li.line_total_minor,
        }
        for li in e.lines
    ]
