-- Per customer, in one pass over the facts: the totals, the first order's month, and each
-- leaderboard period's sums. $as_of, $week_start and $month_start are bound by duckdb_reports.py.
CREATE OR REPLACE TEMP TABLE customers AS
WITH windowed AS (
    SELECT *,
           placed_at <= CAST($as_of AS TIMESTAMPTZ) AS in_all,
           placed_at <= CAST($as_of AS TIMESTAMPTZ) AND placed_at >= CAST($month_start AS TIMESTAMPTZ) AS in_month,
           placed_at <= CAST($as_of AS TIMESTAMPTZ) AND placed_at >= CAST($week_start AS TIMESTAMPTZ) AS in_week
    FROM facts
)
SELECT customer_id, count(*) AS orders, sum(units) AS units, sum(kg_co2e) AS kg_co2e,
       sum(baseline_kg_co2e) AS baseline_kg_co2e, sum(saved_kg_co2e) AS saved_kg_co2e,
       sum(points) AS points, min(month) AS first_order_month,
       sum(saved_kg_co2e) FILTER (WHERE in_week) AS saved_week,
       CAST(sum(points) FILTER (WHERE in_week) AS DOUBLE) AS points_week,
       bool_or(in_week) AS in_week,
       sum(saved_kg_co2e) FILTER (WHERE in_month) AS saved_month,
       CAST(sum(points) FILTER (WHERE in_month) AS DOUBLE) AS points_month,
       bool_or(in_month) AS in_month,
       sum(saved_kg_co2e) FILTER (WHERE in_all) AS saved_all,
       CAST(sum(points) FILTER (WHERE in_all) AS DOUBLE) AS points_all,
       bool_or(in_all) AS in_all,
       row_number() OVER () AS customer_no
FROM windowed GROUP BY customer_id;
