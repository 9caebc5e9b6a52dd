"""The command side's error tree, mapped to HTTP once in ``write_side.api.errors``.

DomainError
├── InvalidInputError         the request is well formed but its values break a rule (422)
│   ├── UnknownCurrencyError
│   ├── UnknownCountryError
│   └── MixedCurrencyError
├── NotFoundError             a named thing does not exist (404)
│   ├── ProductNotFoundError
│   ├── OrderNotFoundError
│   └── CustomerNotFoundError
├── ConflictError             the state forbids the command (409)
│   ├── OutOfStockError
│   ├── ProductNotAvailableError
│   ├── IllegalTransitionError
│   ├── DuplicateSkuError
│   └── DuplicateEmailError
├── VersionMismatchError      optimistic concurrency: ``If-Match`` is stale (412)
├── PaymentDeclinedError      the provider refused the payment (402)
└── ForbiddenError            the caller may not do this (403)
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule the command side enforces."""

    title = "Domain rule violated"

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class InvalidInputError(DomainError):
    title = "Invalid input"


class UnknownCurrencyError(InvalidInputError):
    title = "Unknown currency"


class UnknownCountryError(InvalidInputError):
    title = "Unknown country"


class MixedCurrencyError(InvalidInputError):
    title = "Mixed currencies"


class NotFoundError(DomainError):
    title = "Not found"


class ProductNotFoundError(NotFoundError):
    title = "Product not found"


class OrderNotFoundError(NotFoundError):
    title = "Order not found"


class CustomerNotFoundError(NotFoundError):
    title = "Customer not found"


class ConflictError(DomainError):
    title = "Conflict"


class OutOfStockError(ConflictError):
    title = "Out of stock"


class ProductNotAvailableError(ConflictError):
    title = "Product not available"


class IllegalTransitionError(ConflictError):
    title = "Illegal order transition"


class DuplicateSkuError(ConflictError):
    title = "Duplicate SKU"


class CustomerExistsError(ConflictError):
    title = "Customer exists"


class DuplicateEmailError(ConflictError):
    title = "Duplicate email"


class VersionMismatchError(DomainError):
    title = "Version mismatch"


class PaymentDeclinedError(DomainError):
    title = "Payment declined"


class ForbiddenError(DomainError):
    title = "Forbidden"


class ChallengeNotFoundError(NotFoundError):
    title = "Challenge not found"


class ChallengeEndedError(ConflictError):
    title = "Challenge ended"
