-- Paid orders' lines with their footprint; lines recorded before footprints existed
-- (product_version 0) take the product's latest version. Rules: polars_reports.py.
--
-- A line carries the log position of its OrderPlaced event (unique in the log), which stands
-- for the order in every join here: integers instead of order ids. Only the paid check matches
-- order ids, since OrderPaid is an event of its own. Products are referred to by their row
-- (code) in `versions`, categories by category_code: the tables hold no strings, which are
-- costly to store, and the big group-bys run on integers.

-- Where a line finds its product: every version under its own number, the latest also under 0.
CREATE OR REPLACE TEMP TABLE versions AS
WITH latest AS (SELECT product_id, max(product_version) AS product_version FROM products GROUP BY product_id),
keyed AS (
    SELECT product_version AS asked, * FROM products WHERE product_version <> 0
    UNION ALL
    SELECT 0 AS asked, p.* FROM products p JOIN latest USING (product_id, product_version)
)
SELECT row_number() OVER () AS code, dense_rank() OVER (ORDER BY category) AS category_code, * FROM keyed;

CREATE OR REPLACE TEMP TABLE lines AS
WITH paid_orders AS (
    -- the month as in facts.sql; in_facts: the order's last mile can be rated, so it has facts
    SELECT o.position, CAST(date_trunc('month', make_timestamp(epoch_us(o.placed_at))) AS DATE) AS month,
           r.shipping_country IS NOT NULL AS in_facts
    FROM order_placed o
    SEMI JOIN order_paid p ON p.order_id = o.order_id
    LEFT JOIN rates r ON r.shipping_country = o.shipping_country AND r.shipping_method = o.shipping_method
)
SELECT l.position, o.month, o.in_facts, v.code, v.category_code,
       CASE WHEN l.product_version = 0 THEN v.product_version ELSE l.product_version END AS product_version,
       l.quantity, v.unit_kg_co2e,
       l.quantity * v.unit_kg_co2e AS kg_co2e,
       l.quantity * v.unit_baseline_kg_co2e AS baseline_kg_co2e,
       l.quantity * v.shipped_kg AS shipped_kg
FROM order_line l
JOIN paid_orders o USING (position)
LEFT JOIN versions v ON v.product_id = l.product_id AND v.asked = l.product_version;

-- An order with a line that cannot be rated is left out whole.
DELETE FROM lines WHERE position IN (SELECT position FROM lines WHERE unit_kg_co2e IS NULL);
