"""provenance: the RFC 9162 transparency log of EPCIS events, products' GTINs, their suppliers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 952: GS1's prefix range for demonstrations, never a real company's.
DEMO_COMPANY_PREFIX = "952012"
_APPEND_ONLY = ("provenance_entries", "provenance_nodes", "provenance_tree_heads")


def upgrade() -> None:
    op.add_column("products", sa.Column("supplier_id", postgresql.UUID(as_uuid=False)))
    op.create_table(
        "provenance_log",
        sa.Column("id", sa.SmallInteger(), primary_key=True),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("edge", postgresql.ARRAY(sa.LargeBinary()), server_default="{}", nullable=False),
        sa.Column("company_prefix", sa.Text(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_provenance_log_single_row")),
    )
    op.execute(f"INSERT INTO provenance_log (id, tree_size, company_prefix) VALUES (1, 0, '{DEMO_COMPANY_PREFIX}')")
    op.create_table(
        "provenance_gtins",
        sa.Column("gtin", sa.String(14), primary_key=True),
        sa.Column(
            "product_id",
            postgresql.UUID(as_uuid=False),
            sa.ForeignKey("products.product_id"),
            nullable=False,
            unique=True,
        ),
    )
    op.execute("CREATE SEQUENCE provenance_item_seq")
    # The GS1 check digit: weights 3, 1, 3, ... from the right of the digits before it.
    op.execute(
        """
        CREATE FUNCTION gs1_check_digit(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
            SELECT ((10 - sum(substr(reverse(body), i, 1)::int * CASE WHEN i % 2 = 1 THEN 3 ELSE 1 END) % 10)
                    % 10)::text
            FROM generate_series(1, length(body)) AS i
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION next_gtin() RETURNS text LANGUAGE sql AS $$
            SELECT body || gs1_check_digit(body) FROM (
                SELECT '0' || company_prefix
                       || lpad(nextval('provenance_item_seq')::text, 12 - length(company_prefix), '0') AS body
                FROM provenance_log WHERE id = 1
            ) AS b
        $$
        """
    )
    op.execute(
        "INSERT INTO provenance_gtins (gtin, product_id) "
        "SELECT next_gtin(), product_id FROM (SELECT product_id FROM products ORDER BY created_at, product_id) p"
    )
    op.create_table(
        "provenance_entries",
        sa.Column("leaf_index", sa.BigInteger(), primary_key=True),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("product_ids", postgresql.ARRAY(postgresql.UUID(as_uuid=False)), nullable=False),
        sa.Column("gtins", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("input_gtins", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("output_gtins", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("canonical", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(), nullable=False),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", postgresql.UUID(as_uuid=False), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    # fastupdate off: a pending list of new entries would be scanned by every timeline until a vacuum.
    op.create_index(
        "ix_provenance_entries_gtins",
        "provenance_entries",
        ["gtins"],
        postgresql_using="gin",
        postgresql_with={"fastupdate": "off"},
    )
    op.create_index(
        "ix_provenance_entries_output_gtins",
        "provenance_entries",
        ["output_gtins"],
        postgresql_using="gin",
        postgresql_with={"fastupdate": "off"},
    )
    op.create_table(
        "provenance_nodes",
        sa.Column("level", sa.SmallInteger(), primary_key=True),
        sa.Column("idx", sa.BigInteger(), primary_key=True),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "provenance_tree_heads",
        sa.Column("tree_size", sa.BigInteger(), primary_key=True),
        sa.Column("root_hash", sa.LargeBinary(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.Text(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
    )
    op.execute(
        """
        CREATE FUNCTION provenance_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the provenance log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
        END $$
        """
    )
    for table in _APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION provenance_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION provenance_append_only()"
        )


def downgrade() -> None:
    for table in reversed(_APPEND_ONLY):
        op.drop_table(table)
    op.execute("DROP FUNCTION provenance_append_only()")
    op.drop_table("provenance_gtins")
    op.execute("DROP FUNCTION next_gtin()")
    op.execute("DROP FUNCTION gs1_check_digit(text)")
    op.execute("DROP SEQUENCE provenance_item_seq")
    op.drop_table("provenance_log")
    op.drop_column("products", "supplier_id")
