"""What a Redis projection is: a name, the documents it needs, and how it applies an event.

A projection never reads the write tables: everything comes from the event and
from its own documents. Events it does not care about still advance its
checkpoint (the runner does that), so a redelivered or ignored event is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from projections.store import Batch
from write_side.contracts.events import RecordedEvent


class Projection(Protocol):
    name: str

    def document_keys(self, event: RecordedEvent) -> Iterable[str]:
        """Documents ``apply`` will read for this event, loaded once per batch."""
        ...

    def apply(self, event: RecordedEvent, batch: Batch) -> None:
        """Change documents and indexes in ``batch``; raise to mark the event as poison."""
        ...
