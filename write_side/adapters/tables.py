"""SQLAlchemy Core tables of the command side: the normalized state, ledger and event log.

Migrations (``write_side/migrations``) own the schema; these tables mirror it for
queries, and ``tests/integration/test_migrations.py`` proves the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

NOW = text("now()")

customers = Table(
    "customers",
    metadata,
    Column("customer_id", UUID(as_uuid=False), primary_key=True),
    Column("email", Text, nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("country", String(2), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Column("erased_at", DateTime(timezone=True)),  # set when the person asked to be forgotten
    Column("leaderboard_visible", Boolean, nullable=False, server_default="true"),
)

# The vault of per-customer data keys. Deleting a row crypto-shreds every sealed
# field of that customer in the event log, so rebuilds forget them too.
customer_keys = Table(
    "customer_keys",
    metadata,
    Column("customer_id", UUID(as_uuid=False), primary_key=True),
    Column("data_key", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=NOW),
)

products = Table(
    "products",
    metadata,
    Column("product_id", UUID(as_uuid=False), primary_key=True),
    Column("sku", String(40), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("category", Text, nullable=False, index=True),
    Column("brand", Text, nullable=False),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("weight_kg", Double, nullable=False),
    Column("materials", JSONB, nullable=False),
    Column("origin_country", String(2), nullable=False),
    Column("packaging", Text, nullable=False),
    Column("certifications", ARRAY(Text), nullable=False),
    Column("status", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Column("supplier_id", UUID(as_uuid=False)),  # the supplier who created it (None: an admin did)
    CheckConstraint("price_minor > 0", name="price_positive"),
    CheckConstraint("status IN ('draft', 'active', 'retired')", name="status_known"),
)

stock_items = Table(
    "stock_items",
    metadata,
    Column(
        "product_id",
        UUID(as_uuid=False),
        ForeignKey("products.product_id"),
        primary_key=True,
    ),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    CheckConstraint("reserved <= on_hand", name="never_oversold"),
)

orders = Table(
    "orders",
    metadata,
    Column("order_id", UUID(as_uuid=False), primary_key=True),
    Column(
        "customer_id",
        UUID(as_uuid=False),
        ForeignKey("customers.customer_id"),
        nullable=False,
        index=True,
    ),
    Column("status", Text, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("shipping_country", String(2), nullable=False),
    Column("shipping_method", Text, nullable=False),
    Column("tax_rate_bp", Integer, nullable=False),
    Column("subtotal_minor", BigInteger, nullable=False),
    Column("shipping_minor", BigInteger, nullable=False),
    Column("tax_minor", BigInteger, nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("refunded_minor", BigInteger, nullable=False),
    Column("payment_reference", Text),
    Column("version", Integer, nullable=False),
    Column("placed_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    CheckConstraint(
        "status IN ('pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')",
        name="status_known",
    ),
    CheckConstraint("refunded_minor BETWEEN 0 AND total_minor", name="refund_bounded"),
    # what delivery earns (write_side.domain.rewards) and what the customer holds from it now
    Column("eco_points", Integer, nullable=False, server_default="0"),
    Column("eco_points_held", Integer, nullable=False, server_default="0"),
    CheckConstraint("eco_points_held BETWEEN 0 AND eco_points", name="eco_points_held_bounded"),
    # What challenges measure (write_side.domain.challenges), fixed at placement, and when delivery settled it
    Column("savings_kg_co2e", Double, nullable=False, server_default="0"),
    Column("certified_units", Integer, nullable=False, server_default="0"),
    Column("certified_brands", ARRAY(Text), nullable=False, server_default="{}"),
    Column("delivered_at", DateTime(timezone=True)),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", UUID(as_uuid=False), ForeignKey("orders.order_id"), primary_key=True),
    Column("line_no", SmallInteger, primary_key=True),
    Column("product_id", UUID(as_uuid=False), ForeignKey("products.product_id"), nullable=False),
    Column("sku", String(40), nullable=False),
    Column("name", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("code", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("asset_class", Text, nullable=False),
)

journal_transactions = Table(
    "journal_transactions",
    metadata,
    Column("transaction_id", BigInteger, Identity(), primary_key=True),
    Column("kind", Text, nullable=False),
    Column("order_id", UUID(as_uuid=False), index=True),
    Column("posted_at", DateTime(timezone=True), nullable=False, server_default=NOW),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("entry_id", BigInteger, Identity(), primary_key=True),
    Column(
        "transaction_id",
        BigInteger,
        ForeignKey("journal_transactions.transaction_id"),
        nullable=False,
        index=True,
    ),
    Column("account", Text, ForeignKey("accounts.code"), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("party_id", UUID(as_uuid=False)),
    CheckConstraint("amount_minor <> 0", name="amount_not_zero"),
)

# The event log. ``tx_id`` is the writing transaction's id (xid8 as bigint);
# ``causal_tx`` is the newest transaction id among the event and its stream's
# earlier events (set by a trigger, migration 0007). Readers order by
# (causal_tx, position) and stop below the oldest in-flight transaction, so an
# event that commits late is never skipped and each stream arrives in order.
event_log = Table(
    "event_log",
    metadata,
    Column("position", BigInteger, Identity(), primary_key=True),
    Column(
        "tx_id",
        BigInteger,
        nullable=False,
        server_default=text("(pg_current_xact_id())::text::bigint"),
    ),
    Column("causal_tx", BigInteger, nullable=False),
    Column("stream_id", Text, nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("schema_version", SmallInteger, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("metadata", JSONB, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    UniqueConstraint("stream_id", "stream_version"),
    Index("ix_event_log_causal_tx_position", "causal_tx", "position"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("principal", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("request_hash", LargeBinary, nullable=False),
    Column("response_status", SmallInteger),
    Column("response_body", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=NOW),
)

# The local identity provider (the embedded default; SuperTokens keeps its own).
# An account may be a customer (same id as the customers row) or staff.
credentials = Table(
    "credentials",
    metadata,
    Column("user_id", UUID(as_uuid=False), primary_key=True),
    Column("email", Text, nullable=False, unique=True),  # lower-cased
    Column("password_hash", Text, nullable=False),  # argon2id, with its parameters
    Column("roles", ARRAY(Text), nullable=False, server_default=text("'{customer}'")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=NOW),
)

# One row per sign-in: a family of refresh tokens. Revoking it ends the session.
sessions = Table(
    "sessions",
    metadata,
    Column("session_handle", UUID(as_uuid=False), primary_key=True),
    Column(
        "user_id",
        UUID(as_uuid=False),
        ForeignKey("credentials.user_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_reason", Text),
)

# Refresh tokens are stored as SHA-256 hashes. Each is used once: using it again
# means it was stolen (or replayed), and the whole family is revoked.
refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", LargeBinary, primary_key=True),
    Column(
        "session_handle",
        UUID(as_uuid=False),
        ForeignKey("sessions.session_handle", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("parent_hash", LargeBinary),
    Column("issued_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

# Failed sign-ins, for rate limiting per email and per client address.
signin_failures = Table(
    "signin_failures",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("email", Text, nullable=False),
    Column("client", Text, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Index("ix_signin_failures_email_failed_at", "email", "failed_at"),
    Index("ix_signin_failures_client_failed_at", "client", "failed_at"),
)

# Stripe's webhook events, stored before they are acknowledged and processed by
# a background job: the event id makes a redelivered event a no-op.
stripe_events = Table(
    "stripe_events",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("type", Text, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Column("processed_at", DateTime(timezone=True)),
    Column("outcome", Text),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Index("ix_stripe_events_unprocessed", "received_at", postgresql_where=text("processed_at IS NULL")),
)

# Eco-box subscriptions: a set of products delivered monthly, billed by Stripe.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("subscription_id", UUID(as_uuid=False), primary_key=True),
    Column(
        "customer_id", UUID(as_uuid=False), ForeignKey("customers.customer_id"), nullable=False, index=True
    ),
    Column("status", Text, nullable=False),
    Column("items", JSONB, nullable=False),  # [{"product_id": ..., "quantity": ...}]
    Column("shipping_country", String(2), nullable=False),
    Column("shipping_method", Text, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),  # per month, shipping included
    Column("stripe_customer", Text, nullable=False),
    Column("stripe_subscription", Text, nullable=False, unique=True),
    Column("stripe_price", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Column("cancel_requested_at", DateTime(timezone=True)),
    Column("ended_at", DateTime(timezone=True)),
    CheckConstraint(
        "status IN ('incomplete', 'active', 'cancel_at_period_end', 'ended')", name="status_known"
    ),
)

# Which Stripe Customer stands for which of our customers (made once, on the first subscription).
stripe_customers = Table(
    "stripe_customers",
    metadata,
    Column("customer_id", UUID(as_uuid=False), ForeignKey("customers.customer_id"), primary_key=True),
    Column("stripe_customer", Text, nullable=False, unique=True),
)

# Which invoice produced which order: a redelivered invoice.paid creates no second order.
subscription_orders = Table(
    "subscription_orders",
    metadata,
    Column("invoice_id", Text, primary_key=True),
    Column(
        "subscription_id",
        UUID(as_uuid=False),
        ForeignKey("subscriptions.subscription_id"),
        nullable=False,
        index=True,
    ),
    # Deferred: the order row is written with the rest of the command, after this claim.
    Column(
        "order_id",
        UUID(as_uuid=False),
        ForeignKey("orders.order_id", deferrable=True, initially="DEFERRED"),
        nullable=False,
    ),
)

# Refunds the payment provider has paid out: a redelivered event settles nothing twice.
refund_settlements = Table(
    "refund_settlements",
    metadata,
    Column("refund_reference", Text, primary_key=True),
    Column("order_id", UUID(as_uuid=False), ForeignKey("orders.order_id"), nullable=False, index=True),
    Column("settled_at", DateTime(timezone=True), nullable=False, server_default=NOW),
)

# Challenges admins set: a goal in the rule language (write_side.contracts.challenges) over a window.
challenges = Table(
    "challenges",
    metadata,
    Column("challenge_id", UUID(as_uuid=False), primary_key=True),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("goal", JSONB, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("time_zone", Text, nullable=False),
    Column("reward_points", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    CheckConstraint("ends_on >= starts_on", name="window_ordered"),
    CheckConstraint("reward_points > 0", name="reward_positive"),
)

# Who joined which challenge, and the reward they hold from it (0 or the challenge's points).
challenge_entries = Table(
    "challenge_entries",
    metadata,
    Column("challenge_id", UUID(as_uuid=False), ForeignKey("challenges.challenge_id"), primary_key=True),
    Column(
        "customer_id", UUID(as_uuid=False), ForeignKey("customers.customer_id"), primary_key=True, index=True
    ),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    Column("rewarded_points", Integer, nullable=False, server_default="0"),
    Column("completed_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False),
    CheckConstraint("rewarded_points >= 0", name="rewarded_points_positive"),
)

# The provenance transparency log (RFC 9162): append-only, enforced by a trigger (migration 0010).
provenance_log = Table(
    "provenance_log",
    metadata,
    Column("id", SmallInteger, primary_key=True),  # one row: the log's size, locked by each append
    Column("tree_size", BigInteger, nullable=False),
    Column("edge", ARRAY(LargeBinary), nullable=False, server_default="{}"),  # perfect subtrees of [0, size)
    Column("company_prefix", Text, nullable=False),  # the GS1 company prefix products' GTINs use
    CheckConstraint("id = 1", name="single_row"),
)

provenance_gtins = Table(
    "provenance_gtins",
    metadata,
    Column("gtin", String(14), primary_key=True),
    Column("product_id", UUID(as_uuid=False), ForeignKey("products.product_id"), nullable=False, unique=True),
)

provenance_entries = Table(
    "provenance_entries",
    metadata,
    Column("leaf_index", BigInteger, primary_key=True),
    Column("event_type", Text, nullable=False),
    Column("product_ids", ARRAY(UUID(as_uuid=False)), nullable=False),  # the shop's products it names
    Column("gtins", ARRAY(Text), nullable=False),  # every GTIN it names, upstream materials too
    Column("input_gtins", ARRAY(Text), nullable=False),  # a transformation's inputs...
    Column("output_gtins", ARRAY(Text), nullable=False),  # ...and outputs: the lineage of a product
    Column("canonical", LargeBinary, nullable=False),  # the RFC 8785 bytes the leaf hashes
    Column("leaf_hash", LargeBinary, nullable=False),
    Column("event_time", DateTime(timezone=True), nullable=False),
    Column("recorded_by", UUID(as_uuid=False), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Index(
        "ix_provenance_entries_gtins", "gtins", postgresql_using="gin", postgresql_with={"fastupdate": "off"}
    ),
    Index(
        "ix_provenance_entries_output_gtins",
        "output_gtins",
        postgresql_using="gin",
        postgresql_with={"fastupdate": "off"},
    ),
)

provenance_nodes = Table(
    "provenance_nodes",
    metadata,
    Column("level", SmallInteger, primary_key=True),
    Column("idx", BigInteger, primary_key=True),
    Column("hash", LargeBinary, nullable=False),
)

provenance_tree_heads = Table(
    "provenance_tree_heads",
    metadata,
    Column("tree_size", BigInteger, primary_key=True),
    Column("root_hash", LargeBinary, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("key_id", Text, nullable=False),
    Column("signature", LargeBinary, nullable=False),
)
