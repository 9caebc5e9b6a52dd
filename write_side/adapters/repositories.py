"""Repositories: load and save aggregates, and remember what they saw.

Every aggregate a repository hands out is tracked in ``seen`` so the unit of
work can publish its events in the same transaction. The catalog's rarely-hot
writes use SQLAlchemy Core; the order path uses prepared SQL whose writes are
queued on the session and pipelined at commit (see ``write_side.adapters.pg``).
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
from sqlalchemy import insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters.pg import PgSession
from write_side.adapters.tables import customers, products, stock_items
from write_side.adapters.unique import insert_once
from write_side.domain.catalog import Material, Product
from write_side.domain.customers import Customer
from write_side.domain.errors import (
    CustomerExistsError,
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


def _json(value: object) -> str:
    return msgspec.json.encode(value).decode()


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
    def __init__(self, session: PgSession) -> None:
        self._session = session
        self.seen: list[Product] = []

    async def add(self, product: Product) -> None:
        """Insert a new product with an empty stock item."""
        if not await insert_once(await self._session.begin(), products, _product_values(product), "sku"):
            raise DuplicateSkuError(f"a product with SKU {product.sku} exists already", field="sku")
        await (await self._session.begin()).execute(
            insert(stock_items).values(product_id=product.product_id, on_hand=0, reserved=0, version=0)
        )
        self.seen.append(product)

    async def get(self, product_id: str, *, for_update: bool = False) -> Product:
        """Load a product, locking its row when ``for_update``."""
        query = select(*_PRODUCT_COLUMNS).where(products.c.product_id == product_id)
        if for_update:
            # FOR NO KEY UPDATE: it serialises changes of the product, but not the key-share locks
            # that new order lines' foreign keys take. FOR UPDATE made a product change (product,
            # then stock) deadlock with orders (stock, then the product's key share).
            query = query.with_for_update(key_share=True)
        row = (await (await self._session.begin()).execute(query)).mappings().first()
        if row is None:
            raise ProductNotFoundError(f"product {product_id} does not exist", product_id=product_id)
        product = _product_from_row(dict(row))
        self.seen.append(product)
        return product

    async def save(self, product: Product) -> None:
        values = _product_values(product)
        values.pop("product_id")
        values.pop("sku")
        await (await self._session.begin()).execute(
            update(products)
            .where(products.c.product_id == product.product_id)
            .values(**values, updated_at=text("now()"))
        )


async def load_products(conn: AsyncConnection, product_ids: list[str]) -> dict[str, Product]:
    """Products by id, without locking them; ``ProductNotFoundError`` names the first one missing."""
    rows = await conn.execute(select(*_PRODUCT_COLUMNS).where(products.c.product_id.in_(product_ids)))
    found = {str(p.product_id): p for p in (_product_from_row(dict(row)) for row in rows.mappings())}
    for product_id in product_ids:
        if product_id not in found:
            raise ProductNotFoundError(f"product {product_id} does not exist", product_id=product_id)
    return found


_PRODUCT_FIELDS = ", ".join(f"p.{c.name}" for c in _PRODUCT_COLUMNS)
_LOCK_STOCK = f"""
    SELECT {_PRODUCT_FIELDS}, s.on_hand, s.reserved, s.version
    FROM stock_items s JOIN products p ON p.product_id = s.product_id
    WHERE s.product_id = ANY(%(ids)s::uuid[])
    ORDER BY s.product_id
    FOR UPDATE OF s
"""
_SAVE_STOCK = """
    UPDATE stock_items AS s SET on_hand = v.on_hand, reserved = v.reserved, version = v.version
    FROM jsonb_to_recordset(%(items)s::jsonb) AS v(product_id uuid, on_hand int, reserved int, version int)
    WHERE s.product_id = v.product_id AND s.product_id = ANY(%(ids)s::uuid[])
