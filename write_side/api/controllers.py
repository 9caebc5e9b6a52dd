"""Command routes: each maps a request body to a command and hands it to the bus."""

from __future__ import annotations

import re
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, patch, post
from litestar.exceptions import ClientException
from litestar.params import FromPath, HeaderParameter, JSONBody

from ecolaura.http.openapi import problems
from write_side.api import payments
from write_side.api import schemas as s
from write_side.api.dispatch import dispatch
from write_side.contracts import commands as c
from write_side.identity.guards import requires_role
from write_side.service_layer import results as r

# Every route here dispatches a command, which honours Idempotency-Key (ecolaura.http.openapi documents it).
IDEMPOTENT = {"idempotent": True}
_ETAG = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def _materials(items: list[s.MaterialIn]) -> tuple[c.MaterialInput, ...]:
    return tuple(c.MaterialInput(m.material, m.kg) for m in items)


class ProductController(Controller):
    opt = IDEMPOTENT
    path = "/api/v1/products"
    tags = ["catalog"]  # noqa: RUF012

    @post(
        "/",
        operation_id="CreateProduct",
        guards=[requires_role("admin", "supplier")],
        status_code=201,
        summary="Create a product",
        responses=problems(409, 422),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[s.ProductCreate],
    ) -> Response[r.ProductResult]:
        command = c.CreateProduct(
            sku=data.sku,
            name=data.name,
            description=data.description,
            category=data.category,
            brand=data.brand,
            price_minor=data.price_minor,
            currency=data.currency,
            weight_kg=data.weight_kg,
            materials=_materials(data.materials),
            origin_country=data.origin_country,
            packaging=data.packaging,
            certifications=tuple(data.certifications),
            status=data.status,
            initial_stock=data.initial_stock,
        )
        return await dispatch(request, command, data)  # type: ignore[return-value]

    @patch(
        "/{product_id:uuid}",
        operation_id="UpdateProduct",
        guards=[requires_role("admin", "supplier")],
        summary="Change a product (send If-Match with its version ETag)",
        responses=problems(422),
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[UUID],
        data: JSONBody[s.ProductUpdate],
        if_match: Annotated[str | None, HeaderParameter(name="If-Match", required=False)] = None,
    ) -> Response[r.ProductResult]:
        if if_match is None:
            raise ClientException(
                status_code=428,
                detail="send If-Match with the product's ETag "
                "(its version) so concurrent edits cannot overwrite each other",
            )
        match = _ETAG.match(if_match.strip())
        if match is None:
            raise ClientException(
                status_code=400, detail=f"If-Match '{if_match}' is not a product ETag like \"3\""
            )
        changes: dict[str, object] = {
            f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not msgspec.UNSET
        }
        if "materials" in changes:
            changes["materials"] = _materials(data.materials)  # type: ignore[arg-type]
        if "certifications" in changes:
            changes["certifications"] = tuple(data.certifications)  # type: ignore[arg-type]
        command = c.UpdateProduct(str(product_id), int(match.group(1)), changes)
        response = await dispatch(request, command, data)
        if response.status_code == 200:
            version = msgspec.json.decode(response.content)["version"]  # type: ignore[arg-type]
            response.headers["ETag"] = f'"{version}"'
        return response  # type: ignore[return-value]

    @post(
        "/{product_id:uuid}/stock",
        operation_id="AdjustStock",
        guards=[requires_role("admin")],
        status_code=200,
        summary="Receive or write off stock",
        responses=problems(409, 422),
    )
    async def adjust_stock(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[UUID],
        data: JSONBody[s.StockAdjustment],
    ) -> Response[r.StockResult]:
        command = c.AdjustStock(str(product_id), data.delta, data.note)
        return await dispatch(request, command, data)  # type: ignore[return-value]


class CustomerController(Controller):
    opt = IDEMPOTENT
    path = "/api/v1/customers"
    tags = ["customers"]  # noqa: RUF012

    @post(
        "/",
        operation_id="RegisterCustomer",
        guards=[requires_role("admin")],
        status_code=201,
        summary="Register a customer (until self sign-up arrives)",
        responses=problems(409, 422),
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[s.CustomerCreate],
    ) -> Response[r.CustomerResult]:
        command = c.RegisterCustomer(data.email, data.display_name, data.country, data.id)
        return await dispatch(request, command, data)  # type: ignore[return-value]


