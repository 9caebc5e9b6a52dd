"""What the web app needs besides the read models: its payment set-up and shipping quotes.

``storefront/config`` tells the browser where Stripe.js is (localstripe serves a
fake one at ``<its address>/js.stripe.com/v3/``) and which publishable key to
use; ``storefront/shipping`` prices each shipping method and weighs its last
mile in kg CO2e before the shopper chooses, with the factors orders use.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, get
from litestar.params import QueryParameter

from analytics.footprint import Range, last_mile
from ecolaura.settings import Settings
from write_side.domain.footprints import factors
from write_side.domain.reference import SHIPPING_METHODS, shipping_fee_minor

STRIPE_JS = "https://js.stripe.com/v3/"
LOCALSTRIPE_KEY = "pk_test_localstripe"
Country = Literal[
    "AT", "AU", "BE", "BG", "CA", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU",
    "IE", "IS", "IT", "JP", "LT", "LU", "LV", "MT", "NL", "NO", "NZ", "PL", "PT", "RO", "SE", "SI", "SK", "US",
]  # fmt: skip
Currency = Literal["EUR", "GBP", "USD", "CHF", "SEK", "DKK", "NOK", "PLN"]


class StripeConfig(msgspec.Struct):
    publishable_key: str | None
    js_url: str


class StorefrontConfig(msgspec.Struct):
    """What the browser needs to know that is not in a read model."""

    stripe: StripeConfig


class ShippingOption(msgspec.Struct):
    method: str
    fee_minor: int
    currency: str
    kg_co2e: Range
    factor_version: str


class ShippingQuote(msgspec.Struct):
    country: str
    shipped_kg: float
    options: list[ShippingOption]


def stripe_config(settings: Settings) -> StripeConfig:
    """Stripe.js from Stripe, or from localstripe when the API talks to it."""
    base = settings.stripe_api_base
    if base and "stripe.com" not in base:
        return StripeConfig(
            publishable_key=settings.stripe_publishable_key or LOCALSTRIPE_KEY,
            js_url=f"{base}/js.stripe.com/v3/",
        )
    return StripeConfig(publishable_key=settings.stripe_publishable_key, js_url=STRIPE_JS)


def storefront_controller(settings: Settings) -> type[Controller]:
    class StorefrontController(Controller):
        path = "/api/v1/storefront"
        tags = ["storefront"]  # noqa: RUF012

        @get(
            "/config",
            operation_id="StorefrontConfig",
            summary="The web app's configuration: where Stripe.js is and the publishable key",
            cache_control=None,
        )
        async def config(self) -> StorefrontConfig:
            return StorefrontConfig(stripe=stripe_config(settings))

        @get(
            "/shipping",
            operation_id="ShippingQuote",
            summary="Each shipping method's fee and last-mile kg CO2e for a parcel to a country",
            sync_to_thread=False,
        )
        def shipping(
            self,
            country: Annotated[
                Country, QueryParameter(description="ISO 3166-1 alpha-2 code of the destination")
            ],
            shipped_kg: Annotated[
                float,
                QueryParameter(ge=0, le=10_000, description="the parcel's weight with packaging, in kg"),
            ] = 1.0,
            currency: Annotated[Currency, QueryParameter(description="the order's currency")] = "EUR",
            subtotal_minor: Annotated[
                int,
                QueryParameter(ge=0, le=10**12, description="the goods' total, for free slow-green shipping"),
            ] = 0,
        ) -> ShippingQuote:
            table = factors()
            options = [
                ShippingOption(
                    method=method,
                    fee_minor=shipping_fee_minor(currency, method, subtotal_minor),
                    currency=currency,
                    kg_co2e=last_mile(shipped_kg, country, method, table).kg_co2e.rounded(),
                    factor_version=table.version,
                )
                for method in SHIPPING_METHODS
            ]
            return ShippingQuote(country=country, shipped_kg=shipped_kg, options=options)

    return StorefrontController
