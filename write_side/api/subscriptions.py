"""``/api/v1/subscriptions``: eco-boxes (a set of products delivered monthly), billed by Stripe.

Stripe is called before the command's transaction, as for payments. Every
``invoice.paid`` then makes that month's order, already paid
(``write_side.service_layer.stripe_events``).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Request, Response, delete, post
from litestar.exceptions import ServiceUnavailableException
from litestar.params import FromPath, JSONBody
from msgspec import Meta
from sqlalchemy import select

from ecolaura.http.openapi import problems
from write_side.adapters import subscriptions as rows
from write_side.adapters.repositories import load_products
from write_side.adapters.tables import subscriptions as table
from write_side.api.dispatch import IDEMPOTENCY_HEADER, bus_of, dispatch
from write_side.api.payments import gateway_of
from write_side.api.schemas import Base, ShippingCountry, Uuid
from write_side.contracts import commands as c
from write_side.domain.errors import (
    InvalidInputError,
    NotFoundError,
    PaymentDeclinedError,
)
from write_side.domain.ids import new_id
from write_side.domain.orders import quote
from write_side.domain.reference import check_country
from write_side.identity.guards import actor_of, requires_role
from write_side.service_layer import results as r
from write_side.service_layer.payments import PaymentDeclinedError as Declined
from write_side.service_layer.payments import PaymentProviderError

_IDS = uuid.UUID(
    "6f1d2a4e-2b7c-4f0e-9a55-0e6c0b1d7a11"
)  # namespace of subscription ids made from request keys


class BoxItemIn(Base):
    product_id: Uuid
    quantity: Annotated[int, Meta(ge=1, le=20)]


class BoxShippingIn(Base):
    country: ShippingCountry
    method: Literal["standard", "express", "slow-green"] = "slow-green"


class SubscriptionIn(Base):
    items: Annotated[list[BoxItemIn], Meta(min_length=1, max_length=20)]
    shipping: BoxShippingIn
    payment_method: Annotated[str, Meta(pattern=r"^pm_[A-Za-z0-9_]{1,96}$")] | None = None


async def _price_box(request: Request[Any, Any, Any], body: SubscriptionIn) -> tuple[int, str]:
    """The monthly amount (the box priced as an order of it would be today) and its currency."""
    wanted = {item.product_id.lower(): item.quantity for item in body.items}
    if len(wanted) != len(body.items):
        raise InvalidInputError(
            "each product may appear once in a box; raise its quantity instead", field="items"
        )
    check_country(body.shipping.country, "shipping.country")
    async with bus_of(request).engine.connect() as conn:
        found = await load_products(conn, list(wanted))
    return quote([(found[p], q) for p, q in wanted.items()], body.shipping.method)


class SubscriptionController(Controller):
    path = "/api/v1/subscriptions"
    tags = ["subscriptions"]  # noqa: RUF012
    guards = [requires_role("customer")]  # noqa: RUF012
    opt = {"idempotent": True}  # noqa: RUF012 - both routes dispatch a command

    @post(
        "/",
        operation_id="Subscribe",
        status_code=201,
        summary="Subscribe to an eco-box: these products, delivered monthly",
        description=(
            "Billed monthly by Stripe at today's prices plus shipping. Without payment_method the answer "
            "carries the first invoice's client_secret for Stripe.js; each paid invoice creates that "
            "month's order, already paid."
        ),
        responses=problems(402, 404, 422, 503),
    )
    async def subscribe(
        self, request: Request[Any, Any, Any], data: JSONBody[SubscriptionIn]
    ) -> Response[r.SubscriptionResult]:
        actor = await actor_of(request)
        amount, currency = await _price_box(request, data)
        client_key = request.headers.get(IDEMPOTENCY_HEADER)
        # A retried request (same Idempotency-Key) names the same subscription, so Stripe's keys repeat too.
        subscription_id = str(uuid.uuid5(_IDS, f"{actor.actor_id}:{client_key}")) if client_key else new_id()
        async with bus_of(request).engine.connect() as conn:
            known_customer = await rows.stripe_customer_of(conn, actor.actor_id)
        try:
            opened = await gateway_of(request).subscribe(
                subscription_id, actor.actor_id, known_customer, amount, currency, data.payment_method
            )
        except Declined as exc:
            raise PaymentDeclinedError(f"the card was declined ({exc.reason})") from None
        except PaymentProviderError as exc:
            raise ServiceUnavailableException(str(exc), headers={"Retry-After": "5"}) from None
        command = c.StartSubscription(
            subscription_id,
            actor.actor_id,
            tuple((i.product_id.lower(), i.quantity) for i in data.items),
            data.shipping.country,
            data.shipping.method,
            currency,
            amount,
            opened.stripe_customer,
            opened.stripe_subscription,
            opened.stripe_price,
            opened.status,
            opened.client_secret,
        )
        return await dispatch(request, command, data)  # type: ignore[return-value]

    @delete(
        "/{subscription_id:uuid}",
        operation_id="CancelSubscription",
        status_code=200,
        summary="Stop the subscription at the end of the paid month",
        responses=problems(503),
    )
    async def cancel(
        self, request: Request[Any, Any, Any], subscription_id: FromPath[UUID]
    ) -> Response[r.SubscriptionStatus]:
        actor = await actor_of(request)
        async with bus_of(request).engine.connect() as conn:
            row = (
                await conn.execute(
                    select(table.c.customer_id, table.c.stripe_subscription, table.c.status).where(
                        table.c.subscription_id == str(subscription_id)
                    )
                )
            ).first()
        if row is None or (str(row.customer_id) != actor.actor_id and not actor.is_admin):
            raise NotFoundError(f"subscription {subscription_id} does not exist")
        if row.status != "ended":
            try:
                await gateway_of(request).cancel_at_period_end(row.stripe_subscription)
            except PaymentProviderError as exc:
                raise ServiceUnavailableException(str(exc), headers={"Retry-After": "5"}) from None
        return await dispatch(request, c.CancelSubscription(str(subscription_id)), None)  # type: ignore[return-value]
