-- Paid orders' lines with their footprint; lines recorded before footprints existed
-- (product_version 0) take the product's latest version. Rules: polars_reports.py.
CREATE OR REPLACE TEMP VIEW lines AS
WITH latest AS (SELECT product_id, max(product_version) AS latest FROM products GROUP BY product_id),
versioned AS (
    SELECT l.order_id, l.product_id, l.quantity,
           CASE WHEN l.product_version = 0 THEN latest.latest ELSE l.product_version END AS product_version
    FROM order_line l LEFT JOIN latest USING (product_id)
)
,
rated AS (
    SELECT v.order_id, v.product_id, v.product_version, v.quantity, p.category, p.unit_kg_co2e,
           v.quantity * p.unit_kg_co2e AS kg_co2e,
           v.quantity * p.unit_baseline_kg_co2e AS baseline_kg_co2e,
           v.quantity * p.shipped_kg AS shipped_kg
    FROM versioned v
    LEFT JOIN products p USING (product_id, product_version)
    WHERE v.order_id IN (SELECT order_id FROM order_paid)
)
-- An order with a line that cannot be rated is left out whole.
SELECT order_id, product_id, product_version, quantity, category, kg_co2e, baseline_kg_co2e, shipped_kg
FROM rated
WHERE order_id NOT IN (SELECT order_id FROM rated WHERE unit_kg_co2e IS NULL);
