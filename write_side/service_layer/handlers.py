"""One async function per command: load aggregates, apply the rule, answer.

Handlers never commit; the message bus does, after the outbox is flushed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters import event_log, privacy, provenance, refunds, subscriptions, vault
from write_side.adapters.pg import Statement
from write_side.adapters.repositories import StockRepository
from write_side.contracts import commands as cmds
from write_side.contracts import events as ev
from write_side.domain.catalog import Material, Product
from write_side.domain.customers import Customer
from write_side.domain.errors import (
    CustomerNotFoundError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    OrderNotFoundError,
)
from write_side.domain.ids import new_id
from write_side.domain.inventory import StockItem
from write_side.domain.orders import Order
from write_side.service_layer import challenges as challenge_handlers
from write_side.service_layer import provenance as provenance_handlers
from write_side.service_layer import results as res
from write_side.service_layer.context import Context, require_role
from write_side.service_layer.unit_of_work import SqlAlchemyUnitOfWork


def product_result(product: Product, stock: StockItem) -> res.ProductResult:
    return res.ProductResult(
        id=product.product_id,
        sku=product.sku,
        name=product.name,
        description=product.description,
        category=product.category,
        brand=product.brand,
        price_minor=product.price_minor,
        currency=product.currency,
        weight_kg=product.weight_kg,
        materials=[res.MaterialView(m.material, m.kg) for m in product.materials],
        origin_country=product.origin_country,
        packaging=product.packaging,
        certifications=list(product.certifications),
        status=product.status,
        version=product.version,
        on_hand=stock.on_hand,
        reserved=stock.reserved,
        footprint=product.footprint,
    )


def order_result(order: Order) -> res.OrderResult:
    return res.OrderResult(
        id=order.order_id,
        customer_id=order.customer_id,
        status=order.status,
        currency=order.currency,
        lines=[
            res.OrderLineView(
                li.product_id, li.sku, li.name, li.quantity, li.unit_price_minor, li.total_minor
            )
            for li in order.lines
        ],
        shipping=res.ShippingView(order.shipping_country, order.shipping_method),
        totals=res.TotalsView(
            order.subtotal_minor,
            order.shipping_minor,
            order.tax_minor,
            order.total_minor,
            order.refunded_minor,
            order.tax_rate_bp,
        ),
        placed_at=order.placed_at,
        version=order.version,
        payment_reference=order.payment_reference,
        footprint=order.footprint,
    )


async def create_product(cmd: cmds.CreateProduct, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    require_role(ctx, "admin", "supplier")
    if not 0 <= cmd.initial_stock <= 10_000_000:
        raise InvalidInputError("initial_stock must be between 0 and 10,000,000", field="initial_stock")
    product = Product.create(
        new_id(),
        sku=cmd.sku,
        name=cmd.name,
        description=cmd.description,
        category=cmd.category,
        brand=cmd.brand,
        price_minor=cmd.price_minor,
        currency=cmd.currency,
        weight_kg=cmd.weight_kg,
        materials=tuple(Material(m.material, m.kg) for m in cmd.materials),
        origin_country=cmd.origin_country,
        packaging=cmd.packaging,
        certifications=tuple(cmd.certifications),
        status=cmd.status,
    )
    await uow.products.add(product)
    provenance.identify(uow.session, product.product_id, ctx.actor)
    stock = StockItem(product.product_id)
    if cmd.initial_stock:
        stock.adjust(cmd.initial_stock, "initial stock")
        uow.stock.seen.append(stock)
        uow.stock.save([stock])
    return res.Outcome(201, product_result(product, stock))


async def update_product(cmd: cmds.UpdateProduct, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    require_role(ctx, "admin", "supplier")
    product = await uow.products.get(cmd.product_id, for_update=True)
    if ctx.actor.role == "supplier":
        await _require_own_product(uow, product.product_id, ctx)
    changes = dict(cmd.changes)
    if "materials" in changes:
        inputs: tuple[cmds.MaterialInput, ...] = changes["materials"]  # type: ignore[assignment]
        changes["materials"] = tuple(Material(m.material, m.kg) for m in inputs)
    product.update(cmd.expected_version, changes)
    await uow.products.save(product)
    _, stock = (await uow.stock.lock([product.product_id]))[product.product_id]
    return res.Outcome(200, product_result(product, stock))


async def _require_own_product(uow: SqlAlchemyUnitOfWork, product_id: str, ctx: Context) -> None:
    """A supplier changes only the products it created (``products.supplier_id``)."""
    row = await uow.session.fetchone(
        "SELECT supplier_id::text FROM products WHERE product_id = %(p)s", {"p": product_id}
    )
    if row is None or row[0] != ctx.actor.actor_id:
        raise ForbiddenError(f"suppliers change their own products only; product {product_id} is not yours")


async def adjust_stock(cmd: cmds.AdjustStock, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    require_role(ctx, "admin")
    _, stock = (await uow.stock.lock([cmd.product_id]))[cmd.product_id]
    stock.adjust(cmd.delta, cmd.note)
    uow.stock.save([stock])
    return res.Outcome(
        200, res.StockResult(stock.product_id, stock.on_hand, stock.reserved, stock.available, stock.version)
    )


async def register_customer(
    cmd: cmds.RegisterCustomer, uow: SqlAlchemyUnitOfWork, ctx: Context
) -> res.Outcome:
    require_role(ctx, "admin")
    customer = Customer.register(
        cmd.customer_id or new_id(), cmd.email, cmd.display_name, cmd.country, ctx.now
    )
    return await _register(customer, uow)


async def sign_up(cmd: cmds.SignUp, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    if ctx.actor.actor_id != cmd.customer_id:
        raise ForbiddenError("an account can only be opened for its own customer id")
    customer = Customer.register(cmd.customer_id, cmd.email, cmd.display_name, cmd.country, ctx.now)
    outcome = await _register(customer, uow)
    await uow.accounts.add(customer.customer_id, customer.email, cmd.password_hash, ["customer"])
    return outcome


async def erase_customer(cmd: cmds.EraseCustomer, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    if ctx.actor.actor_id != cmd.customer_id:
        require_role(ctx, "admin")
    cid = cmd.customer_id
    conn = await uow.session.begin()
    former = await privacy.erase(conn, cid)
    if former is None:
        if not await privacy.is_erased(conn, cid):
            raise CustomerNotFoundError(f"customer {cid} does not exist", customer_id=cid)
        return res.Outcome(
            200, res.ErasureResult(cid, privacy.pseudonym(cid))
        )  # erased before: nothing to do
    erased = ev.CustomerErased(customer_id=cid, pseudonym=privacy.pseudonym(cid), erased_at=ctx.now)
    uow.extra_events.append(await event_log.next_in_stream(conn, f"customer-{cid}", erased))
    return res.Outcome(200, res.ErasureResult(cid, privacy.pseudonym(cid)))


async def _register(customer: Customer, uow: SqlAlchemyUnitOfWork) -> res.Outcome:
    await uow.customers.add(customer)
    key = await vault.create_key(await uow.session.begin(), customer.customer_id)
    cid = customer.customer_id
    uow.extra_events.append(
        event_log.PendingEvent(
            f"customer-{cid}",
            1,
            ev.CustomerRegistered(
                customer_id=cid,
                email=vault.seal(key, cid, "email", customer.email),
                display_name=vault.seal(key, cid, "display_name", customer.display_name),
                country=customer.country,
                registered_at=customer.created_at,
            ),
        )
    )
    return res.Outcome(201, res.CustomerResult(cid, customer.email, customer.display_name, customer.country))


async def place_order(cmd: cmds.PlaceOrder, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    customer_id = _ordering_customer(cmd, ctx)
    # An unknown customer is caught by the orders -> customers foreign key at commit.
    order_id = new_id()
    locked = await uow.stock.lock(line.product_id for line in cmd.lines)
    address = None
    if cmd.address is not None:
        key = await vault.ensure_key(await uow.session.begin(), customer_id)
        a = cmd.address
        address = ev.ShippingAddress(
            **{
                f: vault.seal(key, customer_id, f"address.{f}", getattr(a, f))
                for f in ("name", "line1", "city", "postal_code")
            }
        )
    placement = Placement(order_id, customer_id, cmd.shipping_country, cmd.shipping_method, address)
    order = _place(uow, locked, [(li.product_id, li.quantity) for li in cmd.lines], placement, ctx.now)
    return res.Outcome(201, order_result(order))


@dataclass(frozen=True, slots=True)
class Placement:
    order_id: str
    customer_id: str
    shipping_country: str
    shipping_method: str
    address: ev.ShippingAddress | None = None


def _place(
    uow: SqlAlchemyUnitOfWork,
    locked: dict[str, tuple[Product, StockItem]],
    lines: list[tuple[str, int]],
    placement: Placement,
    now: str,
) -> Order:
    """Price the lines, reserve their stock (already locked) and queue the new order."""
    order = Order.place(
        placement.order_id,
        placement.customer_id,
        [(locked[product_id][0], quantity) for product_id, quantity in lines],
        placement.shipping_country,
        placement.shipping_method,
        now,
        placement.address,
    )
    for line in order.lines:
        locked[line.product_id][1].reserve(line.quantity, placement.order_id)
    uow.stock.save(item for _, item in locked.values())
    uow.orders.add(order)
    return order


def _ordering_customer(cmd: cmds.PlaceOrder, ctx: Context) -> str:
    if ctx.actor.role == "customer":
        if cmd.customer_id not in (None, ctx.actor.actor_id):
            raise ForbiddenError("customers place orders only for themselves")
        return ctx.actor.actor_id
    require_role(ctx, "admin")
    if cmd.customer_id is None:
        raise InvalidInputError("admins must name the customer_id to order for", field="customer_id")
    return cmd.customer_id


async def _owned_order(uow: SqlAlchemyUnitOfWork, order_id: str, ctx: Context) -> Order:
    order = await uow.orders.get(order_id)
    if not ctx.actor.is_admin and order.customer_id != ctx.actor.actor_id:
        # Someone else's order is reported as missing, so ids cannot be probed.
        raise OrderNotFoundError(f"order {order_id} does not exist", order_id=order_id)
    return order


async def _move_stock(uow: SqlAlchemyUnitOfWork, order: Order, how: str) -> None:
    locked = await uow.stock.lock(li.product_id for li in order.lines)
    for line in order.lines:
        getattr(locked[line.product_id][1], how)(line.quantity, order.order_id)
    uow.stock.save(item for _, item in locked.values())


async def start_payment(cmd: cmds.StartPayment, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    order = await _owned_order(uow, cmd.order_id, ctx)
    if order.status != "pending_payment" and order.payment_reference == cmd.reference:
        # The provider's confirmation overtook this request: the payment already settled.
        return res.Outcome(
            200, res.PaymentResult(order_result(order), cmd.reference, cmd.client_secret, "succeeded")
        )
    order.start_payment(cmd.reference, ctx.now)
    uow.orders.save(order)
    return res.Outcome(
        202, res.PaymentResult(order_result(order), cmd.reference, cmd.client_secret, cmd.status)
    )


async def settle_payment(cmd: cmds.SettlePayment, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    require_role(ctx, "admin")
    order = await uow.orders.get(cmd.order_id)
    if order.status != "pending_payment" and order.payment_reference == cmd.reference:
        return res.Outcome(200, order_result(order))  # told twice: nothing more to do
    order.pay(cmd.reference, ctx.now)
    uow.orders.save(order)
    return res.Outcome(200, order_result(order))


async def fail_payment(cmd: cmds.FailPayment, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    require_role(ctx, "admin")
    order = await uow.orders.get(cmd.order_id)
    if order.status != "pending_payment":
        # A failed attempt reported after the order was paid or cancelled changes nothing.
        return res.Outcome(200, order_result(order))
    order.fail_payment(cmd.reason, ctx.now)
    await _move_stock(uow, order, "release")
    uow.orders.save(order)
    return res.Outcome(200, order_result(order))


async def start_subscription(
    cmd: cmds.StartSubscription, uow: SqlAlchemyUnitOfWork, ctx: Context
) -> res.Outcome:
    if ctx.actor.actor_id != cmd.customer_id:
        require_role(ctx, "admin")
    conn = await uow.session.begin()
    await subscriptions.add(
        conn,
        {
            "subscription_id": cmd.subscription_id,
            "customer_id": cmd.customer_id,
            "status": "active" if cmd.status in ("active", "trialing") else "incomplete",
            "items": [{"product_id": p, "quantity": q} for p, q in cmd.items],
            "shipping_country": cmd.shipping_country,
            "shipping_method": cmd.shipping_method,
            "currency": cmd.currency,
            "amount_minor": cmd.amount_minor,
            "stripe_customer": cmd.stripe_customer,
            "stripe_subscription": cmd.stripe_subscription,
            "stripe_price": cmd.stripe_price,
        },
    )
    await subscriptions.remember_stripe_customer(conn, cmd.customer_id, cmd.stripe_customer)
    uow.extra_events.append(
        event_log.PendingEvent(
            f"subscription-{cmd.subscription_id}",
            1,
            ev.SubscriptionStarted(
                subscription_id=cmd.subscription_id,
                customer_id=cmd.customer_id,
                items=[ev.SubscriptionItem(p, q) for p, q in cmd.items],
                currency=cmd.currency,
                amount_minor=cmd.amount_minor,
                stripe_subscription=cmd.stripe_subscription,
                started_at=ctx.now,
            ),
        )
    )
    return res.Outcome(
        201,
        res.SubscriptionResult(
            cmd.subscription_id,
            cmd.customer_id,
            "active" if cmd.status in ("active", "trialing") else "incomplete",
            [res.SubscriptionItemView(p, q) for p, q in cmd.items],
            cmd.currency,
            cmd.amount_minor,
            cmd.client_secret,
        ),
    )


async def cancel_subscription(
    cmd: cmds.CancelSubscription, uow: SqlAlchemyUnitOfWork, ctx: Context
) -> res.Outcome:
    conn = await uow.session.begin()
    found = await subscriptions.lock(conn, subscription_id=cmd.subscription_id)
    if found is None or (found.customer_id != ctx.actor.actor_id and not ctx.actor.is_admin):
        raise NotFoundError(
            f"subscription {cmd.subscription_id} does not exist", subscription_id=cmd.subscription_id
        )
    if found.status in ("active", "incomplete"):
        requested = ev.SubscriptionCancelRequested(
            subscription_id=found.subscription_id, customer_id=found.customer_id, requested_at=ctx.now
        )
        await _move_subscription(uow, conn, found, "cancel_at_period_end", requested)
    status = found.status if found.status == "ended" else "cancel_at_period_end"
    return res.Outcome(200, res.SubscriptionStatus(found.subscription_id, status))


async def fulfil_subscription_invoice(
    cmd: cmds.FulfilSubscriptionInvoice, uow: SqlAlchemyUnitOfWork, ctx: Context
) -> res.Outcome:
    """One paid invoice, one paid order: placed with the box's products, settled by the invoice's payment."""
    require_role(ctx, "admin")
    conn = await uow.session.begin()
    found = await subscriptions.lock(conn, stripe_id=cmd.stripe_subscription)
    if found is None:
        raise NotFoundError(f"no subscription is billed as {cmd.stripe_subscription}")
    order_id = new_id()
    if not await subscriptions.claim_invoice(conn, cmd.invoice_id, found.subscription_id, order_id):
        # Delivered before: that invoice has its order already.
        return res.Outcome(200, res.SubscriptionStatus(found.subscription_id, found.status))
    if found.status == "incomplete":
        await subscriptions.set_status(conn, found.subscription_id, "active")
    lines = [(str(i["product_id"]), int(str(i["quantity"]))) for i in found.items]
    locked = await uow.stock.lock(product_id for product_id, _ in lines)
    placement = Placement(order_id, found.customer_id, found.shipping_country, found.shipping_method)
    order = _place(uow, locked, lines, placement, ctx.now)
    order.pay(cmd.payment_reference, ctx.now)
    uow.orders.save(order)  # the insert above is queued as placed; this queues it as paid
    return res.Outcome(201, order_result(order))


async def settle_refund(cmd: cmds.SettleRefund, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    require_role(ctx, "admin")
    order = await uow.orders.get(cmd.order_id)
    if not await refunds.claim_settlement(await uow.session.begin(), cmd.refund_reference, cmd.order_id):
        return res.Outcome(200, order_result(order))  # settled before: a redelivered event
    order.settle_refund(cmd.refund_reference, cmd.amount_minor, ctx.now)
    uow.orders.save(order)
    return res.Outcome(201, order_result(order))


async def end_subscription(cmd: cmds.EndSubscription, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    require_role(ctx, "admin")
    conn = await uow.session.begin()
    found = await subscriptions.lock(conn, stripe_id=cmd.stripe_subscription)
    if found is None:
        raise NotFoundError(f"no subscription is billed as {cmd.stripe_subscription}")
    if found.status != "ended":
        ended = ev.SubscriptionEnded(
            subscription_id=found.subscription_id, customer_id=found.customer_id, ended_at=ctx.now
        )
        await _move_subscription(uow, conn, found, "ended", ended)
    return res.Outcome(200, res.SubscriptionStatus(found.subscription_id, "ended"))


async def _move_subscription(
    uow: SqlAlchemyUnitOfWork,
    conn: AsyncConnection,
    found: subscriptions.SubscriptionRow,
    status: str,
    event: ev.Event,
) -> None:
    """A new status for the subscription, and the event that says so, in its stream."""
    await subscriptions.set_status(conn, found.subscription_id, status)
    stream = f"subscription-{found.subscription_id}"
    uow.extra_events.append(await event_log.next_in_stream(conn, stream, event))


async def cancel_order(cmd: cmds.CancelOrder, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    order = await _owned_order(uow, cmd.order_id, ctx)
    order.cancel(cmd.reason, ctx.now)
    await _move_stock(uow, order, "release")
    uow.orders.save(order)
    return res.Outcome(200, order_result(order))


async def ship_order(cmd: cmds.ShipOrder, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    require_role(ctx, "admin")
    order = await uow.orders.get(cmd.order_id)
    order.ship(ctx.now)
    await _move_stock(uow, order, "ship")
    uow.orders.save(order)
    return res.Outcome(200, order_result(order))


async def deliver_order(cmd: cmds.DeliverOrder, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    require_role(ctx, "admin")
    order = await uow.orders.get(cmd.order_id)
    order.deliver(ctx.now)
    uow.orders.save(order)
    await challenge_handlers.settle_for_order(uow, order, ctx.now)
    return res.Outcome(200, order_result(order))


async def refund_order(cmd: cmds.RefundOrder, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    require_role(ctx, "admin")
    order = await uow.orders.get(cmd.order_id)
    held = order.holds_reservation
    was_delivered = order.status == "delivered"
    order.refund(cmd.amount_minor, cmd.reason, ctx.now, through_provider=cmd.through_provider)
    if held and order.status == "refunded":
        # Fully refunded before shipping: the goods stay on the shelf.
        await _move_stock(uow, order, "release")
    uow.orders.save(order)
    if was_delivered:
        # A delivered order counted for challenges: what it still counts may have fallen below a goal.
        await challenge_handlers.settle_for_order(uow, order, ctx.now)
    return res.Outcome(200, order_result(order))


Handler = Callable[[Any, SqlAlchemyUnitOfWork, Context], Awaitable[res.Outcome]]
ReadAhead = Callable[[Any], list[Statement]]

# The first read a handler will make, so the bus can send it with BEGIN and the
# idempotency claim in one round trip.
READ_AHEAD: dict[type, ReadAhead] = {
    cmds.PlaceOrder: lambda cmd: [StockRepository.lock_statement(li.product_id for li in cmd.lines)],
}

HANDLERS: dict[type, Handler] = {
    cmds.CreateProduct: create_product,
    cmds.UpdateProduct: update_product,
    cmds.AdjustStock: adjust_stock,
    cmds.RegisterCustomer: register_customer,
    cmds.SignUp: sign_up,
    cmds.EraseCustomer: erase_customer,
    cmds.StartSubscription: start_subscription,
    cmds.CancelSubscription: cancel_subscription,
    cmds.FulfilSubscriptionInvoice: fulfil_subscription_invoice,
    cmds.EndSubscription: end_subscription,
    cmds.SettleRefund: settle_refund,
    cmds.PlaceOrder: place_order,
    cmds.StartPayment: start_payment,
    cmds.SettlePayment: settle_payment,
    cmds.FailPayment: fail_payment,
    cmds.CancelOrder: cancel_order,
    cmds.ShipOrder: ship_order,
    cmds.DeliverOrder: deliver_order,
    cmds.RefundOrder: refund_order,
    cmds.CreateChallenge: challenge_handlers.create_challenge,
    cmds.JoinChallenge: challenge_handlers.join_challenge,
    cmds.SetLeaderboardVisibility: challenge_handlers.set_leaderboard_visibility,
    cmds.RecordProvenance: provenance_handlers.record_provenance,
}
