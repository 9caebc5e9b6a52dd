SELECT product_id, sum(quantity) AS units, sum(kg_co2e) AS kg_co2e,
       sum(baseline_kg_co2e) AS baseline_kg_co2e, sum(baseline_kg_co2e - kg_co2e) AS saved_kg_co2e
FROM lines GROUP BY product_id ORDER BY product_id;
