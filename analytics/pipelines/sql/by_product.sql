-- By product version (an integer code, see lines.sql), then by product.
WITH per_code AS (
    SELECT code, sum(quantity) AS units, sum(kg_co2e) AS kg_co2e, sum(baseline_kg_co2e) AS baseline_kg_co2e,
           sum(baseline_kg_co2e - kg_co2e) AS saved_kg_co2e
    FROM lines GROUP BY code
)
SELECT v.product_id, sum(c.units) AS units, sum(c.kg_co2e) AS kg_co2e,
       sum(c.baseline_kg_co2e) AS baseline_kg_co2e, sum(c.saved_kg_co2e) AS saved_kg_co2e
FROM per_code c JOIN versions v USING (code)
GROUP BY v.product_id ORDER BY v.product_id;
