-- One row per paid order: footprint, baseline, savings, eco points, month and ISO week.
-- Eco points are the ledger's: earned less reversed per order (0 until delivered).
-- Orders are joined by the log position of their OrderPlaced event (see lines.sql). Months and
-- weeks are cut from placed_at as a UTC wall time (the connection's time zone is UTC): the same
-- days as date_trunc on the TIMESTAMPTZ, without its time-zone arithmetic, which costs ten times more.
CREATE OR REPLACE TEMP TABLE facts AS
WITH per_order AS (
    SELECT position, sum(quantity) AS units, sum(kg_co2e) AS products_kg_co2e,
           sum(baseline_kg_co2e) AS products_baseline_kg_co2e, sum(shipped_kg) AS shipped_kg
    FROM lines GROUP BY position
),
kept AS (
    SELECT e.order_id, e.points - coalesce(r.points, 0) AS points
    FROM (SELECT order_id, sum(points) AS points FROM eco_points_earned GROUP BY order_id) e
    LEFT JOIN (SELECT order_id, sum(points) AS points FROM eco_points_reversed GROUP BY order_id) r USING (order_id)
),
shipped AS (
    SELECT o.position, o.order_id, o.customer_id, o.placed_at, o.shipping_country, o.shipping_method,
           p.units, p.products_kg_co2e, p.products_baseline_kg_co2e, p.shipped_kg,
           r.parcel_kg_co2e + p.shipped_kg * r.per_kg_co2e AS shipping_kg_co2e
    FROM order_placed o
    JOIN per_order p USING (position)
    JOIN rates r USING (shipping_country, shipping_method)
)
SELECT shipped.*,
       products_kg_co2e + shipping_kg_co2e AS kg_co2e,
       products_baseline_kg_co2e + shipping_kg_co2e AS baseline_kg_co2e,
       products_baseline_kg_co2e - products_kg_co2e AS saved_kg_co2e,
       CAST(coalesce(kept.points, 0) AS BIGINT) AS points,
       CAST(date_trunc('month', make_timestamp(epoch_us(placed_at))) AS DATE) AS month,
       CAST(date_trunc('week', make_timestamp(epoch_us(placed_at))) AS DATE) AS week
FROM shipped LEFT JOIN kept USING (order_id);
