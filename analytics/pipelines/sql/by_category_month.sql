SELECT l.category, f.month, sum(l.quantity) AS units, sum(l.kg_co2e) AS kg_co2e,
       sum(l.baseline_kg_co2e) AS baseline_kg_co2e, sum(l.baseline_kg_co2e - l.kg_co2e) AS saved_kg_co2e
FROM lines l JOIN facts f USING (order_id)
GROUP BY l.category, f.month ORDER BY l.category, f.month;
