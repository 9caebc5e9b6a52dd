-- The lines of orders that have facts (whose last mile could be rated), by category code
-- (see lines.sql), then named.
WITH per_code AS (
    SELECT category_code, month, sum(quantity) AS units, sum(kg_co2e) AS kg_co2e,
           sum(baseline_kg_co2e) AS baseline_kg_co2e, sum(baseline_kg_co2e - kg_co2e) AS saved_kg_co2e
    FROM lines WHERE in_facts
    GROUP BY category_code, month
)
SELECT v.category, c.month, c.units, c.kg_co2e, c.baseline_kg_co2e, c.saved_kg_co2e
FROM per_code c JOIN (SELECT DISTINCT category_code, category FROM versions) v USING (category_code)
ORDER BY v.category, c.month;
