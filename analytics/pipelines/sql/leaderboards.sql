-- The top customers per board and period (customers.sql holds each period's sums);
-- ties go to the lower customer id. $week_start and $month_start are bound by duckdb_reports.py.
-- Customers whose latest choice was not to appear, and erased customers, are on no board.
WITH hidden AS (
    SELECT customer_id FROM visibility_changed GROUP BY customer_id HAVING NOT arg_max(visible, position)
    UNION
    SELECT customer_id FROM customer_erased
),
shown AS (
    SELECT * FROM customers WHERE customer_id NOT IN (SELECT customer_id FROM hidden)
),
boards AS (
    (SELECT 0 AS p, 0 AS b, customer_id, round(saved_week, 4) AS value FROM shown WHERE in_week
     ORDER BY value DESC, customer_id LIMIT 100)
    UNION ALL
    (SELECT 0, 1, customer_id, points_week FROM shown WHERE in_week
     ORDER BY points_week DESC, customer_id LIMIT 100)
    UNION ALL
    (SELECT 1, 0, customer_id, round(saved_month, 4) FROM shown WHERE in_month
     ORDER BY round(saved_month, 4) DESC, customer_id LIMIT 100)
    UNION ALL
    (SELECT 1, 1, customer_id, points_month FROM shown WHERE in_month
     ORDER BY points_month DESC, customer_id LIMIT 100)
    UNION ALL
    (SELECT 2, 0, customer_id, round(saved_all, 4) FROM shown WHERE in_all
     ORDER BY round(saved_all, 4) DESC, customer_id LIMIT 100)
    UNION ALL
    (SELECT 2, 1, customer_id, points_all FROM shown WHERE in_all
     ORDER BY points_all DESC, customer_id LIMIT 100)
)
SELECT CASE b WHEN 0 THEN 'co2e-saved' ELSE 'eco-points' END AS board,
       CASE p WHEN 0 THEN 'week' WHEN 1 THEN 'month' ELSE 'all' END AS period,
       CASE p WHEN 0 THEN CAST($week_start AS TIMESTAMPTZ) WHEN 1 THEN CAST($month_start AS TIMESTAMPTZ) END
           AS period_start,
       CAST(row_number() OVER (PARTITION BY p, b ORDER BY value DESC, customer_id) AS BIGINT) AS rank,
       customer_id, value
FROM boards
ORDER BY p, b, rank;
