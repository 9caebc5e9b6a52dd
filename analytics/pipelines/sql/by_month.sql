SELECT month, count(*) AS orders, sum(units) AS units, sum(kg_co2e) AS kg_co2e,
       sum(baseline_kg_co2e) AS baseline_kg_co2e, sum(saved_kg_co2e) AS saved_kg_co2e
FROM facts GROUP BY month ORDER BY month;