class OrderController(Controller):
    opt = IDEMPOTENT
    path = "/api/v1/orders"
    tags = ["orders"]  # noqa: RUF012

    @post(
        "/",
        operation_id="PlaceOrder",
        guards=[requires_role("customer", "admin")],
        status_code=201,
        summary="Place an order: prices the lines and reserves stock",
        responses=problems(404, 409, 422),
    )
    async def place(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[s.OrderCreate],
    ) -> Response[r.OrderResult]:
        address = data.shipping.address
        command = c.PlaceOrder(
            lines=tuple(c.OrderLineInput(li.product_id.lower(), li.quantity) for li in data.lines),
            shipping_country=data.shipping.country,
            shipping_method=data.shipping.method,
            address=c.AddressInput(address.name, address.line1, address.city, address.postal_code)
            if address
            else None,
            customer_id=data.customer_id.lower() if data.customer_id else None,
        )
        return await dispatch(request, command, data)  # type: ignore[return-value]

    @post(
        "/{order_id:uuid}/pay",
        operation_id="PayOrder",
        status_code=202,
        guards=[requires_role("customer", "admin")],
        summary="Open the order's payment (a Stripe PaymentIntent); it is paid when Stripe confirms",
        description=(
            "Without payment_method the answer carries a client_secret for Stripe.js to confirm in the "
            "browser; with one (pm_…) the payment is confirmed at once. Either way the order becomes paid "
            "only when Stripe's signed webhook says so. A card declined at once is a 402 problem."
        ),
        responses=problems(402, 409, 503),
    )
    async def pay(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[UUID],
        data: JSONBody[s.PaymentIn | None] = None,
    ) -> Response[r.PaymentResult]:
        return await payments.pay(request, str(order_id), data or s.PaymentIn())  # type: ignore[return-value]

    @post(
        "/{order_id:uuid}/mark-paid",
        operation_id="MarkOrderPaid",
        status_code=200,
        guards=[requires_role("admin")],
        summary="Record a payment made outside Stripe (bank transfer, cash), with its reference",
        responses=problems(409),
    )
    async def mark_paid(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[UUID],
        data: JSONBody[s.OfflinePaymentIn],
    ) -> Response[r.OrderResult]:
        command = c.SettlePayment(str(order_id), data.reference)
        return await dispatch(request, command, data)  # type: ignore[return-value]

    @post(
        "/{order_id:uuid}/cancel",
        operation_id="CancelOrder",
        status_code=200,
        guards=[requires_role("customer", "admin")],
        summary="Cancel an unpaid order",
        responses=problems(409),
    )
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[UUID],
        data: JSONBody[s.CancelIn | None] = None,
    ) -> Response[r.OrderResult]:
        body = data or s.CancelIn()
        command = c.CancelOrder(str(order_id), body.reason)
        return await dispatch(request, command, body)  # type: ignore[return-value]

    @post(
        "/{order_id:uuid}/ship",
        operation_id="ShipOrder",
        status_code=200,
        guards=[requires_role("admin")],
        summary="Ship a paid order",
        responses=problems(409),
    )
    async def ship(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[UUID],
    ) -> Response[r.OrderResult]:
        return await dispatch(request, c.ShipOrder(str(order_id)), None)  # type: ignore[return-value]

    @post(
        "/{order_id:uuid}/deliver",
        operation_id="DeliverOrder",
        status_code=200,
        guards=[requires_role("admin")],
        summary="Confirm delivery of a shipped order",
        responses=problems(409),
    )
    async def deliver(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[UUID],
    ) -> Response[r.OrderResult]:
        return await dispatch(request, c.DeliverOrder(str(order_id)), None)  # type: ignore[return-value]

    @post(
        "/{order_id:uuid}/refund",
        operation_id="RefundOrder",
        status_code=200,
        guards=[requires_role("admin")],
        summary="Refund all that remains, or amount_minor of it",
        responses=problems(409, 422, 503),
    )
    async def refund(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[UUID],
        data: JSONBody[s.RefundIn | None] = None,
    ) -> Response[r.OrderResult]:
        return await payments.refund(request, str(order_id), data or s.RefundIn())  # type: ignore[return-value]
