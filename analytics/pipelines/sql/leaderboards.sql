-- $as_of, $week_start and $month_start are bound by duckdb_reports.py.
WITH periods(period, period_start) AS (
    VALUES ('week', CAST($week_start AS TIMESTAMPTZ)), ('month', CAST($month_start AS TIMESTAMPTZ)),
           ('all', CAST(NULL AS TIMESTAMPTZ))
),
totals AS (
    SELECT p.period, p.period_start, f.customer_id,
           sum(f.saved_kg_co2e) AS saved, CAST(sum(f.points) AS DOUBLE) AS points
    FROM periods p JOIN facts f
      ON f.placed_at <= CAST($as_of AS TIMESTAMPTZ)
     AND (p.period_start IS NULL OR f.placed_at >= p.period_start)
    GROUP BY p.period, p.period_start, f.customer_id
),
boards AS (
    SELECT 'co2e-saved' AS board, period, period_start, customer_id, saved AS value FROM totals
    UNION ALL
    SELECT 'eco-points', period, period_start, customer_id, points FROM totals
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY board, period ORDER BY value DESC, customer_id) AS rank
    FROM boards
)
SELECT board, period, period_start, CAST(rank AS BIGINT) AS rank, customer_id, value
FROM ranked WHERE rank <= 100
ORDER BY CASE period WHEN 'week' THEN 0 WHEN 'month' THEN 1 ELSE 2 END,
         CASE board WHEN 'co2e-saved' THEN 0 ELSE 1 END, rank;
