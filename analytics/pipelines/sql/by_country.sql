SELECT shipping_country, count(*) AS orders, sum(units) AS units, sum(kg_co2e) AS kg_co2e,
       sum(baseline_kg_co2e) AS baseline_kg_co2e, sum(saved_kg_co2e) AS saved_kg_co2e
FROM facts GROUP BY shipping_country ORDER BY shipping_country;
