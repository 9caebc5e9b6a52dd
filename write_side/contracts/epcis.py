"""The subset of GS1 EPCIS 2.0 (JSON) the provenance log accepts, as strict msgspec structs.

Two event types: ``ObjectEvent`` (something happened to products: commissioned,
shipped, received...) and ``TransformationEvent`` (inputs became outputs: fibre to
fabric to garment), alone or in an ``EPCISDocument``. Products are named by GS1
Digital Link URIs (``https://{resolver}/01/{gtin}[/10/{lot}][/21/{serial}]``).
Unknown fields are refused, so what is logged is exactly what was checked.
Ecolaura's own facts ride in namespaced extension fields (EPCIS allows them):
``ecolaura:country`` on an event (where it happened, ISO 3166 alpha-2) and, in
``ilmd``, ``ecolaura:materials``, ``ecolaura:originCountry`` and ``ecolaura:certificates``.
"""

# EPCIS names its fields in camelCase; the structs keep the standard's names.
# ruff: noqa: N815

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

DIGITAL_LINK = r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~-]+)*/01/[0-9]{14}(/10/[!-~]{1,20})?(/21/[!-~]{1,20})?$"
Identifier = Annotated[
    str,
    Meta(
        max_length=300,
        pattern=DIGITAL_LINK,
        description="a GS1 Digital Link URI: https://{resolver}/01/{gtin}[/10/{lot}][/21/{serial}]",
    ),
]
# No \s or \S in patterns: Python's and ECMAScript's (JSON Schema's) whitespace differ (\x1c-\x1f).
Uri = Annotated[
    str, Meta(min_length=3, max_length=300, pattern=r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\x00-\x20\x7f]+$")
]
Country = Annotated[str, Meta(pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
Word = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=120,
        pattern=r"^(urn:epcglobal:cbv:[a-z]+:)?[a-z_]+$|^https?://[^\x00-\x20\x7f]+$",
    ),
]
Offset = Annotated[str, Meta(pattern=r"^[+-](0[0-9]|1[0-4]):[0-5][0-9]$")]
Identifiers = Annotated[list[Identifier], Meta(max_length=500)]
# RFC 3339, with its offset (the document says so: msgspec's own schema of datetime has no format).
Timestamp = Annotated[datetime, Meta(tz=True, extra_json_schema={"format": "date-time"})]


class Strict(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, frozen=True):
    """What the log accepts: nothing it does not know."""


class Location(Strict, frozen=True):
    id: Uri


class BizTransaction(Strict, frozen=True):
    bizTransaction: Uri
    type: Word | None = None


class QuantityElement(Strict, frozen=True):
    epcClass: Identifier
    quantity: Annotated[float, Meta(gt=0, le=1e9)]
    uom: (
        Annotated[str, Meta(pattern="^[A-Z0-9]{2,3}$", description="UN/ECE Rec 20 unit, e.g. KGM")] | None
    ) = None


class Source(Strict, frozen=True):
    type: Word
    source: Uri


class Destination(Strict, frozen=True):
    type: Word
    destination: Uri


class MaterialClaim(Strict, frozen=True):
    material: Annotated[str, Meta(min_length=1, max_length=60)]
    kg: Annotated[float, Meta(gt=0, le=10_000)] | None = None


class Ilmd(Strict, frozen=True):
    """Instance/lot master data: what the products are made of and where it comes from."""

    materials: Annotated[list[MaterialClaim], Meta(max_length=50)] | None = msgspec.field(
        default=None, name="ecolaura:materials"
    )
    origin_country: Country | None = msgspec.field(default=None, name="ecolaura:originCountry")
    certificates: (
        Annotated[list[Annotated[str, Meta(min_length=1, max_length=80)]], Meta(max_length=20)] | None
    ) = msgspec.field(default=None, name="ecolaura:certificates")


class _Event(Strict, frozen=True, tag_field="type"):
    eventTime: Timestamp
    eventTimeZoneOffset: Offset
    eventID: Uri | None = None
    bizStep: Word | None = None
    disposition: Word | None = None
    readPoint: Location | None = None
    bizLocation: Location | None = None
    bizTransactionList: Annotated[list[BizTransaction], Meta(max_length=20)] = []
    sourceList: Annotated[list[Source], Meta(max_length=20)] = []
    destinationList: Annotated[list[Destination], Meta(max_length=20)] = []
    ilmd: Ilmd | None = None
    country: Country | None = msgspec.field(default=None, name="ecolaura:country")


class ObjectEvent(_Event, frozen=True, tag="ObjectEvent"):
    action: Literal["ADD", "OBSERVE", "DELETE"] = "OBSERVE"
    epcList: Identifiers = []
    quantityList: Annotated[list[QuantityElement], Meta(max_length=500)] = []


class TransformationEvent(_Event, frozen=True, tag="TransformationEvent"):
    inputEPCList: Identifiers = []
    inputQuantityList: Annotated[list[QuantityElement], Meta(max_length=500)] = []
    outputEPCList: Identifiers = []
    outputQuantityList: Annotated[list[QuantityElement], Meta(max_length=500)] = []
    transformationID: Uri | None = None


EpcisEvent = ObjectEvent | TransformationEvent


class EpcisBody(Strict, frozen=True):
    eventList: Annotated[list[EpcisEvent], Meta(min_length=1, max_length=500)]


class EpcisDocument(Strict, frozen=True, tag_field="type", tag="EPCISDocument"):
    schemaVersion: Literal["2.0"]
    creationDate: Timestamp
    epcisBody: EpcisBody
    context: Annotated[list[str | dict[str, str]], Meta(max_length=10)] | str | None = msgspec.field(
        default=None, name="@context"
    )


Capture = ObjectEvent | TransformationEvent | EpcisDocument


def events_of(capture: Capture) -> list[EpcisEvent]:
    return list(capture.epcisBody.eventList) if isinstance(capture, EpcisDocument) else [capture]


def identifiers_of(event: EpcisEvent) -> list[str]:
    """Every product identifier the event names, in the order it names them."""
    if isinstance(event, ObjectEvent):
        return [*event.epcList, *(q.epcClass for q in event.quantityList)]
    return [
        *event.inputEPCList,
        *(q.epcClass for q in event.inputQuantityList),
        *event.outputEPCList,
        *(q.epcClass for q in event.outputQuantityList),
    ]