"""


class StockRepository:
    def __init__(self, session: PgSession) -> None:
        self._session = session
        self.seen: list[StockItem] = []

    @staticmethod
    def lock_statement(product_ids: Iterable[str]) -> tuple[str, dict[str, list[str]]]:
        """The locking read, so a caller can send it ahead (see ``PgSession.prefetch``)."""
        return _LOCK_STOCK, {"ids": sorted(set(product_ids))}

    async def lock(self, product_ids: Iterable[str]) -> dict[str, tuple[Product, StockItem]]:
        """Lock the stock rows of ``product_ids`` in id order, so concurrent orders never deadlock."""
        sql, params = self.lock_statement(product_ids)
        wanted = params["ids"]
        rows = await self._session.fetch(sql, params)
        names = [c.name for c in _PRODUCT_COLUMNS]
        found: dict[str, tuple[Product, StockItem]] = {}
        for row in rows:
            product = _product_from_row(dict(zip(names, row, strict=False)))
            on_hand, reserved, version = row[-3:]
            item = StockItem(product.product_id, on_hand, reserved, version)
            found[product.product_id] = (product, item)
            self.seen.append(item)
        missing = [pid for pid in wanted if pid not in found]
        if missing:
            raise ProductNotFoundError(f"product {missing[0]} does not exist", product_id=missing[0])
        return found

    def save(self, items: Iterable[StockItem]) -> None:
        """Queue the new levels of the changed items."""
        changed = [i for i in items if i.events]
        if changed:
            self._session.defer(
                _SAVE_STOCK,
                {
                    # The planner guesses 100 rows for the recordset and would hash-join it against
                    # a scan of every stock row; the ids let it fetch just these by primary key.
                    "ids": [i.product_id for i in changed],
                    "items": _json(
                        [
                            {
                                "product_id": i.product_id,
                                "on_hand": i.on_hand,
                                "reserved": i.reserved,
                                "version": i.version,
                            }
                            for i in changed
                        ]
                    ),
                },
            )


_INSERT_ORDER = """
    WITH o AS (
        INSERT INTO orders
        SELECT * FROM jsonb_populate_record(NULL::orders, %(order)s::jsonb)
        RETURNING order_id
    )
    INSERT INTO order_lines (order_id, line_no, product_id, sku, name, category, quantity, unit_price_minor)
    SELECT o.order_id, l.line_no, l.product_id, l.sku, l.name, l.category, l.quantity, l.unit_price_minor
    FROM o, jsonb_to_recordset(%(lines)s::jsonb) AS l(
        line_no smallint, product_id uuid, sku text, name text, category text, quantity int,
        unit_price_minor bigint)
"""
_ORDER_COLUMNS = (
    "order_id, customer_id, currency, shipping_country, shipping_method, tax_rate_bp, subtotal_minor, "
    "shipping_minor, tax_minor, total_minor, placed_at, status, refunded_minor, payment_reference, version, "
    "eco_points, eco_points_held"
)
_GET_ORDER = f"SELECT {_ORDER_COLUMNS} FROM orders WHERE order_id = %(id)s FOR UPDATE"
_GET_LINES = (
    "SELECT product_id, sku, name, category, quantity, unit_price_minor FROM order_lines "
    "WHERE order_id = %(id)s ORDER BY line_no"
)
_SAVE_ORDER = """
    UPDATE orders SET status = %(status)s, refunded_minor = %(refunded)s, payment_reference = %(ref)s,
        version = %(version)s, eco_points_held = %(held)s, updated_at = now(),
        delivered_at = coalesce(%(delivered)s::timestamptz, delivered_at)
    WHERE order_id = %(id)s
