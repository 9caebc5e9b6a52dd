"""The Product aggregate: what we sell, its price and its material make-up."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Final

from write_side.contracts import events as ev
from write_side.domain import footprints
from write_side.domain.errors import InvalidInputError, VersionMismatchError
from write_side.domain.reference import check_country, check_currency

PRODUCT_STATUSES: Final = ("draft", "active", "retired")
SKU_PATTERN: Final = "^[A-Z0-9][A-Z0-9-]{2,39}$"
_SKU: Final = re.compile(SKU_PATTERN)
MAX_PRICE_MINOR: Final = 100_000_000  # one million in major units: beyond that it is a typo
MAX_WEIGHT_KG: Final = 1000.0

# Fields a PATCH may change; ``sku`` is the product's business identity and is fixed.
MUTABLE_FIELDS: Final = (
    "name",
    "description",
    "category",
    "brand",
    "price_minor",
    "currency",
    "weight_kg",
    "materials",
    "origin_country",
    "packaging",
    "certifications",
    "status",
)


@dataclass(frozen=True, slots=True)
class Material:
    material: str
    kg: float


@dataclass(slots=True)
class Product:
    """A catalog product; ``version`` increases with every change."""

    product_id: str
    sku: str
    name: str
    description: str
    category: str
    brand: str
    price_minor: int
    currency: str
    weight_kg: float
    materials: tuple[Material, ...]
    origin_country: str
    packaging: str
    certifications: tuple[str, ...]
    status: str = "draft"
    version: int = 1  # counts the events of the product's stream
    footprint: footprints.ProductFootprint | None = field(default=None, repr=False, compare=False)
    events: list[ev.Event] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(cls, product_id: str, **values: object) -> Product:
        """Validate and create a product, recording ``ProductCreated``."""
        product = cls(product_id=product_id, **values)  # type: ignore[arg-type]
        product.validate()
        product.footprint = footprints.rate_product(product)
        product.events.append(ev.ProductCreated(product=product.snapshot()))
        return product

    def update(self, expected_version: int, changes: dict[str, object]) -> None:
        """Apply a partial update if ``expected_version`` is current."""
        if expected_version != self.version:
            raise VersionMismatchError(
                f"product {self.product_id} is at version {self.version}, "
                f"not {expected_version}; fetch it again and retry",
                current_version=self.version,
            )
        unknown = sorted(set(changes) - set(MUTABLE_FIELDS))
        if unknown:
            raise InvalidInputError(f"these fields cannot be changed: {', '.join(unknown)}")
        changed = sorted(k for k, v in changes.items() if getattr(self, k) != v)
        if not changed:
            return
        candidate = replace(self, **changes, version=self.version + 1, events=[])  # type: ignore[arg-type]
        candidate.validate()
        rated = footprints.rate_product(candidate)
        for name in changed:
            setattr(self, name, getattr(candidate, name))
        self.version += 1
        self.footprint = rated
        self.events.append(ev.ProductUpdated(product=self.snapshot(), changed_fields=changed))

    def validate(self) -> None:
        """Raise ``InvalidInputError`` naming the first field that breaks a rule."""
        if not _SKU.match(self.sku):
            raise _bad("sku", "must be 3-40 characters of A-Z, 0-9 and '-'")
        for name, limit in (("name", 200), ("category", 80), ("brand", 120), ("packaging", 80)):
            value = getattr(self, name)
            if not value.strip() or len(value) > limit:
                raise _bad(name, f"must be 1-{limit} characters")
        if len(self.description) > 10_000:
            raise _bad("description", "must be at most 10,000 characters")
        if not 0 < self.price_minor <= MAX_PRICE_MINOR:
            raise _bad("price_minor", f"must be between 1 and {MAX_PRICE_MINOR}")
        check_currency(self.currency)
        if not 0 < self.weight_kg <= MAX_WEIGHT_KG:
            raise _bad("weight_kg", f"must be above 0 and at most {MAX_WEIGHT_KG}")
        self._validate_materials()
        check_country(self.origin_country, "origin_country")
        if self.status not in PRODUCT_STATUSES:
            raise _bad("status", f"must be one of {', '.join(PRODUCT_STATUSES)}")
        if len(set(self.certifications)) != len(self.certifications):
            raise _bad("certifications", "must not repeat")

    def _validate_materials(self) -> None:
        if not self.materials:
            raise _bad("materials", "must list at least one material")
        names = [m.material for m in self.materials]
        if len(set(names)) != len(names):
            raise _bad("materials", "must not repeat a material")
        if any(m.kg <= 0 for m in self.materials):
            raise _bad("materials", "every material needs a positive kg")
        if sum(m.kg for m in self.materials) > self.weight_kg * 1.0001:
            raise _bad("materials", "material masses add up to more than weight_kg")

    def snapshot(self) -> ev.ProductSnapshot:
        """The product as published in its events."""
        return ev.ProductSnapshot(
            product_id=self.product_id,
            sku=self.sku,
            name=self.name,
            description=self.description,
            category=self.category,
            brand=self.brand,
            price=ev.Money(self.price_minor, self.currency),
            weight_kg=self.weight_kg,
            materials=[ev.MaterialShare(m.material, m.kg) for m in self.materials],
            origin_country=self.origin_country,
            packaging=self.packaging,
            certifications=list(self.certifications),
            status=self.status,
            version=self.version,
            footprint=self.footprint,
        )


def _bad(field_name: str, rule: str) -> InvalidInputError:
    return InvalidInputError(f"{field_name} {rule}", field=field_name)
