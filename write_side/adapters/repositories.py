"""Repositories: load and save aggregates with SQLAlchemy Core, and remember what they saw.

Every aggregate a repository hands out is tracked in ``seen`` so the unit of
work can publish its events in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters.tables import customers, order_lines, orders, products, stock_items
from write_side.domain.catalog import Material, Product
from write_side.domain.customers import Customer
from write_side.domain.errors import (
    CustomerNotFoundError,
    DuplicateEmailError,
    DuplicateSkuError,
    OrderNotFoundError,
    ProductNotFoundError,
)
from write_side.domain.inventory import StockItem
from write_side.domain.orders import Order, OrderLine

_PRODUCT_COLUMNS = [c for c in products.c if c.name not in {"created_at", "updated_at"}]


def _product_from_row(row: dict[str, object]) -> Product:
    return Product(
        product_id=str(row["product_id"]),
        sku=str(row["sku"]),
        name=str(row["name"]),
        description=str(row["description"]),
        category=str(row["category"]),
        brand=str(row["brand"]),
        price_minor=int(row["price_minor"]),  # type: ignore[call-overload]
        currency=str(row["currency"]),
        weight_kg=float(row["weight_kg"]),  # type: ignore[arg-type]
        materials=tuple(Material(m["material"], float(m["kg"])) for m in row["materials"]),  # type: ignore[attr-defined]
        origin_country=str(row["origin_country"]),
        packaging=str(row["packaging"]),
        certifications=tuple(row["certifications"]),  # type: ignore[arg-type]
        status=str(row["status"]),
        version=int(row["version"]),  # type: ignore[call-overload]
    )


def _product_values(product: Product) -> dict[str, object]:
    return {
        "product_id": product.product_id,
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "category": product.category,
        "brand": product.brand,
        "price_minor": product.price_minor,
        "currency": product.currency,
        "weight_kg": product.weight_kg,
        "materials": [{"material": m.material, "kg": m.kg} for m in product.materials],
        "origin_country": product.origin_country,
        "packaging": product.packaging,
        "certifications": list(product.certifications),
        "status": product.status,
        "version": product.version,
    }


class ProductRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self.seen: list[Product] = []

    async def add(self, product: Product) -> None:
        """Insert a new product with an empty stock item."""
        result = await self._conn.execute(
            pg_insert(products)
            .values(_product_values(product))
            .on_conflict_do_nothing(index_elements=["sku"])
            .returning(products.c.product_id)
        )
        if result.first() is None:
            raise DuplicateSkuError(f"a product with SKU {product.sku} exists already", field="sku")
        await self._conn.execute(
            insert(stock_items).values(product_id=product.product_id, on_hand=0, reserved=0, version=0)
        )
        self.seen.append(product)

    async def get(self, product_id: str, *, for_update: bool = False) -> Product:
        """Load a product, locking its row when ``for_update``."""
        query = select(*_PRODUCT_COLUMNS).where(products.c.product_id == product_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).mappings().first()
        if row is None:
            raise ProductNotFoundError(f"product {product_id} does not exist", product_id=product_id)
        product = _product_from_row(dict(row))
        self.seen.append(product)
        return product

    async def save(self, product: Product) -> None:
        values = _product_values(product)
        values.pop("product_id")
        values.pop("sku")
        await self._conn.execute(
            update(products)
            .where(products.c.product_id == product.product_id)
            .values(**values, updated_at=text("now()"))
        )


_LOCK_STOCK = (
    select(
        *_PRODUCT_COLUMNS,
        stock_items.c.on_hand,
        stock_items.c.reserved,
        stock_items.c.version.label("stock_version"),
    )
    .join_from(stock_items, products, stock_items.c.product_id == products.c.product_id)
    .order_by(stock_items.c.product_id)
    .with_for_update(of=stock_items)
)

_SAVE_STOCK = text(
    """
    UPDATE stock_items AS s SET on_hand = v.on_hand, reserved = v.reserved, version = v.version
    FROM unnest(CAST(:ids AS uuid[]), CAST(:on_hand AS int[]), CAST(:reserved AS int[]),
                CAST(:versions AS int[])) AS v(product_id, on_hand, reserved, version)
    WHERE s.product_id = v.product_id
    """
)


class StockRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self.seen: list[StockItem] = []

    async def lock(self, product_ids: Iterable[str]) -> dict[str, tuple[Product, StockItem]]:
        """Lock the stock rows of ``product_ids`` in id order, so concurrent orders never deadlock."""
        wanted = sorted(set(product_ids))
        rows = (
            (await self._conn.execute(_LOCK_STOCK.where(stock_items.c.product_id.in_(wanted))))
            .mappings()
            .all()
        )
        found: dict[str, tuple[Product, StockItem]] = {}
        for row in rows:
            product = _product_from_row(dict(row))
            item = StockItem(
                product.product_id, int(row["on_hand"]), int(row["reserved"]), int(row["stock_version"])
            )
            found[product.product_id] = (product, item)
            self.seen.append(item)
        missing = [pid for pid in wanted if pid not in found]
        if missing:
            raise ProductNotFoundError(f"product {missing[0]} does not exist", product_id=missing[0])
        return found

    async def save(self, items: Iterable[StockItem]) -> None:
        changed = [i for i in items if i.events]
        if not changed:
            return
        await self._conn.execute(
            _SAVE_STOCK,
            {
                "ids": [i.product_id for i in changed],
                "on_hand": [i.on_hand for i in changed],
                "reserved": [i.reserved for i in changed],
                "versions": [i.version for i in changed],
            },
        )


class OrderRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self.seen: list[Order] = []

    async def add(self, order: Order) -> None:
        await self._conn.execute(
            insert(orders).values(
                order_id=order.order_id,
                customer_id=order.customer_id,
                status=order.status,
                currency=order.currency,
                shipping_country=order.shipping_country,
                shipping_method=order.shipping_method,
                tax_rate_bp=order.tax_rate_bp,
                subtotal_minor=order.subtotal_minor,
                shipping_minor=order.shipping_minor,
                tax_minor=order.tax_minor,
                total_minor=order.total_minor,
                refunded_minor=order.refunded_minor,
                version=order.version,
                placed_at=datetime.fromisoformat(order.placed_at),
            )
        )
        await self._conn.execute(
            insert(order_lines),
            [
                {
                    "order_id": order.order_id,
                    "line_no": n,
                    "product_id": li.product_id,
                    "sku": li.sku,
                    "name": li.name,
                    "category": li.category,
                    "quantity": li.quantity,
                    "unit_price_minor": li.unit_price_minor,
                }
                for n, li in enumerate(order.lines, start=1)
            ],
        )
        self.seen.append(order)

    async def get(self, order_id: str) -> Order:
        """Load and lock an order for a state change."""
        row = (
            (await self._conn.execute(select(orders).where(orders.c.order_id == order_id).with_for_update()))
            .mappings()
            .first()
        )
        if row is None:
            raise OrderNotFoundError(f"order {order_id} does not exist", order_id=order_id)
        line_rows = (
            (
                await self._conn.execute(
                    select(order_lines)
                    .where(order_lines.c.order_id == order_id)
                    .order_by(order_lines.c.line_no)
                )
            )
            .mappings()
            .all()
        )
        order = Order(
            order_id=str(row["order_id"]),
            customer_id=str(row["customer_id"]),
            currency=row["currency"],
            lines=tuple(
                OrderLine(
                    str(li["product_id"]),
                    li["sku"],
                    li["name"],
                    li["category"],
                    li["quantity"],
                    li["unit_price_minor"],
                )
                for li in line_rows
            ),
            shipping_country=row["shipping_country"],
            shipping_method=row["shipping_method"],
            tax_rate_bp=row["tax_rate_bp"],
            subtotal_minor=row["subtotal_minor"],
            shipping_minor=row["shipping_minor"],
            tax_minor=row["tax_minor"],
            total_minor=row["total_minor"],
            placed_at=row["placed_at"].isoformat(),
            status=row["status"],
            refunded_minor=row["refunded_minor"],
            payment_reference=row["payment_reference"],
            version=row["version"],
        )
        self.seen.append(order)
        return order

    async def save(self, order: Order) -> None:
        await self._conn.execute(
            update(orders)
            .where(orders.c.order_id == order.order_id)
            .values(
                status=order.status,
                refunded_minor=order.refunded_minor,
                payment_reference=order.payment_reference,
                version=order.version,
                updated_at=text("now()"),
            )
        )


class CustomerRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self.seen: list[Customer] = []

    async def add(self, customer: Customer) -> None:
        result = await self._conn.execute(
            pg_insert(customers)
            .values(
                customer_id=customer.customer_id,
                email=customer.email,
                display_name=customer.display_name,
                country=customer.country,
            )
            .on_conflict_do_nothing(index_elements=["email"])
            .returning(customers.c.customer_id)
        )
        if result.first() is None:
            raise DuplicateEmailError("a customer with this email exists already", field="email")

    async def exists(self, customer_id: str) -> bool:
        row = await self._conn.execute(
            select(customers.c.customer_id).where(customers.c.customer_id == customer_id)
        )
        return row.first() is not None

    async def require(self, customer_id: str) -> None:
        if not await self.exists(customer_id):
            raise CustomerNotFoundError(f"customer {customer_id} does not exist", customer_id=customer_id)