"""


class OrderRepository:
    def __init__(self, session: PgSession) -> None:
        self._session = session
        self.seen: list[Order] = []

    def add(self, order: Order) -> None:
        """Queue the order and its lines."""
        self._session.defer(
            _INSERT_ORDER,
            {
                "order": _json(
                    {
                        "order_id": order.order_id,
                        "customer_id": order.customer_id,
                        "status": order.status,
                        "currency": order.currency,
                        "shipping_country": order.shipping_country,
                        "shipping_method": order.shipping_method,
                        "tax_rate_bp": order.tax_rate_bp,
                        "subtotal_minor": order.subtotal_minor,
                        "shipping_minor": order.shipping_minor,
                        "tax_minor": order.tax_minor,
                        "total_minor": order.total_minor,
                        "refunded_minor": order.refunded_minor,
                        "version": order.version,
                        "eco_points": order.eco_points,
                        "eco_points_held": order.eco_points_held,
                        "savings_kg_co2e": order.savings_kg_co2e,
                        "certified_units": order.certified_units,
                        "certified_brands": list(order.certified_brands),
                        "placed_at": order.placed_at,
                        "updated_at": order.placed_at,
                    }
                ),
                "lines": _json(
                    [
                        {
                            "line_no": n,
                            "product_id": li.product_id,
                            "sku": li.sku,
                            "name": li.name,
                            "category": li.category,
                            "quantity": li.quantity,
                            "unit_price_minor": li.unit_price_minor,
                        }
                        for n, li in enumerate(order.lines, start=1)
                    ]
                ),
            },
        )
        self.seen.append(order)

    async def get(self, order_id: str) -> Order:
        """Load and lock an order for a state change."""
        row = await self._session.fetchone(_GET_ORDER, {"id": order_id})
        if row is None:
            raise OrderNotFoundError(f"order {order_id} does not exist", order_id=order_id)
        lines = await self._session.fetch(_GET_LINES, {"id": order_id})
        (
            oid,
            customer_id,
            currency,
            country,
            method,
            rate,
            subtotal,
            shipping,
            tax,
            total,
            placed_at,
            status,
            refunded,
            reference,
            version,
            points,
            held,
        ) = row
        order = Order(
            order_id=str(oid),
            customer_id=str(customer_id),
            currency=currency,
            lines=tuple(OrderLine(str(p), sku, name, cat, q, u) for p, sku, name, cat, q, u in lines),
            shipping_country=country,
            shipping_method=method,
            tax_rate_bp=rate,
            subtotal_minor=subtotal,
            shipping_minor=shipping,
            tax_minor=tax,
            total_minor=total,
            placed_at=placed_at.isoformat(),
            status=status,
            refunded_minor=refunded,
            payment_reference=reference,
            version=version,
            eco_points=points,
            eco_points_held=held,
        )
        self.seen.append(order)
        return order

    def save(self, order: Order) -> None:
        """Queue the order's new state."""
        self._session.defer(
            _SAVE_ORDER,
            {
                "status": order.status,
                "refunded": order.refunded_minor,
                "ref": order.payment_reference,
                "version": order.version,
                "held": order.eco_points_held,
                "delivered": order.delivered_at,
                "id": order.order_id,
            },
        )


class CustomerRepository:
    def __init__(self, session: PgSession) -> None:
        self._session = session
        self.seen: list[Customer] = []

    async def add(self, customer: Customer) -> None:
        values = {
            "customer_id": customer.customer_id,
            "email": customer.email,
            "display_name": customer.display_name,
            "country": customer.country,
        }
        conn = await self._session.begin()
        # Either unique key may be taken (an admin may choose the id): nothing is written, and the
        # caller is told which.
        claimed = await conn.scalar(
            pg_insert(customers).values(**values).on_conflict_do_nothing().returning(customers.c.customer_id)
        )
        if claimed is None:
            taken = await conn.scalar(
                select(customers.c.customer_id).where(customers.c.customer_id == customer.customer_id)
            )
            if taken is not None:
                raise CustomerExistsError(
                    f"a customer with id {customer.customer_id} exists already", field="id"
                )
            raise DuplicateEmailError("a customer with this email exists already", field="email")
